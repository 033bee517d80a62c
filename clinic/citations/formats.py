"""Read and write reference files: RIS, BibTeX, MEDLINE (.nbib), CSL-JSON and plain text.

Everything is converted to and from CSL-JSON items (dicts), the format the rest of the site
uses. RIS goes through ``rispy`` and BibTeX through ``bibtexparser`` (v2); MEDLINE, PubMed's
tagged format, has no maintained Python reader, so a small one lives here.

Readers never raise. ``read(text, fmt)`` returns one ``ImportItem`` per record; a record that
cannot be read has ``csl=None`` and a problem message naming it, and a file that cannot be
read at all gives a single such item. CSL-JSON cannot say "the source truncated the author
list with et al.", so that travels as ``custom.et_al``; the writers carry it in each format's
own way (BibTeX "and others", a RIS note, ...) so that a round trip keeps it.
"""

import json
import re
from dataclasses import dataclass, field

import bibtexparser
import rispy
from bibtexparser.middlewares.names import (
    parse_single_name_into_parts,
    split_multiple_persons_names,
)
from bibtexparser.model import Entry, Field
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db
from pylatexenc.latexencode import (
    RULE_DICT,
    UnicodeToLatexConversionRule,
    UnicodeToLatexEncoder,
)

from clinic.citations.identifiers import normalise_doi, normalise_pmcid, normalise_pmid
from clinic.citations.model import parse_reference as parse_references
from clinic.citations.parse import MONTHS, _looks_like_group, split_reference_list

FORMATS = ("ris", "bibtex", "medline", "csljson", "text")
FORMAT_NAMES = {
    "ris": "RIS",
    "bibtex": "BibTeX",
    "medline": "MEDLINE/PubMed (.nbib)",
    "csljson": "CSL-JSON",
    "text": "plain text",
}
# A note that marks a truncated author list in formats that have no field for it.
ET_AL_NOTE = "Author list truncated (et al.)"


@dataclass
class ImportItem:
    """One record of an imported file: its raw text, the CSL item, and what went wrong."""

    source: str
    csl: dict | None
    problems: list[str] = field(default_factory=list)
    # Free text only: the parser's confidence (0..1) per CSL field it filled.
    confidence: dict[str, float] = field(default_factory=dict)


# ---------------------------------------------------------------------------------------
# Detection and dispatch
# ---------------------------------------------------------------------------------------


def detect_format(text: str) -> str:
    """Guess the format of ``text``: one of ``FORMATS`` ("text" when nothing else fits)."""
    if not isinstance(text, str):
        return "text"
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped[:1] in "[{":
        try:
            json.loads(stripped)
        except (ValueError, RecursionError):
            # "[{" or "{" starts no reference list ("[1] Cherkin…" does): broken JSON, so the
            # reader can say where it breaks.
            if re.match(r"\[\s*\{|\{\s*\"", stripped):
                return "csljson"
        else:
            return "csljson"
    if re.search(r"^TY  - ", stripped, re.MULTILINE):
        return "ris"
    if re.search(r"^PMID- ", stripped, re.MULTILINE):
        return "medline"
    if re.search(r"^\s*@\s*\w+\s*[{(]", stripped, re.MULTILINE):
        return "bibtex"
    return "text"


def read(text: str, fmt: str | None = None) -> list[ImportItem]:
    """Read ``text`` in format ``fmt`` (detected when None) into import items. Never raises."""
    if not isinstance(text, str):
        return [ImportItem(source="", csl=None, problems=["The file is not text."])]
    text = text.lstrip("\ufeff")
    fmt = fmt or detect_format(text)
    readers = {
        "ris": _read_ris,
        "bibtex": _read_bibtex,
        "medline": _read_medline,
        "csljson": _read_csl_json,
        "text": _read_text,
    }
    if fmt not in readers:
        return [
            ImportItem(
                source="",
                csl=None,
                problems=[f"Unknown format “{fmt}”; choose one of {', '.join(FORMATS)}."],
            )
        ]
    if not text.strip():
        return [ImportItem(source="", csl=None, problems=["The file is empty."])]
    try:
        items = readers[fmt](text)
    except Exception as error:  # a broken upload must never become a server error
        return [
            ImportItem(
                source=text[:500],
                csl=None,
                problems=[f"The file could not be read as {FORMAT_NAMES[fmt]}: {error}"],
            )
        ]
    if not items:
        return [
            ImportItem(
                source=text[:500],
                csl=None,
                problems=[f"No references were found in this {FORMAT_NAMES[fmt]} file."],
            )
        ]
    return items


