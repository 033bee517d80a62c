"""Training data for the reference labeller, all read from ``clinic/citations/data/``.

* AnyStyle's labelled references (``anystyle-*.xml.gz``, BSD-2-Clause, see
  ``LICENSE-anystyle.txt``): one ``<sequence>`` per reference, one element per segment.
* The project's own labelled set (``labelled_references.jsonl``) and the held-out sets retired
  into training after they were scored (``RETIRED_HELD_OUT``): CSL-JSON answers, turned into
  token labels by finding each field's text in the reference (``align``).
* The same project references re-written in the shapes the clinic's old pages use ("First
  Last et al Journal. 2020 Mar; 66(3): 186-187." and journal first, title last), so that the
  model sees those layouts (``clinic_forms``).

The dev sets (``dev*_references.jsonl``) are tuned on and never trained on; a held-out set is
read here only once it has been scored and retired (a test checks that no other is named).
"""

import json
import random
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from clinic.citations import synthetic
from clinic.citations.crf import DATA_DIR, normalise, read_gzip_text, tokenize

ANYSTYLE_FILES = ("core", "gold", "good", "bad", "ugly")
ITERATIONS = 100
LABELLED_PATH = DATA_DIR / "labelled_references.jsonl"
# The held-out sets scored on successive models (docs/references.md) and then retired into
# training on 6 December (unseen..unseen5 in the fourth retraining, unseen6 and unseen7 in the
# fifth, unseen8 and unseen9 in the sixth): real references labelled like the labelled set, and
# used the same way.
RETIRED_HELD_OUT = tuple(
    DATA_DIR / name
    for name in (
        "unseen_references.jsonl",
        "unseen2_references.jsonl",
        "unseen3_references.jsonl",
        "unseen4_references.jsonl",
        "unseen5_references.jsonl",
        "unseen6_references.jsonl",
        "unseen7_references.jsonl",
        "unseen8_references.jsonl",
        "unseen9_references.jsonl",
    )
)
REAL_PATHS = (LABELLED_PATH, *RETIRED_HELD_OUT)

# AnyStyle's segment names -> our labels.
ANYSTYLE_LABELS = {
    "author": "author",
    "director": "author",
    "editor": "editor",
    "translator": "editor",
    "producer": "note",
    "title": "title",
    "journal": "journal",
    "container-title": "container",
    "collection-title": "container",
    "date": "date",
    "volume": "volume",
    "pages": "pages",
    "publisher": "publisher",
    "location": "location",
    "edition": "edition",
    "genre": "note",
    "note": "note",
    "source": "note",
    "medium": "note",
    "url": "url",
    "doi": "id",
    "isbn": "id",
    "citation-number": "marker",
}


def _join_segments(segments: list[tuple[str, str]], tight: bool = True) -> tuple[str, list[str]]:
    """Glue (label, text) segments into one reference and label its tokens."""
    text = ""
    spans: list[tuple[int, int, str]] = []
    for label, raw in segments:
        piece = normalise(raw)
        if not piece:
            continue
        # "2009;" "169(9):" "858-66." were one word in the original reference.
        glue = "" if tight and text.endswith((";", ":", "(")) and piece[:1].isdigit() else " "
        if text:
            text += glue
        spans.append((len(text), len(text) + len(piece), label))
        text += piece
    labels = []
    tokens = tokenize(text)
    for _, start, _ in tokens:
        labels.append(next(label for s, e, label in spans if s <= start < e))
    return text, labels


def anystyle_sequences(names=ANYSTYLE_FILES) -> list[tuple[str, list[str], str]]:
    """(text, labels, group) for every AnyStyle sequence in the given files."""
    out = []
    for name in names:
        # Our own data file, shipped in the repository: not untrusted input.
        root = ET.fromstring(read_gzip_text(DATA_DIR / f"anystyle-{name}.xml.gz"))  # noqa: S314
        for sequence in root.iter("sequence"):
            segments = [
                (ANYSTYLE_LABELS.get(child.tag, "note"), child.text or "") for child in sequence
            ]
            text, labels = _join_segments(segments)
            if labels:
                out.append((text, labels, f"anystyle-{name}"))
    return out


