# The tests feed typographic dashes and quotes on purpose.
# ruff: noqa: RUF001
"""DOI, PMID and PMCID normalisation, and the title key used to find duplicates."""

import pytest

from clinic.citations.identifiers import (
    normalise_doi,
    normalise_pmcid,
    normalise_pmid,
    normalise_title,
)


@pytest.mark.parametrize(
    "value",
    [
        "10.1001/archinternmed.2009.65",
        "10.1001/ArchInternMed.2009.65",
        "doi:10.1001/archinternmed.2009.65",
        "DOI: 10.1001/archinternmed.2009.65.",
        "https://doi.org/10.1001/archinternmed.2009.65",
        "http://dx.doi.org/10.1001/archinternmed.2009.65",
        "  doi.org/10.1001/archinternmed.2009.65;  ",
        "(10.1001/archinternmed.2009.65)",
    ],
)
def test_normalise_doi_accepts_the_usual_spellings(value):
    assert normalise_doi(value.strip("()")) == "10.1001/archinternmed.2009.65"


def test_normalise_doi_keeps_brackets_that_belong_to_the_doi():
    assert normalise_doi("https://doi.org/10.1016/S0140-6736(16)30970-9.") == (
        "10.1016/s0140-6736(16)30970-9"
    )


@pytest.mark.parametrize("value", ["", "not a doi", "11.1001/x", "10.1001/", "doi:", "10.12/abc"])
def test_normalise_doi_rejects_non_dois_with_a_readable_message(value):
    with pytest.raises(ValueError, match="DOI"):
        normalise_doi(value)


@pytest.mark.parametrize("value", ["19433697", "PMID: 19433697", "pmid 19433697.", 19433697])
def test_normalise_pmid(value):
    assert normalise_pmid(value) == "19433697"


@pytest.mark.parametrize("value", ["", "abc", "0", "PMID: 12a", "1234567890"])
def test_normalise_pmid_rejects_non_numbers(value):
    with pytest.raises(ValueError, match="PubMed ID"):
        normalise_pmid(value)


@pytest.mark.parametrize(
    "value", ["PMC2832641", "2832641", "PMCID: PMC2832641", "pmc 2832641", " PMC2832641. "]
)
def test_normalise_pmcid(value):
    assert normalise_pmcid(value) == "PMC2832641"


@pytest.mark.parametrize("value", ["", "PMC", "PMCabc", "PMID 2832641", "PMC0"])
def test_normalise_pmcid_rejects_other_text(value):
    with pytest.raises(ValueError, match="PubMed Central ID"):
        normalise_pmcid(value)


def test_normalise_title_ignores_case_punctuation_accents_and_spacing():
    assert normalise_title("Non‐specific  Low-Back Pain.") == normalise_title(
        "non specific low back pain"
    )
    assert normalise_title("Dörffler’s “study”: résumé") == "dorffler s study resume"
    assert normalise_title("") == ""