# ---------------------------------------------------------------------------------------
# Shared helpers
# ---------------------------------------------------------------------------------------


def _date_parts(item: dict, key: str = "issued") -> list[int]:
    try:
        parts = item[key]["date-parts"][0]
        return [int(p) for p in parts if p not in (None, "")]
    except (KeyError, IndexError, TypeError, ValueError):
        return []


def _set_date(csl: dict, key: str, parts: list[int]) -> None:
    if parts:
        csl[key] = {"date-parts": [parts]}


def _parse_date_text(text: str) -> list[int]:
    """ "2009/05/11/", "2009 May 11", "2009-05", "2009 Jan-Feb" -> date parts."""
    text = (text or "").strip()
    year = re.search(r"\b(1[5-9]\d\d|20\d\d)\b", text)
    if not year:
        return []
    parts = [int(year.group(1))]
    rest = text[year.end() :]
    numeric = re.match(r"[/-](\d{1,2})(?:[/-](\d{1,2}))?", rest)
    word = re.match(r"\s+([A-Za-z]{3,9})\b(?:\s+(\d{1,2})\b)?", rest)
    if numeric and 1 <= int(numeric.group(1)) <= 12:
        parts.append(int(numeric.group(1)))
        if numeric.group(2) and 1 <= int(numeric.group(2)) <= 31:
            parts.append(int(numeric.group(2)))
    elif word and word.group(1).lower() in MONTHS:
        parts.append(MONTHS[word.group(1).lower()])
        if word.group(2):
            parts.append(int(word.group(2)))
    return parts


def _page_range(page: str) -> tuple[str, str]:
    first, _, last = str(page).replace("\u2013", "-").partition("-")
    return first.strip(), last.strip()


def _expand_page(first: str, last: str) -> str:
    """ "858", "66" -> "858-866" (MEDLINE and some RIS files abbreviate the end page)."""
    if last and last.isdigit() and first.isdigit() and len(last) < len(first):
        last = first[: len(first) - len(last)] + last
    return f"{first}-{last}" if last else first


def _clean_identifiers(csl: dict, problems: list[str]) -> None:
    """Normalise DOI/PMID/PMCID in place; an invalid one is dropped with a problem."""
    for key, normalise in (
        ("DOI", normalise_doi),
        ("PMID", normalise_pmid),
        ("PMCID", normalise_pmcid),
    ):
        if csl.get(key) in (None, ""):
            csl.pop(key, None)
            continue
        try:
            csl[key] = normalise(csl[key])
        except ValueError as error:
            problems.append(str(error))
            csl.pop(key)


def _record_label(csl: dict | None, index: int) -> str:
    title = (csl or {}).get("title")
    return f"record {index}" + (f" (“{title[:60]}”)" if title else "")


# ---------------------------------------------------------------------------------------
# RIS
# ---------------------------------------------------------------------------------------

_RIS_TO_CSL = {
    "JOUR": "article-journal",
    "JFULL": "article-journal",
    "EJOUR": "article-journal",
    "MGZN": "article-magazine",
    "NEWS": "article-newspaper",
    "BOOK": "book",
    "EBOOK": "book",
    "EDBOOK": "book",
    "CHAP": "chapter",
    "ECHAP": "chapter",
    "RPRT": "report",
    "GOVDOC": "report",
    "STAND": "report",
    "ELEC": "webpage",
    "WEB": "webpage",
    "BLOG": "post-weblog",
    "CONF": "paper-conference",
    "CPAPER": "paper-conference",
    "THES": "thesis",
}
_CSL_TO_RIS = {
    "article-journal": "JOUR",
    "review": "JOUR",
    "article-magazine": "MGZN",
    "article-newspaper": "NEWS",
    "book": "BOOK",
    "chapter": "CHAP",
    "report": "RPRT",
    "webpage": "ELEC",
    "post-weblog": "BLOG",
    "paper-conference": "CPAPER",
    "thesis": "THES",
}
_RIS_LINE_RE = re.compile(r"^([A-Z][A-Z0-9])  - ?(.*)$")


