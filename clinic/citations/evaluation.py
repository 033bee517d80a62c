"""Honest scores for the trained reference parser.

Two measurements, reported per style group:

* ``score_unseen()``: the shipped model on ``unseen_references.jsonl``, a test set written and
  frozen before the first model was trained, scored at checkpoints, and retired into training
  on 6 December with the four held-out sets after it.
* ``cross_validate(k)``: k-fold cross-validation over the training data. Each fold trains a
  fresh model on the other folds and parses its own references. The project's labelled
  references are scored against their hand-written CSL-JSON; AnyStyle's references, which
  are labelled by segment, against the CSL-JSON that their gold segments give through the
  same tidying rules (so that part measures the labeller, not the rules). The clinic-layout
  variants of the project's references are left out of cross-validation: they share titles
  with the references they were made from.
* ``cross_validate_real(k)``: k-fold cross-validation over the project's real references only
  (the labelled set and the retired held-out sets), folded by paper so that no paper is in a
  fold's training data and its test at once (the blog forms and other re-writings of one paper
  share a fold). Each fold trains with the shipped recipe (``training.all_sequences``) on the
  other folds' real rows, optionally on a sample of AnyStyle to save time, and is scored per
  style group on its own real rows against their hand-written CSL-JSON.
"""

import contextlib
import random
import tempfile
from collections.abc import Callable
from pathlib import Path

from clinic.citations import crf, training
from clinic.citations.scoring import UNSEEN_REFERENCES, Report, _text, load_labelled, score


def first_item(text: str) -> dict:
    from clinic.citations.model import parse_reference

    items = parse_reference(text)
    return items[0] if items else {}


def gold_item(text: str, labels: list[str]) -> dict:
    """The CSL-JSON that a reference's gold labels give through the tidying rules."""
    from clinic.citations.model import _parse_one

    tagged = [
        (tok, s, e, lab, 1.0) for (tok, s, e), lab in zip(crf.tokenize(text), labels, strict=True)
    ]
    item = _parse_one(text, tagged)
    item.pop("_confidence", None)
    return item


def score_by_group(rows: list[tuple[str, dict, dict]]) -> dict[str, Report]:
    """rows: (group, expected, predicted). Returns a report per group and one for "all"."""
    groups: dict[str, list[tuple[dict, dict]]] = {}
    for group, expected, predicted in rows:
        groups.setdefault(group, []).append((expected, predicted))
        groups.setdefault("all", []).append((expected, predicted))
    return {name: score(pairs) for name, pairs in sorted(groups.items())}


def score_unseen(path: Path | str = UNSEEN_REFERENCES) -> dict[str, Report]:
    rows = load_labelled(path)
    return score_by_group(
        [(r.get("style", "other"), r["expected"], first_item(r["text"])) for r in rows]
    )


def cross_validate(
    k: int = 5,
    anystyle_files=training.ANYSTYLE_FILES,
    iterations: int = training.ITERATIONS,
    limit: int | None = None,
    progress: Callable[[str], None] = lambda message: None,
    models_dir: Path | str | None = None,
    folds: list[int] | None = None,
    with_synthetic: bool = True,
) -> dict[str, Report]:
    """k-fold cross-validation over AnyStyle's and the project's labelled references.

    With ``models_dir``, each fold's model is kept there and reused when present, so the
    tidying rules can be re-scored without training again.
    """
    units = []  # (group, text, labels or None, expected or None)
    for text, labels, group in training.anystyle_sequences(anystyle_files):
        units.append((group, text, labels, None))
    for row in load_labelled(training.LABELLED_PATH):
        labels = training.align(row["text"], row["expected"])
        units.append((f"project-{row.get('style', 'other')}", row["text"], labels, row["expected"]))
    random.Random(14).shuffle(units)
    # The made-up references in the clinic's styles are training data of every fold (their
    # titles come from phrase templates, not from the references tested).
    from clinic.citations.synthetic import synthetic_sequences

    synthetic = synthetic_sequences(training.SYNTHETIC) if with_synthetic else []
    if limit:
        units = units[:limit]
    rows = []
    with fold_models(models_dir) as folder:
        for fold in [f - 1 for f in folds] if folds else range(k):
            train = [
                (crf.normalise(text), labels)
                for i, (_, text, labels, _) in enumerate(units)
                if i % k != fold and labels
            ] + [(text, labels) for text, labels, _ in synthetic]
            test = [u for i, u in enumerate(units) if i % k == fold]
            progress(f"fold {fold + 1}/{k}: training on {len(train)}, testing on {len(test)}")
            path = folder / f"fold{fold}-of-{k}.crfsuite"
            if not path.exists():  # (else kept by an earlier run: the rules re-scored only)
                train_fold_model(path, train, iterations)
            crf.use_model(path)
            for group, text, labels, expected in test:
                if expected is None:
                    expected = gold_item(text, labels)
                rows.append((group, expected, first_item(text)))
    return score_by_group(rows)


