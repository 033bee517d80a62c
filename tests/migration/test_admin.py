import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from blog.models import Post
from clinic.migration.models import ImportRun
from tests.migration import exports
from tests.personas import PASSWORD

pytestmark = pytest.mark.django_db
ADD = reverse("admin:migration_importrun_add")


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 302),
        ("visitor", 302),
        ("practitioner_user", 403),
        ("editor", 200),
        ("admin", 200),
    ],
)
def test_who_may_import(client, personas, who, status):
    if who != "anonymous":
        client.login(username=getattr(personas, who).username, password=PASSWORD)
    response = client.get(ADD)
    assert response.status_code == status
    if status == 302:
        assert response["Location"] == f"{reverse('admin:login')}?next={ADD}"


def upload(client, text, name="feed.atom", **data):
    file = SimpleUploadedFile(name, text.encode(), content_type="application/atom+xml")
    return client.post(ADD, {"file": file, **data})


def test_upload_preview_confirm(client, personas):
    client.login(username=personas.editor.username, password=PASSWORD)
    response = upload(client, exports.blogger_takeout())
    run = ImportRun.objects.get()
    assert response["Location"] == reverse("admin:migration_importrun_change", args=[run.pk])
    assert run.state == ImportRun.State.PREVIEWED  # the check ran as a task (immediately here)
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "Acupuncture for low back pain: what the evidence says" in html
    assert "/blog/acupuncture-for-low-back-pain/" in html
    assert "2 found, 0 in the library" in html
    assert not Post.objects.exists()
    rows = run.preview["rows"]
    contact = next(n for n, row in enumerate(rows) if row["title"] == "Contact us")
    response = client.post(page.request["PATH_INFO"], {"author-0": "0", f"page-{contact}": "about"})
    run.refresh_from_db()
    assert run.state == ImportRun.State.DONE, run.error
    assert run.report["counts"]["post: created"] == 3
    assert Post.objects.filter(status="published").count() == 2
    from clinic.models import ClinicSettings

    assert "Call 01865 000 000." in ClinicSettings.load().about
    done = client.get(response["Location"]).content.decode()
    assert "What was imported" in done


def test_a_bad_file_is_named_beside_nothing_written(client, personas):
    client.login(username=personas.editor.username, password=PASSWORD)
    upload(client, exports.blogger_takeout()[:500])
    run = ImportRun.objects.get()
    assert run.state == ImportRun.State.FAILED
    page = client.get(reverse("admin:migration_importrun_change", args=[run.pk])).content.decode()
    assert "incomplete" in page and "Line " in page
    assert not Post.objects.exists()


def test_an_empty_upload_gets_its_message_beside_the_field(client, personas):
    client.login(username=personas.editor.username, password=PASSWORD)
    response = upload(client, "")
    assert response.status_code == 200
    assert "The submitted file is empty." in response.content.decode()
    assert not ImportRun.objects.exists()


def test_with_a_queueing_backend_no_request_waits_for_the_import(client, personas, settings):
    """As with TASKS_BACKEND=database: the pages return at once and show the progress."""
    from clinic.migration import tasks

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    client.login(username=personas.editor.username, password=PASSWORD)
    response = upload(client, exports.blogger_takeout())
    run = ImportRun.objects.get()
    assert run.state == ImportRun.State.CHECKING
    page = client.get(response["Location"]).content.decode()
    assert '<meta http-equiv="refresh" content="2">' in page
    assert "being checked before anything is written" in page
    tasks.preview_import.call(run.pk)  # what the worker does
    client.post(response["Location"], {"author-0": "0"})
    run.refresh_from_db()
    assert run.state == ImportRun.State.QUEUED and not Post.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert '<progress id="import-progress"' in page
    tasks.run_import.call(run.pk)
    run.refresh_from_db()
    assert (run.state, run.done, run.total) == (ImportRun.State.DONE, 7, 7)  # 6 items, 1 comment
    assert Post.objects.count() == 3


def test_the_check_citations_flag_shows_on_the_pages_own_form(client, personas, export_file):
    """A page whose markers could not all be placed says so on its own admin form, with the way
    to clear the flag; once an editor clears it, the note goes."""
    from clinic.migration import importer
    from clinic.migration.models import ImportedItem

    # A marker beyond the two references: the mapping is not certain.
    text = exports.blogger_takeout().replace("&lt;sup&gt;2&lt;/sup&gt;", "&lt;sup&gt;7&lt;/sup&gt;")
    report = importer.run(export_file(text), importer.Options(fetch_images=False))
    post = Post.objects.get(slug="acupuncture-for-low-back-pain")
    assert [page["url"] for page in report["check_citations"]] == [post.get_absolute_url()]
    item = ImportedItem.objects.get(object_id=post.pk, kind="post")
    client.login(username=personas.editor.username, password=PASSWORD)
    change = reverse("admin:blog_post_change", args=[post.pk])
    item_url = reverse("admin:migration_importeditem_change", args=[item.pk])
    html = client.get(change).content.decode()
    assert "check the citations" in html and f'href="{item_url}"' in html
    teaser = Post.objects.get(slug="can-acupuncture-help-with-stress")  # certain: no note
    assert (
        "check the citations"
        not in client.get(reverse("admin:blog_post_change", args=[teaser.pk])).content.decode()
    )
    ImportedItem.objects.filter(pk=item.pk).update(check_citations=False)
    assert "check the citations" not in client.get(change).content.decode()
