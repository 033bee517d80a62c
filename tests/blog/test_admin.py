"""Writing an article in the admin, through the test client."""

import pytest
from django.urls import reverse

from blog.models import Post
from clinic.pages.publishing import Status
from tests import factories
from tests.personas import PASSWORD, admin_login_url

pytestmark = pytest.mark.usefixtures("clinic")


def post_data(author, **overrides):
    data = {
        "title": "Acupuncture for headaches",
        "slug": "acupuncture-for-headaches",
        "author": author.pk,
        "summary": "",
        "body": "Migraine trials [@linde2016].",
        "hero_alt": "",
        "status": Status.PUBLISHED,
        "published_at_0": "2026-01-01",
        "published_at_1": "09:00:00",
        "reference_links-TOTAL_FORMS": "0",
        "reference_links-INITIAL_FORMS": "0",
        "reference_links-MIN_NUM_FORMS": "0",
        "reference_links-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def with_references(data, *references):
    data["reference_links-TOTAL_FORMS"] = str(len(references))
    for index, reference in enumerate(references):
        data[f"reference_links-{index}-reference"] = reference.pk
        data[f"reference_links-{index}-order"] = index
    return data


@pytest.fixture
def admin_client_(client, personas):
    client.login(username="admin", password=PASSWORD)
    return client


def test_add_article_with_cited_reference_renders_on_save(admin_client_, personas):
    linde = factories.ReferenceFactory(key="linde2016", title="Acupuncture for migraine")
    response = admin_client_.post(
        reverse("admin:blog_post_add"), with_references(post_data(personas.practitioner), linde)
    )
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    post = Post.objects.get(slug="acupuncture-for-headaches")
    assert '<a href="#ref-1" id="cite-1-1" aria-label="Reference 1">1</a>' in post.body_html
    assert "Acupuncture for migraine" in post.references_html
    assert 'href="#cite-1-1"' in post.references_html


def test_citing_an_unknown_key_is_refused_and_nothing_saved(admin_client_, personas):
    factories.ReferenceFactory(key="linde2016")
    data = post_data(personas.practitioner, body="Claims [@linde2016] and [@ghost1999].")
    response = admin_client_.post(reverse("admin:blog_post_add"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Not in the reference library: @ghost1999" in html
    assert "@linde2016" not in html.split("Not in the reference library")[1].split(".")[0]
    assert not Post.objects.exists()


def test_citing_a_library_reference_attaches_it(admin_client_, personas):
    """The inline list follows the text: citing [@key] attaches the reference on save."""
    linde = factories.ReferenceFactory(key="linde2016", title="Acupuncture for migraine")
    other = factories.ReferenceFactory(key="other2001")
    data = with_references(
        post_data(personas.practitioner, body="Claims [@other2001] and [@linde2016]."), other
    )
    response = admin_client_.post(reverse("admin:blog_post_add"), data, follow=True)
    assert "Attached the references you cited: @linde2016." in response.content.decode()
    post = Post.objects.get(slug="acupuncture-for-headaches")
    assert [link.reference for link in post.reference_links.all()] == [other, linde]
    assert "Acupuncture for migraine" in post.references_html
    assert 'aria-label="Reference 2">2</a>' in post.body_html


def test_hero_image_needs_a_description(admin_client_, personas):
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(buffer, "PNG")
    buffer.seek(0)
    buffer.name = "hero.png"
    data = post_data(personas.practitioner, body="Text.", hero_image=buffer)
    response = admin_client_.post(reverse("admin:blog_post_add"), data)
    assert response.status_code == 200
    assert "Describe the image for patients who cannot see it." in response.content.decode()
    assert not Post.objects.exists()


def test_change_article_keeps_numbering_after_edit(admin_client_, personas):
    a, b = factories.ReferenceFactory(key="a2020"), factories.ReferenceFactory(key="b2021")
    post = factories.attach(
        factories.PostFactory(author=personas.practitioner, body="[@a2020]"), a, b
    )
    data = post_data(
        personas.practitioner, title=post.title, slug=post.slug, body="New [@b2021] then [@a2020]"
    )
    data.update(
        {
            "reference_links-TOTAL_FORMS": "2",
            "reference_links-INITIAL_FORMS": "2",
        }
    )
    for index, link in enumerate(post.reference_links.all()):
        data[f"reference_links-{index}-id"] = link.pk
        data[f"reference_links-{index}-post"] = post.pk
        data[f"reference_links-{index}-reference"] = link.reference_id
        data[f"reference_links-{index}-order"] = index
    response = admin_client_.post(reverse("admin:blog_post_change", args=[post.pk]), data)
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.body_html.index('href="#ref-1"') < post.body_html.index('href="#ref-2"')
    # b is now cited first, so it is reference 1.
    assert post.references_html.index(b.title) < post.references_html.index(a.title)


@pytest.mark.parametrize(
    "url_name", ["admin:blog_post_changelist", "admin:blog_post_add", "admin:clinic_reference_add"]
)
def test_admin_pages_need_staff_login(client, personas, url_name):
    """Anonymous and logged-in non-staff: the admin's log-in, then back; staff: the page."""
    url = reverse(url_name)
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == admin_login_url(url)
    client.login(username="visitor", password=PASSWORD)
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == admin_login_url(url)
    client.login(username="practitioner", password=PASSWORD)
    assert client.get(url).status_code == 200


def test_admin_names_the_clinic_site_not_django(admin_client_):
    html = admin_client_.get(reverse("admin:index")).content.decode()
    assert "Clinic website: writing and review" in html
    assert "Django administration" not in html
