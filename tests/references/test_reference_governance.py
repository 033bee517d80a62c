"""The reference library cannot change live pages behind the editors' back (issue 14, part 5).

Permission matrix with exact redirect targets; pending changes approved or refused by an editor;
keys of cited references fixed; every change versioned; "cited by" and the retracted page show
a practitioner only the pages they may see; "Complete this reference" follows the same rules.
"""

import pytest
from django.core import mail
from django.urls import reverse
from reversion.models import Version

from clinic.models import Reference
from clinic.pages import reference_review as reference_changes
from clinic.pages.publishing import Status
from tests import factories
from tests.fake_services import fake_services  # noqa: F401 (a fixture)
from tests.personas import PASSWORD
from tests.references.test_admin import form_data

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:clinic_reference_changelist")


def login(client, username):
    assert client.login(username=username, password=PASSWORD)


@pytest.fixture
def cited(personas):
    """A reference a published article cites (another practitioner's article)."""
    reference = factories.ReferenceFactory(key="cherkin2009", title="Acupuncture for back pain")
    post = factories.PostFactory(title="Live article", body="It helps [@cherkin2009].")
    factories.attach(post, reference)
    return reference, post


def change_url(reference):
    return reverse("admin:clinic_reference_change", args=[reference.pk])


def delete_url(reference):
    return reverse("admin:clinic_reference_delete", args=[reference.pk])


# Who may do what -------------------------------------------------------------------------------


@pytest.mark.parametrize("username", [None, "visitor"])
def test_anonymous_and_non_staff_go_to_the_login_page(client, personas, username):
    reference = factories.ReferenceFactory()
    if username:
        login(client, username)
    for url in (change_url(reference), delete_url(reference), CHANGELIST):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"/admin/login/?next={url}"


@pytest.mark.parametrize(
    ("username", "own", "cited_by", "status"),
    [
        ("practitioner", True, None, 302),  # their own, cited nowhere: deleted
        ("practitioner", False, None, 403),  # someone else's
        ("practitioner", True, "draft", 403),  # their own, but a page cites it
        ("practitioner", True, "live", 403),
        ("editor", False, None, 302),  # editors delete any uncited reference
        ("editor", False, "draft", 403),  # never a cited one: its pages would lose it
        ("admin", False, "live", 403),
    ],
)
def test_delete_matrix(client, personas, username, own, cited_by, status):
    owner = personas.practitioner_user if own else personas.other_practitioner_user
    reference = factories.ReferenceFactory(created_by=owner)
    if cited_by:
        page_status = Status.PUBLISHED if cited_by == "live" else Status.DRAFT
        factories.attach(factories.PostFactory(status=page_status), reference)
    login(client, username)
    assert client.get(delete_url(reference)).status_code == (200 if status == 302 else 403)
    response = client.post(delete_url(reference), {"post": "yes"})
    assert response.status_code == status
    if status == 302:
        assert response["Location"] == CHANGELIST
        assert not Reference.objects.filter(pk=reference.pk).exists()
    else:
        assert Reference.objects.filter(pk=reference.pk).exists()


def test_practitioners_have_no_bulk_delete(client, personas):
    factories.ReferenceFactory(created_by=personas.practitioner_user)
    login(client, "practitioner")
    assert "delete_selected" not in client.get(CHANGELIST).content.decode()
    login(client, "editor")
    assert "delete_selected" in client.get(CHANGELIST).content.decode()


# Changes to cited references -------------------------------------------------------------------


def test_practitioner_change_to_a_live_cited_reference_waits_for_an_editor(client, cited):
    reference, post = cited
    login(client, "practitioner")
    data = form_data(client, change_url(reference))
    assert "key" not in data  # the key of a cited reference is read-only
    data.update(title="Acupuncture cures back pain", retracted="on")
    response = client.post(change_url(reference), data)
    assert response.status_code == 302
    assert response["Location"] == change_url(reference)

    reference.refresh_from_db()
    post.refresh_from_db()
    assert reference.title == "Acupuncture for back pain"  # the live record is untouched
    assert not reference.retracted
    assert "cures" not in post.references_html
    assert reference.pending["fields"] == {
        "title": "Acupuncture cures back pain",
        "retracted": True,
    }
    step = reference_changes.history(reference).get()
    assert (step.action, step.by.username) == ("submit_changes", "practitioner")
    assert mail.outbox[-1].to == ["admin@clinic.example", "editor@clinic.example"]
    assert mail.outbox[-1].subject == "Reference change for review: cherkin2009"

    # Editors find it in the list of references waiting for them.
    login(client, "editor")
    waiting = client.get(CHANGELIST + "?waiting=yes").context["cl"].result_list
    assert list(waiting) == [reference]
    login(client, "practitioner")

    # While it waits the reference is read-only for practitioners: a second change is refused.
    page = client.get(change_url(reference)).content.decode()
    assert "A change waits for an editor" in page
    assert 'name="_save"' not in page
    assert client.post(change_url(reference), data).status_code == 403


