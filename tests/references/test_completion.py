"""Completion from PubMed and Crossref, against the local fake services (never the network)."""

import socket

import pytest

from clinic.models import Reference
from clinic.references import completion
from tests.fake_services import fake_services  # noqa: F401 (a fixture)


def test_by_pmid_reads_pubmed_esummary(fake_services):  # noqa: F811
    found = completion.complete({"PMID": "PMID: 19433697"})
    assert found.source == "PubMed, by PMID 19433697"
    csl = found.csl
    assert csl["title"] == (
        "A randomized trial comparing acupuncture, simulated acupuncture, and usual care for "
        "chronic low back pain"
    )
    assert csl["author"][0] == {"family": "Cherkin", "given": "DC"}
    assert csl["container-title-short"] == "Arch Intern Med"
    assert csl["issued"] == {"date-parts": [[2009, 5, 11]]}
    assert (csl["volume"], csl["issue"], csl["page"]) == ("169", "9", "858-866")
    assert (csl["DOI"], csl["PMCID"]) == ("10.1001/archinternmed.2009.65", "PMC2832641")
    path, query = fake_services.requests[-1]
    assert path == "/eutils/esummary.fcgi"
    # NCBI asks for the tool, a contact address and (for more requests a second) the API key.
    assert query == {
        "db": "pubmed",
        "id": "19433697",
        "retmode": "json",
        "tool": "clinic-site",
        "email": "web@clinic.example",
        "api_key": "test-key",
    }


def test_by_pmcid_converts_then_reads_pubmed(fake_services):  # noqa: F811
    found = completion.complete({"PMCID": "PMC2832641"})
    assert found.source == "PubMed, by PMCID PMC2832641 → PMID 19433697"
    assert [path for path, _ in fake_services.requests] == ["/idconv/", "/eutils/esummary.fcgi"]


def test_by_doi_reads_crossref(fake_services):  # noqa: F811
    found = completion.complete({"DOI": "https://doi.org/10.3389/FNINS.2021.730322"})
    assert found.source == "Crossref, by DOI 10.3389/fnins.2021.730322"
    assert found.csl["title"].startswith("Neuroimaging Studies of Acupuncture")
    assert found.csl["author"][0] == {"family": "Wen", "given": "Qiao"}
    assert found.csl["number"] == "730322"
    assert found.csl["issued"] == {"date-parts": [[2021, 9, 20]]}
    assert fake_services.requests[-1] == (
        "/crossref/works/10.3389/fnins.2021.730322",
        {"mailto": "web@clinic.example"},
    )


def test_by_journal_year_volume_page_through_ecitmatch(fake_services):  # noqa: F811
    found = completion.complete(
        {
            "container-title-short": "Can Fam Physician",
            "issued": {"date-parts": [[2020, 3]]},
            "volume": "66",
            "issue": "3",
            "page": "186-187",
        }
    )
    assert found.csl["title"] == "Acupuncture for low back pain"
    assert found.csl["author"][0] == {"family": "Clemente Fuentes", "given": "RW"}
    assert found.source == "PubMed, by Can Fam Physician 2020;66:186 → PMID 32165464"
    path, query = fake_services.requests[0]
    assert path == "/eutils/ecitmatch.cgi"
    assert query["bdata"] == "Can Fam Physician|2020|66|186||ref1|"


@pytest.mark.parametrize(
    ("csl", "message"),
    [
        ({"PMID": "1"}, "PubMed has no record with PMID 1."),
        ({"DOI": "10.1000/unknown"}, "Crossref does not know the DOI 10.1000/unknown."),
        ({"PMCID": "PMC1"}, "PubMed Central does not know PMC1."),
        (
            {
                "container-title": "Nowhere J",
                "issued": {"date-parts": [[2001]]},
                "volume": "1",
                "page": "1",
            },
            "found no article with this journal, year, volume and first page",
        ),
        ({"title": "Only a title"}, "Nothing to look up"),
    ],
)
def test_nothing_found_says_so(fake_services, csl, message):  # noqa: F811
    with pytest.raises(completion.CompletionError, match=message):
        completion.complete(csl)


@pytest.mark.parametrize(
    ("mode", "message"),
    [
        ("down", r"PubMed answered with an error \(HTTP 503\)"),
        ("garbage", "PubMed answered in a form we cannot read"),
        ("slow", "PubMed could not be reached \\(no answer within 1 seconds"),
    ],
)
def test_service_failures_give_a_clear_message(fake_services, mode, message):  # noqa: F811
    fake_services.mode = mode
    with pytest.raises(completion.CompletionError, match=message):
        completion.complete({"PMID": "19433697"})


def test_nothing_listening_gives_a_clear_message(fake_services, settings):  # noqa: F811
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    settings.CROSSREF_API_URL = f"http://127.0.0.1:{closed_port}"
    with pytest.raises(completion.CompletionError, match="Crossref could not be reached"):
        completion.complete({"DOI": "10.3389/fnins.2021.730322"})


def test_switched_off_by_default_and_reaches_nothing(settings):
    assert settings.REFERENCE_COMPLETION is False
    with pytest.raises(completion.CompletionError, match="switched off"):
        completion.complete({"PMID": "19433697"})


def test_differences_show_what_is_added_and_what_would_change():
    current = Reference.from_csl(
        {"container-title-short": "Can Fam Physician", "volume": "66", "page": "186-7",
         "issued": {"date-parts": [[2020]]}}
    )  # fmt: skip
    found = Reference.from_csl(
        {
            "title": "Acupuncture for low back pain",
            "author": [{"family": "Clemente Fuentes", "given": "RW"}],
            "container-title-short": "can fam physician",
            "volume": "66",
            "page": "186-187",
            "issued": {"date-parts": [[2020, 3]]},
        }
    )
    rows = {row["name"]: row for row in completion.differences(current, found)}
    assert set(rows) == {"authors", "title", "month", "pages"}
    assert rows["title"] == {
        "name": "title",
        "label": "title",
        "current": "",
        "found": "Acupuncture for low back pain",
        "adds": True,
    }
    assert rows["pages"]["adds"] is False
    assert rows["authors"]["found"] == "Clemente Fuentes RW"
