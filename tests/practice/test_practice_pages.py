"""Practice information: the four pages, the footer, opening hours on /contact/ and /about/,
the address and directions, the MedicalClinic JSON-LD and registration links."""

import datetime
import json
import re

import pytest
import time_machine
from django.urls import reverse

from clinic.practice import info
from clinic.practice.models import (
    ClinicSettings,
    OpeningException,
    OpeningHours,
    PracticePage,
)
from tests import factories

pytestmark = pytest.mark.usefixtures("clinic")
PAGES = {
    "privacy": "/privacy/",
    "accessibility": "/accessibility/",
    "complaints": "/complaints/",
    "fees": "/fees/",
}
# Monday 7 December 2026, 10:00 and 19:00 in London.
MONDAY_MORNING = datetime.datetime(2026, 12, 7, 10, 0, tzinfo=datetime.UTC)
MONDAY_EVENING = datetime.datetime(2026, 12, 7, 19, 0, tzinfo=datetime.UTC)


@pytest.fixture
def practice(clinic):
    for day in range(5):
        OpeningHours.objects.create(
            weekday=day, opens=datetime.time(9), closes=datetime.time(17, 30)
        )
    OpeningException.objects.create(
        date=datetime.date(2026, 12, 25), closed=True, reason="Christmas Day"
    )
    clinic.street_address = "12 Mill Lane, Riverside"
    clinic.locality = "Oxford"
    clinic.postcode = "OX1 1AA"
    clinic.latitude = "51.748200"
    clinic.longitude = "-1.261900"
    clinic.step_free_access = "Level entrance."
    clinic.save()
    return clinic


def json_ld(html):
    return [
        json.loads(block)
        for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html)
    ]


@pytest.mark.parametrize(("kind", "path"), PAGES.items())
def test_each_page_has_its_address_and_sanitised_markdown(client, kind, path):
    PracticePage.objects.update_or_create(
        kind=kind,
        defaults={"title": "The title", "body": "## Heading\n\nText <script>alert(1)</script>"},
    )
    assert reverse(f"practice:{kind}") == path
    html = client.get(path).content.decode()
    assert "<h1>The title</h1>" in html
    assert '<h2 id="heading">Heading</h2>' in html or "<h2>Heading</h2>" in html
    assert "<script>alert(1)" not in html


def test_a_page_not_written_yet_is_404(client):
    PracticePage.objects.filter(kind="fees").delete()
    assert client.get("/fees/").status_code == 404


def test_every_page_links_the_four_pages_in_its_footer(client, published_post):
    for url in ["/", published_post.get_absolute_url(), "/contact/", "/no-such-page/"]:
        html = client.get(url).content.decode()
        footer = html[html.index("<footer") :]
        for name, path in [
            ("Privacy notice", "/privacy/"),
            ("Accessibility statement", "/accessibility/"),
            ("Complaints procedure", "/complaints/"),
            ("Fees", "/fees/"),
        ]:
            assert f'<a href="{path}">{name}</a>' in footer, (url, name)


@pytest.mark.parametrize(
    ("now", "state"), [(MONDAY_MORNING, "Open now"), (MONDAY_EVENING, "Closed now")]
)
def test_contact_shows_the_hours_and_whether_open_now(client, practice, now, state):
    with time_machine.travel(now, tick=False):
        html = client.get("/contact/").content.decode()
    assert f"<strong>{state}</strong>" in html
    assert '<th scope="row">Monday</th><td>09:00\u201317:30</td>' in html
    assert '<th scope="row">Saturday</th><td>Closed</td>' in html
    assert "Christmas Day" in html
    assert "12 Mill Lane, Riverside<br>Oxford OX1 1AA" in html
    assert 'href="https://www.openstreetmap.org/directions?to=51.748200%2C-1.261900"' in html
    assert "<iframe" not in html
    assert "Level entrance." in html


