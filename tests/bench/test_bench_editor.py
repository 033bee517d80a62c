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
    call_command("bench_editor", runs=2, words=400, citations=5, json=True, stdout=out)
    report = json.loads(out.getvalue())
    assert report["words"] >= 400
    assert report["citations"] == 5
    assert report["preview"]["runs"] == 2
    assert report["autosave"]["runs"] == 2
    assert report["preview"]["queries"] > 0 and report["autosave"]["queries"] > 0
    assert not (Post.objects.exists() or Reference.objects.exists() or Autosave.objects.exists())
