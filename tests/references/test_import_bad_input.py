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


# Characters no database stores, and digits int() refuses, in every way a value gets in ------

NUL_IN_JSON = '[{"type": "article-journal", "title": "A trial\\u0000", "author": [{"family": "S\\u0000"}], "issued": {"date-parts": [[2020]]}}]'  # noqa: E501
SURROGATE_IN_JSON = '[{"type": "article-journal", "title": "A trial \\ud800 of needles", "author": [{"family": "Smith"}], "issued": {"date-parts": [[2020]]}}]'  # noqa: E501
GOOD_LINE = (
    "Cherkin DC, Sherman KJ. A randomized trial comparing acupuncture, simulated acupuncture, "
    "and usual care for chronic low back pain. Arch Intern Med. 2009;169(9):858-66."
)


def payload_of(html):
    import re

    return re.search(r'name="payload" value="([^"]+)"', html).group(1)


@pytest.mark.parametrize("fmt", ["", "csljson"])
def test_a_null_character_in_json_is_refused_on_the_row(client, personas, fmt):
    html = post(client, {"text": NUL_IN_JSON, "format": fmt})
    assert "null character" in html
    # Ticking it anyway imports nothing, and says why.
    response = client.post(URL, {"payload": payload_of(html), "chosen": ["1"]})
    assert response.status_code == 200
    assert Reference.objects.count() == 0


@pytest.mark.parametrize("fmt", ["", "csljson"])
def test_a_lone_surrogate_in_json_is_replaced_with_a_warning(client, personas, fmt):
    html = post(client, {"text": SURROGATE_IN_JSON, "format": fmt})
    assert "could not be read" in html
    response = client.post(URL, {"payload": payload_of(html), "chosen": ["1"]})
    assert response.status_code == 302
    assert Reference.objects.get().title == "A trial \ufffd of needles"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"r1-title": "A trial\x00"}, "null character"),
        ({"r1-authors": "Cherkin\x00, DC"}, "null character"),
        ({"r1-year": "²⁰²⁰"}, "is not a year"),
        ({"r1-year": "9" * 400}, "is not a year"),
        ({"r1-pmid": "1" * 400}, "PMID: at most 20 characters; this has 400."),
        # Cut short, it would be a wrong DOI that looks right.
        ({"r1-doi": "10.1000/" + "x" * 5000}, "DOI: at most 200 characters; this has 5,008."),
    ],
)
def test_bad_corrections_on_the_preview_are_refused_on_the_row(client, personas, fields, message):
    html = post(client, {"text": GOOD_LINE})
    for action in ({"recheck": "1"}, {"chosen": ["1"]}):
        response = client.post(URL, {"payload": payload_of(html), **action, **fields})
        assert response.status_code == 200
        assert message in response.content.decode()
    assert Reference.objects.count() == 0


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"authors": "Cherkin\x00, DC"}, "authors"),
        ({"title": "A trial\x00"}, "title"),
        ({"year": "²⁰²⁰"}, "year"),
        ({"year": "9" * 400}, "year"),
        ({"year": "99999"}, "year"),
        ({"participants": "9" * 30}, "participants"),
        ({"accessed": "99999-01-01"}, "accessed"),
        ({"doi": "10.1000/" + "x" * 5000}, "doi"),
    ],
)
def test_bad_values_in_the_reference_form_are_refused_beside_the_field(
    client, personas, fields, field
):
    assert client.login(username="practitioner", password=PASSWORD)
    data = {"type": "article-journal", "title": "A trial", "authors": "Smith, J", **fields}
    response = client.post(reverse("admin:clinic_reference_add"), data)
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert Reference.objects.count() == 0


@pytest.mark.parametrize(
    "action",
    [{"chosen": ["²", "1" * 50, "-1", "x"]}, {"complete": "²"}, {"complete": "1" * 50}],
)
def test_odd_numbers_in_the_preview_buttons_are_ignored(client, personas, action):
    html = post(client, {"text": GOOD_LINE})
    response = client.post(URL, {"payload": payload_of(html), **action})
    assert response.status_code == 200
    assert Reference.objects.count() == 0


def test_a_paste_of_thousands_of_lines_is_refused_before_it_is_read(client, personas):
    """Under the 1 MB limit, 13,000 one-line references would each be parsed (minutes of
    work) before the 200-reference limit refused them: they are counted first."""
    line = "Smith J, Jones K. A trial of needles in backs. BMJ. 2020;370:m12.\n"
    text = line * (900_000 // len(line))
    html = post(client, {"text": text, "format": ""})
    beside(html, "text", "This has 13,636 references; import at most 200 at a time.")


def test_a_utf16_file_is_read(client, personas):
    upload = SimpleUploadedFile("refs.txt", GOOD_LINE.encode("utf-16"))
    html = post(client, {"file": upload, "format": ""})
    assert "Randomized Trial Comparing" in html or "randomized trial comparing" in html