@contextlib.contextmanager
def fold_models(models_dir: Path | str | None):
    """The folder the folds' models go to (``models_dir``, kept, or a temporary one), with the
    shipped model back in use afterwards, whatever happens."""
    previous = crf.MODEL_PATH
    try:
        with tempfile.TemporaryDirectory() as temporary:
            folder = Path(models_dir or temporary)
            folder.mkdir(parents=True, exist_ok=True)
            yield folder
    finally:
        crf.use_model(previous)


def train_fold_model(path: Path, sequences: list, iterations: int) -> None:
    """Train a fold's model into ``path`` (whole or not at all: an interrupted run leaves no
    half-written model for the next run to reuse)."""
    crf.train(sequences, path.with_suffix(".tmp"), max_iterations=iterations)
    path.with_suffix(".tmp").replace(path)


def _paper_keys(item: dict) -> list[tuple]:
    """What names a paper: its title, DOI and PMID, and for a title-less row (the blog's "Name et
    al Journal" form) its volume, first page and year."""
    keys = []
    if item.get("title"):
        keys.append(("title", _text(crf.normalise(item["title"]))))
    for name in ("DOI", "PMID"):
        if item.get(name):
            keys.append((name, _text(item[name])))
    first = str(item.get("page") or item.get("number") or "").split("-")[0]
    year = ((item.get("issued") or {}).get("date-parts") or [[None]])[0][0]
    if item.get("volume") and first:
        keys.append(("where", _text(item["volume"]), _text(first), str(year)))
    return keys


