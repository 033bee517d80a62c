"""bench_references runs end to end and keeps nothing."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from clinic.models import Reference


@pytest.mark.django_db
def test_bench_references_reports_and_rolls_back():
    out = StringIO()
    call_command(
        "bench_references",
        count=5,
        page_references=3,
        library=60,
        pasted=12,
        repeat=2,
        json=True,
        stdout=out,
    )
    report = json.loads(out.getvalue())
    assert report["parse"]["items"] == 5
    assert report["parse"]["cpu_p50_ms"] > 0
    assert report["preview_200"]["items"] == 200  # the parse part of a 200-reference preview
    assert report["format_one_by_one"]["items"] == 5
    assert report["page"]["page_status"] == 200
    assert report["page"]["references"] == 3
    # The import page itself, POSTed with 12 pasted references against a library of 60 (a
    # quarter of the pasted ones among them, found as duplicates).
    preview = report["import_preview"]
    assert (preview["status"], preview["rows"], preview["library"]) == (200, 12, 60)
    assert preview["duplicates"] >= 2
    assert preview["warm_p50_ms"] > 0 and len(preview["warm_ms"]) == 1
    assert not Reference.objects.exists()
