"""bench_editor runs end to end on the article it describes, and keeps nothing."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from blog.models import Post
from clinic.models import Autosave, Reference


@pytest.mark.django_db
def test_bench_editor_reports_and_rolls_back():
    out = StringIO()
    call_command(
        "bench_editor", runs=2, words=400, citations=5, json=True, no_weight=True, stdout=out
    )
    report = json.loads(out.getvalue())
    assert report["words"] >= 400
    assert report["citations"] == 5
    assert report["preview"]["runs"] == 2
    assert report["autosave"]["runs"] == 2
    assert report["preview"]["queries"] > 0 and report["autosave"]["queries"] > 0
    assert not (Post.objects.exists() or Reference.objects.exists() or Autosave.objects.exists())


@pytest.mark.browser
@pytest.mark.django_db
def test_an_article_with_one_noisy_photo_stays_under_60_kb_on_phones(tmp_path):
    """The page weight part, in Chromium, with the photo that is hardest to compress (given as a
    file too, as --photo takes them): each phone takes the copy its screen needs (3x screens the
    2x one), and all stay under the budget."""
    from clinic.bench import page_weight

    photo = tmp_path / "IMG_0001.JPG"
    photo.write_bytes(page_weight.noisy_photo(2000, 1500))
    out = StringIO()
    call_command(
        "bench_editor", runs=1, words=100, citations=1, json=True, photo=[photo], stdout=out
    )
    report = json.loads(out.getvalue())["page_weight"]
    assert list(report) == ["noisy (synthetic)", "IMG_0001.JPG"]
    weights = report["IMG_0001.JPG"]
    chosen = {screen: weight["rendition"] for screen, weight in weights.items()}
    assert chosen == {
        "phone 1x": "480w.webp",
        "phone 2x": "720w.webp",
        "phone 3x": "720w.webp",
        "desktop 1x": "960w.webp",
    }
    for screen in ("phone 1x", "phone 2x", "phone 3x"):
        weight = weights[screen]
        assert weight["total"] < page_weight.PHONE_BUDGET, (screen, weight)
        # Text really went compressed, as production sends it.
        html, *_ = weight["responses"]
        assert html["encoding"] == "gzip" and html["type"] == "text/html", html
    assert not (Post.objects.exists() or Reference.objects.exists())
