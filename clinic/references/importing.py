"""Importing references: read a file or pasted text, preview it, then save the chosen records.

The admin's "Import references" page works in two steps. ``preview()`` reads the text (free
text, RIS, BibTeX, MEDLINE or CSL-JSON), checks every record as the reference form would, and
finds duplicates already in the library; nothing is saved. The preview's records travel to the
confirmation inside a signed payload (``sign`` / ``unsign``), so what is saved is exactly what
was shown and cannot be altered in the browser. ``import_references()`` then checks them again
(the library may have changed meanwhile) and saves the chosen valid ones in one transaction.
"""

import functools
import re
from dataclasses import dataclass, field

from django.core import signing
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import Truncator, capfirst

from clinic.citations import formats, model
from clinic.citations.identifiers import normalise_title
from clinic.citations.parse import split_reference_list
from clinic.references import numbering
from clinic.references.models import Reference

MAX_BYTES = 1_000_000
MAX_ITEMS = 200
# A preview stays valid for an hour: long enough to read it, short enough not to linger.
PAYLOAD_MAX_AGE = 60 * 60
# Unchanged since this module was clinic/importing.py: previews in flight stay valid.
_SALT = "clinic.importing.references"


# A key the reference form accepts (a slug of at most 60 characters).
_KEY_RE = re.compile(r"[-a-zA-Z0-9_]{1,60}")


class BadInput(ValueError):
    """The text cannot be imported at all; the message is shown beside the field."""


class TooLarge(BadInput):
    """The text or file is over the size or item limit; the message says which and by how much."""


# CSL-JSON needs five levels (list, item, author list, author, date parts); anything far deeper
# is not a reference list, and would exhaust the JSON reader's recursion.
MAX_JSON_DEPTH = 32
# Control characters other than tab, newline and carriage return: a binary file, not text.
_BINARY_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


@dataclass
class Duplicate:
    """A record already in the library, and why it is taken for the same source."""

    pk: int
    # The field the match is shown beside, and what matched, for the message.
    field: str
    what: str
    reference: Reference | None = None


@dataclass
class Candidate:
    """One record of an import: what was read, the unsaved Reference, and what stands in its way."""

    number: int
    source: str
    csl: dict | None
    reference: Reference | None = None
    # Notes from the reader ("no year was recognised"): shown, but do not block the import.
    warnings: list[str] = field(default_factory=list)
    # Reasons the record cannot be saved (a required field missing, an invalid DOI).
    errors: list[str] = field(default_factory=list)
    duplicate: Duplicate | None = None
    duplicate_in_batch: int | None = None
    # How the reference list will print it (filled for the preview only).
    formatted: str = ""
    # Fields worth a second look, with the reason shown beside each: {"title": "…"}.
    doubts: dict[str, str] = field(default_factory=dict)
    # "Complete this reference": what PubMed or Crossref knows (filled on request only).
    completion: dict | None = None

    @property
    def ticked(self) -> bool:
        """Offered ticked in the preview: importable, and nothing about it is doubtful."""
        return self.importable and not self.doubts

    @property
    def cells(self) -> list[dict]:
        """The editable fields as the preview shows them: value, doubt, what completion found."""
        if self.reference is None:
            return []
        found = {row["name"]: row for row in (self.completion or {}).get("rows", [])}
        return [
            {
                "name": name,
                "id": f"r{self.number}-{name}",
                "label": LABELS[name],
                "value": field_text(self.reference, name),
                "doubt": self.doubts.get(name, ""),
                "found": found.get(name),
                "multiline": name in {"authors", "title"},
            }
            for name in EDITABLE
        ]

    @property
    def importable(self) -> bool:
        return (
            self.reference is not None
            and not self.errors
            and self.duplicate is None
            and self.duplicate_in_batch is None
        )

    @property
    def duplicate_of(self) -> Reference | None:
        return self.duplicate.reference if self.duplicate else None


# A title is normalised in about 10 microseconds; the library's titles and journals repeat from
# one preview to the next, so each is normalised once per process.
_normalised = functools.lru_cache(maxsize=20_000)(normalise_title)


