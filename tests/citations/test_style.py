"""Reference formatting against Citing Medicine (NLM) and the AMA Manual of Style.

Pure tests: no database. Each expected string was checked by hand against the
style guide's rules, not copied from the processor's output.
"""

from pathlib import Path

import citeproc
import pytest
from django.utils.safestring import SafeString
from lxml import etree

from clinic.citations import style as style_module
from clinic.citations.style import STYLES, Formatted, format_reference, format_references

STYLE_FILES = sorted((Path(style_module.__file__).parent / "styles").glob("*.csl"))


def person(family, given):
    return {"family": family, "given": given}


CHERKIN = {
    "id": "cherkin2009",
    "type": "article-journal",
    "author": [
        person("Cherkin", "DC"),
        person("Sherman", "KJ"),
        person("Avins", "AL"),
        person("Erro", "JH"),
        person("Ichikawa", "L"),
        person("Barlow", "WE"),
        person("Delaney", "K"),
        person("Hawkes", "R"),
        person("Hamilton", "L"),
        person("Pressman", "A"),
        person("Khalsa", "PS"),
        person("Deyo", "RA"),
    ],
    "title": (
        "A randomized trial comparing acupuncture, simulated acupuncture, "
        "and usual care for chronic low back pain"
    ),
    "container-title": "Archives of Internal Medicine",
    "container-title-short": "Arch Intern Med",
    "issued": {"date-parts": [[2009, 5, 11]]},
    "volume": "169",
    "issue": "9",
    "page": "858-866",
    "DOI": "10.1001/archinternmed.2009.65",
    "PMID": "19433697",
}

FURLAN = {
    "id": "furlan2005",
    "type": "review",
    "author": [
        person("Furlan", "Andrea D"),
        {"family": "Tulder", "non-dropping-particle": "van", "given": "Maurits W"},
        person("Cherkin", "Daniel C"),
        person("Tsukayama", "Hiroshi"),
        person("Lao", "Lixing"),
        person("Koes", "Bart W"),
        person("Berman", "Brian M"),
    ],
    "title": "Acupuncture and dry-needling for low back pain",
    "container-title": "Cochrane Database of Systematic Reviews",
    "container-title-short": "Cochrane Database Syst Rev",
    "issued": {"date-parts": [[2005]]},
    "issue": "1",
    "number": "CD001351",
    "DOI": "10.1002/14651858.CD001351.pub2",
}

CLEMENTE_FUENTES = {
    "id": "clementefuentes2020",
    "type": "article-journal",
    "author": [person("Clemente Fuentes", "R"), person("Diaz", "I")],
    "title": "Acupuncture for low back pain?",
    "container-title": "Canadian Family Physician",
    "container-title-short": "Can Fam Physician",
    "issued": {"date-parts": [[2020, 3]]},
    "volume": "66",
    "issue": "3",
    "page": "186-187",
}

WEN = {
    "id": "wen2021",
    "type": "review",
    "author": [
        person("Wen", "Qiao"),
        person("Ma", "Peihong"),
        person("Dong", "Xiaohui"),
        person("Sun", "Ruirui"),
        person("Lan", "Lei"),
        person("Yin", "Tao"),
        person("Qu", "Yuzhu"),
        person("Liu", "Yalan"),
        person("Xiao", "Qingqing"),
        person("Zeng", "Fang"),
    ],
    "title": "Neuroimaging Studies of Acupuncture on Low Back Pain: A Systematic Review",
    "container-title": "Frontiers in Neuroscience",
    "container-title-short": "Front Neurosci",
    "issued": {"date-parts": [[2021]]},
    "volume": "15",
    "number": "730322",
    "DOI": "10.3389/fnins.2021.730322",
}

GROUP_AUTHOR = {
    "id": "grade2004",
    "type": "article-journal",
    "author": [{"literal": "GRADE Working Group"}],
    "title": "Grading quality of evidence and strength of recommendations",
    "container-title": "BMJ",
    "issued": {"date-parts": [[2004, 6, 19]]},
    "volume": "328",
    "issue": "7454",
    "page": "1490",
}

