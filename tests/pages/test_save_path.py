"""One save path: an admin save renders the page once, after its references and tags are saved,
and moves the page cache's generation once, after the commit."""

from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection
from django.urls import reverse

from blog.models import Post
from clinic.ops.cache import GENERATION_KEY
from tests import factories
from tests.blog.test_admin import post_data, with_references
from tests.personas import PASSWORD

pytestmark = pytest.mark.usefixtures("clinic")


@pytest.fixture
def editor_client(client, personas):
    client.login(username="admin", password=PASSWORD)
    return client


@pytest.fixture
def renders():
    """Counts Post.render calls; each still renders (a spy, not a stand-in)."""
    with mock.patch.object(Post, "render", autospec=True, side_effect=Post.render) as spy:
        yield spy


def commit_setup():
    """What the fixtures saved would be committed before anyone edits: run its commit hooks now
    (the test's own transaction never commits)."""
    queued, connection.run_on_commit = connection.run_on_commit, []
    for _savepoints, func, _robust in queued:
        func()


def save_and_count_generations(client, url, data, capture):
    commit_setup()
    cache.set(GENERATION_KEY, 1000, None)
    with capture(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    return cache.get(GENERATION_KEY) - 1000


def test_adding_a_page_renders_it_once_with_its_references_and_moves_the_generation_once(
    editor_client, personas, renders, django_capture_on_commit_callbacks
):
    linde = factories.ReferenceFactory(key="linde2016", title="Acupuncture for migraine")
    tag = factories.TagFactory()
    data = with_references(post_data(personas.practitioner, tags=[tag.pk]), linde)

    moves = save_and_count_generations(
        editor_client, reverse("admin:blog_post_add"), data, django_capture_on_commit_callbacks
    )

    post = Post.objects.get(slug="acupuncture-for-headaches")
    assert renders.call_count == 1
    assert moves == 1
    # The one render saw the references: the citation is numbered and the list is there.
    assert 'id="cite-1-1"' in post.body_html
    assert "Acupuncture for migraine" in post.references_html
    assert list(post.tags.all()) == [tag]


def test_changing_a_page_renders_it_once_and_moves_the_generation_once(
    editor_client, personas, renders, django_capture_on_commit_callbacks
):
    post = factories.PostFactory(body="No citations yet.", author=personas.practitioner)
    renders.reset_mock()
    hopton = factories.ReferenceFactory(key="hopton2010", title="Acupuncture in practice")
    data = with_references(
        post_data(
            personas.practitioner,
            title=post.title,
            slug=post.slug,
            body="Now it cites [@hopton2010].",
        ),
        hopton,
    )

    moves = save_and_count_generations(
        editor_client,
        reverse("admin:blog_post_change", args=[post.pk]),
        data,
        django_capture_on_commit_callbacks,
    )

    post.refresh_from_db()
    assert renders.call_count == 1
    assert moves == 1
    assert 'id="cite-1-1"' in post.body_html
    assert "Acupuncture in practice" in post.references_html


def test_saves_outside_the_admin_invalidate_at_once_and_again_once_after_commit(
    db, django_capture_on_commit_callbacks
):
    """Code that saves rows one by one (the shell, a command) moves the generation at each save,
    and once more after the commit however many rows it saved."""
    post, condition = factories.PostFactory(), factories.ConditionFactory()
    commit_setup()
    cache.set(GENERATION_KEY, 1000, None)
    with django_capture_on_commit_callbacks(execute=True):
        post.save()
        condition.save()
        assert cache.get(GENERATION_KEY) == 1002
    assert cache.get(GENERATION_KEY) == 1003
