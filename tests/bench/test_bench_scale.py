"""The scale benchmark measures every public page type at two sizes (tiny ones here)."""

import json

from django.core.management import call_command


def test_measures_every_page_type_at_each_size(db, tmp_path):
    out = tmp_path / "scale.json"
    call_command(
        "bench_scale", sizes="60,80", requests=1, conditions=3, references=10, json=str(out)
    )
    report = json.loads(out.read_text())
    assert set(report["sizes"]) == {"60", "80"}
    pages = report["sizes"]["80"]
    assert {"home", "article", "search", "condition", "feed", "tag", "sitemap index"} <= set(pages)
    for row in pages.values():
        assert row["median_ms"] > 0 and row["queries"] >= 1 and row["bytes"] > 500
    assert set(report["ratios"]) == set(pages)
    assert len(report["load_average"]) == 3


def test_profile_page_prints_where_the_time_goes(db, capsys):
    call_command("generate_bench_data", posts=5, conditions=1, references=5, tags=2)
    from blog.models import Post

    post = Post.objects.published().first()
    call_command("profile_page", post.get_absolute_url(), "--cold", requests=10)
    out = capsys.readouterr().out
    assert "Recorded:" in out and "views.py" in out, out