NO_AUTHOR = {
    "id": "anon",
    "type": "article-journal",
    "title": "Acupuncture for chronic pain",
    "container-title": "Drug and Therapeutics Bulletin",
    "container-title-short": "Drug Ther Bull",
    "issued": {"date-parts": [[2021, 1]]},
    "volume": "59",
    "issue": "1",
    "page": "2-3",
}

ET_AL_THREE = {
    "id": "truncated",
    "type": "article-journal",
    "author": [person("Müller", "Jürgen"), person("Ødegård", "Åse"), person("Núñez", "José")],
    "custom": {"et_al": True},
    "title": "Dry needling for myofascial pain",
    "container-title": "Pain",
    "issued": {"date-parts": [[2019]]},
    "volume": "160",
    "issue": "2",
    "page": "301-310",
}

WEBPAGE = {
    "id": "nhs",
    "type": "webpage",
    "author": [{"literal": "National Health Service"}],
    "title": "Acupuncture",
    "URL": "https://www.nhs.uk/conditions/acupuncture/",
    "issued": {"date-parts": [[2019, 10, 14]]},
    "accessed": {"date-parts": [[2024, 1, 2]]},
}

BOOK = {
    "id": "filshie2016",
    "type": "book",
    "author": [person("Filshie", "Jacqueline"), person("White", "Adrian"), person("Cummings", "M")],
    "title": "Medical acupuncture: a Western scientific approach",
    "edition": "2",
    "publisher": "Elsevier",
    "publisher-place": "Edinburgh",
    "issued": {"date-parts": [[2016]]},
}

GUIDELINE = {
    "id": "ng59",
    "type": "report",
    "author": [{"literal": "National Institute for Health and Care Excellence"}],
    "title": "Low back pain and sciatica in over 16s: assessment and management",
    "publisher": "NICE",
    "publisher-place": "London",
    "issued": {"date-parts": [[2016, 11, 30]]},
    "URL": "https://www.nice.org.uk/guidance/ng59",
    "accessed": {"date-parts": [[2024, 1, 2]]},
}

HOSTILE = {
    "id": "hostile",
    "type": "article-journal",
    "author": [person("O'Brien & Sons", "<b>Bob</b>")],
    "title": "Pain <script>alert(1)</script> & needles",
    "container-title": "Journal of <i>Things</i> & Stuff",
    "issued": {"date-parts": [[2020]]},
    "volume": "1",
    "page": "1-10",
}