def test_the_read_only_page_shows_the_authors_as_names_not_json(client, cited):
    reference, _ = cited
    reference.authors = [
        {"family": "Cherkin", "given": "DC"},
        {"family": "Müller", "given": "Jürgen"},
        {"literal": "Royal College of Physicians, London"},
    ]
    reference.authors_et_al = True
    reference.save()
    login(client, "practitioner")
    data = form_data(client, change_url(reference))
    data.update(title="Acupuncture for chronic back pain")
    client.post(change_url(reference), data)

    # A change waits: the practitioner sees the reference read-only.
    response = client.get(change_url(reference))
    html = response.content.decode()
    assert 'name="_save"' not in html
    assert "&quot;family&quot;" not in html and '"family"' not in html
    assert "[{" not in html
    readonly = {field.field["name"] for line in response.context["adminform"] for row in line
                for field in row}  # fmt: skip
    assert "author_list" in readonly and "authors" not in readonly
    author_list = (
        '<ol class="author-list"><li>Cherkin, DC</li><li>Müller, Jürgen</li>'
        "<li>Royal College of Physicians, London</li><li>et al.</li></ol>"
    )
    assert author_list in html

    # An editor may change it, and edits the authors as lines of text.
    login(client, "editor")
    form = client.get(change_url(reference)).context["adminform"].form
    assert "authors" in form.fields


def test_editor_approves_the_waiting_change_and_the_page_shows_it(client, cited):
    reference, post = cited
    login(client, "practitioner")
    data = form_data(client, change_url(reference))
    data.update(title="Acupuncture for chronic back pain")
    client.post(change_url(reference), data)
    versions_before = Version.objects.get_for_object(reference).count()

    decide = reverse("admin:clinic_reference_decide", args=[reference.pk])
    assert client.post(decide, {"approve": "1"}).status_code == 403  # not an editor
    login(client, "editor")
    assert client.get(decide).status_code == 405
    response = client.post(decide, {"approve": "1"})
    assert (response.status_code, response["Location"]) == (302, change_url(reference))

    reference.refresh_from_db()
    post.refresh_from_db()
    assert (reference.title, reference.pending) == ("Acupuncture for chronic back pain", {})
    assert "Acupuncture for chronic back pain" in post.references_html
    assert Version.objects.get_for_object(reference).count() == versions_before + 1
    actions = list(reference_changes.history(reference).values_list("action", flat=True))
    assert actions == ["approve_changes", "submit_changes"]
    assert mail.outbox[-1].to == ["practitioner@clinic.example"]


def test_editor_refuses_with_a_required_note(client, cited):
    reference, _ = cited
    login(client, "practitioner")
    data = form_data(client, change_url(reference))
    data.update(title="Something else")
    client.post(change_url(reference), data)
    login(client, "editor")
    decide = reverse("admin:clinic_reference_decide", args=[reference.pk])
    response = client.post(decide, {"refuse": "1", "note": " "}, follow=True)
    assert "Say why the change is refused" in response.content.decode()
    client.post(decide, {"refuse": "1", "note": "The paper says otherwise."})
    reference.refresh_from_db()
    assert (reference.title, reference.pending) == ("Acupuncture for back pain", {})
    step = reference_changes.history(reference).first()
    assert (step.action, step.note) == ("request_changes", "The paper says otherwise.")


def test_editor_changes_a_cited_reference_at_once_and_it_is_versioned(client, cited):
    reference, post = cited
    login(client, "editor")
    data = form_data(client, change_url(reference))
    data.update(title="Acupuncture for low back pain")
    assert client.post(change_url(reference), data).status_code == 302
    reference.refresh_from_db()
    post.refresh_from_db()
    assert reference.title == "Acupuncture for low back pain"
    assert "Acupuncture for low back pain" in post.references_html
    version = Version.objects.get_for_object(reference).first()
    assert version.revision.user.username == "editor"


def test_a_reference_cited_only_by_drafts_changes_at_once_but_keeps_its_key(client, personas):
    reference = factories.ReferenceFactory(key="smith2020", title="Old title")
    draft = factories.PostFactory(status=Status.DRAFT, body="[@smith2020]")
    factories.attach(draft, reference)
    login(client, "practitioner")
    data = form_data(client, change_url(reference))
    data.update(title="New title", key="renamed2020")
    assert client.post(change_url(reference), data).status_code == 302
    reference.refresh_from_db()
    assert (reference.key, reference.title, reference.pending) == ("smith2020", "New title", {})
    assert Version.objects.get_for_object(reference).count() == 1