# --- aligning CSL-JSON answers with the text ---------------------------------------------


def _find(text_lower: str, value: str, start: int = 0) -> tuple[int, int] | None:
    """Find ``value`` in the text, ignoring case and allowing any spacing or punctuation."""
    words = re.findall(r"\w+", normalise(value).lower())
    if not words:
        return None
    pattern = r"\W{0,6}".join(re.escape(w) for w in words)
    match = re.compile(rf"(?<!\w){pattern}(?!\w)").search(text_lower, start)
    return (match.start(), match.end()) if match else None


def align(text: str, expected: dict) -> list[str] | None:
    """Token labels for ``text`` from its CSL-JSON answer, or None when it cannot be aligned."""
    text = normalise(text)
    low = text.lower()
    chars: list[str | None] = [None] * len(text)

    def mark(span, label, overwrite=False):
        if span:
            for i in range(*span):
                if overwrite or chars[i] is None:
                    chars[i] = label

    title_span = _find(low, expected.get("title") or "") if expected.get("title") else None
    if expected.get("title") and not title_span:
        return None
    mark(title_span, "title")
    container = expected.get("container-title")
    container_span = None
    if container:
        after = title_span[1] if title_span else 0
        container_span = _find(low, container, after) or _find(low, container)
        if not container_span:
            return None
        label = "journal" if expected.get("type") == "article-journal" else "container"
        mark(container_span, label)
    # Authors: from the first name found to the last, plus a following "et al".
    cursor, first, last = 0, None, None
    for person in expected.get("author") or []:
        name = person.get("literal") or person.get("family") or ""
        span = _find(low, name, cursor)
        if not span:
            return None
        given = person.get("given")
        end = span[1]
        if given:
            g = _find(low, given.replace(".", " "), max(0, span[0] - 40))
            if g and abs(g[0] - span[0]) < 40:
                end = max(end, g[1])
                span = (min(span[0], g[0]), end)
        first = span[0] if first is None else first
        last = end
        cursor = end
    if first is not None:
        et_al = re.compile(r"[\s,.]*(?:et\.?\s*al\.?|\.\.\.)", re.I).match(low, last)
        if et_al:
            last = et_al.end()
        mark((first, last), "author")
    for key in ("DOI", "PMID", "PMCID"):
        if expected.get(key):
            mark(_find(low, str(expected[key])), "id", overwrite=True)
    if expected.get("URL"):
        mark(_find(low, expected["URL"]), "url", overwrite=True)
    # Notes the made-up strings label as notes too: a guideline's series and code words, a
    # register number's words, a version or licence, "Epub ...", "Erratum in: ...", "[updated
    # ...]" and the GB/T 7714 document codes ("[J]"). Marked before the locator is searched, so
    # that an erratum's volume or date is not taken for the reference's own.
    after_title = (title_span or (0, 0))[1]
    for match in _NOTE_SPAN_RE.finditer(text, after_title):
        if all(c is None for c in chars[match.start() : match.end()]):
            mark(match.span(), "note")
    # Locator: search after the container (or the title) for volume, issue, pages, number.
    anchor = (container_span or title_span or (0, 0))[1]
    date = (expected.get("issued") or {}).get("date-parts", [[None]])[0]
    if date and date[0]:
        year = re.compile(rf"(?<!\d){date[0]}[a-z]?(?!\d)")
        match = next((m for m in year.finditer(text) if chars[m.start()] is None), None)
        if match:
            mark((match.start(), match.end()), "date")
            # Month and day next to the year ("2009 May 11", "11 May 2009", "(2021, May 3)").
            around = re.compile(r"[\s,]{0,2}[A-Za-z]{3,9}\.?(?:[\s,]{1,2}\d{1,2}(?!\d))?")
            m2 = around.match(text, match.end())
            if m2 and len(date) > 1:
                mark((m2.start(), m2.end()), "date")
            # ... or before it ("Sep. 2007", "December 2020", "Oct. 1, 2014").
            m3 = _MONTH_BEFORE_RE.search(text, 0, match.start())
            if m3 and len(date) > 1 and all(c is None for c in chars[m3.start() : m3.end()]):
                mark(m3.span(), "date")
    for key, label in (
        ("volume", "volume"),
        ("issue", "volume"),
        ("page", "pages"),
        ("number", None),
    ):
        value = expected.get(key)
        if not value:
            continue
        if label is None:
            label = "pages" if expected.get("type") == "article-journal" else "note"
        value = str(value)
        first_part = value.split("-")[0]
        match = None
        for m in re.finditer(rf"(?<![\w]){re.escape(first_part)}(?![\w])", text):
            if m.start() >= anchor and chars[m.start()] is None:
                match = m
                break
        if match is None:
            continue
        end = match.end()
        rng = re.compile(r"\s?-\s?\w+").match(text, end)
        if key == "page" and rng:
            end = rng.end()
        mark((match.start(), end), label)
    if expected.get("type") in ("book", "report", "chapter"):
        _mark_book_details(text, chars, (title_span or (0, 0))[1])
    return _token_labels(text, chars)


