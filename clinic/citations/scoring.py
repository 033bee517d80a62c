"""Field-level scoring of parsed references against hand labels.

``score(pairs)`` takes ``(expected, predicted)`` CSL-JSON pairs and counts, for every field,
true positives (both present and equal), false positives (predicted but absent or different)
and false negatives (expected but missing or different). A wrong value therefore costs both
precision and recall, as it should: the editor sees a wrong value *and* misses the right one.

Comparison forgives only differences that carry no information: letter case, runs of
whitespace, a closing full stop, the kind of dash or quote mark, and the dots in initials
("D. C." = "DC"). Everything else must match.
"""

import json
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from clinic.citations.parse import parse_reference

# The project's hand-labelled references (also training data for the model), and the frozen
# test set the model never trains or is tuned on.
LABELLED_REFERENCES = Path(__file__).resolve().parent / "data" / "labelled_references.jsonl"
UNSEEN_REFERENCES = Path(__file__).resolve().parent / "data" / "unseen_references.jsonl"
# Hand-written strings for tuning the rules and the doubt threshold (never trained on): no
# paper in it is in the unseen set or the training data.
DEV_REFERENCES = Path(__file__).resolve().parent / "data" / "dev_references.jsonl"

FIELDS = (
    "type",
    "author",
    "given",
    "title",
    "container-title",
    "year",
    "month",
    "volume",
    "issue",
    "page",
    "number",
    "DOI",
    "PMID",
    "PMCID",
)

_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"), "-")
_QUOTES = dict.fromkeys(map(ord, "\u2018\u2019\u201a\u201b\u2032"), "'") | dict.fromkeys(
    map(ord, "\u201c\u201d\u201e\u201f\u2033"), '"'
)


def _text(value) -> str:
    text = unicodedata.normalize("NFC", str(value)).translate(_DASHES).translate(_QUOTES)
    text = " ".join(text.split()).casefold()
    return text.rstrip(" .")


def _given(value) -> str:
    # Initials are written "D. C.", "D.C." or "DC" depending on the style: same person.
    return re.sub(r"[.\s]", "", _text(value))


def _names(item: dict, key: str) -> tuple[str, ...] | None:
    authors = item.get("author") or []
    if not authors:
        return None
    out = []
    for author in authors:
        if key == "family":
            out.append(_text(author.get("family") or author.get("literal") or ""))
        else:
            out.append(_given(author.get("given") or ""))
    return tuple(out)


def _date_part(item: dict, index: int) -> str | None:
    try:
        return str(int(item["issued"]["date-parts"][0][index]))
    except (KeyError, IndexError, TypeError, ValueError):
        return None


def _simple(key: str, normalise: Callable = _text) -> Callable[[dict], str | None]:
    def get(item: dict) -> str | None:
        value = item.get(key)
        return None if value in (None, "") else normalise(value)

    return get


EXTRACTORS: dict[str, Callable[[dict], object]] = {
    "type": _simple("type"),
    "author": lambda item: _names(item, "family"),
    "given": lambda item: _names(item, "given"),
    "title": _simple("title"),
    "container-title": _simple("container-title"),
    "year": lambda item: _date_part(item, 0),
    "month": lambda item: _date_part(item, 1),
    "volume": _simple("volume"),
    "issue": _simple("issue"),
    "page": _simple("page"),
    "number": _simple("number"),
    "DOI": _simple("DOI"),
    "PMID": _simple("PMID"),
    "PMCID": _simple("PMCID", lambda v: str(v).strip().upper()),
}


@dataclass
class FieldScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    fields: dict[str, FieldScore]
    total: FieldScore
    items: int
    exact: int
    # (index, field, expected, predicted) for every disagreement, to show what went wrong.
    mismatches: list[tuple[int, str, object, object]] = field(default_factory=list)

    @property
    def exact_share(self) -> float:
        return self.exact / self.items if self.items else 0.0

    def as_dict(self) -> dict:
        def row(s: FieldScore) -> dict:
            return {
                "tp": s.tp,
                "fp": s.fp,
                "fn": s.fn,
                "precision": round(s.precision, 4),
                "recall": round(s.recall, 4),
                "f1": round(s.f1, 4),
            }

        return {
            "items": self.items,
            "exact": self.exact,
            "exact_share": round(self.exact_share, 4),
            "overall": row(self.total),
            "fields": {name: row(s) for name, s in self.fields.items()},
        }


def score(pairs: Iterable[tuple[dict, dict]]) -> Report:
    """Score ``(expected, predicted)`` CSL-JSON pairs field by field."""
    fields = {name: FieldScore() for name in FIELDS}
    total = FieldScore()
    items = exact = 0
    mismatches = []
    for index, (expected, predicted) in enumerate(pairs):
        items += 1
        all_equal = True
        for name in FIELDS:
            want = EXTRACTORS[name](expected or {})
            got = EXTRACTORS[name](predicted or {})
            if name == "container-title" and want != got:
                # The parser fills the full title from an abbreviation and keeps what was
                # written as container-title-short: either one matching the label is right.
                short = _simple("container-title-short")(predicted or {})
                if short is not None and short == want:
                    got = short
            s = fields[name]
            if want is not None and got is not None and want == got:
                s.tp += 1
                total.tp += 1
                continue
            if want is None and got is None:
                continue
            all_equal = False
            mismatches.append((index, name, want, got))
            if got is not None:
                s.fp += 1
                total.fp += 1
            if want is not None:
                s.fn += 1
                total.fn += 1
        exact += all_equal
    return Report(fields=fields, total=total, items=items, exact=exact, mismatches=mismatches)


def load_labelled(path: Path | str = LABELLED_REFERENCES) -> list[dict]:
    """Read a JSON-lines file of {"text", "style", "source", "expected"[, "set"]} rows."""
    rows = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            row = json.loads(line)
            if not isinstance(row, dict) or "text" not in row or "expected" not in row:
                raise ValueError(
                    f"{path}, line {number}: expected an object with text and expected"
                )
            rows.append(row)
    return rows


def score_rows(rows: Iterable[dict], parser: Callable[[str], dict] | None = None) -> Report:
    """Parse every row's text and score the result against its expected item."""
    parser = parser or parse_reference
    return score((row["expected"], parser(row["text"])) for row in rows)