def find_duplicate(reference: Reference) -> Duplicate | None:
    """The library's copy of this source (the reference form: one record, one library read)."""
    duplicate = Library().find(reference)
    if duplicate is not None:
        duplicate.reference = Reference.objects.filter(pk=duplicate.pk).first()
        if duplicate.reference is None:  # deleted meanwhile
            return None
    return duplicate


class Library:
    """The library's identifiers, citations, titles and keys, read in one query.

    A record is taken for a copy of a library reference with the same DOI or PMID; the same
    journal, year, volume and first page (or article number); or the same title once case,
    accents and punctuation are ignored (and the same year, when both have one). A title read
    into the wrong field (a pasted list with the journal first) still finds its record: the
    journal field is compared with the library's titles too. The import preview and the
    reference form use the same rules.
    """

    _FIELDS = (
        *("pk", "key", "title", "year", "container_title", "container_title_short", "volume"),
        *("pages", "article_number", "doi", "pmid"),
    )

    def __init__(self):
        # Lower-case: "Cherkin2009" beside "cherkin2009" would be two keys that read as one.
        self.keys: set[str] = set()
        self._titles: dict[str, list[tuple[int, int | None]]] = {}
        self._citations: dict[tuple, list[int]] = {}
        self._identifiers: dict[tuple[str, str], int] = {}
        rows = Reference.objects.order_by("pk").values_list(*self._FIELDS)
        for pk, key, title, year, journal, short, volume, pages, number, doi, pmid in rows:
            self.keys.add(key.lower())
            title = _normalised(title)
            if len(title) >= 12:
                self._titles.setdefault(title, []).append((pk, year))
            for identity in _citation_identities(journal, short, year, volume, pages, number):
                self._citations.setdefault(identity, []).append(pk)
            for name, value in (("doi", doi), ("pmid", pmid)):
                if value:
                    self._identifiers.setdefault((name, value.lower()), pk)

    def find(self, reference: Reference) -> Duplicate | None:
        """The first library record that is this source, other than the reference itself."""
        own = reference.pk
        for name, what in (("doi", "this DOI"), ("pmid", "this PMID")):
            value = getattr(reference, name)
            pk = self._identifiers.get((name, value.lower())) if value else None
            if pk is not None and pk != own:
                return Duplicate(pk, name, what)
        identities = _citation_identities(
            reference.container_title,
            reference.container_title_short,
            reference.year,
            reference.volume,
            reference.pages,
            reference.article_number,
        )
        for identity in identities:
            for pk in self._citations.get(identity, []):
                if pk != own:
                    field = "article_number" if reference.article_number else "pages"
                    return Duplicate(pk, field, "this journal, year, volume and first page")
        for name in ("title", "container_title"):
            for pk, year in self._titles.get(_normalised(getattr(reference, name)), []):
                if pk != own and (not (reference.year and year) or reference.year == year):
                    what = "this title and year" if reference.year and year else "this title"
                    return Duplicate(pk, name, what)
        return None


def _citation_identities(journal, short, year, volume, pages, number) -> list[tuple]:
    """(journal, year, volume, first page) for each name of the journal (full, abbreviated)."""
    first = number or re.split(r"[-\u2013]", pages or "")[0].strip()
    if not (year and first):
        return []
    return [
        (name, year, (volume or "").strip().lower(), first.lower())
        for name in {_normalised(journal), _normalised(short)}
        if name
    ]


def check_size(text: str) -> None:
    size = len(text.encode("utf-8"))
    if size > MAX_BYTES:
        raise TooLarge(
            f"This is {size / 1_000_000:.1f} MB; import at most {MAX_BYTES // 1_000_000} MB "
            "at a time. Split it into smaller parts."
        )


def check_text(text: str) -> None:
    """Refuse what no reader should be given: too large, binary, or JSON nested absurdly deep."""
    check_size(text)
    binary = len(_BINARY_RE.findall(text[:100_000]))
    if binary:
        raise BadInput(
            f"This is not text: it holds {binary} control character{'s' if binary > 1 else ''} "
            "(a PDF, a Word document or an image?). Paste the references as text, or choose a "
            ".txt, .ris, .bib, .nbib or .json file."
        )
    depth = json_depth(text)
    if depth > MAX_JSON_DEPTH:
        raise BadInput(
            f"This JSON is nested {depth:,} levels deep; a CSL-JSON reference list needs no more "
            f"than {MAX_JSON_DEPTH}. Export the references again as CSL-JSON."
        )


