"""The admin's "Import references" page: preview, duplicates, problems, confirmation, limits."""

import json
import re

import pytest
from django.contrib.admin.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clinic.models import Reference
from clinic.references import importing
from tests import factories
from tests.citations import test_formats
from tests.personas import PASSWORD, admin_login_url

pytestmark = pytest.mark.django_db

URL = reverse("admin:clinic_reference_import")

PASTED = """\
References
1. Cherkin DC, Sherman KJ, Avins AL, Erro JH, Ichikawa L, Barlow WE, et al. A randomized trial \
comparing acupuncture, simulated acupuncture, and usual care for chronic low back pain. Arch \
Intern Med. 2009 May 11;169(9):858-66. doi: 10.1001/archinternmed.2009.65. PMID: 19433697.
2. Vickers AJ, Vertosick EA, Lewith G, MacPherson H, Foster NE, Sherman KJ, et al. Acupuncture \
for Chronic Pain: Update of an Individual Patient Data Meta-Analysis. J Pain. 2018 \
May;19(5):455-474. doi: 10.1016/j.jpain.2017.11.005.
"""

RIS = """\
TY  - JOUR
AU  - MacPherson, H
AU  - Vertosick, EA
TI  - The persistence of the effects of acupuncture after a course of treatment
JO  - Pain
PY  - 2017
VL  - 158
IS  - 5
SP  - 784
EP  - 793
DO  - 10.1097/j.pain.0000000000000747
ER  -
TY  - JOUR
AU  - Nobody, A
PY  - 2017
ER  -
"""


def login(client, username):
    assert client.login(username=username, password=PASSWORD)


def payload_of(html):
    return re.search(r'name="payload" value="([^"]+)"', html).group(1)


@pytest.mark.parametrize(
    ("username", "status"),
    [(None, 302), ("visitor", 302), ("practitioner", 200), ("editor", 200), ("admin", 200)],
)
def test_permission_matrix(client, personas, username, status):
    if username:
        login(client, username)
    response = client.get(URL)
    assert response.status_code == status
    if status == 302:
        assert response["Location"] == admin_login_url(URL)


def test_staff_without_add_permission_is_refused(client, personas):
    from tests.personas import make_user

    make_user("reader")
    login(client, "reader")
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"payload": "x"}).status_code == 403


def test_changelist_links_to_the_import(client, personas):
    login(client, "practitioner")
    html = client.get(reverse("admin:clinic_reference_changelist")).content.decode()
    assert f'href="{URL}"' in html
    assert "Import references" in html


