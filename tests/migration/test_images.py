import pytest
from django.core.files.storage import default_storage

from blog.models import Post
from clinic.migration import importer
from clinic.migration.admin import ImportedImageAdmin
from clinic.migration.models import ImportedImage, ImportedItem
from tests.migration import exports
from tests.migration.image_server import serving

pytestmark = pytest.mark.django_db


@pytest.fixture
def image_server(settings):
    settings.MIGRATION_ALLOW_PRIVATE_IMAGE_HOSTS = True
    with serving() as address:
        yield address


def test_images_go_through_the_pipeline_and_failures_are_listed(export_file, image_server):
    html = (
        f'<p>One <img src="{image_server}/a/needles.jpg"> two <img src="{image_server}/gone.jpg">'
        f' three <img src="{image_server}/broken.jpg"></p>'
    )
    text = exports.blogger_takeout(image_base=image_server).replace(
        "<content type='html'>", f"<content type='html'>{html.replace('<', '&lt;')}", 1
    )
    report = importer.run(export_file(text), importer.Options())
    post = Post.objects.get(slug="acupuncture-for-low-back-pain")
    stored = ImportedImage.objects.get(source_url=f"{image_server}/a/needles.jpg")
    assert stored.stored_url.endswith("-900w.jpg") and stored.stored_url in post.body
    assert default_storage.exists(stored.stored["name"])
    failed = {image["url"]: image["error"] for image in report["images_failed"]}
    assert failed[f"{image_server}/gone.jpg"] == "the old site answered 404"
    assert (
        failed[f"{image_server}/broken.jpg"] == "This file is not a JPEG, PNG, WebP or GIF image."
    )
    assert f"{image_server}/gone.jpg" in post.body  # left as it was, for the retry
    assert len(failed) == 2  # the post's own image (s1600/needles.jpg) was fetched
    assert f"{image_server}/s1600/needles.jpg" not in post.body


def test_retry_fetches_again_and_updates_the_page(export_file, image_server, rf, admin_user):
    html = f'<p>Look <img src="{image_server}/later/needles.jpg"></p>'
    text = exports.blogger_takeout().replace(
        "<content type='html'>", f"<content type='html'>{html.replace('<', '&lt;')}", 1
    )
    ImportedImage.objects.create(
        source_url=f"{image_server}/later/needles.jpg", error="could not connect", attempts=1
    )
    importer.run(export_file(text), importer.Options(fetch_images=False))
    post = Post.objects.get(slug="acupuncture-for-low-back-pain")
    assert f"{image_server}/later/needles.jpg" in post.body
    from clinic.migration import images

    fixed, failing = images.retry_failed(ImportedImage.objects.filter(source_url__contains="later"))
    assert (fixed, failing) == (1, 0)
    post.refresh_from_db()
    assert "/media/imported/" in post.body and image_server not in post.body
    # The import's own change does not count as an edit here: a re-import still sees it unchanged.
    item = ImportedItem.objects.get(object_id=post.pk, kind="post")
    assert item.written_digest == importer.page_digest(post)
    assert ImportedImageAdmin.actions == ["retry"]


def test_private_addresses_are_refused_unless_allowed(export_file, settings):
    settings.MIGRATION_ALLOW_PRIVATE_IMAGE_HOSTS = False
    from clinic.migration import images

    with pytest.raises(ValueError, match="private network"):
        images.fetch("http://127.0.0.1:9/x.jpg")
    with pytest.raises(ValueError, match="not a web address"):
        images.fetch("file:///etc/passwd")