def _read_ris(text: str) -> list[ImportItem]:
    """Split the file into records ourselves, so that one bad record names itself."""
    items: list[ImportItem] = []
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    record: list[str] = []
    start_line = 0
    skipped: list[tuple[int, str]] = []
    for number, line in enumerate(lines, start=1):
        if not record:
            # Text between records (blank lines, counters such as "1.") is not part of one,
            # unless it is a tagged line: then a record lost its "TY" line.
            if not line.startswith("TY  -") and not _RIS_LINE_RE.match(line):
                if line.strip():
                    skipped.append((number, line))
                continue
            start_line = number
        record.append(line)
        if line.startswith("ER  -"):
            items.append(_read_ris_record(record, start_line, len(items) + 1))
            record = []
    if not items and not record and skipped:
        number, line = skipped[0]
        return [
            ImportItem(
                source=text[:500],
                csl=None,
                problems=[
                    "No RIS record (“TY  - …” to “ER  -”) was found; "
                    f"line {number} reads “{line[:40]}”."
                ],
            )
        ]
    if any(line.strip() for line in record):
        item = _read_ris_record([*record, "ER  - "], start_line, len(items) + 1)
        item.problems.append(
            f"The record starting on line {start_line} has no end tag (ER); it may be cut off."
        )
        items.append(item)
    return items


def _read_ris_record(lines: list[str], start_line: int, index: int) -> ImportItem:
    source = "\n".join(lines)
    first = next((line for line in lines if line.strip()), "")
    if not first.startswith("TY  -"):
        return ImportItem(
            source=source,
            csl=None,
            problems=[
                f"The RIS record starting on line {start_line} does not begin with a type "
                f"line (“TY  - JOUR”); it begins with “{first[:40]}”."
            ],
        )
    unreadable = [
        line
        for line in lines
        if line.strip() and not _RIS_LINE_RE.match(line) and not line.startswith(("   ", "\t"))
    ]
    try:
        entries = rispy.loads("\n".join(lines), skip_unknown_tags=True)
    except Exception as error:
        return ImportItem(
            source=source,
            csl=None,
            problems=[f"The RIS record starting on line {start_line} could not be read: {error}"],
        )
    if not entries:
        return ImportItem(
            source=source,
            csl=None,
            problems=[f"The RIS record starting on line {start_line} is empty."],
        )
    csl, problems = _ris_to_csl(entries[0])
    if unreadable:
        problems.append(
            f"Lines that are not “TAG  - value” were ignored in the record starting on line "
            f"{start_line}: “{unreadable[0][:60]}”."
        )
    if not csl.get("title"):
        problems.append(f"The RIS record starting on line {start_line} has no title (TI).")
    return ImportItem(source=source, csl=csl, problems=problems)


def _ris_name(name: str) -> dict:
    family, comma, given = name.partition(",")
    # RIS has one form for persons and organisations ("Family, Given"): an organisation whose
    # name holds a comma ("Bundesärztekammer (BÄK), Kassenärztliche Bundesvereinigung (KBV)",
    # "Committee of Clinical Practice Guidelines, Korean Diabetes Association") is told from a
    # person by its brackets or, in a longer name, its words.
    if not comma or "(" in name or (len(name.split()) >= 4 and _looks_like_group(name)):
        return {"literal": name.strip()}
    author = {"family": family.strip()}
    if given.strip():
        author["given"] = given.strip()
    return author