_NOTE_SPAN_RE = re.compile(
    r"\((?=(?:NICE|Clinical|Public health|SIGN) (?:guideline|publication))"
    r"|\b(?:NICE|Clinical|Public health) guideline\b|\bQuality standard\b"
    r"|\bSIGN (?:publication no\.|guideline)|\bNICE Clinical Guidelines, No\."
    r"|\bAWMF-Reg(?:ister|\.)(?:-?Nr\.| Nr\.|nummer)?:?|\bRegisternummer:?"
    r"|\bVersion \d+(?:\.\d+)*\b\.?|\bLicen[cs]e: [^.]*(?:\.\d[^.]*)*\."
    r"|\bEpub(?: ahead of print)?(?: \d{4}(?: [A-Z][a-z]{2})?(?: \d{1,2})?)?\.?"
    r"|\b(?:Erratum|Comment|Update) (?:in|of): .*?(?=\. PMID|\. Erratum|\. Update|$)"
    r"|\[(?:updated|cited) [^\]]*\]|\[(?:J|M|D|C|R|S|Z|EB/OL|J/OL)\]"
)
_MONTH_BEFORE_RE = re.compile(
    r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]{0,6}\.?(?: \d{1,2},?)? $"
)
_EDITION_RE = re.compile(
    r"\(?\b\d+(?:st|nd|rd|th)\s(?:[\w ]{0,40}?\s)?(?:edn|ed|edition)\b\.?\)?", re.I
)
# "London: Churchill Livingstone", and "東京: 金原出版" / "北京: 人民卫生出版社" (Japanese and
# Chinese books: without these two, their place and publisher were labelled with the title).
_CAPITAL_OR_CJK = "A-Z\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af"
_PLACE_RE = re.compile(
    rf"(?<!\w)([{_CAPITAL_OR_CJK}][\w .()]{{1,40}}?):\s?"
    rf"([{_CAPITAL_OR_CJK}][^.;:]{{1,80}}?)(?=[;.,]|$)"
)


def _mark_book_details(text: str, chars: list, after: int) -> None:
    """Edition, "Place: Publisher" and a closing publisher of books and reports."""

    def free(a, b):
        return all(c is None for c in chars[a:b])

    for match in _EDITION_RE.finditer(text, after):
        if free(*match.span()):
            chars[match.start() : match.end()] = ["edition"] * (match.end() - match.start())
    for match in _PLACE_RE.finditer(text, after):
        if free(*match.span()):
            for group, label in ((1, "location"), (2, "publisher")):
                a, b = match.span(group)
                chars[a:b] = [label] * (b - a)
    # APA: "... (3rd ed.). Cengage Learning Australia." - the last unlabelled sentence.
    tail = re.search(r"(?<=[.)] )([A-Z][^.]{2,100})\.?$", text)
    if tail and tail.start() >= after and free(*tail.span(1)):
        a, b = tail.span(1)
        chars[a:b] = ["publisher"] * (b - a)


