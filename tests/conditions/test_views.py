import pytest
from django.urls import reverse

from clinic.pages.publishing import Status
from tests import factories

pytestmark = pytest.mark.usefixtures("clinic")


@pytest.mark.parametrize("count", [1, 50])
def test_a_to_z_groups_by_letter(client, db, django_assert_num_queries, count):
    factories.ConditionFactory(name="Back pain", slug="back-pain", alternative_names="lumbago")
    factories.ConditionFactory(name="Anxiety")
    factories.ConditionFactory.create_batch(count - 1)
    factories.ConditionFactory(name="Neck pain", status=Status.DRAFT)
    with django_assert_num_queries(2):
        response = client.get(reverse("conditions:index"))
    html = response.content.decode()
    assert html.index('id="letter-A"') < html.index('id="letter-B"')
    assert '<a href="/conditions/back-pain/">Back pain</a>' in html
    assert "(also called lumbago)" in html
    assert "Neck pain" not in html


@pytest.mark.parametrize("references", [1, 50])
def test_condition_page_sections_toc_references_and_related(
    client, db, django_assert_num_queries, references
):
    condition = factories.ConditionFactory(
        name="Back pain",
        slug="back-pain",
        overview="Common [@ref0].",
        when_to_seek_help="::: emergency\n- numbness\n:::",
        evidence="Trials [@ref1].",
    )
    factories.attach(
        condition, *[factories.ReferenceFactory(key=f"ref{n}") for n in range(references)]
    )
    related = factories.PostFactory(title="Acupuncture for back pain")
    related.conditions.add(condition)
    factories.PostFactory(title="Draft about backs", status=Status.DRAFT).conditions.add(condition)
    # condition with author and reviewer, related posts, settings
    with django_assert_num_queries(3):
        response = client.get(reverse("conditions:condition", args=["back-pain"]))
    html = response.content.decode()
    assert '<a href="#when-to-seek-help">When to seek help</a>' in html
    assert '<h2 id="when-to-seek-help">When to seek help</h2>' in html
    assert 'class="callout callout-emergency"' in html
    assert html.count('class="reference-text"') == references
    assert "Acupuncture for back pain" in html
    assert "Draft about backs" not in html


def test_unpublished_condition_is_404(client, db):
    condition = factories.ConditionFactory(status=Status.IN_REVIEW)
    assert client.get(condition.get_absolute_url()).status_code == 404