def _ris_to_csl(entry: dict) -> tuple[dict, list[str]]:
    problems: list[str] = []
    ris_type = str(entry.get("type_of_reference", "")).strip().upper()
    csl: dict = {"type": _RIS_TO_CSL.get(ris_type, "document")}
    if str(entry.get("id") or "").strip():
        csl["id"] = str(entry["id"]).strip()
    if ris_type and ris_type not in _RIS_TO_CSL:
        problems.append(f"RIS type “{ris_type}” is imported as a generic document.")
    names = [*entry.get("authors", []), *entry.get("first_authors", [])]
    if names:
        csl["author"] = [_ris_name(n) for n in names if n.strip()]
    title = entry.get("title") or entry.get("primary_title")
    if title:
        csl["title"] = title
    container = (
        entry.get("secondary_title") or entry.get("journal_name") or entry.get("alternate_title3")
    )
    if container:
        csl["container-title"] = container
    short = entry.get("alternate_title1") or entry.get("alternate_title2")
    if short:
        csl["container-title-short"] = short
    _set_date(
        csl,
        "issued",
        _parse_date_text(entry.get("date") or "")
        or _parse_date_text(entry.get("year") or entry.get("publication_year") or ""),
    )
    _set_date(csl, "accessed", _parse_date_text(entry.get("access_date") or ""))
    for ris_key, csl_key in (
        ("volume", "volume"),
        ("number", "issue"),
        ("custom7", "number"),
        ("doi", "DOI"),
        ("accession_number", "PMID"),
        ("custom2", "PMCID"),
        ("publisher", "publisher"),
        ("place_published", "publisher-place"),
    ):
        if entry.get(ris_key):
            csl[csl_key] = str(entry[ris_key]).strip()
    start, end = entry.get("start_page"), entry.get("end_page")
    if start:
        csl["page"] = _expand_page(str(start).strip(), str(end or "").strip())
    urls = [u for u in entry.get("urls", []) if u]
    if urls:
        csl["URL"] = urls[0]
    if ET_AL_NOTE in entry.get("notes", []):
        csl["custom"] = {"et_al": True}
    _clean_identifiers(csl, problems)
    return csl, problems


class _RisWriter(rispy.RisWriter):
    """rispy's writer without the "1." counter it puts before each record."""

    def set_header(self, count: int) -> str:
        return ""


def write_ris(items: list[dict]) -> str:
    """Write CSL items as RIS."""
    entries = []
    for item in items:
        entry: dict = {"type_of_reference": _CSL_TO_RIS.get(item.get("type", ""), "GEN")}
        if isinstance(item.get("id"), str) and item["id"]:
            entry["id"] = item["id"]
        authors = []
        for author in item.get("author", []):
            if author.get("literal"):
                authors.append(author["literal"])
            else:
                # "Family, Given"; a lone family name keeps its comma ("Allais,") so that
                # it is not read back as an organisation.
                given = author.get("given", "")
                authors.append(f"{author.get('family', '')}, {given}".rstrip(" "))
        if authors:
            entry["authors"] = authors
        if item.get("title"):
            entry["title"] = item["title"]
        if item.get("container-title"):
            entry["secondary_title"] = item["container-title"]
        if item.get("container-title-short"):
            entry["alternate_title1"] = item["container-title-short"]
        parts = _date_parts(item)
        if parts:
            entry["year"] = str(parts[0])
            if len(parts) > 1:
                entry["date"] = "/".join(f"{p:02d}" if i else str(p) for i, p in enumerate(parts))
        accessed = _date_parts(item, "accessed")
        if accessed:
            entry["access_date"] = "/".join(
                f"{p:02d}" if i else str(p) for i, p in enumerate(accessed)
            )
        for csl_key, ris_key in (
            ("volume", "volume"),
            ("issue", "number"),
            ("number", "custom7"),
            ("DOI", "doi"),
            ("PMID", "accession_number"),
            ("PMCID", "custom2"),
            ("publisher", "publisher"),
            ("publisher-place", "place_published"),
        ):
            if item.get(csl_key):
                entry[ris_key] = str(item[csl_key])
        if item.get("page"):
            start, end = _page_range(item["page"])
            entry["start_page"] = start
            if end:
                entry["end_page"] = end
        if item.get("URL"):
            entry["urls"] = [item["URL"]]
        if (item.get("custom") or {}).get("et_al"):
            entry["notes"] = [ET_AL_NOTE]
        entries.append(entry)
    return rispy.dumps(entries, implementation=_RisWriter)


# ---------------------------------------------------------------------------------------
# BibTeX
# ---------------------------------------------------------------------------------------

_BIBTEX_TO_CSL = {
    "article": "article-journal",
    "book": "book",
    "inbook": "chapter",
    "incollection": "chapter",
    "techreport": "report",
    "report": "report",
    "online": "webpage",
    "www": "webpage",
    "inproceedings": "paper-conference",
    "conference": "paper-conference",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "thesis": "thesis",
    "misc": "document",
}
_CSL_TO_BIBTEX = {
    "article-journal": "article",
    "review": "article",
    "book": "book",
    "chapter": "incollection",
    "report": "techreport",
    "webpage": "online",
    "paper-conference": "inproceedings",
    "thesis": "phdthesis",
}


