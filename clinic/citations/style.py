"""Format CSL-JSON references as NLM/Vancouver or AMA with citeproc-py.

The styles are corrected copies of the CSL repository's styles, kept in
``styles/``; each file says at its top what was changed for citeproc-py and why.
Where a style file cannot help, the input is prepared before it reaches the
processor (``_prepare``). The output then gets two small fixes (``_finish``):
placeholders become characters or HTML entities, and a period after "?" or "!"
is dropped.
"""

import html
import re
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import citeproc
from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
    model,
)
from citeproc.source.json import CiteProcJSON
from django.utils.safestring import mark_safe

STYLES = {
    "vancouver": "NLM/Vancouver (Citing Medicine)",
    "ama": "AMA Manual of Style (11th edition)",
}

_STYLE_FILES = {
    "vancouver": "nlm-citation-sequence.csl",
    "ama": "american-medical-association.csl",
}
_STYLES_DIR = Path(__file__).resolve().parent / "styles"

# citeproc-py's HTML formatter escapes the style's own text but not field
# values, so a "<script>" in a title would reach the page as markup. Every
# "&", "<" and ">" in the input is swapped for a private-use character that no
# case change, initialisation or punctuation rule touches, and swapped back
# after rendering: into entities for HTML, into the characters for plain text.
# Escaping the input with html.escape() instead would expose the entities to
# those rules (citeproc-py merges the ";" ending "&amp;" with a following ";").
# A hyphen that citeproc-py must not read as a page range is hidden the same way.
_HIDDEN_HYPHEN = "\ue003"
_HIDE = str.maketrans({"&": "\ue000", "<": "\ue001", ">": "\ue002"})
_SHOW_TEXT = str.maketrans({"\ue000": "&", "\ue001": "<", "\ue002": ">", _HIDDEN_HYPHEN: "-"})
_SHOW_HTML = str.maketrans(
    {"\ue000": "&amp;", "\ue001": "&lt;", "\ue002": "&gt;", _HIDDEN_HYPHEN: "-"}
)

# Citing Medicine and AMA: no period after a title that ends in "?" or "!".
# CSL leaves this to the processor and citeproc-py only merges identical marks
# (".."), so "low back pain?. Can Fam Physician" is mended here: no CSL
# condition can test how a field ends. The lookahead spares "?." inside a URL.
_PERIOD_AFTER_MARK = re.compile(r"(?<=[?!])((?:</[a-z]+>)*)\.(?=\s|$)")

# Variables and name parts citeproc-py knows; others make it warn, so they are dropped.
_VARIABLES = {name.replace("_", "-") for name in citeproc.VARIABLES}
_NAME_VARIABLES = {name.replace("_", "-") for name in citeproc.NAMES}
_DATE_VARIABLES = {name.replace("_", "-") for name in citeproc.DATES}
_NAME_PARTS = {"family", "given", "dropping-particle", "non-dropping-particle", "suffix"}

# CSL-JSON cannot say that the author list was cut short at the source. With
# custom.et_al set, this extra author is appended: it prints as "et al." when
# the list is short, and is dropped with the others when the style truncates
# a long list and adds its own "et al.".
_ET_AL = {"literal": "et al."}

_PAGE_RANGE = re.compile(r"(\d+)\s*[-\u2013]\s*(\d+)")
_ISO_DATE = re.compile(r"(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?")

# citeproc-py keeps rendering state, such as the output format, on the parsed
# style, so renderings take turns.
_lock = threading.Lock()


@dataclass(frozen=True)
class Formatted:
    text: str
    html: str


def format_references(items: list[dict], style: str = "vancouver") -> list[Formatted]:
    """Format CSL-JSON items, in order, one result per item.

    ``html`` is escaped throughout and marked safe: it contains only the
    style's own markup (such as <i> for AMA journal titles), and no links.
    """
    prepared = _prepare_all(items, style)
    with _lock:
        htmls = _render(prepared, style, formatter.html)
        texts = [html.unescape(output) for output in htmls]
        # Without markup the HTML is the text, escaped: citeproc-py escapes only "&", "<" and
        # ">", which field values never hold (_HIDE). Entries with markup (AMA's italics) are
        # rendered again as plain text, because markup can stop punctuation merging ("...</i>.").
        marked = [index for index, output in enumerate(htmls) if "<" in output]
        if marked:
            plain = _render([prepared[index] for index in marked], style, formatter.plain)
            for index, text in zip(marked, plain, strict=True):
                texts[index] = text
    return [
        Formatted(text=_finish(text, _SHOW_TEXT), html=mark_safe(_finish(output, _SHOW_HTML)))
        for text, output in zip(texts, htmls, strict=True)
    ]


def format_texts(items: list[dict], style: str = "vancouver") -> list[str]:
    """The plain text of ``format_references`` only, in half the time (an import preview)."""
    prepared = _prepare_all(items, style)
    with _lock:
        texts = _render(prepared, style, formatter.plain)
    return [_finish(text, _SHOW_TEXT) for text in texts]


def _prepare_all(items: list[dict], style: str) -> list[dict]:
    if style not in STYLES:
        raise ValueError(f"Unknown citation style {style!r}; choose from {sorted(STYLES)}")
    return [_prepare(item, key=f"ref{number}") for number, item in enumerate(items)]


def format_reference(item: dict, style: str = "vancouver") -> Formatted:
    """Format one CSL-JSON item."""
    return format_references([item], style)[0]