EXPECTED = {
    "vancouver": [
        (
            CHERKIN,
            "Cherkin DC, Sherman KJ, Avins AL, Erro JH, Ichikawa L, Barlow WE, et al. "
            "A randomized trial comparing acupuncture, simulated acupuncture, and usual care "
            "for chronic low back pain. Arch Intern Med. 2009 May 11;169(9):858-66. "
            "doi:10.1001/archinternmed.2009.65",
        ),
        (
            FURLAN,
            "Furlan AD, van Tulder MW, Cherkin DC, Tsukayama H, Lao L, Koes BW, et al. "
            "Acupuncture and dry-needling for low back pain. "
            "Cochrane Database Syst Rev. 2005;(1):CD001351. doi:10.1002/14651858.CD001351.pub2",
        ),
        (
            CLEMENTE_FUENTES,
            "Clemente Fuentes R, Diaz I. Acupuncture for low back pain? "
            "Can Fam Physician. 2020 Mar;66(3):186-7.",
        ),
        (
            WEN,
            "Wen Q, Ma P, Dong X, Sun R, Lan L, Yin T, et al. Neuroimaging Studies of "
            "Acupuncture on Low Back Pain: A Systematic Review. Front Neurosci. "
            "2021;15:730322. doi:10.3389/fnins.2021.730322",
        ),
        (
            GROUP_AUTHOR,
            "GRADE Working Group. Grading quality of evidence and strength of recommendations. "
            "BMJ. 2004 Jun 19;328(7454):1490.",
        ),
        (
            NO_AUTHOR,
            "Acupuncture for chronic pain. Drug Ther Bull. 2021 Jan;59(1):2-3.",
        ),
        (
            ET_AL_THREE,
            "Müller J, Ødegård Å, Núñez J, et al. Dry needling for myofascial pain. "
            "Pain. 2019;160(2):301-10.",
        ),
        (
            WEBPAGE,
            "National Health Service. Acupuncture [Internet]. 2019 [cited 2024 Jan 2]. "
            "Available from: https://www.nhs.uk/conditions/acupuncture/",
        ),
        (
            BOOK,
            "Filshie J, White A, Cummings M. Medical acupuncture: a Western scientific "
            "approach. 2nd ed. Edinburgh: Elsevier; 2016.",
        ),
        (
            GUIDELINE,
            "National Institute for Health and Care Excellence. Low back pain and sciatica "
            "in over 16s: assessment and management [Internet]. London: NICE; 2016 Nov "
            "[cited 2024 Jan 2]. Available from: https://www.nice.org.uk/guidance/ng59",
        ),
    ],
    "ama": [
        (
            CHERKIN,
            "Cherkin DC, Sherman KJ, Avins AL, et al. A randomized trial comparing acupuncture, "
            "simulated acupuncture, and usual care for chronic low back pain. "
            "Arch Intern Med. 2009;169(9):858-866. doi:10.1001/archinternmed.2009.65",
        ),
        (
            FURLAN,
            "Furlan AD, van Tulder MW, Cherkin DC, et al. Acupuncture and dry-needling for "
            "low back pain. Cochrane Database Syst Rev. 2005;(1):CD001351. "
            "doi:10.1002/14651858.CD001351.pub2",
        ),
        (
            CLEMENTE_FUENTES,
            "Clemente Fuentes R, Diaz I. Acupuncture for low back pain? "
            "Can Fam Physician. 2020;66(3):186-187.",
        ),
        (
            WEN,
            "Wen Q, Ma P, Dong X, et al. Neuroimaging Studies of Acupuncture on Low Back Pain: "
            "A Systematic Review. Front Neurosci. 2021;15:730322. doi:10.3389/fnins.2021.730322",
        ),
        (
            GROUP_AUTHOR,
            "GRADE Working Group. Grading quality of evidence and strength of recommendations. "
            "BMJ. 2004;328(7454):1490.",
        ),
        (
            NO_AUTHOR,
            "Acupuncture for chronic pain. Drug Ther Bull. 2021;59(1):2-3.",
        ),
        (
            ET_AL_THREE,
            "Müller J, Ødegård Å, Núñez J, et al. Dry needling for myofascial pain. "
            "Pain. 2019;160(2):301-310.",
        ),
        (
            WEBPAGE,
            "National Health Service. Acupuncture. October 14, 2019. Accessed January 2, 2024. "
            "https://www.nhs.uk/conditions/acupuncture/",
        ),
        (
            BOOK,
            "Filshie J, White A, Cummings M. Medical Acupuncture: A Western Scientific "
            "Approach. 2nd ed. Elsevier; 2016.",
        ),
        (
            GUIDELINE,
            "National Institute for Health and Care Excellence. Low Back Pain and Sciatica in "
            "over 16s: Assessment and Management. NICE; 2016. Accessed January 2, 2024. "
            "https://www.nice.org.uk/guidance/ng59",
        ),
    ],
}

CASES = [
    pytest.param(item, style, text, id=f"{style}-{item['id']}")
    for style, cases in EXPECTED.items()
    for item, text in cases
]


@pytest.mark.parametrize(("item", "style", "text"), CASES)
def test_text_follows_the_style_guide(item, style, text):
    assert format_reference(item, style).text == text


@pytest.mark.parametrize("style", STYLES)
def test_batch_keeps_order_and_matches_single_items(style):
    items = [item for item, _ in EXPECTED[style]]
    assert [f.text for f in format_references(items, style)] == [t for _, t in EXPECTED[style]]


def test_vancouver_is_the_default():
    assert format_reference(CHERKIN) == format_reference(CHERKIN, "vancouver")


