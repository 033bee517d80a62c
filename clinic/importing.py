"""Importing references: read a file or pasted text, preview it, then save the chosen records.

The admin's "Import references" page works in two steps. ``preview()`` reads the text (free
text, RIS, BibTeX, MEDLINE or CSL-JSON), checks every record as the reference form would, and
finds duplicates already in the library; nothing is saved. The preview's records travel to the
confirmation inside a signed payload (``sign`` / ``unsign``), so what is saved is exactly what
was shown and cannot be altered in the browser. ``import_references()`` then checks them again
(the library may have changed meanwhile) and saves the chosen valid ones in one transaction.
"""

import re
from dataclasses import dataclass, field

from django.core import signing
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import capfirst

from clinic import references
from clinic.citations import formats
from clinic.citations.identifiers import normalise_title
from clinic.models import Reference

MAX_BYTES = 1_000_000
MAX_ITEMS = 200
# A preview stays valid for an hour: long enough to read it, short enough not to linger.
PAYLOAD_MAX_AGE = 60 * 60
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
    duplicate_of: Reference | None = None
    duplicate_in_batch: int | None = None
    # How the reference list will print it (filled for the preview only).
    formatted: str = ""

    @property
    def importable(self) -> bool:
        return (
            self.reference is not None
            and not self.errors
            and self.duplicate_of is None
            and self.duplicate_in_batch is None
        )


def find_duplicate(reference: Reference) -> Reference | None:
    """The library's copy of this source: same DOI, same PMID, or same title and year."""
    others = Reference.objects.exclude(pk=reference.pk) if reference.pk else Reference.objects
    for name in ("doi", "pmid"):
        value = getattr(reference, name)
        if value:
            match = others.filter(**{f"{name}__iexact": value}).first()
            if match:
                return match
    title = normalise_title(reference.title)
    if not title:
        return None
    # Titles differ in case and punctuation between sources, so compare normalised titles of the
    # same year; a clinic's library is small enough for this to stay fast.
    same_year = others.filter(year=reference.year) if reference.year else others.none()
    for candidate in same_year.only("pk", "key", "title", "year"):
        if normalise_title(candidate.title) == title:
            return candidate
    return None


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
    items = formats.read(text, fmt)
    if len(items) > MAX_ITEMS:
        raise TooLarge(
            f"This has {len(items)} references; import at most {MAX_ITEMS} at a time. "
            "Split it into smaller parts."
        )
    return fmt, check([(item.source, item.csl, item.problems) for item in items])


def check(records: list[tuple[str, dict | None, list[str]]]) -> list[Candidate]:
    """Build and validate a Reference per record; find duplicates in the library and the batch."""
    candidates = []
    seen: dict[tuple[str, str], int] = {}
    keys: set[str] = set()
    for number, (source, csl, problems) in enumerate(records, start=1):
        candidate = Candidate(number=number, source=source, csl=csl, warnings=list(problems))
        candidates.append(candidate)
        if csl is None:
            candidate.errors, candidate.warnings = candidate.warnings or ["Not readable."], []
            continue
        reference = Reference.from_csl(csl, original_text=source)
        reference.key = ""
        try:
            reference.full_clean(exclude=["key"], validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            candidate.errors = _messages(error)
        candidate.reference = reference
        if candidate.errors:
            continue
        candidate.duplicate_of = find_duplicate(reference)
        for identity in _identities(reference):
            if identity in seen:
                candidate.duplicate_in_batch = seen[identity]
                break
        for identity in _identities(reference):
            seen.setdefault(identity, number)
        if candidate.importable:
            reference.key = _own_key(csl, keys) or references.unique_key(reference, also_taken=keys)
            keys.add(reference.key)
    return candidates


def sign(candidates: list[Candidate], fmt: str) -> str:
    """The preview's records, signed so that the confirmation saves exactly what was shown."""
    records = [[c.source, c.csl, c.warnings if c.csl else c.errors] for c in candidates]
    return signing.dumps({"format": fmt, "records": records}, salt=_SALT, compress=True)


def unsign(payload: str) -> tuple[str, list[Candidate]]:
    """The records of a signed preview, checked again. Raises signing.BadSignature."""
    data = signing.loads(payload, salt=_SALT, max_age=PAYLOAD_MAX_AGE)
    return data["format"], check([tuple(record) for record in data["records"]])


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
    """The file's own citation key (BibTeX, RIS ID, CSL-JSON id) when it is free and valid."""
    key = csl.get("id")
    if not isinstance(key, str) or not _KEY_RE.fullmatch(key):
        return ""
    # "Cherkin2009" beside "cherkin2009" would be two keys that read as one.
    if (
        key.lower() in {k.lower() for k in taken}
        or Reference.objects.filter(key__iexact=key).exists()
    ):
        return ""
    return key


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
