"""Honest scores for the trained reference parser.

Two measurements, reported per style group:

* ``score_unseen()``: the shipped model on ``unseen_references.jsonl``, a test set written and
  frozen before the first model was trained and never used for training or tuning.
* ``cross_validate(k)``: k-fold cross-validation over the training data. Each fold trains a
  fresh model on the other folds and parses its own references. The project's labelled
  references are scored against their hand-written CSL-JSON; AnyStyle's references, which
  are labelled by segment, against the CSL-JSON that their gold segments give through the
  same tidying rules (so that part measures the labeller, not the rules). The clinic-layout
  variants of the project's references are left out of cross-validation: they share titles
  with the references they were made from.
"""

import random
import tempfile
from collections.abc import Callable
from pathlib import Path

from clinic.citations import crf, training
from clinic.citations.scoring import UNSEEN_REFERENCES, Report, load_labelled, score


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
    if limit:
        units = units[:limit]
    rows = []
    previous = crf.MODEL_PATH
    try:
        with tempfile.TemporaryDirectory() as temporary:
            folder = Path(models_dir or temporary)
            folder.mkdir(parents=True, exist_ok=True)
            for fold in [f - 1 for f in folds] if folds else range(k):
                train = [
                    (crf.normalise(text), labels)
                    for i, (_, text, labels, _) in enumerate(units)
                    if i % k != fold and labels
                ]
                test = [u for i, u in enumerate(units) if i % k == fold]
                path = folder / f"fold{fold}-of-{k}.crfsuite"
                progress(f"fold {fold + 1}/{k}: training on {len(train)}, testing on {len(test)}")
                if not path.exists():
                    crf.train(train, path.with_suffix(".tmp"), max_iterations=iterations)
                    path.with_suffix(".tmp").replace(path)
                crf.use_model(path)
                for group, text, labels, expected in test:
                    if expected is None:
                        expected = gold_item(text, labels)
                    rows.append((group, expected, first_item(text)))
    finally:
        crf.use_model(previous)
    return score_by_group(rows)