def test_paste_preview_then_import(client, personas):
    existing = factories.ReferenceFactory(key="vickers2018", doi="10.1016/j.jpain.2017.11.005")
    login(client, "practitioner")
    response = client.post(URL, {"text": PASTED, "format": ""})
    html = response.content.decode()
    assert "Check what was read (plain text)" in html
    assert "A randomized trial comparing acupuncture" in html
    assert "archinternmed.2009.65" in html
    # Each record as the reference list will print it (Vancouver by default).
    assert "Arch Intern Med. 2009 May 11;169(9):858-66." in html
    # The second is already in the library: offered instead of a copy, and not selectable.
    assert f'<a href="{existing.get_admin_url()}">vickers2018</a>' in html
    assert 'value="2" id="chosen-2" aria-label="Import reference 2" disabled' in html
    assert Reference.objects.count() == 1  # nothing saved by the preview

    response = client.post(URL, {"payload": payload_of(html), "chosen": ["1", "2"]})
    # Choosing the duplicate (by editing the form) is refused and nothing is saved.
    assert "can no longer be imported: 2" in response.content.decode()
    assert Reference.objects.count() == 1

    response = client.post(URL, {"payload": payload_of(html), "chosen": ["1"]}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("admin:clinic_reference_changelist")
    cherkin = Reference.objects.get(key="cherkin2009")
    assert cherkin.pmid == "19433697"
    assert cherkin.authors_et_al
    assert cherkin.original_text.startswith("Cherkin DC")
    assert "2009 May 11;169(9):858-66" in cherkin.formatted_text
    assert "Imported 1 reference. Cite them as" in response.content.decode()
    assert LogEntry.objects.filter(object_id=str(cherkin.pk)).exists()


def test_ris_file_with_a_bad_record(client, personas):
    login(client, "editor")
    upload = SimpleUploadedFile("refs.ris", RIS.encode(), content_type="application/x-ris")
    html = client.post(URL, {"file": upload, "format": ""}).content.decode()
    assert "Check what was read (RIS)" in html
    assert "1 of 2 references can be imported" in html
    assert "no title (TI)" in html
    assert "Nobody" in html  # the bad item's own text is shown
    client.post(URL, {"payload": payload_of(html), "chosen": ["1", "2"]})
    assert Reference.objects.count() == 0  # the bad one was chosen: nothing half-saved
    client.post(URL, {"payload": payload_of(html), "chosen": ["1"]})
    assert list(Reference.objects.values_list("key", flat=True)) == ["macpherson2017"]


def test_chosen_format_overrides_detection(client, personas):
    login(client, "practitioner")
    html = client.post(URL, {"text": RIS, "format": "bibtex"}).content.decode()
    assert "Check what was read (BibTeX)" in html
    assert "0 of 1 reference can be imported" in html


def test_two_copies_in_one_paste_import_once(client, personas):
    login(client, "practitioner")
    line = PASTED.splitlines()[1]
    html = client.post(URL, {"text": f"{line}\n{line}"}).content.decode()
    assert "Same source as reference 1 above." in html
    client.post(URL, {"payload": payload_of(html), "chosen": ["1", "2"]})
    assert Reference.objects.count() == 0
    client.post(URL, {"payload": payload_of(html), "chosen": ["1"]})
    assert Reference.objects.count() == 1


def test_keys_in_one_import_do_not_collide(client, personas):
    factories.ReferenceFactory(key="smith2020")
    login(client, "practitioner")
    text = "\n".join(
        # (Pages m100…, not the factory's e1, e2…: those would be found as duplicates.)
        f"Smith J, Jones K. Trial number {n} of needling. BMJ. 2020;370:m{n + 100}."
        for n in range(3)
    )
    html = client.post(URL, {"text": text}).content.decode()
    for key in ("smith2020a", "smith2020b", "smith2020c"):
        assert f'<td class="nowrap">{key}</td>' in html
    client.post(URL, {"payload": payload_of(html), "chosen": ["1", "2", "3"]})
    assert set(Reference.objects.values_list("key", flat=True)) == {
        "smith2020",
        "smith2020a",
        "smith2020b",
        "smith2020c",
    }


def test_a_tampered_payload_is_refused(client, personas):
    login(client, "practitioner")
    html = client.post(URL, {"text": PASTED}).content.decode()
    payload = payload_of(html)
    response = client.post(URL, {"payload": payload[:-2] + "xx", "chosen": ["1"]}, follow=True)
    assert "This preview has expired or was changed" in response.content.decode()
    assert Reference.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": ""}, "Paste some references, or choose a file below."),
        ({"text": "x" * (importing.MAX_BYTES + 1)}, "import at most 1 MB at a time"),
        (
            {"text": "\n".join(f"Smith J. Trial {n}. BMJ. 2020;1:{n}." for n in range(201))},
            "This has 201 references; import at most 200 at a time.",
        ),
        (
            {"file": SimpleUploadedFile("a.bin", b"\xff\xfe\x00\x81\x8d\x90")},
            "This file is not text",
        ),
    ],
)
def test_bad_input_gets_a_message_beside_the_field(client, personas, data, message):
    login(client, "practitioner")
    response = client.post(URL, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'class="form-row errors"' in html
    assert Reference.objects.count() == 0


def test_too_large_file(client, personas):
    login(client, "practitioner")
    upload = SimpleUploadedFile("big.ris", b"x" * (importing.MAX_BYTES + 1))
    html = client.post(URL, {"file": upload}).content.decode()
    assert "This file is 1.0 MB; import at most 1 MB at a time." in html


def test_field_errors_name_the_field():
    # A record with an invalid URL and no author cannot be imported, and says why.
    _, [candidate] = importing.preview(
        '[{"type": "article-journal", "title": "T", "URL": "not a url"}]'
    )
    assert not candidate.importable
    assert "URL: Enter a valid URL." in candidate.errors
    # No author is not an error (editorials, guidelines) but a field to check, never invented.
    assert candidate.doubts["authors"].startswith("No author was found.")


@pytest.mark.parametrize(
    ("filename", "content", "heading", "keys"),
    [
        ("refs.bib", test_formats.BIBTEX, "BibTeX", ["cherkin2009", "doerffler2006"]),
        (
            "refs.nbib",
            test_formats.MEDLINE,
            "MEDLINE/PubMed (.nbib)",
            ["cherkin2009", "furlan2005"],
        ),
        ("refs.json", json.dumps([test_formats.CSL]), "CSL-JSON", ["wen2021"]),
    ],
)
def test_each_file_format_imports(client, personas, filename, content, heading, keys):
    login(client, "practitioner")
    upload = SimpleUploadedFile(filename, content.encode())
    html = client.post(URL, {"file": upload}).content.decode()
    assert f"Check what was read ({heading})" in html
    chosen = [str(n) for n in range(1, len(keys) + 1)]
    client.post(URL, {"payload": payload_of(html), "chosen": chosen})
    assert sorted(Reference.objects.values_list("key", flat=True)) == sorted(keys)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("@article{a,\n  title = {Unclosed\n", "could not be read"),
        ("PMID- 1\nAU  - Smith J\n", "no title"),
        ('[{"type": "article-journal", "title": 5}]', "“title” must be text."),
        ("[{broken json", "not valid JSON"),
    ],
)
def test_malformed_files_say_why_and_store_nothing(client, personas, content, message):
    login(client, "practitioner")
    html = client.post(URL, {"text": content}).content.decode()
    assert message in html
    assert "0 of 1 reference can be imported" in html
    assert "Import selected references" not in html
    assert Reference.objects.count() == 0


def test_file_keys_are_kept_unless_taken_in_any_case(client, personas):
    factories.ReferenceFactory(key="cherkin2009", title="Another Cherkin paper", year=2009)
    bibtex = (
        "@article{Cherkin2009, author={Cherkin, DC}, title={A trial}, journal={BMJ}, year=2009}\n"
        "@article{furlan-review, author={Furlan, AD}, title={A review}, journal={BMJ}, year=2005}"
    )
    login(client, "practitioner")
    html = client.post(URL, {"text": bibtex}).content.decode()
    assert '<td class="nowrap">cherkin2009a</td>' in html
    assert '<td class="nowrap">furlan-review</td>' in html