def _latex_context():
    """pylatexenc's macros, but two read back as written: it reads \\textperiodcentered ("1·9
    million", "한국지질·동맥경화학회") as "˙" and \\textquotedbl as nothing."""
    context = get_default_latex_context_db()
    context.add_context_category(
        "clinic-round-trip",
        prepend=True,
        macros=[
            MacroTextSpec("textperiodcentered", simplify_repl="·"),
            MacroTextSpec("textquotedbl", simplify_repl='"'),
        ],
    )
    return context


_LATEX = LatexNodes2Text(latex_context=_latex_context())
# Encode only what LaTeX cannot take raw (é -> \\'e, & -> \\&); pylatexenc is what
# bibtexparser itself uses for this. A straight double quote is \\textquotedbl: pylatexenc's
# default (two apostrophes) reads back as a closing curly quote.
# Each replacement is braced ({\"u}): bibtexparser's name splitter loses an unbraced "\r{A}"
# that follows " and ".
_LATEX_ENCODER = UnicodeToLatexEncoder(
    conversion_rules=[
        UnicodeToLatexConversionRule(RULE_DICT, {ord('"'): r"\textquotedbl"}),
        "defaults",
    ],
    # Characters LaTeX has no macro for (Chinese, Japanese, Korean) are kept, without a
    # warning logged for each one.
    unknown_char_policy="keep",
    unknown_char_warning=False,
    replacement_latex_protection="braces-all",
)


def _latex_encode(value: str) -> str:
    latex = _LATEX_ENCODER.unicode_to_latex(value)
    # Two hyphens are an en dash to LaTeX ("Chronic Pain--United States"); "-{}-" keeps them.
    while "--" in latex:
        latex = latex.replace("--", "-{}-")
    return latex


def _latex_text(value: str) -> str:
    try:
        text = _LATEX.latex_to_text(value)
    except Exception:  # pylatexenc gives up on some broken input; keep the raw text then
        text = value
    return " ".join(text.split())


def _read_bibtex(text: str) -> list[ImportItem]:
    library = bibtexparser.parse_string(text)
    items: list[ImportItem] = []
    for block in library.blocks:
        if isinstance(block, Entry):
            items.append(_bibtex_entry_to_item(block))
        elif block in library.failed_blocks:
            line = (block.start_line or 0) + 1
            raw = (block.raw or "").strip()
            reason = str(block.error) or type(block.error).__name__
            if "end of file" in reason.lower() or not str(block.error):
                reason = "it has a syntax error (an unclosed brace or quote, or a missing comma)"
            items.append(
                ImportItem(
                    source=raw,
                    csl=None,
                    problems=[
                        f"The BibTeX entry starting on line {line} (“{raw[:40]}”) could not be "
                        f"read: {reason}"
                    ],
                )
            )
    return items


def _braced_whole(name: str) -> bool:
    """Whether one pair of braces holds the whole name ("{A {\\'e} B}", not "{A} {B}")."""
    if not (name.startswith("{") and name.endswith("}")):
        return False
    depth = 0
    for position, char in enumerate(name):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth == 0 and position < len(name) - 1:
            return False
    return True


def _bibtex_names(value: str) -> tuple[list[dict], bool]:
    authors: list[dict] = []
    et_al = False
    for name in split_multiple_persons_names(value):
        name = name.strip()
        if name.lower() == "others":
            et_al = True
            continue
        # A fully braced name ("{GRADE Working Group}", "{Haute Autorit{\\'e} de Sant{\\'e}}")
        # is an organisation.
        if _braced_whole(name):
            authors.append({"literal": _latex_text(name[1:-1])})
            continue
        parts = parse_single_name_into_parts(name, strict=False)
        family = _latex_text(" ".join(parts.von + parts.last))
        author = {"family": family}
        given = _latex_text(" ".join(parts.first))
        if given:
            author["given"] = given
        if parts.jr:
            author["suffix"] = _latex_text(" ".join(parts.jr))
        authors.append(author)
    return authors, et_al