def test_unknown_style_is_refused():
    with pytest.raises(ValueError, match="harvard"):
        format_references([CHERKIN], "harvard")


def test_no_items_give_no_results():
    assert format_references([]) == []


def test_html_of_plain_reference_equals_its_text():
    formatted = format_reference(CHERKIN, "vancouver")
    assert formatted.html == formatted.text
    assert isinstance(formatted, Formatted)
    assert isinstance(formatted.html, SafeString)


@pytest.mark.parametrize("style", STYLES)
def test_text_of_an_entry_with_markup_is_rendered_as_text(style):
    """The text is read from the HTML only where it has no markup: after AMA's italics
    citeproc-py cannot merge the title's "..." with the period, which plain text does."""
    book = {
        "type": "book",
        "author": [{"literal": "Comité résistance spirituelle"}],
        "title": "Des rappelés témoignent...",
        "issued": {"date-parts": [[1957]]},
    }
    plain, marked = format_references([CHERKIN, book], style)
    assert "...." not in marked.text and marked.text.endswith("... 1957.")
    assert plain.text == format_reference(CHERKIN, style).text
    assert ("<i>" in marked.html) == (style == "ama")


def test_ama_italicises_journal_and_book_titles():
    assert format_reference(CHERKIN, "ama").html == (
        "Cherkin DC, Sherman KJ, Avins AL, et al. A randomized trial comparing acupuncture, "
        "simulated acupuncture, and usual care for chronic low back pain. "
        "<i>Arch Intern Med</i>. 2009;169(9):858-866. doi:10.1001/archinternmed.2009.65"
    )
    assert format_reference(BOOK, "ama").html.startswith(
        "Filshie J, White A, Cummings M. <i>Medical Acupuncture: A Western Scientific "
        "Approach</i>. 2nd ed."
    )


def test_vancouver_html_escapes_every_field():
    formatted = format_reference(HOSTILE, "vancouver")
    assert formatted.text == (
        "O'Brien & Sons <b>Bob</b>. Pain <script>alert(1)</script> & needles. "
        "Journal of <i>Things</i> & Stuff. 2020;1:1-10."
    )
    assert formatted.html == (
        "O'Brien &amp; Sons &lt;b&gt;Bob&lt;/b&gt;. "
        "Pain &lt;script&gt;alert(1)&lt;/script&gt; &amp; needles. "
        "Journal of &lt;i&gt;Things&lt;/i&gt; &amp; Stuff. 2020;1:1-10."
    )


def test_ama_html_escapes_every_field_and_keeps_its_own_italics():
    assert format_reference(HOSTILE, "ama").html == (
        "O'Brien &amp; Sons &lt;b&gt;Bob&lt;/b&gt;. "
        "Pain &lt;script&gt;alert(1)&lt;/script&gt; &amp; needles. "
        "<i>Journal of &lt;i&gt;Things&lt;/i&gt; &amp; Stuff</i>. 2020;1:1-10."
    )


@pytest.mark.parametrize("style", STYLES)
def test_et_al_flag_on_a_long_list_gives_a_single_et_al(style):
    seven = dict(CHERKIN, author=CHERKIN["author"][:7], custom={"et_al": True})
    six = dict(CHERKIN, author=CHERKIN["author"][:6], custom={"et_al": True})
    expected = format_reference(CHERKIN, style).text
    assert format_reference(seven, style).text == expected
    assert format_reference(six, style).text == expected


def test_six_authors_are_all_listed_without_et_al():
    six = dict(CHERKIN, author=CHERKIN["author"][:6])
    assert format_reference(six, "vancouver").text.startswith(
        "Cherkin DC, Sherman KJ, Avins AL, Erro JH, Ichikawa L, Barlow WE. A randomized"
    )
    assert format_reference(six, "ama").text.startswith(
        "Cherkin DC, Sherman KJ, Avins AL, Erro JH, Ichikawa L, Barlow WE. A randomized"
    )


