# The tests feed typographic dashes and quotes on purpose.
# ruff: noqa: RUF001
"""The free-text reference parser: known styles, the labelled set, and hostile input."""

import random

import pytest

from clinic.citations.parse import parse_reference, split_reference_list
from clinic.citations.scoring import load_labelled, score_rows

# The targets for the labelled set (clinic/citations/data/labelled_references.jsonl).
FIELD_F1_TARGET = 0.95
EXACT_TARGET = 0.70
# Labelled rows the shipped model has not been trained on yet (a set of "set" values). Empty
# since the fifth 6 December retraining, which trained on the real5 rows (guideline / group
# author and non-English strings, 0.869 / 53.0 % on the model before, which had not seen them).
NOT_YET_TRAINED: set[str] = set()


def test_labelled_references_meet_the_targets():
    """Field F1 and exact share over the hand-labelled real references.

    The parser was developed against the "dev" rows, so they flatter it. The "holdout" rows
    were labelled before the parser first saw them (first contact: field F1 0.61, 26 % exact,
    which drove the book/report/web-page work), and "holdout2" after that (first contact:
    F1 0.87, 67 % exact; fixed since: "Peat G et al.", spaced page dashes, a stray comma).
    Expect new input to land nearer the first-contact numbers than the totals asserted here.
    """
    rows = [row for row in load_labelled() if row.get("set") not in NOT_YET_TRAINED]
    assert len(rows) >= 80
    report = score_rows(rows)
    mismatches = "\n".join(f"#{i + 1} {f}: {w!r} != {g!r}" for i, f, w, g in report.mismatches)
    assert report.total.f1 >= FIELD_F1_TARGET, mismatches
    assert report.exact_share >= EXACT_TARGET, mismatches


def test_labelled_file_covers_the_styles_and_the_clinic_demo_references():
    rows = load_labelled()
    assert {row["style"] for row in rows} >= {
        "vancouver",
        "pubmed",
        "ama",
        "apa",
        "harvard",
        "other",
    }
    dois = {row["expected"].get("DOI", "").lower() for row in rows}
    assert "10.1001/archinternmed.2009.65" in dois  # Cherkin 2009
    assert "10.3389/fnins.2021.730322" in dois  # Wen 2021
    assert any(row["expected"].get("number") == "CD001351" for row in rows)  # Furlan 2005


def test_pubmed_citation_with_identifiers():
    item = parse_reference(
        "Cherkin DC, Sherman KJ, Avins AL, Erro JH, Ichikawa L, Barlow WE, Delaney K, Hawkes R, "
        "Hamilton L, Pressman A, Khalsa PS, Deyo RA. A randomized trial comparing acupuncture, "
        "simulated acupuncture, and usual care for chronic low back pain. Arch Intern Med. 2009 "
        "May 11;169(9):858-66. doi: 10.1001/archinternmed.2009.65. PMID: 19433697; PMCID: "
        "PMC2832641."
    )
    assert item["author"][0] == {"family": "Cherkin", "given": "DC"}
    assert len(item["author"]) == 12
    assert item["title"].endswith("for chronic low back pain")
    # The journal as written, and its full title from the MEDLINE list.
    assert item["container-title-short"] == "Arch Intern Med"
    assert item["container-title"] == "Archives of internal medicine"
    assert item["issued"] == {"date-parts": [[2009, 5, 11]]}
    assert (item["volume"], item["issue"], item["page"]) == ("169", "9", "858-866")
    assert item["DOI"] == "10.1001/archinternmed.2009.65"
    assert (item["PMID"], item["PMCID"]) == ("19433697", "PMC2832641")
    assert "custom" not in item


def test_pmc_display_style_with_spaces_and_en_dash():
    item = parse_reference(
        "Sherman KJ, Cherkin DC, Eisenberg DM, Erro J, Hrbek A, Deyo RA. The practice of "
        "acupuncture: who are the providers and what do they do? Ann Fam Med. 2005 Mar; 3(2): "
        "151–158."
    )
    assert (
        item["title"] == "The practice of acupuncture: who are the providers and what do they do?"
    )
    assert item["container-title-short"] == "Ann Fam Med"
    assert item["container-title"] == "Annals of family medicine"
    assert item["issued"] == {"date-parts": [[2005, 3]]}
    assert (item["volume"], item["issue"], item["page"]) == ("3", "2", "151-158")


def test_cochrane_review_keeps_its_article_number_and_et_al():
    item = parse_reference(
        "Furlan AD, van Tulder MW, Cherkin DC, et al. Acupuncture and dry-needling for low back "
        "pain. Cochrane Database Syst Rev. 2005;(1):CD001351."
    )
    assert [a["family"] for a in item["author"]] == ["Furlan", "van Tulder", "Cherkin"]
    assert item["custom"] == {"et_al": True}
    assert item["issue"] == "1"
    assert item["number"] == "CD001351"
    assert "page" not in item and "volume" not in item