def _bibtex_entry_to_item(entry: Entry) -> ImportItem:
    problems: list[str] = []
    fields = {f.key.lower(): str(f.value) for f in entry.fields}
    entry_type = entry.entry_type.lower()
    csl: dict = {"type": _BIBTEX_TO_CSL.get(entry_type, "document")}
    if entry.key:
        csl["id"] = entry.key
    if entry_type not in _BIBTEX_TO_CSL:
        problems.append(f"BibTeX type “@{entry_type}” is imported as a generic document.")
    if fields.get("author"):
        authors, et_al = _bibtex_names(fields["author"])
        if authors:
            csl["author"] = authors
        if et_al:
            csl["custom"] = {"et_al": True}
    simple = {
        "title": "title",
        "journal": "container-title",
        "journaltitle": "container-title",
        "booktitle": "container-title",
        "shortjournal": "container-title-short",
        "volume": "volume",
        "number": "issue",
        "issue": "issue",
        "eid": "number",
        "doi": "DOI",
        "pmid": "PMID",
        "pmcid": "PMCID",
        "url": "URL",
        "publisher": "publisher",
        "address": "publisher-place",
        "institution": "publisher",
    }
    for key, csl_key in simple.items():
        if fields.get(key) and csl_key not in csl:
            csl[csl_key] = (
                _latex_text(fields[key]) if csl_key not in ("URL", "DOI") else fields[key]
            )
    if fields.get("pages"):
        first, last = _page_range(fields["pages"].replace("--", "-"))
        csl["page"] = _expand_page(first, last)
    date = _parse_date_text(fields.get("date", ""))
    if not date and fields.get("year"):
        date = _parse_date_text(fields["year"])
        month = fields.get("month", "").strip().lower()
        if date and month:
            number = int(month) if month.isdigit() else MONTHS.get(month[:3])
            if number and 1 <= number <= 12:
                date.append(number)
                if fields.get("day", "").isdigit():
                    date.append(int(fields["day"]))
    _set_date(csl, "issued", date)
    _set_date(csl, "accessed", _parse_date_text(fields.get("urldate", "")))
    _clean_identifiers(csl, problems)
    if not csl.get("title"):
        problems.append(f"The BibTeX entry “{entry.key}” has no title.")
    return ImportItem(source=entry.raw or "", csl=csl, problems=problems)


_KEY_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_:.\-]{0,59}")


def _bibtex_key(item: dict, used: set[str]) -> str:
    # The item's own key (the library's citation key) when it is a usable BibTeX key.
    own = item.get("id")
    if isinstance(own, str) and _KEY_RE.fullmatch(own) and own not in used:
        used.add(own)
        return own
    author = (item.get("author") or [{}])[0]
    name = author.get("family") or author.get("literal") or "ref"
    parts = _date_parts(item)
    base = re.sub(r"[^A-Za-z0-9]", "", name.encode("ascii", "ignore").decode()) or "ref"
    base += str(parts[0]) if parts else ""
    key, suffix = base, ord("a")
    while key in used:
        key = f"{base}{chr(suffix)}"
        suffix += 1
    used.add(key)
    return key


def _bibtex_name(author: dict) -> str:
    if author.get("literal"):
        # Braces keep an organisation's name in one piece.
        return "{" + _latex_encode(author["literal"]) + "}"
    name = _latex_encode(author.get("family", ""))
    if author.get("suffix"):
        name += f", {_latex_encode(author['suffix'])}"
    if author.get("given"):
        name += f", {_latex_encode(author['given'])}"
    return name


def write_bibtex(items: list[dict]) -> str:
    """Write CSL items as BibTeX (special characters LaTeX-encoded, so files compile)."""
    library = bibtexparser.Library()
    used: set[str] = set()
    for item in items:
        fields: list[Field] = []
        names = [_bibtex_name(a) for a in item.get("author", [])]
        if (item.get("custom") or {}).get("et_al"):
            names.append("others")
        if names:
            fields.append(Field("author", " and ".join(names)))
        container_key = "booktitle" if item.get("type") == "chapter" else "journal"
        for csl_key, key in (
            ("title", "title"),
            ("container-title", container_key),
            ("container-title-short", "shortjournal"),
            ("volume", "volume"),
            ("issue", "number"),
            ("number", "eid"),
            ("publisher", "publisher"),
            ("publisher-place", "address"),
        ):
            if item.get(csl_key):
                fields.append(Field(key, _latex_encode(str(item[csl_key]))))
        if item.get("page"):
            fields.append(Field("pages", str(item["page"]).replace("-", "--")))
        parts = _date_parts(item)
        if parts:
            fields.append(Field("year", str(parts[0])))
            if len(parts) > 1:
                fields.append(Field("month", str(parts[1])))
            if len(parts) > 2:
                fields.append(Field("day", str(parts[2])))
        accessed = _date_parts(item, "accessed")
        if accessed:
            fields.append(
                Field(
                    "urldate", "-".join(f"{p:02d}" if i else str(p) for i, p in enumerate(accessed))
                )
            )
        # Identifiers and links are written raw: LaTeX-encoding would mangle them.
        fields += [
            Field(key, str(item[csl_key]))
            for csl_key, key in (
                ("DOI", "doi"),
                ("PMID", "pmid"),
                ("PMCID", "pmcid"),
                ("URL", "url"),
            )
            if item.get(csl_key)
        ]
        entry_type = _CSL_TO_BIBTEX.get(item.get("type", ""), "misc")
        library.add(Entry(entry_type, _bibtex_key(item, used), fields))
    return bibtexparser.write_string(library)