def json_depth(text: str) -> int:
    """How deep the brackets of a JSON text go, without parsing it (0 if it is not JSON)."""
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped[:1] not in ("[", "{"):
        return 0
    depth = deepest = 0
    in_string = escaped = False
    for char in stripped:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def preview(text: str, fmt: str | None = None) -> tuple[str, list[Candidate]]:
    """Read ``text`` (format detected when ``fmt`` is None) into checked candidates."""
    check_text(text)
    fmt = fmt or formats.detect_format(text)
    if fmt == "text":
        # Free text is parsed reference by reference (a few ms each): count before parsing,
        # or a 1 MB paste of short lines would be minutes of work before being refused.
        _check_count(len(split_reference_list(text)))
    items = formats.read(text, fmt)
    _check_count(len(items))
    records = []
    for item in items:
        source, csl, problems = item.source, item.csl, list(item.problems)
        if _has_surrogates([source, csl]):
            # A "\ud800" escape in a JSON file: no page could show it, no database store it.
            source, csl = _replace_surrogates([source, csl])
            problems.append("Some characters could not be read; they show as �. Check them.")
        confidence = getattr(item, "confidence", None)
        if csl is not None and confidence:
            # The parser's per-field confidence travels with the record (signed) to the preview.
            csl = {**csl, "_confidence": confidence}
        records.append((source, csl, problems))
    return fmt, check(records)


def _check_count(count: int) -> None:
    if count > MAX_ITEMS:
        raise TooLarge(
            f"This has {count:,} references; import at most {MAX_ITEMS} at a time. "
            "Split it into smaller parts."
        )


_SURROGATE_RE = re.compile(r"[\ud800-\udfff]")