@cache
def _parsed_style(style: str) -> CitationStylesStyle:
    # The tests check the files against the CSL schema; no need on every start.
    _memoise_xpath()
    return CitationStylesStyle(str(_STYLES_DIR / _STYLE_FILES[style]), validate=False)


def _memoise_xpath() -> None:
    """Look each XPath up once per style element and process, not once per rendering.

    citeproc-py finds macros, terms and the layout by XPath every time it renders a reference: a
    third of the time of formatting 200 (`manage.py bench_references`). A parsed style never
    changes, so the answer for an element and an expression never does. The cache holds the
    elements it names, so lxml keeps their Python objects (and their identity) alive.
    """
    search = model.CitationStylesElement.xpath_search
    if getattr(search, "memoised", False):
        return
    found: dict = {}

    def xpath_search(self, expression):
        key = (self, expression)
        if key not in found:
            if len(found) > 50_000:  # styles parsed again and again (the tests): stay bounded
                found.clear()
            found[key] = search(self, expression)
        return list(found[key])

    xpath_search.memoised = True
    model.CitationStylesElement.xpath_search = xpath_search


def _render(items: list[dict], style: str, output) -> list[str]:
    parsed_style = _parsed_style(style)
    bibliography = CitationStylesBibliography(parsed_style, CiteProcJSON(items), output)
    cites = [CitationItem(item["id"]) for item in items]
    for cite in cites:
        bibliography.register(Citation([cite]))
    # One entry at a time: bibliography() leaves out entries that render empty,
    # which would shift every later entry onto the wrong item.
    return [str(next(iter(parsed_style.render_bibliography([cite])), "")) for cite in cites]


def _finish(output: str, show: dict) -> str:
    return _PERIOD_AFTER_MARK.sub(r"\1", output).translate(show)


def _prepare(item: dict, *, key: str) -> dict:
    """Return a copy of item that citeproc-py renders correctly and quietly.

    The id is replaced by key, so that every item is rendered even when two
    share an id. Unknown variables are dropped, names, dates and pages are
    mended, and "&", "<" and ">" are hidden (see _HIDE).
    """
    prepared = {"id": key, "type": str(item.get("type") or "article")}
    for variable, value in item.items():
        if variable not in _VARIABLES or value in (None, "", [], {}):
            continue
        if variable in _NAME_VARIABLES:
            names = [_prepare_name(name) for name in value if isinstance(name, dict)]
            value = [name for name in names if name]
        elif variable in _DATE_VARIABLES:
            value = _prepare_date(value)
        else:
            if isinstance(value, list):  # Crossref sends some titles as lists
                value = value[0]
            value = _hide(value)
            if variable == "page":
                value = _prepare_page(value)
        if value:
            prepared[variable] = value
    custom = item.get("custom")
    if isinstance(custom, dict) and custom.get("et_al") and prepared.get("author"):
        prepared["author"].append(_ET_AL)
    return prepared


def _prepare_name(name: dict) -> dict:
    if name.get("literal"):
        return {"literal": _hide(name["literal"])}
    name = {part: _hide(value) for part, value in name.items() if part in _NAME_PARTS and value}
    if "given" in name:
        # Initials written together ("DC", as PubMed gives them) would be read
        # as one name and shortened to "D"; spaced out, each one is kept.
        name["given"] = " ".join(
            " ".join(word) if word.isalpha() and word.isupper() and len(word) <= 3 else word
            for word in name["given"].split()
        )
    return name


def _prepare_date(date: dict | str) -> dict:
    """Return the date in a form citeproc-py renders, or {} if it has no year.

    Only the first date of a range is kept: citeproc-py garbles a range such
    as 2020 Jan-Feb in NLM ("Jan- Feb2020", with an en dash) and drops its
    year in AMA.
    """
    if isinstance(date, str):
        date = {"raw": date}
    parts = (date.get("date-parts") or [[]])[0]
    if not parts and date.get("raw"):
        match = _ISO_DATE.fullmatch(str(date["raw"]).strip())
        parts = match.groups() if match else []
    values = []
    for value, highest in zip(parts, (9999, 12, 31), strict=False):
        try:
            number = int(value)
        except (TypeError, ValueError):
            break
        if not 1 <= number <= highest:  # 0 or None mean unknown; 13+ are seasons
            break
        values.append(number)
    if values:
        return {"date-parts": [values]}
    literal = date.get("literal") or date.get("raw")
    return {"literal": _hide(literal)} if literal else {}


def _prepare_page(page: str) -> str:
    """Leave citeproc-py only the page ranges that it shortens correctly.

    It shortens by common leading characters, so "1-10" became "1-0" and
    "e1-e10" became "e1-0" in NLM. Numeric ranges are written out in full
    ("858-66" becomes "858-866") for each style to shorten or not; in any
    other range the hyphen is hidden and the range printed as given.
    """
    ranges = []
    for pages in page.split(","):
        pages = pages.strip()
        match = _PAGE_RANGE.fullmatch(pages)
        if match:
            first, last = match.groups()
            last = first[: max(len(first) - len(last), 0)] + last
            if len(first) == len(last) and int(first) < int(last):
                ranges.append(f"{first}-{last}")
                continue
        ranges.append(pages.replace("-", _HIDDEN_HYPHEN).replace("\u2013", _HIDDEN_HYPHEN))
    return ", ".join(ranges)


def _hide(value) -> str:
    return str(value).translate(_HIDE)
