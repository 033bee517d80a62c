import pytest
from django.urls import reverse

from tests import factories


def test_home_shows_latest_articles_conditions_and_contact(
    client, clinic, django_assert_num_queries
):
    post = factories.PostFactory(title="Acupuncture for back pain")
    condition = factories.ConditionFactory(name="Back pain")
    factories.PostFactory(title="Secret draft", status="draft")
    # settings (with the clinic's MedicalClinic JSON-LD, made on save), latest posts with their
    # authors, conditions
    with django_assert_num_queries(3):
        response = client.get(reverse("clinic:home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<a href="{post.get_absolute_url()}">Acupuncture for back pain</a>' in html
    assert f'<a href="{condition.get_absolute_url()}">Back pain</a>' in html
    assert "Secret draft" not in html
    assert "01865 000 000" in html


@pytest.mark.parametrize("count", [1, 50])
def test_home_query_count_is_constant(client, clinic, django_assert_num_queries, count):
    """Guards the N+1 of a teaser asking for its author."""
    author = factories.PractitionerFactory()
    factories.PostFactory.create_batch(count, author=author)
    factories.ConditionFactory.create_batch(count)
    with django_assert_num_queries(3):
        assert client.get(reverse("clinic:home")).status_code == 200


def test_about_page(client, clinic, django_assert_num_queries):
    factories.PractitionerFactory()
    # settings, practitioners, opening hours, holidays
    with django_assert_num_queries(4):
        response = client.get(reverse("clinic:about"))
    assert response.status_code == 200
    assert '<h2 id="who-we-are">Who we are</h2>' in response.content.decode()


@pytest.mark.parametrize("count", [1, 50])
def test_practitioner_profile(client, clinic, django_assert_num_queries, count):
    person = factories.PractitionerFactory(
        registration_body="General Medical Council", registration_number="0000000"
    )
    factories.PostFactory.create_batch(count, author=person)
    factories.PostFactory(author=person, title="Unpublished thoughts", status="draft")
    with django_assert_num_queries(3):
        response = client.get(person.get_absolute_url())
    html = response.content.decode()
    assert "<h1>Dr Helen Marsh</h1>" in html
    assert (
        'General Medical Council, registration number <a href="https://www.gmc-uk.org/doctors/'
        '0000000" rel="noopener">0000000<span class="visually-hidden"> (check it on the public '
        "register)</span></a>"
    ) in html
    assert "Unpublished thoughts" not in html


def test_unknown_page_is_a_friendly_404(client, clinic):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()


def test_500_page_needs_no_database(rf):
    from clinic.site.views import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert b"Sorry, something went wrong" in response.content