def _has_surrogates(value) -> bool:
    if isinstance(value, str):
        return bool(_SURROGATE_RE.search(value))
    if isinstance(value, dict):
        return any(_has_surrogates(k) or _has_surrogates(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_surrogates(item) for item in value)
    return False


def _replace_surrogates(value):
    if isinstance(value, str):
        return _SURROGATE_RE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {_replace_surrogates(k): _replace_surrogates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace_surrogates(item) for item in value]
    return value


def check(
    records: list[tuple[str, dict | None, list[str]]], edits: dict[int, dict] | None = None
) -> list[Candidate]:
    """Build and validate a Reference per record; find duplicates in the library and the batch.

    ``edits`` holds the preview's corrections, by record number: {field name: text}.
    """
    candidates = []
    seen: dict[tuple[str, str], int] = {}
    library = Library()
    # Keys in use or promised to an earlier row, lower-case (see Library.keys).
    taken = set(library.keys)
    edits = edits or {}
    for number, (source, csl, problems) in enumerate(records, start=1):
        candidate = Candidate(number=number, source=source, csl=csl, warnings=list(problems))
        candidates.append(candidate)
        if csl is None:
            candidate.errors, candidate.warnings = candidate.warnings or ["Not readable."], []
            continue
        reference = Reference.from_csl(csl, original_text=source)
        reference.key = ""
        changed = apply_edits(reference, edits.get(number, {}), candidate.errors)
        if changed:
            # Corrected by hand: what the reader noted about the text no longer applies (the
            # doubts below are found again on the corrected record).
            candidate.csl, candidate.warnings = reference_csl(reference, csl), []
        try:
            reference.full_clean(exclude=["key"], validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            candidate.errors += _messages(error)
        candidate.reference = reference
        candidate.doubts = find_doubts(reference, csl.get("_confidence"), changed)
        if candidate.errors:
            continue
        candidate.duplicate = library.find(reference)
        for identity in _identities(reference):
            if identity in seen:
                candidate.duplicate_in_batch = seen[identity]
                break
        for identity in _identities(reference):
            seen.setdefault(identity, number)
        if candidate.importable:
            reference.key = _own_key(csl, taken) or numbering.unique_key(
                reference, also_taken=taken, ask_database=False
            )
            taken.add(reference.key.lower())
    # The library records found as duplicates, in one query.
    duplicates = [c for c in candidates if c.duplicate is not None]
    found = Reference.objects.in_bulk({c.duplicate.pk for c in duplicates})
    for candidate in duplicates:
        candidate.duplicate.reference = found.get(candidate.duplicate.pk)
        if candidate.duplicate.reference is None:  # deleted meanwhile: not a duplicate now
            candidate.duplicate = None
            if candidate.importable:
                reference = candidate.reference
                reference.key = numbering.unique_key(reference, taken, ask_database=False)
                taken.add(reference.key.lower())
    return candidates


# The fields the preview lets people correct, in the order shown.
EDITABLE = [
    "authors",
    "title",
    "container_title",
    "year",
    "volume",
    "issue",
    "pages",
    "article_number",
    "doi",
    "pmid",
    "pmcid",
]
LABELS = {
    "authors": "Authors (one a line)",
    "title": "Title",
    "container_title": "Journal or book",
    "year": "Year",
    "volume": "Volume",
    "issue": "Issue",
    "pages": "Pages",
    "article_number": "Article number",
    "doi": "DOI",
    "pmid": "PMID",
    "pmcid": "PMCID",
}
# The parser's confidence keys (CSL names) for each editable field.
_CONFIDENCE_KEYS = {
    "authors": "author",
    "title": "title",
    "container_title": "container-title",
    "year": "issued",
    "volume": "volume",
    "issue": "issue",
    "pages": "page",
    "article_number": "number",
    "doi": "DOI",
    "pmid": "PMID",
    "pmcid": "PMCID",
}
# Below this marginal probability the parser was unsure of a field: the threshold chosen on the
# parser's dev set (clinic.citations.model, docs/references.md).
DOUBTFUL = model.DOUBTFUL

_ET_AL_LINE = re.compile(r"(?:et\.?\s*al\.?|and others|…|\.\.\.)", re.IGNORECASE)
# "Cherkin DC" or "Cherkin D.C.": a family name then initials, as Vancouver lists print them.
_VANCOUVER_NAME = re.compile(
    r"(?P<family>[^\W\d_][\w'\u2019 -]*?)\s+(?P<given>(?:[A-Z]\.?-?){1,4})"
)
# Words of journal abbreviations (NLM): an "author" made of these is a journal read as a name.
_JOURNAL_WORDS_TEXT = (
    "j med rev arch intern database syst ann clin res sci int am br eur front physician neurosci "
    "pain ther complement altern evid based fam can cochrane lancet bmj jama n engl acupunct "
    "relief rheumatol spine nat proc natl acad"
)
_JOURNAL_WORDS = frozenset(_JOURNAL_WORDS_TEXT.split())
# "J Pain Relief 2015, 4: 195. Systematic review…": a journal and year read into the title.
_JOURNAL_AND_YEAR = re.compile(r"(?:[A-Z][A-Za-z]*\.?\s+){1,6}(?:19|20)\d\d\b[,;.:]")
_DATE_LIKE = re.compile(r"[\d\s;:,.()\-\u2013/]*(?:19|20)\d\d[\d\s;:,.()\-\u2013/a-zA-Z]*")


def authors_text(authors) -> str:
    """Authors as lines of text: "Family, Given", a group's name, braces round a comma."""
    if not isinstance(authors, list):
        return authors or ""
    lines = []
    for author in authors:
        if not isinstance(author, dict):
            continue
        if author.get("literal"):
            literal = author["literal"]
            lines.append(f"{{{literal}}}" if "," in literal else literal)
        else:
            given = author.get("given", "")
            lines.append(f"{author.get('family', '')}, {given}".strip().rstrip(","))
    return "\n".join(lines)


def parse_authors(text: str) -> list[dict]:
    """The reverse of ``authors_text``; "Cherkin DC" also works, and a last line "et al."
    gives {"et_al": True}."""
    authors = []
    for line in (text or "").splitlines():
        line = " ".join(line.split()).strip(" ;")
        if not line:
            continue
        if _ET_AL_LINE.fullmatch(line):
            authors.append({"et_al": True})
        elif line.startswith("{") and line.endswith("}"):
            authors.append({"literal": line[1:-1].strip()})
        elif "," in line:
            family, _, given = line.partition(",")
            author = {"family": family.strip()}
            if given.strip():
                author["given"] = given.strip()
            authors.append(author)
        elif match := _VANCOUVER_NAME.fullmatch(line):
            authors.append({"family": match["family"], "given": match["given"]})
        else:
            authors.append({"literal": line})
    return authors


def field_text(reference: Reference, name: str) -> str:
    value = getattr(reference, name)
    if name == "authors":
        text = authors_text(value)
        return text + ("\net al." if reference.authors_et_al else "") if text else ""
    return "" if value is None else str(value)


def apply_edits(reference: Reference, edits: dict, errors: list[str]) -> bool:
    """Write the preview's corrections onto ``reference``; True if anything changed."""
    changed = False
    for name, text in edits.items():
        if name not in EDITABLE or not isinstance(text, str):
            continue
        text = text.strip() if name != "authors" else text
        if text == field_text(reference, name).strip() and name != "authors":
            continue
        if name == "authors":
            if parse_authors(text) == parse_authors(field_text(reference, name)):
                continue
            authors = parse_authors(text)
            reference.authors_et_al = any(a.get("et_al") for a in authors)
            reference.authors = [a for a in authors if not a.get("et_al")]
        elif name == "year":
            # "²⁰²⁰" is digits to str.isdigit() but not to int(): only 0-9 make a year.
            if text and not (re.fullmatch(r"[0-9]{4}", text) and 1000 <= int(text) <= 2100):
                errors.append(f"Year: “{Truncator(text).chars(20)}” is not a year.")
                continue
            reference.year = int(text) if text else None
            if not text:
                reference.month = reference.day = None
        else:
            max_length = Reference._meta.get_field(name).max_length
            if max_length and len(text) > max_length:
                # Cut short, a DOI or a journal's name would be wrong without anyone seeing it.
                errors.append(
                    f"{LABELS[name]}: at most {max_length} characters; this has {len(text):,}."
                )
                continue
            setattr(reference, name, text)
        changed = True
    return changed


def reference_csl(reference: Reference, original: dict) -> dict:
    """The corrected record as CSL-JSON, keeping the file's own key."""
    csl = reference.to_csl()
    csl.pop("id", None)
    if isinstance(original.get("id"), str):
        csl["id"] = original["id"]
    return csl


def find_doubts(reference: Reference, confidence, corrected: bool) -> dict[str, str]:
    """The fields worth a second look, each with the reason shown beside it."""
    doubts: dict[str, str] = {}
    if isinstance(confidence, dict) and not corrected:
        for name, key in _CONFIDENCE_KEYS.items():
            value = confidence.get(key)
            if isinstance(value, int | float) and value < DOUBTFUL and field_text(reference, name):
                doubts[name] = f"The parser was unsure of this field ({value:.0%} sure): check it."
    title = reference.title.strip()
    if not title:
        doubts["title"] = (
            "No title was found. A reference can be saved without one (an old clinic page may "
            "have none), but add it if you can: “Complete this reference” may find it."
        )
    elif re.search(r"\bet\.? al\b", title, re.IGNORECASE):
        doubts["title"] = "The title contains “et al”: the authors were probably read as title."
    elif _DATE_LIKE.fullmatch(title) and sum(ch.isalpha() for ch in title) < 8:
        doubts["title"] = "The title looks like a date, volume and pages, not a title."
    elif _JOURNAL_AND_YEAR.match(title):
        doubts["title"] = "The title starts with what looks like a journal and a year."
    if not reference.authors:
        doubts["authors"] = (
            "No author was found. Save it without one only if the source names none (an "
            "editorial, a guideline); never invent one."
        )
    else:
        for author in reference.authors:
            words = re.findall(r"[a-z]+", (author.get("literal") or "").lower())
            if words and sum(word in _JOURNAL_WORDS for word in words) >= max(1, len(words) - 1):
                doubts["authors"] = f"“{author['literal']}” looks like a journal, not an author."
                break
    journal = reference.container_title
    if not journal and reference.type == Reference.Type.ARTICLE:
        doubts["container_title"] = (
            "No journal was found: add it (“Complete this reference” may find it)."
        )
    elif journal and re.search(r"\bet\.? al\b", journal, re.IGNORECASE):
        doubts["container_title"] = "The journal contains “et al”: authors were read into it."
    elif journal and (len(journal.split()) > 12 or re.search(r"\bvolume\b", journal, re.I)):
        doubts["container_title"] = "This looks like a title rather than a journal's name."
    return doubts


def sign(candidates: list[Candidate], fmt: str) -> str:
    """The preview's records, signed so that the confirmation saves exactly what was shown."""
    records = [[c.source, c.csl, c.warnings if c.csl else c.errors] for c in candidates]
    return signing.dumps({"format": fmt, "records": records}, salt=_SALT, compress=True)


def unsign(payload: str, post=None) -> tuple[str, list[Candidate]]:
    """The records of a signed preview with the corrections made on it, checked again.

    The payload holds what was read; the corrections come from the preview's own fields, so
    what is saved is what the person saw and chose. Raises signing.BadSignature.
    """
    data = signing.loads(payload, salt=_SALT, max_age=PAYLOAD_MAX_AGE)
    records = [tuple(record) for record in data["records"]]
    return data["format"], check(records, edits_from(post or {}, len(records)))


def complete(candidate: Candidate) -> None:
    """Ask PubMed or Crossref about one previewed record; the answer is kept on the candidate."""
    from clinic.references import completion

    if candidate.reference is None:
        return
    try:
        found = completion.complete(candidate.reference.to_csl())
    except completion.CompletionError as error:
        candidate.completion = {"error": str(error)}
        return
    other = Reference.from_csl(found.csl)
    rows = []
    for row in completion.differences(candidate.reference, other):
        if row["name"] in EDITABLE:
            rows.append({**row, "value": field_text(other, row["name"])})
    service = found.source.split(",")[0]
    candidate.completion = {"source": found.source, "service": service, "rows": rows}


def edits_from(post, count: int) -> dict[int, dict]:
    """The corrections posted by the preview: fields named "r<number>-<field>"."""
    edits: dict[int, dict] = {}
    for number in range(1, count + 1):
        row = {name: post[f"r{number}-{name}"] for name in EDITABLE if f"r{number}-{name}" in post}
        # "Use this" ticked beside a value PubMed or Crossref found: that value wins.
        for name in EDITABLE:
            if f"r{number}-use-{name}" in post:
                row[name] = post[f"r{number}-use-{name}"]
        if row:
            edits[number] = row
    return edits


def import_references(candidates: list[Candidate], chosen: set[int]) -> list[Reference]:
    """Save the chosen importable candidates, all or none. Raises ValidationError otherwise."""
    selected = [c for c in candidates if c.number in chosen]
    refused = [c for c in selected if not c.importable]
    if refused:
        raise ValidationError(
            "These references can no longer be imported: "
            + ", ".join(str(c.number) for c in refused)
            + ". Check the preview again."
        )
    if not selected:
        raise ValidationError("Choose at least one reference to import.")
    try:
        with transaction.atomic():
            for candidate in selected:
                candidate.reference.save()
    except IntegrityError as error:
        raise ValidationError(
            "Nothing was imported: another reference with the same key, DOI or PMID was saved "
            "meanwhile. Check the preview again."
        ) from error
    return [c.reference for c in selected]


def _own_key(csl: dict, taken: set[str]) -> str:
    """The file's own citation key (BibTeX, RIS ID, CSL-JSON id) when it is free and valid.

    ``taken``: the lower-case keys of the library and of the rows above.
    """
    key = csl.get("id")
    if not isinstance(key, str) or not _KEY_RE.fullmatch(key):
        return ""
    return "" if key.lower() in taken else key


def _identities(reference: Reference) -> list[tuple[str, str]]:
    identities = [(name, getattr(reference, name).lower()) for name in ("doi", "pmid")]
    identities.append(("title", f"{normalise_title(reference.title)} {reference.year or ''}"))
    return [identity for identity in identities if identity[1].strip()]


def _messages(error: ValidationError) -> list[str]:
    if not hasattr(error, "error_dict"):
        return list(error.messages)
    messages = []
    for name, errors in error.message_dict.items():
        if name == NON_FIELD_ERRORS:
            messages.extend(errors)
            continue
        try:
            label = Reference._meta.get_field(name).verbose_name
        except FieldDoesNotExist:
            label = name
        messages.extend(f"{capfirst(label)}: {message}" for message in errors)
    return messages