def test_apa_reference_with_ampersand_and_doi_url():
    item = parse_reference(
        "Kalhori, F., Masoumi, S. Z., & Yavangi, M. (2020). Effect of mindfulness-based group "
        "counseling on depression. International Journal of Fertility & Sterility, 14(1), "
        "10–16. https://doi.org/10.22074/ijfs.2020.5785"
    )
    assert item["author"] == [
        {"family": "Kalhori", "given": "F."},
        {"family": "Masoumi", "given": "S. Z."},
        {"family": "Yavangi", "given": "M."},
    ]
    assert item["container-title"] == "International Journal of Fertility & Sterility"
    assert item["page"] == "10-16"
    assert item["DOI"] == "10.22074/ijfs.2020.5785"


def test_group_author_and_non_ascii_names():
    item = parse_reference(
        "NICE (2021) Safeguarding adults in care homes. NG189. Available at: "
        "http://www.nice.org.uk/guidance/ng189 (Accessed: 01 March 2021)."
    )
    assert item["author"] == [{"literal": "NICE"}]
    assert item["type"] == "report"
    assert item["number"] == "NG189"
    assert item["accessed"] == {"date-parts": [[2021, 3, 1]]}

    item = parse_reference(
        "Dörffler-Melly J, Lüscher TF. Endothelin-1 and cold provocation. Microvasc Res. "
        "1996;52(2):193-7."
    )
    assert [a["family"] for a in item["author"]] == ["Dörffler-Melly", "Lüscher"]
    assert item["page"] == "193-197"


@pytest.mark.parametrize(
    ("locator", "page"),
    [
        ("2014;98:405–28.", "405-428"),
        ("1998;280(18):1569–75.", "1569-1575"),
        ("2008;33:S60–S74.", "S60-S74"),
        ("2011;152:S2-15.", "S2-S15"),
    ],
)
def test_abbreviated_page_ranges_are_expanded(locator, page):
    assert parse_reference(f"Golob AL. Low back pain. Med Clin North Am. {locator}")["page"] == page


def test_split_numbered_list_joins_wrapped_lines():
    text = """
    1. Cherkin DC, Sherman KJ. A randomized trial comparing acupuncture.
       Arch Intern Med. 2009;169(9):858-66.
    [2] Maher C, Underwood M. Non-specific low back pain. The Lancet.
    2017;389:736–47.
    3) Golob AL, Wipf JE. Low back pain. Med Clin North Am. 2014;98:405–28.
    """
    refs = split_reference_list(text)
    assert len(refs) == 3
    assert refs[0].startswith("Cherkin DC") and refs[0].endswith("858-66.")
    assert (
        refs[1] == "Maher C, Underwood M. Non-specific low back pain. The Lancet. 2017;389:736–47."
    )


# The clinic's page: two unnumbered references, then a numbered list with an unnumbered one in it.
MIXED_PASTE = (
    "Roselyn Clemente Fuentes et al Can Fam Physician. 2020 Mar; 66(3): 186–187.\n"
    "Qiao Wen et al Front Neurosci. 2021; 15: 730322.\n"
    "1. Arch Intern Med. 2009 May 11; 169(9): 858–866. A Randomized Trial Comparing "
    "Acupuncture, Simulated Acupuncture, and Usual Care for Chronic Low Back Pain.\n"
    "2. Cochrane Database Syst Rev. 2005 Jan 25;(1):CD001351. Acupuncture and dry-needling "
    "for low back pain.\n"
    "Golob AL, Wipf JE. Low back pain. Med Clin North Am. 2014;98:405–28.\n"
    "3. Cherkin DC, Sherman KJ. A randomized trial comparing acupuncture, simulated\n"
    "Acupuncture and usual care. Arch Intern Med. 2009;169(9):858-66.\n"
)
# No locator ("169(9):858") in a guideline: a line that opens with persons or a body's name is a
# reference of its own; a wrapped line that opens with a journal is not.
GUIDELINES_AFTER_A_NUMBERED_LIST = (
    "1. Cherkin DC, Sherman KJ. A randomized trial. Arch Intern Med. 2009;169(9):858-66.\n"
    "National Institute for Health and Care Excellence. Low back pain and sciatica in over "
    "16s: assessment and management. NICE guideline [NG59]. London: NICE; 2016.\n"
    "Bundesärztekammer (BÄK), Kassenärztliche Bundesvereinigung (KBV). Nationale "
    "VersorgungsLeitlinie Nicht-spezifischer Kreuzschmerz. 2. Auflage. 2017.\n"
    "Haake M, Müller HH, Schade-Brittinger C, et al. German Acupuncture Trials (GERAC) for "
    "chronic low back pain. Arch Intern Med. 2007;167(17):1892-8.\n"
    "2. Maher C, Underwood M, Buchbinder R. Non-specific low back pain. A review of 2016.\n"
    "Lancet. 2017;389(10070):736-47.\n"
)