_NOTE_WORDS = {"available", "accessed", "cited", "retrieved", "internet", "pubmed", "google"}
_ID_WORDS = {"doi", "pmid", "pmcid", "pmc"}


def _token_labels(text: str, chars: list[str | None]) -> list[str]:
    tokens = tokenize(text)
    labels: list[str | None] = []
    for tok, start, end in tokens:
        found = next((chars[i] for i in range(start, end) if chars[i]), None)
        low = tok.lower()
        if found is None and low in _ID_WORDS:
            found = "id"
        elif found is None and low in _NOTE_WORDS:
            found = "note"
        labels.append(found)
    # A leading list number.
    for i, (tok, _, _) in enumerate(tokens):
        if labels[i] is not None:
            break
        labels[i] = "marker" if (tok.isdigit() or tok in ".)([]") else None
    # An opening bracket belongs to what it opens: "(2021)", "(9)".
    for i in range(len(labels) - 1, -1, -1):
        if labels[i] is None and tokens[i][0] in "([" and i + 1 < len(labels):
            labels[i] = labels[i + 1]
    # Other unlabelled tokens (punctuation, "vol.", "pp.") take the label before them.
    previous = None
    for i in range(len(labels)):
        if labels[i] is None:
            labels[i] = previous
        previous = labels[i]
    following = next((lab for lab in labels if lab), "title")
    return [lab or following for lab in labels]


def real_rows(paths=REAL_PATHS) -> list[dict]:
    """The project's real labelled references ({"text", "style", "expected", ...}) in order."""
    rows = []
    for path in paths:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            if line.strip():
                rows.append(json.loads(line))
    return rows


def labelled_sequences(rows: list[dict] | None = None) -> list[tuple[str, list[str], str]]:
    """The real labelled references as (text, labels, style) with alignable answers."""
    out = []
    for row in real_rows() if rows is None else rows:
        labels = align(row["text"], row["expected"])
        if labels:
            out.append((normalise(row["text"]), labels, row.get("style", "project")))
    return out


# --- the clinic's own layouts ----------------------------------------------------------------

_FIRST_NAMES = [
    "Daniel",
    "Maria",
    "Qiao",
    "Roselyn",
    "Andrew",
    "Klaus",
    "Helen",
    "Jan",
    "Wei",
    "Ana",
    "Peter",
    "Sarah",
    "Li",
    "Hugh",
    "Karen",
    "Ahmed",
    "Yuki",
    "Olga",
    "Pierre",
    "Ingrid",
    "Tomás",
    "Chen",
    "Aisha",
    "David",
    "Laura",
    "Rana",
    "Jun",
    "Marco",
    "Eva",
]
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def _locator(rng: random.Random, year: int, volume: str, issue: str | None, pages: str | None):
    """Date, volume and pages as the clinic's pages print them, with varied spacing."""
    month = f" {rng.choice(_MONTHS)}" if rng.random() < 0.6 else ""
    day = f" {rng.randint(1, 28)}" if month and rng.random() < 0.4 else ""
    sep = rng.choice([";", ";", ",", "."])
    pieces = [("date", f"{year}{month}{day}{sep}")]
    if volume:
        colon = ":" if pages else "."
        pieces.append(("volume", volume + (f"({issue})" if issue else "") + colon))
    if pages:
        pieces.append(("pages", f"{pages}."))
    return pieces


