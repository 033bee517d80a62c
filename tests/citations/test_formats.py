# The fixtures hold typographic dashes and accents on purpose.
# ruff: noqa: RUF001
"""Import and export: RIS, BibTeX, MEDLINE (.nbib), CSL-JSON and plain text."""

import json

import pytest

from clinic.citations import formats
from clinic.citations.formats import ImportItem, detect_format, read
from clinic.citations.scoring import load_labelled

RIS = """\
TY  - JOUR
AU  - Cherkin, Daniel C.
AU  - Sherman, Karen J.
AU  - GRADE Working Group
TI  - A randomized trial comparing acupuncture, simulated acupuncture, and usual care
    for chronic low back pain
T2  - Archives of Internal Medicine
J2  - Arch Intern Med
PY  - 2009
DA  - 2009/05/11/
VL  - 169
IS  - 9
SP  - 858
EP  - 66
DO  - https://doi.org/10.1001/archinternmed.2009.65
AN  - 19433697
UR  - https://jamanetwork.com/journals/jamainternalmedicine/fullarticle/414834
ER  -

TY  - BOOK
AU  - Cottrell, S.
TI  - The study skills handbook
PY  - 2019
PB  - Red Globe Press
ER  -
"""

BIBTEX = r"""
@article{cherkin2009,
  author = {Cherkin, Daniel C. and Sherman, Karen J. and {GRADE Working Group} and others},
  title = {A randomized trial comparing acupuncture, simulated acupuncture, and usual care},
  journal = {Archives of Internal Medicine},
  year = 2009,
  month = may,
  volume = {169},
  number = {9},
  pages = {858--866},
  doi = {10.1001/archinternmed.2009.65},
  pmid = {19433697},
}

@article{doerffler2006,
  author = {D{\"o}rffler-Melly, J.},
  title = {Diagnostic strategies in deep venous thrombosis},
  journal = {Kardiovaskul\"are Medizin},
  year = {2006},
  volume = {9},
  pages = {110--115}
}
"""

MEDLINE = """\
PMID- 19433697
OWN - NLM
STAT- MEDLINE
VI  - 169
IP  - 9
DP  - 2009 May 11
TI  - A randomized trial comparing acupuncture, simulated acupuncture, and usual care
      for chronic low back pain.
PG  - 858-66
LID - 10.1001/archinternmed.2009.65 [doi]
FAU - Cherkin, Daniel C
AU  - Cherkin DC
FAU - Sherman, Karen J
AU  - Sherman KJ
PT  - Journal Article
PT  - Randomized Controlled Trial
TA  - Arch Intern Med
JT  - Archives of internal medicine
PMC - PMC2832641
AID - 10.1001/archinternmed.2009.65 [doi]

PMID- 15674876
VI  - 2005
IP  - 1
DP  - 2005 Jan 25
TI  - Acupuncture and dry-needling for low back pain.
PG  - CD001351
FAU - Furlan, Andrea D
AU  - Furlan AD
CN  - Cochrane Back Review Group
PT  - Journal Article
PT  - Review
TA  - Cochrane Database Syst Rev
JT  - The Cochrane database of systematic reviews
"""

CSL = {
    "type": "article-journal",
    "title": "Neuroimaging Studies of Acupuncture on Low Back Pain: A Systematic Review",
    "author": [{"family": "Wen", "given": "Q"}],
    "container-title": "Front Neurosci",
    "issued": {"date-parts": [[2021]]},
    "volume": "15",
    "number": "730322",
    "DOI": "https://doi.org/10.3389/FNINS.2021.730322",
    "custom": {"et_al": True},
}


def only(items: list[ImportItem]) -> dict:
    assert len(items) == 1, items
    assert items[0].csl is not None, items[0].problems
    return items[0].csl


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        (RIS, "ris"),
        (BIBTEX, "bibtex"),
        (MEDLINE, "medline"),
        (json.dumps([CSL]), "csljson"),
        (json.dumps(CSL), "csljson"),
        ("\ufeff" + RIS, "ris"),
        ("Cherkin DC. A trial. Arch Intern Med. 2009;169:858-66.", "text"),
        ("[1] Cherkin DC. A trial. Arch Intern Med. 2009;169:858-66.", "text"),
        ("", "text"),
    ],
)
def test_detect_format(text, fmt):
    assert detect_format(text) == fmt


def test_read_ris():
    items = read(RIS, "ris")
    assert [item.problems for item in items] == [[], []]
    article, book = (item.csl for item in items)
    assert article["type"] == "article-journal"
    assert article["author"] == [
        {"family": "Cherkin", "given": "Daniel C."},
        {"family": "Sherman", "given": "Karen J."},
        {"literal": "GRADE Working Group"},
    ]
    assert article["title"].endswith("usual care for chronic low back pain")
    assert article["container-title"] == "Archives of Internal Medicine"
    assert article["container-title-short"] == "Arch Intern Med"
    assert article["issued"] == {"date-parts": [[2009, 5, 11]]}
    assert article["page"] == "858-866"
    assert article["DOI"] == "10.1001/archinternmed.2009.65"
    assert article["PMID"] == "19433697"
    assert book["type"] == "book"
    assert book["publisher"] == "Red Globe Press"


