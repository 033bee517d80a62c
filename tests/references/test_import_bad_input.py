"""Malformed input to "Import references", in every format: nesting, size, encoding, binary.

Each answers HTTP 200 with a message beside the field that was used, and stores nothing.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clinic.models import Reference
from clinic.references import importing
from tests.personas import PASSWORD

pytestmark = pytest.mark.django_db

URL = reverse("admin:clinic_reference_import")
FORMATS = ["", "text", "ris", "bibtex", "medline", "csljson"]

NESTED_ARRAY = "[" * 100_000 + "]" * 100_000
NESTED_OBJECT = '{"a":' * 50_000 + "1" + "}" * 50_000
# Nested inside a valid-looking CSL-JSON item: deep, but not deep enough to exhaust recursion.
NESTED_IN_ITEM = '[{"type": "article-journal", "title": ' + "[" * 200 + "]" * 200 + "}]"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\x00\x01stream\n\x00\x00"


def post(client, data):
    assert client.login(username="practitioner", password=PASSWORD)
    response = client.post(URL, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert Reference.objects.count() == 0
    return html


def beside(html, field, message):
    """The message sits in the errors of ``field``'s own form row."""
    row = html.split(f'id="id_{field}"')[0].rsplit('<div class="form-row', 1)[1]
    assert "errors" in row.split(">", 1)[0], f"no error on {field}"
    assert message in row, row[-600:]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("text", [NESTED_ARRAY, NESTED_OBJECT, NESTED_IN_ITEM])
def test_deeply_nested_json_is_refused_in_every_format(client, personas, fmt, text):
    html = post(client, {"text": text, "format": fmt})
    beside(html, "text", "levels deep; a CSL-JSON reference list needs no more than 32")


@pytest.mark.parametrize("fmt", FORMATS)
def test_nested_json_file_is_refused_beside_the_file_field(client, personas, fmt):
    upload = SimpleUploadedFile("refs.json", NESTED_ARRAY.encode())
    html = post(client, {"file": upload, "format": fmt})
    beside(html, "file", "This JSON is nested 100,000 levels deep")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("name", "content"), [("refs.ris", PNG), ("refs.bib", PDF)])
def test_binary_files_are_refused_in_every_format(client, personas, fmt, name, content):
    html = post(client, {"file": SimpleUploadedFile(name, content), "format": fmt})
    beside(html, "file", "not text")


@pytest.mark.parametrize("fmt", FORMATS)
def test_binary_pasted_is_refused(client, personas, fmt):
    html = post(client, {"text": "PMID- 1\nTI  - \x01\x02\x1b title", "format": fmt})
    beside(html, "text", "This is not text: it holds 3 control characters")


@pytest.mark.parametrize("fmt", FORMATS)
def test_undecodable_file_is_refused(client, personas, fmt):
    # Bytes that are neither UTF-8 nor Windows-1252 (0x81, 0x8d, 0x8f, 0x90, 0x9d are unassigned).
    upload = SimpleUploadedFile("refs.txt", b"Smith J. Trial. BMJ. 2020" + b"\x81\x8d")
    html = post(client, {"file": upload, "format": fmt})
    beside(html, "file", "This file is not text: save it as UTF-8 text and try again.")


@pytest.mark.parametrize("fmt", FORMATS)
def test_too_large_text_and_file_in_every_format(client, personas, fmt):
    big = "TY  - JOUR\n" + "N1  - " + "x" * importing.MAX_BYTES + "\nER  -\n"
    beside(post(client, {"text": big, "format": fmt}), "text", "import at most 1 MB at a time")
    upload = SimpleUploadedFile("big.ris", big.encode())
    beside(post(client, {"file": upload, "format": fmt}), "file", "import at most 1 MB at a time")


def test_ordinary_json_and_bracketed_text_are_not_taken_for_nesting():
    assert (
        importing.json_depth('[{"author": [{"family": "A"}], "issued": {"date-parts": [[1]]}}]')
        == 5
    )
    assert importing.json_depth('[{"title": "[[[[[[ in a string \\" ]]]"}]') == 2
    assert importing.json_depth("[1] Cherkin DC. A trial. 2009.") == 1
    assert importing.json_depth("Cherkin DC [[[[") == 0