def test_added_references_remember_who_added_them(client, personas):
    login(client, "practitioner")
    client.post(
        reverse("admin:clinic_reference_add"),
        {"type": "article-journal", "title": "A trial", "authors": "Smith, J", "year": "2020"},
    )
    assert Reference.objects.get().created_by == personas.practitioner_user


# What a practitioner may see -------------------------------------------------------------------


def test_cited_by_and_retracted_page_show_only_pages_the_person_may_see(client, personas):
    reference = factories.ReferenceFactory(key="wakefield1998", retracted=True)
    mine = factories.PostFactory(
        title="My draft", status=Status.DRAFT, author=personas.practitioner
    )
    omar = personas.other_practitioner_user.practitioner
    others = factories.PostFactory(title="Their secret draft", status=Status.DRAFT, author=omar)
    live = factories.PostFactory(title="A live article", author=omar)
    for page in (mine, others, live):
        factories.attach(page, reference)
    retracted = reverse("admin:clinic_reference_retracted")

    login(client, "practitioner")
    for url in (change_url(reference), retracted):
        html = client.get(url).content.decode()
        assert "My draft" in html
        assert "A live article" in html
        assert "Their secret draft" not in html
    login(client, "editor")
    for url in (change_url(reference), retracted):
        assert "Their secret draft" in client.get(url).content.decode()


# Completion on a reference ---------------------------------------------------------------------


def test_complete_a_reference_shows_the_difference_and_saves_what_is_ticked(
    client,
    personas,
    fake_services,  # noqa: F811
):
    reference = factories.ReferenceFactory(
        key="cherkin2009", title="Acupuncture trial", container_title="", pmid="19433697",
        volume="169", pages="858-866", year=2009,
    )  # fmt: skip
    url = reverse("admin:clinic_reference_complete", args=[reference.pk])
    login(client, "practitioner")
    assert (
        "Complete this reference from PubMed" in client.get(change_url(reference)).content.decode()
    )
    assert client.get(url).status_code == 405
    html = client.post(url).content.decode()
    assert "Found in <strong>PubMed, by PMID 19433697</strong>" in html
    assert "A randomized trial comparing acupuncture" in html
    # An empty field is ticked for the person; a different one is not.
    assert (
        'name="use-container_title" id="use-container_title" '
        'value="Archives of internal medicine" checked' in html
    )
    assert 'name="use-title" id="use-title" value="A randomized trial' in html
    response = client.post(
        url,
        {
            "apply": "1",
            "use-title": "A randomized trial comparing acupuncture, simulated acupuncture, and "
            "usual care for chronic low back pain",
            "use-doi": "10.1001/archinternmed.2009.65",
        },
    )
    assert (response.status_code, response["Location"]) == (302, change_url(reference))
    reference.refresh_from_db()
    assert reference.title.startswith("A randomized trial comparing acupuncture")
    assert reference.doi == "10.1001/archinternmed.2009.65"
    assert reference.container_title == ""  # not ticked, not taken
    assert Version.objects.get_for_object(reference).count() == 1


def test_completion_of_a_live_cited_reference_waits_for_an_editor(
    client,
    cited,
    fake_services,  # noqa: F811
):
    reference, _ = cited
    reference.pmid = "19433697"
    reference.save()
    url = reverse("admin:clinic_reference_complete", args=[reference.pk])
    login(client, "practitioner")
    client.post(url, {"apply": "1", "use-title": "A randomized trial"})
    reference.refresh_from_db()
    assert reference.title == "Acupuncture for back pain"
    assert reference.pending["fields"] == {"title": "A randomized trial"}


def test_completion_failure_is_a_message_and_changes_nothing(
    client,
    personas,
    fake_services,  # noqa: F811
):
    fake_services.mode = "down"
    reference = factories.ReferenceFactory(pmid="19433697")
    login(client, "practitioner")
    url = reverse("admin:clinic_reference_complete", args=[reference.pk])
    html = client.post(url).content.decode()
    assert "PubMed answered with an error (HTTP 503)" in html
    assert "you can save the reference as it is meanwhile" in html
    # and saving still works while the service is down
    data = form_data(client, change_url(reference))
    data.update(title="Saved anyway")
    assert client.post(change_url(reference), data).status_code == 302
    reference.refresh_from_db()
    assert reference.title == "Saved anyway"
