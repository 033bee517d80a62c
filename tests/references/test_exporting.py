"""Reference exports: readers' downloads on public pages, the admin actions, and round trips."""

import datetime
import json

import pytest
from django.urls import reverse

from clinic.models import Reference
from clinic.pages.publishing import Status
from clinic.references import exporting, importing
from tests import factories
from tests.personas import PASSWORD

pytestmark = pytest.mark.django_db


def varied_references():
    """One of each kind that a round trip could lose something of, cleaned as the form does."""
    references = [
        Reference(
            key="cherkin2009",
            authors=[
                {"family": "Cherkin", "given": "DC"},
                {"family": "Sherman", "given": "KJ"},
                {"family": "Avins", "given": "AL"},
            ],
            authors_et_al=True,
            title="A randomized trial comparing acupuncture, simulated acupuncture, and usual care",
            container_title="Archives of Internal Medicine",
            container_title_short="Arch Intern Med",
            year=2009,
            month=5,
            day=11,
            volume="169",
            issue="9",
            pages="858-866",
            doi="10.1001/archinternmed.2009.65",
            pmid="19433697",
            pmcid="PMC2832641",
        ),
        Reference(
            key="nice2016",
            type=Reference.Type.GUIDELINE,
            authors=[{"literal": "National Institute for Health and Care Excellence"}],
            title="Low back pain and sciatica in over 16s: assessment and management",
            publisher="NICE",
            year=2016,
            url="https://www.nice.org.uk/guidance/ng59",
            accessed=datetime.date(2024, 1, 15),
        ),
        Reference(
            key="muller2021",
            authors=[{"family": "Müller", "given": "Jürgen"}, {"family": "Åberg", "given": "É"}],
            title="Akupunktur bei Kopfschmerz: eine Übersicht",
            container_title="Cochrane Database Syst Rev",
            year=2021,
            article_number="CD001218",
            doi="10.1002/14651858.CD001218.pub3",
        ),
        Reference(
            key="white2008",
            type=Reference.Type.BOOK,
            authors=[{"family": "White", "given": "A"}, {"family": "Cummings", "given": "M"}],
            title="An introduction to Western medical acupuncture",
            publisher="Churchill Livingstone",
            year=2008,
        ),
    ]
    for reference in references:
        reference.full_clean(validate_unique=False)
    return references


def comparable(reference: Reference) -> dict:
    return reference.to_csl()


@pytest.mark.parametrize("fmt", sorted(exporting.EXPORT_FORMATS))
def test_export_then_import_gives_the_same_records(fmt):
    originals = varied_references()
    text = exporting.export(originals, fmt)
    _, candidates = importing.preview(text)
    assert [c.errors for c in candidates] == [[] for _ in originals]
    for original, candidate in zip(originals, candidates, strict=True):
        assert comparable(candidate.reference) == comparable(original)


def test_export_then_import_through_the_admin(client, personas):
    """The admin action's file, imported into an empty library, recreates the library."""
    for reference in varied_references():
        reference.save()
    before = {ref.key: comparable(ref) for ref in Reference.objects.all()}
    assert client.login(username="editor", password=PASSWORD)
    changelist = reverse("admin:clinic_reference_changelist")
    response = client.post(
        changelist,
        {
            "action": "export_bibtex",
            "_selected_action": list(Reference.objects.values_list("pk", flat=True)),
        },
    )
    assert response["Content-Disposition"] == 'attachment; filename="references.bib"'
    Reference.objects.all().delete()
    upload = response.content.decode()
    html = client.post(reverse("admin:clinic_reference_import"), {"text": upload}).content
    payload = html.decode().split('name="payload" value="')[1].split('"')[0]
    client.post(
        reverse("admin:clinic_reference_import"),
        {"payload": payload, "chosen": ["1", "2", "3", "4"]},
    )
    after = {ref.key: comparable(ref) for ref in Reference.objects.all()}
    assert after == before


@pytest.mark.parametrize(
    ("fmt", "content_type", "start"),
    [
        ("ris", "application/x-research-info-systems", "TY  - "),
        ("bib", "application/x-bibtex", "@"),
        ("json", "application/vnd.citationstyles.csl+json", "["),
    ],
)
def test_admin_export_actions(client, personas, fmt, content_type, start):
    chosen = factories.ReferenceFactory(title="Chosen one")
    factories.ReferenceFactory(title="Not chosen")
    assert client.login(username="practitioner", password=PASSWORD)
    action = {"ris": "export_ris", "bib": "export_bibtex", "json": "export_csl_json"}[fmt]
    response = client.post(
        reverse("admin:clinic_reference_changelist"),
        {"action": action, "_selected_action": [chosen.pk]},
    )
    assert response["Content-Type"] == f"{content_type}; charset=utf-8"
    body = response.content.decode()
    assert body.lstrip().startswith(start)
    assert "Chosen one" in body
    assert "Not chosen" not in body


@pytest.mark.parametrize("references", [1, 50])
def test_public_download_in_page_order(client, django_assert_num_queries, references):
    """Guards the N+1 of each reference's row: one query for the page, one for its references."""
    refs = [factories.ReferenceFactory(key=f"ref{n}") for n in range(references)]
    cited_last = refs[-1].key
    post = factories.PostFactory(slug="needling", body=f"First [@{cited_last}], then [@ref0].")
    factories.attach(post, *refs)
    url = reverse("blog:references", args=["needling", "json"])
    with django_assert_num_queries(2):
        response = client.get(url)
    assert response["Content-Disposition"] == 'attachment; filename="needling-references.json"'
    ids = [item["id"] for item in json.loads(response.content)]
    # Numbered as on the page: cited in order of first citation, then the uncited.
    expected = [cited_last, "ref0"] if references > 1 else ["ref0"]
    expected += [ref.key for ref in refs[1:-1]]
    assert ids == expected


def test_condition_download_and_links_on_the_page(client):
    condition = factories.ConditionFactory(slug="back-pain", overview="Helps [@smith1].")
    factories.attach(condition, factories.ReferenceFactory(key="smith1", title="Needles"))
    html = client.get(condition.get_absolute_url()).content.decode()
    assert "Download these references" in html
    for fmt in ("ris", "bib", "json"):
        url = f"/conditions/back-pain/references.{fmt}"
        assert f'href="{url}"' in html
        response = client.get(url)
        assert response.status_code == 200
        assert "Needles" in response.content.decode()


@pytest.mark.parametrize(
    "fields",
    [
        {"status": Status.DRAFT},
        {"status": Status.PUBLISHED, "published_at": None},
        {
            "status": Status.PUBLISHED,
            "published_at": datetime.datetime(2999, 1, 1, tzinfo=datetime.UTC),
        },
    ],
)
def test_hidden_pages_have_no_downloads(client, fields):
    post = factories.PostFactory(slug="secret", body="[@a1]", **fields)
    factories.attach(post, factories.ReferenceFactory(key="a1"))
    condition = factories.ConditionFactory(slug="secret-condition", overview="[@a1]", **fields)
    factories.attach(condition, Reference.objects.get(key="a1"))
    assert client.get("/blog/secret/references.ris").status_code == 404
    assert client.get("/conditions/secret-condition/references.ris").status_code == 404


def test_unknown_format_and_pages_without_references(client):
    post = factories.PostFactory(slug="plain")
    assert client.get("/blog/plain/references.ris").status_code == 404
    assert "Download these references" not in client.get(post.get_absolute_url()).content.decode()
    factories.attach(post, factories.ReferenceFactory())
    assert client.get("/blog/plain/references.ris").status_code == 200
    assert client.get("/blog/plain/references.xml").status_code == 404