@pytest.mark.parametrize(
    ("page", "vancouver", "ama"),
    [
        ("858-866", "858-66", "858-866"),
        ("858-66", "858-66", "858-866"),
        ("1-10", "1-10", "1-10"),
        ("99-101", "99-101", "99-101"),
        ("1000-1010", "1000-10", "1000-1010"),
        ("e1-e10", "e1-e10", "e1-e10"),
        ("S12-S18", "S12-S18", "S12-S18"),
        ("1490", "1490", "1490"),
    ],
)
def test_page_ranges(page, vancouver, ama):
    item = dict(GROUP_AUTHOR, page=page)
    assert format_reference(item, "vancouver").text.endswith(f";328(7454):{vancouver}.")
    assert format_reference(item, "ama").text.endswith(f";328(7454):{ama}.")


def test_date_range_keeps_its_first_date():
    item = dict(NO_AUTHOR, issued={"date-parts": [[2021, 1], [2021, 2]]})
    assert "Drug Ther Bull. 2021 Jan;59(1):2-3." in format_reference(item, "vancouver").text
    assert "Drug Ther Bull. 2021;59(1):2-3." in format_reference(item, "ama").text


def test_editors_stand_in_for_missing_authors_once():
    edited = dict(BOOK, author=[], editor=BOOK["author"][:2])
    assert format_reference(edited, "vancouver").text == (
        "Filshie J, White A, editors. Medical acupuncture: a Western scientific approach. "
        "2nd ed. Edinburgh: Elsevier; 2016."
    )
    assert format_reference(edited, "ama").text == (
        "Filshie J, White A, eds. Medical Acupuncture: A Western Scientific Approach. "
        "2nd ed. Elsevier; 2016."
    )


def test_chapter():
    chapter = {
        "id": "chapter",
        "type": "chapter",
        "author": [person("White", "Adrian")],
        "editor": [person("Filshie", "Jacqueline")],
        "title": "Safety of acupuncture",
        "container-title": "Medical acupuncture",
        "publisher": "Elsevier",
        "publisher-place": "Edinburgh",
        "issued": {"date-parts": [[2016]]},
        "page": "100-115",
    }
    assert format_reference(chapter, "vancouver").text == (
        "White A. Safety of acupuncture. In: Filshie J, editor. Medical acupuncture. "
        "Edinburgh: Elsevier; 2016. p. 100-15."
    )
    assert format_reference(chapter, "ama").text == (
        "White A. Safety of acupuncture. In: Filshie J, ed. Medical Acupuncture. "
        "Elsevier; 2016:100-115."
    )


@pytest.mark.parametrize("style", STYLES)
def test_items_sharing_an_id_or_rendering_empty_keep_their_place(style):
    empty = {"id": "empty", "type": "article-journal"}
    results = format_references([CHERKIN, empty, dict(WEN, id="cherkin2009")], style)
    assert [r.text for r in results] == [
        format_reference(CHERKIN, style).text,
        "",
        format_reference(WEN, style).text,
    ]


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("missing", sorted(CHERKIN))
def test_missing_fields_never_raise(style, missing):
    item = {key: value for key, value in CHERKIN.items() if key != missing}
    formatted = format_reference(item, style)
    assert formatted.text
    assert "None" not in formatted.text


@pytest.mark.parametrize("style", STYLES)
def test_odd_but_harmless_input_is_tolerated(style):
    odd = {
        "id": 7,
        "type": "dataset",
        "title": ["Listed title", "Second title"],
        "author": [{"family": "Lone", "given": "Ann", "sequence": "first"}, "not a name"],
        "issued": {"date-parts": [[2020, 0, 3]]},
        "accessed": {"raw": "2024-01-02"},
        "journalAbbreviation": "Unknown key",
        "custom": "not a dict",
    }
    assert format_reference(odd, style).text.startswith("Lone A. Listed title.")


@pytest.mark.parametrize("path", STYLE_FILES, ids=lambda path: path.name)
def test_style_files_are_valid_csl(path):
    schema = etree.RelaxNG(etree.parse(citeproc.SCHEMA_PATH))
    assert schema.validate(etree.parse(path)), schema.error_log