# ---------------------------------------------------------------------------------------
# MEDLINE / PubMed (.nbib)
# ---------------------------------------------------------------------------------------

_MEDLINE_LINE_RE = re.compile(r"^([A-Z][A-Z0-9]{0,3})\s*- (.*)$")


def _read_medline(text: str) -> list[ImportItem]:
    """Records start with "PMID- "; each line is "TAG - value", continued by 6 spaces."""
    items: list[ImportItem] = []
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    records: list[tuple[int, list[str]]] = []
    for number, line in enumerate(lines, start=1):
        if line.startswith("PMID-") or (not records and line.strip()):
            records.append((number, []))
        if records:
            records[-1][1].append(line)
    for start_line, record in records:
        items.append(_read_medline_record(record, start_line))
    return items


def _read_medline_record(lines: list[str], start_line: int) -> ImportItem:
    source = "\n".join(lines).strip()
    tags: list[tuple[str, str]] = []
    problems: list[str] = []
    for offset, line in enumerate(lines):
        if not line.strip():
            continue
        match = _MEDLINE_LINE_RE.match(line)
        if match:
            tags.append((match.group(1), match.group(2).strip()))
        elif line.startswith("      ") and tags:
            tag, value = tags[-1]
            tags[-1] = (tag, f"{value} {line.strip()}")
        else:
            problems.append(
                f"Line {start_line + offset} is not “TAG - value” and was ignored: “{line[:40]}”."
            )
    if not tags or tags[0][0] != "PMID":
        return ImportItem(
            source=source,
            csl=None,
            problems=[
                f"The MEDLINE record starting on line {start_line} does not start with "
                "“PMID- ”; it is not a PubMed record.",
                *problems,
            ],
        )
    csl = _medline_to_csl(tags)
    if not csl.get("title"):
        problems.append(f"The MEDLINE record PMID {csl.get('PMID', '?')} has no title (TI).")
    _clean_identifiers(csl, problems)
    return ImportItem(source=source, csl=csl, problems=problems)


def _medline_to_csl(tags: list[tuple[str, str]]) -> dict:
    csl: dict = {}
    authors: list[dict] = []
    types = []
    for tag, value in tags:
        if tag == "PMID":
            csl.setdefault("PMID", value)
        elif tag in ("TI", "BTI") and "title" not in csl:
            csl["title"] = value.rstrip(".")
        elif tag == "FAU":
            family, _, given = value.partition(",")
            author = {"family": family.strip()}
            if given.strip():
                author["given"] = given.strip()
            authors.append(author)
        elif tag == "AU":
            # AU follows its FAU; alone (old records) it is "Cherkin DC".
            if authors and authors[-1].get("_au") is None and "family" in authors[-1]:
                authors[-1]["_au"] = value
            else:
                family, _, initials = value.rpartition(" ")
                authors.append({"family": family or value, "given": initials, "_au": value})
        elif tag == "CN":
            authors.append({"literal": value, "_au": value})
        elif tag == "JT":
            csl["container-title"] = value
        elif tag == "TA":
            csl["container-title-short"] = value
        elif tag == "DP":
            _set_date(csl, "issued", _parse_date_text(value))
        elif tag == "VI":
            csl["volume"] = value
        elif tag == "IP":
            csl["issue"] = value
        elif tag == "PG":
            first, last = _page_range(value)
            if not last and re.fullmatch(r"[A-Za-z]{1,3}\d+|\d{5,}", first):
                csl["number"] = first
            else:
                csl["page"] = _expand_page(first, last)
        elif tag in ("LID", "AID") and value.endswith("[doi]"):
            csl.setdefault("DOI", value[: -len("[doi]")].strip())
        elif tag == "PMC":
            csl["PMCID"] = value
        elif tag == "PT":
            types.append(value.lower())
    if authors:
        csl["author"] = [{k: v for k, v in a.items() if k != "_au"} for a in authors]
    if "book chapter" in types:
        csl["type"] = "chapter"
    elif "book" in types:
        csl["type"] = "book"
    elif "review" in types or "systematic review" in types:
        # PubMed says it is a review, so keep CSL's own "review" type.
        csl["type"] = "review"
    else:
        csl["type"] = "article-journal"
    csl.setdefault("container-title", csl.get("container-title-short", ""))
    if not csl["container-title"]:
        del csl["container-title"]
    return csl


