"""Cross-validation on the real rows: folds by paper, per style group, out of fold."""

import io
import json
from collections import Counter

from django.core.management import call_command

from clinic.citations import crf, evaluation, training


def _row(style, title=None, doi=None, volume=None, page=None, year=2020):
    expected = {"type": "article-journal", "issued": {"date-parts": [[year]]}}
    for key, value in (("title", title), ("DOI", doi), ("volume", volume), ("page", page)):
        if value:
            expected[key] = value
    return {"text": title or "x", "style": style, "expected": expected}


def test_a_paper_never_sits_in_two_folds():
    rows = [
        _row("vancouver", title="Acupuncture for chronic pain", volume="178", page="1-9"),
        _row("apa", title="Acupuncture for Chronic Pain.", doi="10.1/x"),
        _row("blog", volume="178", page="1-9"),  # the blog's title-less form of the first
        _row("pubmed", title="Another paper", doi="10.1/X"),  # the second's DOI
    ] + [_row("ama", title=f"Paper {n}") for n in range(30)]
    folds = evaluation.paper_folds(rows, 3)
    assert len({folds[0], folds[1], folds[2], folds[3]}) == 1
    # A style group is spread over the folds.
    assert sorted(
        Counter(f for row, f in zip(rows, folds, strict=True) if row["style"] == "ama").values()
    ) == [10, 10, 10]


def test_the_real_rows_fold_evenly_by_style_group():
    rows = training.real_rows()
    folds = evaluation.paper_folds(rows, 3)
    for style in {row["style"] for row in rows}:
        counts = Counter(f for row, f in zip(rows, folds, strict=True) if row["style"] == style)
        assert max(counts.values()) - min(counts.values()) <= max(9, sum(counts.values()) // 5)


def test_score_parser_cross_validates_the_real_rows_per_style_group(monkeypatch, tmp_path):
    # A quick run: few made-up strings and iterations, one fold of two. Every real row of the
    # fold is scored out of fold and counted in its style group.
    monkeypatch.setattr(training, "SYNTHETIC", 20)
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "score_parser",
        cv_real=2,
        folds="1",
        anystyle_limit=20,
        iterations=2,
        models_dir=str(tmp_path),
        json=True,
        stdout=out,
        stderr=err,
    )
    report = json.loads(out.getvalue())
    assert "20 AnyStyle references" in report["title"]
    folds = evaluation.paper_folds(training.real_rows(), 2)
    assert report["groups"]["all"]["items"] == folds.count(0)
    assert {"blog", "scholar", "non-english", "guideline"} <= set(report["groups"])
    assert "testing on" in err.getvalue()
    assert (tmp_path / "real-fold0-of-2.crfsuite").exists()


def test_score_parser_cross_validates_the_training_data_and_puts_the_shipped_model_back(
    monkeypatch, tmp_path
):
    # A quick run: 60 references, few made-up strings and iterations, one fold of two, the
    # fold's model kept; the shipped model parses again afterwards.
    monkeypatch.setattr(training, "SYNTHETIC", 20)
    shipped = crf.MODEL_PATH
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "score_parser",
        cv=2,
        folds="1",
        limit=60,
        iterations=2,
        anystyle="core",
        models_dir=str(tmp_path),
        json=True,
        stdout=out,
        stderr=err,
    )
    report = json.loads(out.getvalue())
    assert report["groups"]["all"]["items"] == 30
    assert "fold 1/2: training on" in err.getvalue()
    assert (tmp_path / "fold0-of-2.crfsuite").exists()
    assert shipped == crf.MODEL_PATH
