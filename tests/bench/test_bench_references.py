"""bench_references runs end to end and keeps nothing."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from clinic.models import Reference


@pytest.mark.django_db
def test_bench_references_reports_and_rolls_back():
    out = StringIO()
    call_command("bench_references", count=5, page_references=3, json=True, stdout=out)
    report = json.loads(out.getvalue())
    assert report["parse"]["items"] == 5
    assert report["parse"]["cpu_p50_ms"] > 0
    assert report["preview_200"]["items"] == 200  # the parse part of a 200-reference preview
    assert report["format_one_by_one"]["items"] == 5
    assert report["page"]["page_status"] == 200
    assert report["page"]["references"] == 3
    assert not Reference.objects.exists()