# ---------------------------------------------------------------------------------------
# CSL-JSON
# ---------------------------------------------------------------------------------------


def _read_csl_json(text: str) -> list[ImportItem]:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as error:
        return [
            ImportItem(
                source=text[:500],
                csl=None,
                problems=[f"The file is not valid JSON: {error}."],
            )
        ]
    records = data if isinstance(data, list) else [data]
    items = []
    for index, record in enumerate(records, start=1):
        source = json.dumps(record, ensure_ascii=False)
        problems = _csl_problems(record)
        if problems:
            items.append(
                ImportItem(
                    source=source,
                    csl=None,
                    problems=[f"CSL-JSON item {index}: {p}" for p in problems],
                )
            )
            continue
        csl = {k: v for k, v in record.items() if k not in ("id", "citation-key")}
        own_key = record.get("citation-key") or record.get("id")
        if isinstance(own_key, str) and own_key:
            csl["id"] = own_key
        csl.setdefault("type", "article-journal")
        notes: list[str] = []
        _clean_identifiers(csl, notes)
        items.append(
            ImportItem(
                source=source,
                csl=csl,
                problems=[f"{_record_label(csl, index)}: {p}" for p in notes],
            )
        )
    return items


def _csl_problems(record) -> list[str]:
    if not isinstance(record, dict):
        return [f"expected an object with fields such as “title”, got {type(record).__name__}."]
    problems = []
    if not record.get("title"):
        problems.append("has no title.")
    if "type" in record and not isinstance(record["type"], str):
        problems.append("“type” must be text such as “article-journal”.")
    authors = record.get("author", [])
    if not isinstance(authors, list) or not all(
        isinstance(a, dict) and (a.get("family") or a.get("literal")) for a in authors
    ):
        problems.append('“author” must be a list of {"family", "given"} or {"literal"}.')
    for key in ("issued", "accessed"):
        if key in record and not _date_parts(record, key):
            problems.append(f'“{key}” must look like {{"date-parts": [[2009, 5, 11]]}}.')
    for key in ("title", "container-title", "DOI", "PMID", "PMCID", "URL"):
        if key in record and not isinstance(record[key], str):
            problems.append(f"“{key}” must be text.")
    for key in ("volume", "issue", "page", "number"):
        if key in record and not isinstance(record[key], (str, int)):
            problems.append(f"“{key}” must be text or a number.")
    return problems


def write_csl_json(items: list[dict]) -> str:
    """Write CSL items as a CSL-JSON array."""
    return json.dumps(list(items), ensure_ascii=False, indent=2)


# ---------------------------------------------------------------------------------------
# Plain text
# ---------------------------------------------------------------------------------------


def _read_text(text: str) -> list[ImportItem]:
    items = []
    for reference in split_reference_list(text):
        # One line may hold several references run together: the parser splits them.
        for csl in parse_references(reference):
            index = len(items) + 1
            confidence = csl.pop("_confidence", {})
            problems = []
            if not csl.get("author"):
                problems.append(f"Reference {index}: no authors were recognised; please check.")
            if not _date_parts(csl):
                problems.append(f"Reference {index}: no year was recognised; please check.")
            items.append(
                ImportItem(source=reference, csl=csl, problems=problems, confidence=confidence)
            )
    return items