def test_read_bibtex():
    items = read(BIBTEX, "bibtex")
    assert [item.problems for item in items] == [[], []]
    article, other = (item.csl for item in items)
    assert article["author"] == [
        {"family": "Cherkin", "given": "Daniel C."},
        {"family": "Sherman", "given": "Karen J."},
        {"literal": "GRADE Working Group"},
    ]
    assert article["custom"] == {"et_al": True}  # "and others"
    assert article["issued"] == {"date-parts": [[2009, 5]]}
    assert (article["volume"], article["issue"], article["page"]) == ("169", "9", "858-866")
    assert (article["DOI"], article["PMID"]) == ("10.1001/archinternmed.2009.65", "19433697")
    assert other["author"] == [{"family": "Dörffler-Melly", "given": "J."}]
    assert other["container-title"] == "Kardiovaskuläre Medizin"


def test_read_medline():
    items = read(MEDLINE, "medline")
    assert [item.problems for item in items] == [[], []]
    trial, review = (item.csl for item in items)
    assert trial["title"] == (
        "A randomized trial comparing acupuncture, simulated acupuncture, and usual care for "
        "chronic low back pain"
    )
    assert trial["author"] == [
        {"family": "Cherkin", "given": "Daniel C"},
        {"family": "Sherman", "given": "Karen J"},
    ]
    assert trial["container-title"] == "Archives of internal medicine"
    assert trial["container-title-short"] == "Arch Intern Med"
    assert trial["issued"] == {"date-parts": [[2009, 5, 11]]}
    assert trial["page"] == "858-866"
    assert (trial["PMID"], trial["PMCID"]) == ("19433697", "PMC2832641")
    assert trial["DOI"] == "10.1001/archinternmed.2009.65"
    assert trial["type"] == "article-journal"
    # PubMed calls it a review, so CSL's "review" type is kept; the e-locator is a number.
    assert review["type"] == "review"
    assert review["number"] == "CD001351" and "page" not in review
    assert review["author"][-1] == {"literal": "Cochrane Back Review Group"}


def test_read_csl_json_list_and_single_object():
    item = only(read(json.dumps(CSL), "csljson"))
    assert item["DOI"] == "10.3389/fnins.2021.730322"  # normalised
    assert item["custom"] == {"et_al": True}
    assert len(read(json.dumps([CSL, CSL]))) == 2


def test_read_text_parses_each_reference():
    items = read(
        "1. Golob AL, Wipf JE. Low back pain. Med Clin North Am. 2014;98:405–28.\n"
        "2. Something that is not a reference\n"
    )
    assert items[0].csl["container-title-short"] == "Med Clin North Am"
    assert items[0].csl["container-title"] == "The Medical clinics of North America"
    assert items[0].problems == []
    # The parser's confidence travels beside the record, not inside the CSL-JSON.
    assert "_confidence" not in items[0].csl
    assert 0 < items[0].confidence["title"] <= 1
    assert any("no authors" in problem for problem in items[1].problems)


# --- malformed input ---------------------------------------------------------------------


def test_ris_bad_record_is_reported_and_the_others_still_read():
    text = RIS.replace("TY  - BOOK\n", "", 1) + "TY  - JOUR\nTI  - Cut off"
    items = read(text, "ris")
    assert items[0].csl["title"].startswith("A randomized trial")
    assert items[1].csl is None
    assert "does not begin with a type line" in items[1].problems[0]
    assert "line 20" in items[1].problems[0]
    assert items[2].csl["title"] == "Cut off"
    assert "no end tag" in items[2].problems[0]


def test_bibtex_broken_entry_is_named():
    items = read(BIBTEX + "\n@article{broken, title = {Unclosed\n", "bibtex")
    assert [item.csl is None for item in items] == [False, False, True]
    assert "@article{broken" in items[2].problems[0]
    assert "line" in items[2].problems[0]


def test_medline_record_without_pmid_is_reported():
    items = read("TI  - No identifier\nAU  - Smith J\n", "medline")
    assert items[0].csl is None
    assert "PMID" in items[0].problems[0]
    items = read("PMID- abc\nTI  - Title\nnot a tag line\n", "medline")
    assert items[0].csl == {"title": "Title", "type": "article-journal"}
    assert any("not a PubMed ID" in p for p in items[0].problems)
    assert any("not “TAG - value”" in p for p in items[0].problems)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[1, 2", "not valid JSON"),
        ('[{"title": 3}]', "“title” must be text"),
        ('[{"title": "x", "author": "Smith"}]', "“author” must be a list"),
        ('["just a string"]', "expected an object"),
        ('[{"title": "x", "issued": "2009"}]', "“issued” must look like"),
    ],
)
def test_csl_json_problems(text, message):
    items = read(text, "csljson")
    assert items[0].csl is None
    assert any(message in problem for problem in items[0].problems), items[0].problems