def test_a_cached_about_page_never_outlives_the_open_state(client, practice, settings):
    """The page cache keeps /about/ only until the clinic next opens or closes."""
    settings.PAGE_CACHE_SECONDS = 24 * 3600
    with time_machine.travel(datetime.datetime(2026, 12, 7, 17, 29, tzinfo=datetime.UTC)):
        first = client.get("/about/")
        assert "<strong>Open now</strong>" in first.content.decode()
        assert client.get("/about/")["X-Page-Cache"] == "hit"
    with time_machine.travel(datetime.datetime(2026, 12, 7, 17, 31, tzinfo=datetime.UTC)):
        later = client.get("/about/")
    assert later["X-Page-Cache"] == "miss"
    assert "<strong>Closed now</strong>" in later.content.decode()


def test_home_and_contact_describe_the_clinic_and_articles_refer_to_it(
    client, practice, personas, published_post
):
    personas.practitioner.registration_number = "1234567"
    personas.practitioner.save()
    info.refresh_structured_data()
    for url in ["/", "/contact/"]:
        [clinic] = [d for d in json_ld(client.get(url).content.decode()) if d.get("@id")]
        assert clinic["@type"] == "MedicalClinic"
        assert clinic["@id"] == "http://127.0.0.1:8000/#clinic"
        assert clinic["address"] == {
            "@type": "PostalAddress",
            "streetAddress": "12 Mill Lane, Riverside",
            "addressLocality": "Oxford",
            "postalCode": "OX1 1AA",
            "addressCountry": "GB",
        }
        assert clinic["geo"] == {
            "@type": "GeoCoordinates",
            "latitude": 51.7482,
            "longitude": -1.2619,
        }
        assert clinic["telephone"] == "01865 000 000"
        assert clinic["medicalSpecialty"] == "https://schema.org/Musculoskeletal"
        monday = clinic["openingHoursSpecification"][0]
        assert monday == {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": "https://schema.org/Monday",
            "opens": "09:00",
            "closes": "17:30",
        }
        physicians = {member["name"]: member for member in clinic["member"]}
        helen = physicians["Dr Helen Marsh"]
        assert helen["@type"] == "Physician"
        assert helen["identifier"]["value"] == "1234567"
        registration = [c for c in helen["hasCredential"] if c.get("credentialCategory")]
        assert registration[0]["url"] == "https://www.gmc-uk.org/doctors/1234567"
    [article] = json_ld(client.get(published_post.get_absolute_url()).content.decode())
    assert article["publisher"]["@id"] == "http://127.0.0.1:8000/#clinic"


def test_changing_the_hours_in_the_admin_updates_the_json_ld(client, practice, personas):
    client.force_login(personas.admin)
    row = OpeningHours.objects.get(weekday=0)
    response = client.post(
        reverse("admin:clinic_openinghours_change", args=[row.pk]),
        {"weekday": "0", "opens": "08:00", "closes": "12:00"},
    )
    assert response.status_code == 302
    data = ClinicSettings.load().structured_data
    assert data["openingHoursSpecification"][0]["opens"] == "08:00"


@pytest.mark.parametrize(
    ("body", "number", "url"),
    [
        ("General Medical Council", "1234567", "https://www.gmc-uk.org/doctors/1234567"),
        ("the GMC", "GMC 1234567", "https://www.gmc-uk.org/doctors/1234567"),
        (
            "Nursing and Midwifery Council",
            "12A3456E",
            "https://www.nmc.org.uk/registration/search-the-register/",
        ),
        ("British Acupuncture Council", "123", ""),
        ("General Medical Council", "", ""),
    ],
)
def test_registration_links_to_the_regulators_register(body, number, url):
    practitioner = factories.PractitionerFactory.build(
        registration_body=body, registration_number=number
    )
    assert practitioner.register_url == url


def test_the_profile_links_the_registration_to_the_register(client, practitioner):
    practitioner.registration_number = "7654321"
    practitioner.save()
    html = client.get(practitioner.get_absolute_url()).content.decode()
    assert 'href="https://www.gmc-uk.org/doctors/7654321"' in html


def test_only_administrators_edit_the_practice_pages(client, personas):
    url = reverse("admin:clinic_practicepage_changelist")
    for persona, status in [
        (personas.editor, 403),
        (personas.practitioner_user, 403),
        (personas.receptionist, 403),
        (personas.admin, 200),
    ]:
        client.force_login(persona)
        assert client.get(url).status_code == status, persona
