"""The reference library's admin: retracted references, authors as text, duplicates, exports."""

import pytest
from django.urls import reverse

from blog.models import Post
from clinic.publishing import Status
from tests import factories
from tests.personas import PASSWORD

pytestmark = pytest.mark.django_db

RETRACTED_URL = reverse("admin:clinic_reference_retracted")


@pytest.mark.parametrize(
    ("username", "status"),
    [(None, 302), ("visitor", 302), ("practitioner", 200), ("editor", 200)],
)
def test_retracted_list_permissions(client, personas, username, status):
    if username:
        assert client.login(username=username, password=PASSWORD)
    assert client.get(RETRACTED_URL).status_code == status


def test_retracted_list_names_every_citing_page_and_public_pages_flag_it(client, personas):
    bad = factories.ReferenceFactory(key="wakefield1998")
    good = factories.ReferenceFactory(key="good2020")
    draft = factories.PostFactory(
        title="Draft citing it", status=Status.DRAFT, body="[@wakefield1998]"
    )
    post = factories.PostFactory(title="Published citing it", body="Claim [@wakefield1998].")
    condition = factories.ConditionFactory(name="Condition citing it")
    factories.attach(draft, bad)
    factories.attach(post, bad, good)
    factories.attach(condition, bad)
    factories.attach(factories.PostFactory(title="Clean page"), good)

    # Retracting the reference in the admin flags it on every page that cites it.
    assert client.login(username="editor", password=PASSWORD)
    change = client.get(bad.get_admin_url())
    form = change.context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(retracted="on", retraction_note="Retracted by the journal in 2010.")
    response = client.post(bad.get_admin_url(), data)
    assert response.status_code == 302, response.context["adminform"].form.errors

    html = client.get(RETRACTED_URL).content.decode()
    for title in ("Draft citing it", "Published citing it", "Condition citing it"):
        assert title in html
    assert "Clean page" not in html
    assert "Retracted by the journal in 2010." in html

    client.logout()
    for page in (Post.objects.get(pk=post.pk), condition):
        page_html = client.get(page.get_absolute_url()).content.decode()
        assert "Retracted or superseded: Retracted by the journal in 2010." in page_html