@pytest.mark.parametrize("fmt", [*formats.FORMATS, None])
@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n",
        "\x00\x01\x02",
        "{" * 5000,
        "@article{",
        "TY  -",
        "PMID-",
        "ER  - \n" * 10,
        "é" * 3,
    ],
)
def test_unreadable_input_never_raises(fmt, text):
    items = read(text, fmt)
    assert items and all(isinstance(item, ImportItem) for item in items)
    assert all(item.csl is not None or item.problems for item in items)


def test_unknown_format_and_non_text():
    assert "Unknown format" in read("x", "docx")[0].problems[0]
    assert read(b"bytes")[0].problems == ["The file is not text."]
    assert read("")[0].problems == ["The file is empty."]


# --- writing and round trips -------------------------------------------------------------

ROUND_TRIP_FIELDS = (
    "type",
    "author",
    "title",
    "container-title",
    "issued",
    "volume",
    "issue",
    "page",
    "number",
    "DOI",
    "PMID",
    "PMCID",
    "custom",
)


def comparable(item: dict) -> dict:
    out = {key: item[key] for key in ROUND_TRIP_FIELDS if item.get(key)}
    if "DOI" in out:
        out["DOI"] = out["DOI"].lower()
    return out


@pytest.mark.parametrize(
    ("fmt", "writer"),
    [
        ("ris", formats.write_ris),
        ("bibtex", formats.write_bibtex),
        ("csljson", formats.write_csl_json),
    ],
)
def test_round_trip_keeps_every_field(fmt, writer):
    """Write the hand-labelled items (non-ASCII names, group authors, et al., e-locators,
    Cochrane issues, books, reports, web pages) and read them back unchanged."""
    # The real strings added for the third 6 December retraining (`"set": "real3"`) are left
    # out: the blog's "Name et al Journal" rows have no title (the import reports that as a
    # problem by design), and one labels a "III" suffix inside the given names ("C. F., III"),
    # which BibTeX reads back as CSL's suffix. The real5 rows (guideline and non-English
    # strings: group authors with commas, brackets and accented or lower-case words, titles with
    # "·", "--" and straight quotes, Chinese, Japanese and Korean) all come back as they went.
    originals = [row["expected"] for row in load_labelled() if row.get("set") != "real3"]
    text = writer(originals)
    assert detect_format(text) == fmt
    items = read(text, fmt)
    assert len(items) == len(originals)
    for original, item in zip(originals, items, strict=True):
        assert item.problems == []
        assert comparable(item.csl) == comparable(original)


@pytest.mark.parametrize(
    ("fmt", "writer"), [("ris", formats.write_ris), ("bibtex", formats.write_bibtex)]
)
def test_group_authors_and_titles_that_look_like_markup_come_back_as_written(fmt, writer):
    item = {
        "type": "report",
        "author": [
            {"literal": "Bundesärztekammer (BÄK), Kassenärztliche Bundesvereinigung (KBV)"},
            {"literal": "Committee of Clinical Practice Guidelines, Korean Diabetes Association"},
            {"literal": "Haute Autorité de Santé"},
            {"literal": "Deutsche Gesellschaft für Infektiologie"},
            {"literal": "한국지질·동맥경화학회"},
            {"family": "Allais", "given": "G"},
        ],
        "title": 'Opioids--United States, 1·9 million and the "Mini Mental State"',
        "issued": {"date-parts": [[2016]]},
    }
    (back,) = read(writer([item]), fmt)
    assert back.csl["author"] == item["author"]
    assert back.csl["title"] == item["title"]


def test_bibtex_output_escapes_latex_but_not_identifiers():
    text = formats.write_bibtex(
        [
            {
                "type": "article-journal",
                "author": [{"literal": "Diabetes UK"}, {"family": "Dörffler-Melly", "given": "J"}],
                "title": "Sugar & salt: 50% less",
                "issued": {"date-parts": [[2018]]},
                "DOI": "10.1000/a_b",
                "URL": "https://example.org/a_b%20c",
            }
        ]
    )
    assert r"{\&}" in text and r"50{\%}" in text  # escaped and braced, so names split right
    assert "{Diabetes UK}" in text
    assert "doi = {10.1000/a_b}" in text
    assert "url = {https://example.org/a_b%20c}" in text
    assert "Dörffler" not in text  # encoded as D\"orffler for LaTeX


def test_write_csl_json_is_a_readable_array():
    text = formats.write_csl_json([CSL])
    assert json.loads(text)[0]["title"] == CSL["title"]
    assert "\\u" not in text


def test_ris_writer_has_no_counter_lines():
    text = formats.write_ris([CSL])
    assert text.startswith("TY  - JOUR\n")
    assert f"N1  - {formats.ET_AL_NOTE}" in text