@pytest.mark.parametrize(
    ("text", "starts", "last_ends"),
    [
        (
            MIXED_PASTE,
            [
                "Roselyn Clem",
                "Qiao Wen et ",
                "Arch Intern ",
                "Cochrane Dat",
                "Golob AL, Wi",
                "Cherkin DC, ",
            ],
            # A wrapped line that starts with a capital is still part of its reference.
            "Acupuncture and usual care. Arch Intern Med. 2009;169(9):858-66.",
        ),
        (
            GUIDELINES_AFTER_A_NUMBERED_LIST,
            ["Cherkin DC, ", "National Ins", "Bundesärztek", "Haake M, Mül", "Maher C, Und"],
            "A review of 2016. Lancet. 2017;389(10070):736-47.",
        ),
    ],
    ids=["mixed-paste", "guidelines-after-numbered"],
)
def test_split_unnumbered_references_among_numbered_ones(text, starts, last_ends):
    refs = split_reference_list(text)
    assert [ref[:12] for ref in refs] == starts
    assert refs[-1].endswith(last_ends)


def test_split_keeps_wrapped_lines_that_open_with_a_year_or_a_date():
    # "(2020)." and "2008 Jun 11;" opening a wrapped line are a year and a date, not numbers.
    text = (
        "1. Hong L, Li YP, Hou MJ, Huang WJ, Chen XL, Gao Z & Zhang R\n"
        "(2020). Effect of trigger point acupuncture on pain. Pain Med, 21(3), 580-588.\n"
        "2. Martin BI, Deyo RA, Mirza SK. Expenditures and health status among adults with back\n"
        "and neck problems. JAMA. 2008 Feb 13;299(6):656-64. Erratum in: JAMA.\n"
        "2008 Jun 11;299(22):2630. PMID: 18270354.\n"
        "3. Maher C, Underwood M, Buchbinder R. Non-specific low back pain. Lancet.\n"
        "London: Elsevier, 2017.\n"
    )
    refs = split_reference_list(text)
    assert [ref[:12] for ref in refs] == ["Hong L, Li Y", "Martin BI, D", "Maher C, Und"]
    assert "(2020). Effect of trigger point" in refs[0]
    assert refs[1].endswith("2008 Jun 11;299(22):2630. PMID: 18270354.")


def test_split_unnumbered_lines_and_continuations():
    text = (
        "Golob AL, Wipf JE. Low back pain. Med Clin North Am. 2014;98:405–28.\n"
        "doi:10.1016/j.mcna.2014.01.003\n"
        "\n"
        "Maher C. Non-specific low back pain. The Lancet. 2017;389:736–47.\n"
    )
    assert split_reference_list(text) == [
        "Golob AL, Wipf JE. Low back pain. Med Clin North Am. 2014;98:405–28. "
        "doi:10.1016/j.mcna.2014.01.003",
        "Maher C. Non-specific low back pain. The Lancet. 2017;389:736–47.",
    ]
    assert split_reference_list("") == []
    assert split_reference_list(None) == []


@pytest.mark.parametrize(
    "text",
    [
        "[" * 50_000,
        "(" * 50_000,
        "a, " * 20_000,
        "Smith AB, " * 6_000,
        "Smith, A. B., " * 5_000,
        "1999;" * 10_000,
        "10.1234/" + "x" * 50_000,
        "doi:" * 12_000,
        "“" * 50_000,
        ". " * 25_000,
    ],
)
def test_pathological_input_still_parses(text):
    # Timing is for `manage.py bench_references`, not a test: here, no crash and a CSL item.
    item = parse_reference(text)
    refs = split_reference_list(text)
    assert isinstance(item, dict) and "type" in item
    assert isinstance(refs, list)


def test_never_raises_on_random_text():
    rng = random.Random(20240102)
    alphabet = "abcXYZ .,;:()[]{}-–—'\"‘’“”&0123456789 doi PMID PMC et al. éü\n\t\u00a0"
    for _ in range(500):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 300)))
        item = parse_reference(text)
        assert isinstance(item, dict) and "type" in item
        split_reference_list(text)


@pytest.mark.parametrize("value", [None, 42, b"bytes", ""])
def test_non_text_input_gives_an_empty_item(value):
    assert parse_reference(value)["type"]
