"""The reference library's admin: retracted references, authors as text, duplicates, exports."""

import pytest
from django.urls import reverse

from blog.models import Post
from clinic.models import Reference
from clinic.pages.publishing import Status
from tests import factories
from tests.personas import PASSWORD, admin_login_url

pytestmark = pytest.mark.django_db

RETRACTED_URL = reverse("admin:clinic_reference_retracted")
ADD_URL = reverse("admin:clinic_reference_add")


def form_data(client, url):
    """What the browser would post back from the admin form at ``url``, unchanged."""
    form = client.get(url).context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = field.prepare_value(form[name].value())
        if value not in (None, False):
            data[name] = "on" if value is True else value
    return data


@pytest.mark.parametrize(
    ("username", "status"),
    [(None, 302), ("visitor", 302), ("practitioner", 200), ("editor", 200)],
)
def test_retracted_list_permissions(client, personas, username, status):
    if username:
        assert client.login(username=username, password=PASSWORD)
    response = client.get(RETRACTED_URL)
    assert response.status_code == status
    if status == 302:
        assert response["Location"] == admin_login_url(RETRACTED_URL)


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
    data = form_data(client, bad.get_admin_url())
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


def test_authors_are_edited_as_lines(client, personas):
    assert client.login(username="practitioner", password=PASSWORD)
    response = client.post(
        ADD_URL,
        {
            "type": "article-journal",
            "title": "Acupuncture for chronic headache",
            "authors": "Vickers, AJ\nRees RW\n{Royal College of Physicians, London}\n"
            "Müller-Öz, Jürgen\nNICE\net al.",
            "year": "2004",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    reference = Reference.objects.get()
    assert reference.authors == [
        {"family": "Vickers", "given": "AJ"},
        {"family": "Rees", "given": "RW"},
        {"literal": "Royal College of Physicians, London"},
        {"family": "Müller-Öz", "given": "Jürgen"},
        {"literal": "NICE"},
    ]
    assert reference.authors_et_al
    assert reference.key == "vickers2004"
    # The change form shows them back as lines, and saving it unchanged keeps them.
    data = form_data(client, reference.get_admin_url())
    assert data["authors"] == (
        "Vickers, AJ\nRees, RW\n{Royal College of Physicians, London}\nMüller-Öz, Jürgen\nNICE"
    )
    assert client.post(reference.get_admin_url(), data).status_code == 302
    reference.refresh_from_db()
    assert len(reference.authors) == 5


def test_an_article_without_author_is_saved_with_a_warning_never_invented(client, personas):
    # Editorials and guidelines name no author: saved as they are, with a warning.
    assert client.login(username="practitioner", password=PASSWORD)
    data = {"type": "article-journal", "title": "Editorial: needles", "authors": " "}
    response = client.post(ADD_URL, data, follow=True)
    assert "Saved without an author" in response.content.decode()
    assert Reference.objects.get().authors == []


def test_a_reference_needs_a_title_or_a_journal(client, personas):
    assert client.login(username="practitioner", password=PASSWORD)
    response = client.post(ADD_URL, {"type": "article-journal", "authors": "Smith, J"})
    assert "Add the title, or at least the journal or book it appeared in." in (
        response.content.decode()
    )
    assert not Reference.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"doi": "https://doi.org/10.1001/ARCHINTERNMED.2009.65"}, "doi", "with this DOI"),
        ({"pmid": "PMID: 19433697"}, "pmid", "with this PMID"),
        (
            # Case, accents, dashes and punctuation do not make a new title.
            {"title": "A RANDOMIZED trial comparing acupuncture — simulated acupuncture"},
            "title",
            "with this title and year",
        ),
        (
            # The journal by its abbreviation, the page range shortened: the same article.
            {"container_title": "Arch Intern Med", "volume": "169", "pages": "858-66"},
            "pages",
            "with this journal, year, volume and first page",
        ),
        (
            {"container_title": "ARCHIVES OF INTERNAL MEDICINE.", "volume": "169", "pages": "858"},
            "pages",
            "with this journal, year, volume and first page",
        ),
    ],
)
def test_a_copy_is_refused_and_the_existing_record_offered(
    client, personas, fields, field, message
):
    existing = factories.ReferenceFactory(
        key="cherkin2009",
        title="A randomized trial comparing acupuncture, simulated acupuncture.",
        container_title="Archives of Internal Medicine",
        container_title_short="Arch Intern Med",
        year=2009,
        volume="169",
        pages="858-866",
        doi="10.1001/archinternmed.2009.65",
        pmid="19433697",
    )
    assert client.login(username="practitioner", password=PASSWORD)
    data = {"type": "article-journal", "title": "Other", "authors": "Cherkin, DC", "year": "2009"}
    response = client.post(ADD_URL, {**data, **fields})
    html = response.content.decode()
    assert response.status_code == 200
    link = f'already in the library: <a href="{existing.get_admin_url()}">cherkin2009</a>'
    # Beside the field that matched, with a link to the record to cite instead.
    errors = response.context["adminform"].form.errors
    assert list(errors) == [field]
    assert link in errors[field][0]
    assert message in errors[field][0]
    assert link in html
    assert Reference.objects.count() == 1
    # Editing the existing record itself is not a copy of itself.
    data = form_data(client, existing.get_admin_url())
    assert client.post(existing.get_admin_url(), data).status_code == 302


@pytest.mark.parametrize(
    "fields",
    [
        {"container_title": "Arch Intern Med", "volume": "169", "pages": "859-866"},
        {"container_title": "Arch Intern Med", "volume": "170", "pages": "858-866"},
        {"container_title": "Ann Intern Med", "volume": "169", "pages": "858-866"},
        {
            "title": "A randomized trial comparing acupuncture, simulated acupuncture",
            "year": "2010",
        },
    ],
)
def test_a_different_source_is_not_taken_for_a_copy(client, personas, fields):
    factories.ReferenceFactory(
        key="cherkin2009",
        title="A randomized trial comparing acupuncture, simulated acupuncture.",
        container_title="Archives of Internal Medicine",
        container_title_short="Arch Intern Med",
        year=2009,
        volume="169",
        pages="858-866",
    )
    assert client.login(username="practitioner", password=PASSWORD)
    data = {"type": "article-journal", "title": "Other", "authors": "Cherkin, DC", "year": "2009"}
    response = client.post(ADD_URL, {**data, **fields})
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Reference.objects.count() == 2


def test_retracted_filter(client, personas):
    factories.ReferenceFactory(title="Withdrawn study", retracted=True)
    factories.ReferenceFactory(title="Sound study")
    assert client.login(username="editor", password=PASSWORD)
    url = reverse("admin:clinic_reference_changelist") + "?retracted__exact=1"
    html = client.get(url).content.decode()
    assert "Withdrawn study" in html
    assert "Sound study" not in html