def clinic_forms(rows: list[dict] | None = None, seed: int = 14, extra: int = 800):
    """The clinic pages' layouts: "First Last et al Journal. 2020 Mar; 66(3): 186-187." and
    "Journal. 2009;169(9):858-66. Title." Built from the real labelled journal articles and,
    for variety, from journal abbreviations of the journal list and titles of AnyStyle's
    references (training data only)."""
    from clinic.citations.crf import journals

    rng = random.Random(seed)
    records = []
    for row in real_rows() if rows is None else rows:
        item = row["expected"]
        people = [p for p in item.get("author") or [] if p.get("family")]
        year = ((item.get("issued") or {}).get("date-parts") or [[None]])[0][0]
        if (
            item.get("type") == "article-journal"
            and item.get("container-title")
            and year
            and people
        ):
            records.append(
                (
                    people[0]["family"],
                    item["container-title"],
                    item.get("title"),
                    year,
                    item.get("volume") or "",
                    item.get("issue"),
                    item.get("page") or item.get("number"),
                )
            )
    abbreviations = sorted(
        " ".join(
            w.capitalize() if len(w) > 3 else w.upper() if len(w) <= 2 else w.capitalize()
            for w in key
        )
        for key in journals().full
    )
    titles = []
    for text, labels, _ in anystyle_sequences(("core", "gold")):
        words = [
            tok for (tok, _, _), lab in zip(tokenize(text), labels, strict=True) if lab == "title"
        ]
        if 4 <= len(words) <= 30:
            titles.append(re.sub(r"\s+([,.:;?!)])", r"\1", " ".join(words)).strip(" .,"))
    families = sorted({r[0] for r in records})
    for _ in range(extra):
        first = rng.randint(1, 4000)
        last = first + rng.randint(1, 30)
        pages = rng.choice(
            [
                f"{first}-{last}",
                f"{first}-{str(last)[-2:]}",
                f"e{rng.randint(1000, 999999)}",
                str(rng.randint(10000, 999999)),
            ]
        )
        records.append(
            (
                rng.choice(families),
                rng.choice(abbreviations),
                rng.choice(titles),
                rng.randint(1975, 2025),
                str(rng.randint(1, 400)),
                str(rng.randint(1, 12)) if rng.random() < 0.7 else None,
                pages,
            )
        )
    out = []
    for family, journal, title, year, volume, issue, pages in records:
        locator = _locator(rng, year, volume, issue, pages)
        tight = rng.random() < 0.5
        name = f"{rng.choice(_FIRST_NAMES)} {family}"
        et_al = rng.choice(["et al", "et al.", "et al", ", et al."])
        pieces = [("author", f"{name} {et_al}".replace(" ,", ",")), ("journal", f"{journal}.")]
        out.append((*_join_segments(pieces + locator, tight=tight), "clinic"))
        if title:
            number = [("marker", f"{rng.randint(1, 30)}.")] if rng.random() < 0.5 else []
            pieces = [
                *number,
                ("journal", f"{journal}."),
                *locator,
                ("title", title.rstrip(".") + "."),
            ]
            out.append((*_join_segments(pieces, tight=tight), "clinic"))
    return out


SYNTHETIC = synthetic.COUNT
# The project's real labelled strings are given this many times: about 1,200 among 24,000.
LABELLED_WEIGHT = 1


def all_sequences(
    anystyle_files=ANYSTYLE_FILES, rows: list[dict] | None = None, anystyle_limit: int = 0
) -> list[tuple[str, list[str], str]]:
    """Every training sequence: AnyStyle's (``anystyle_limit`` of them, drawn at random, when
    set), the real ``rows`` (all of ``REAL_PATHS`` by default), the clinic forms made from
    them, and the made-up strings. Cross-validation passes a fold's rows."""
    rows = real_rows() if rows is None else rows
    anystyle = anystyle_sequences(anystyle_files)
    if anystyle_limit and anystyle_limit < len(anystyle):
        anystyle = random.Random(14).sample(anystyle, anystyle_limit)
    return (
        anystyle
        + labelled_sequences(rows) * LABELLED_WEIGHT
        + clinic_forms(rows)
        + synthetic.synthetic_sequences(SYNTHETIC)
    )