def paper_folds(rows: list[dict], k: int, seed: int = 14) -> list[int]:
    """A fold (0..k-1) for every row: rows that share a paper key share a fold, and each style
    group is spread evenly over the folds."""
    parent = list(range(len(rows)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    seen: dict[tuple, int] = {}
    for index, row in enumerate(rows):
        for key in _paper_keys(row["expected"]):
            if key in seen:
                parent[root(index)] = root(seen[key])
            else:
                seen[key] = index
    papers: dict[int, list[int]] = {}
    for index in range(len(rows)):
        papers.setdefault(root(index), []).append(index)
    rng = random.Random(seed)
    order = list(papers.values())
    rng.shuffle(order)
    order.sort(key=lambda members: rows[members[0]].get("style", "other"))
    fold = [0] * len(rows)
    for position, members in enumerate(order):
        for index in members:
            fold[index] = position % k
    return fold


def cross_validate_real(
    k: int = 3,
    *,
    anystyle_limit: int = 0,
    trained_paths=training.REAL_PATHS,
    iterations: int = training.ITERATIONS,
    progress: Callable[[str], None] = lambda message: None,
    models_dir: Path | str | None = None,
    folds: list[int] | None = None,
) -> tuple[dict[str, Report], list[dict]]:
    """k-fold cross-validation on the real rows of ``training.REAL_PATHS``, by paper.

    Every fold parses its own real rows (all of ``REAL_PATHS``) with a model trained by the
    shipped recipe on the other folds' rows of ``trained_paths`` only (the labelled set alone
    measures main's training data before the held-out sets were retired). Returns the reports
    per style group and the rows in the order scored (for ``--errors``).
    """
    rows = []
    for path in training.REAL_PATHS:
        for row in load_labelled(path):
            rows.append({**row, "file": Path(path).name})
    fold_of = paper_folds(rows, k)
    trained_names = {Path(path).name for path in trained_paths}
    scored, tested = [], []
    with fold_models(models_dir) as folder:
        for fold in [f - 1 for f in folds] if folds else range(k):
            train_rows = [
                row
                for row, f in zip(rows, fold_of, strict=True)
                if f != fold and row["file"] in trained_names
            ]
            test = [row for row, f in zip(rows, fold_of, strict=True) if f == fold]
            path = folder / f"real-fold{fold}-of-{k}.crfsuite"
            if not path.exists():
                sequences = training.all_sequences(rows=train_rows, anystyle_limit=anystyle_limit)
                progress(
                    f"fold {fold + 1}/{k}: training on {len(sequences)} sequences "
                    f"({len(train_rows)} real rows), testing on {len(test)} real rows"
                )
                train_fold_model(
                    path, [(text, labels) for text, labels, _ in sequences], iterations
                )
            crf.use_model(path)
            for row in test:
                scored.append((row.get("style", "other"), row["expected"], first_item(row["text"])))
                tested.append(row)
    return score_by_group(scored), tested


# Which scored fields each ``_confidence`` key stands for.
_CONFIDENCE_FIELDS = {
    "author": ("author", "given"),
    "title": ("title",),
    "container-title": ("container-title",),
    "issued": ("year", "month"),
    "volume": ("volume",),
    "issue": ("issue",),
    "page": ("page",),
    "number": ("number",),
    "DOI": ("DOI",),
    "PMID": ("PMID",),
    "PMCID": ("PMCID",),
}


def doubt_table(rows: list[dict], thresholds=(0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95)) -> list[dict]:
    """How well ``_confidence`` below a threshold finds the parser's mistakes.

    For each threshold: the share of wrong fields that are flagged (confidence below it), the
    share of right fields flagged for nothing, the share of rows with a mistake that would
    not be ticked, and the share of fully right rows that would not be ticked either.
    """
    from clinic.citations.model import parse_reference
    from clinic.citations.scoring import score

    fields = []  # (row index, confidence, right?)
    row_right = []
    for index, row in enumerate(rows):
        items = parse_reference(row["text"])
        predicted = items[0] if items else {}
        report = score([(row["expected"], predicted)])
        wrong = {name for _, name, _, _ in report.mismatches}
        row_right.append(not wrong)
        for key, confidence in (predicted.get("_confidence") or {}).items():
            names = _CONFIDENCE_FIELDS.get(key)
            if names:
                fields.append((index, confidence, not (set(names) & wrong)))
        # A field the parser left empty has no confidence: it cannot be flagged (the preview
        # shows it empty), but it counts among the wrong fields.
        filled = predicted.get("_confidence", {})
        for name in wrong:
            if not any(name in _CONFIDENCE_FIELDS.get(k, ()) for k in filled):
                fields.append((index, 1.0, None))
    out = []
    for t in thresholds:
        flagged_rows = {i for i, c, _ in fields if c < t}
        wrong_fields = [c for _, c, ok in fields if not ok]
        wrong_filled = [c for _, c, ok in fields if ok is False]
        right_fields = [c for _, c, ok in fields if ok]
        bad_rows = [i for i, ok in enumerate(row_right) if not ok]
        good_rows = [i for i, ok in enumerate(row_right) if ok]
        out.append(
            {
                "threshold": t,
                "wrong_fields_flagged": sum(c < t for c in wrong_fields)
                / max(1, len(wrong_fields)),
                "wrong_filled_fields_flagged": sum(c < t for c in wrong_filled)
                / max(1, len(wrong_filled)),
                "right_fields_flagged": sum(c < t for c in right_fields)
                / max(1, len(right_fields)),
                "wrong_rows_unticked": sum(i in flagged_rows for i in bad_rows)
                / max(1, len(bad_rows)),
                "right_rows_unticked": sum(i in flagged_rows for i in good_rows)
                / max(1, len(good_rows)),
                "wrong_fields": len(wrong_fields),
                "wrong_filled_fields": len(wrong_filled),
                "rows": len(rows),
            }
        )
    return out
