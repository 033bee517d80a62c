"""Condition pages in the admin: free introduction, author, reviewer rules, slug clashes."""

import pytest
from django.urls import reverse

from clinic.pages import workflow
from clinic.pages.publishing import Status
from conditions.models import Condition
from tests import factories
from tests.personas import PASSWORD

pytestmark = pytest.mark.usefixtures("clinic")


def condition_data(**overrides):
    data = {
        "name": "Sciatica",
        "slug": "sciatica",
        "alternative_names": "",
        "summary": "",
        "introduction": "Sciatica is pain that runs down the leg.",
        "reference_links-TOTAL_FORMS": "0",
        "reference_links-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def test_introduction_comes_first_without_a_heading(db):
    condition = factories.ConditionFactory(
        introduction="Plain words first.", overview="", symptoms="Pain."
    )
    assert condition.body_html.startswith("<p>Plain words first.</p>")
    assert "Overview" not in condition.body_html
    assert condition.body_html.index("Plain words first.") < condition.body_html.index("Symptoms")


def test_condition_page_shows_its_author(client, personas):
    condition = factories.ConditionFactory(author=personas.practitioner)
    html = client.get(condition.get_absolute_url()).content.decode()
    assert f'By <a href="{personas.practitioner.get_absolute_url()}">' in html
    assert "About the author" in html


def test_practitioner_condition_is_signed_with_their_profile(client, personas):
    client.login(username="practitioner", password=PASSWORD)
    response = client.post(reverse("admin:conditions_condition_add"), condition_data())
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    assert Condition.objects.get(slug="sciatica").author == personas.practitioner


def test_reviewer_must_not_be_the_author(client, personas):
    condition = factories.ConditionFactory(author=personas.practitioner)
    with pytest.raises(workflow.WorkflowError, match="cannot be its medical reviewer"):
        workflow.mark_reviewed(page=condition, by=personas.editor, reviewer=personas.practitioner)
    client.login(username="editor", password=PASSWORD)
    response = client.post(
        reverse("admin:conditions_condition_workflow", args=[condition.pk, "mark_reviewed"]),
        {"reviewer": personas.practitioner.pk},
        follow=True,
    )
    assert "cannot be its medical reviewer" in response.content.decode()
    condition.refresh_from_db()
    assert condition.last_reviewed is None
    other = factories.PractitionerFactory(name="Second Opinion")
    workflow.mark_reviewed(page=condition, by=personas.editor, reviewer=other)
    condition.refresh_from_db()
    assert condition.medically_reviewed_by == other


def test_slug_clash_names_and_links_the_holder(client, personas):
    holder = factories.ConditionFactory(name="Sciatica", slug="sciatica", status=Status.DRAFT)
    client.login(username="editor", password=PASSWORD)
    response = client.post(
        reverse("admin:conditions_condition_add"), condition_data(name="Sciatica pain")
    )
    assert response.status_code == 200
    link = reverse("admin:conditions_condition_change", args=[holder.pk])
    assert (
        f"The address “sciatica” is already used by the condition "
        f'<a href="{link}">Sciatica</a>.' in response.content.decode()
    )
    assert Condition.objects.count() == 1
