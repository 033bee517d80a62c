"""Log-in edge cases: where an unsafe `next` lands, and a `next` that carries its own query."""

from urllib.parse import quote

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.personas import PASSWORD

LOGIN = reverse("admin:login")
VERIFY = reverse("two_factor_verify")


@pytest.mark.parametrize(
    "unsafe",
    ["https://evil.example/", "//evil.example/", "javascript:alert(1)", "http:evil.example"],
)
def test_an_unsafe_next_lands_on_the_admin_home(client, personas, unsafe):
    response = client.post(
        f"{LOGIN}?next={unsafe}", {"username": "editor", "password": PASSWORD, "next": unsafe}
    )
    assert response.status_code == 302
    assert response.url == reverse("admin:index")  # was /accounts/profile/, a 404


def test_no_next_lands_on_the_admin_home(client, personas):
    response = client.post(LOGIN, {"username": "editor", "password": PASSWORD})
    assert response.status_code == 302 and response.url == reverse("admin:index")


def test_the_two_factor_step_keeps_a_next_with_its_own_query_string(client, personas):
    TOTPDevice.objects.create(user=personas.editor, name="app", confirmed=True)
    client.post(LOGIN, {"username": "editor", "password": PASSWORD})
    target = reverse("admin:blog_post_changelist") + "?status__exact=draft&o=1"
    response = client.get(target)
    assert response.status_code == 302
    assert response.url == f"{VERIFY}?next={quote(target, safe='/')}"
    # The verify page carries the whole target in its form.
    html = client.get(response.url).content.decode()
    assert 'value="/admin/blog/post/?status__exact=draft&amp;o=1"' in html
