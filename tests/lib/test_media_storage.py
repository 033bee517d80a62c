"""Media through Django's storage API: S3 (a real moto server on 127.0.0.1) and the cleanup."""

import datetime
import os
import socket
import subprocess
import sys
import time
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from clinic.lib import images
from tests import factories
from tests.samples import phone_photo, small_png

MOTO_PORT = 8241  # the security helper's range is 8240-8249
BUCKET = "clinic-media"


def wait_for_port(port, process, seconds=30):
    """Until the server accepts connections (each refused try waits 0.1 s on the process)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            try:
                process.wait(timeout=0.1)
            except subprocess.TimeoutExpired:
                continue
            raise RuntimeError(f"moto_server exited: {process.stderr.read()}") from None
    raise RuntimeError("moto_server did not start")


@pytest.fixture(scope="module")
def moto_server():
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"}
    binary = Path(sys.executable).with_name("moto_server")
    process = subprocess.Popen(
        [str(binary), "-H", "127.0.0.1", "-p", str(MOTO_PORT)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for_port(MOTO_PORT, process)
        yield f"http://127.0.0.1:{MOTO_PORT}"
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stderr.close()


@pytest.fixture
def s3(moto_server, settings, monkeypatch):
    import boto3

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    client = boto3.client("s3", endpoint_url=moto_server, region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": moto_server,
                "region_name": "us-east-1",
                "default_acl": None,
                "querystring_auth": False,
                "file_overwrite": False,
            },
        },
    }
    yield client
    listed = client.list_objects_v2(Bucket=BUCKET).get("Contents", [])
    for item in listed:
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def keys(client):
    return sorted(o["Key"] for o in client.list_objects_v2(Bucket=BUCKET).get("Contents", []))


@pytest.mark.slow
def test_editor_upload_lands_in_the_bucket_with_renditions(client, personas, s3):
    client.force_login(personas.practitioner_user)
    photo = SimpleUploadedFile("IMG.JPG", phone_photo(1200, 800), content_type="image/jpeg")
    response = client.post(reverse("markdownx_upload"), {"image": photo})
    assert response.status_code == 200, response.content
    code = response.json()["image_code"]
    assert f"http://127.0.0.1:{MOTO_PORT}/{BUCKET}/uploads/" in code
    stored = keys(s3)
    assert len(stored) == 7  # the image, then 480, 720 and 800 wide in WebP and JPEG
    original = next(k for k in stored if "w." not in k)
    head = s3.head_object(Bucket=BUCKET, Key=original)
    assert head["ContentType"] == "image/jpeg"
    assert b"GPS" not in s3.get_object(Bucket=BUCKET, Key=original)["Body"].read()


@pytest.mark.slow
def test_a_hostile_upload_leaves_the_bucket_empty(client, personas, s3):
    client.force_login(personas.practitioner_user)
    fake = SimpleUploadedFile("x.png", b"<svg onload=alert(1)>", content_type="image/png")
    assert client.post(reverse("markdownx_upload"), {"image": fake}).status_code == 400
    assert keys(s3) == []


@pytest.mark.slow
def test_cleanup_media_on_s3(db, s3):
    used = images.store_image(images.clean_image(_upload()), folder="uploads")
    unused = images.store_image(images.clean_image(_upload()), folder="uploads")
    factories.PostFactory(body=f"![A chart]({used.url})")
    with time_machine.travel(datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=2)):
        out = StringIO()
        call_command("cleanup_media", "--delete", stdout=out)
    assert f"Deleted {unused.name}" in out.getvalue()
    remaining = keys(s3)
    assert used.name in remaining and unused.name not in remaining
    assert all(used.name.split("/")[1][:32] in key for key in remaining)  # its renditions stay


def _upload():
    return SimpleUploadedFile("a.png", small_png(), content_type="image/png")


def test_cleanup_media_keeps_everything_in_use_and_young_files(db, settings):
    in_body = images.store_image(images.clean_image(_upload()), folder="uploads")
    hero = images.store_image(images.clean_image(_upload()), folder="posts")
    in_history_only = images.store_image(images.clean_image(_upload()), folder="uploads")
    orphan = images.store_image(images.clean_image(_upload()), folder="uploads")
    factories.PostFactory(
        body=f"![x]({in_body.url})", hero_image=hero.name, hero_image_renditions=hero.as_dict()
    )
    from reversion.models import Revision, Version

    revision = Revision.objects.create(date_created=datetime.datetime.now(datetime.UTC))
    Version.objects.create(
        revision=revision,
        object_id="1",
        content_type_id=1,
        db="default",
        format="json",
        serialized_data=f'[{{"fields": {{"body": "![old]({in_history_only.url})"}}}}]',
        object_repr="old",
    )
    out = StringIO()
    call_command("cleanup_media", stdout=out)
    assert "Found 0 unused file(s)." in out.getvalue()  # the orphan is still young

    with time_machine.travel(datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=2)):
        out = StringIO()
        call_command("cleanup_media", stdout=out)
        assert "Found 3 unused file(s)" in out.getvalue()  # the orphan and its 2 renditions
        assert default_storage.exists(orphan.name)  # listing only
        call_command("cleanup_media", "--delete", stdout=StringIO())
    assert not default_storage.exists(orphan.name)
    for kept in (in_body, hero, in_history_only):
        assert default_storage.exists(kept.name)
        for rendition in kept.renditions:
            assert default_storage.exists(rendition["name"])
