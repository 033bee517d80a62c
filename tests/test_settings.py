"""Settings fail loudly on bad values (run in a subprocess: settings load once per process)."""

import os
import subprocess
import sys

import pytest


def load_settings(**env):
    environment = {**os.environ, "CLINIC_TESTING": "0", "DEBUG": "", "SECRET_KEY": "", **env}
    return subprocess.run(
        [sys.executable, "-c", "import clinic.settings"],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_refuses_to_start_without_secret_key_when_debug_is_off():
    result = load_settings()
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off." in result.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DEBUG": "maybe"}, "DEBUG must be true or false, not 'maybe'."),
        ({"SECRET_KEY": "x", "EMAIL_HOST": "smtp", "EMAIL_PORT": "twenty"}, "EMAIL_PORT must be"),
        ({"SECRET_KEY": "x", "DATABASE_URL": "nonsense://"}, "DATABASE_URL is not a valid"),
    ],
)
def test_bad_values_fail_loudly(env, message):
    result = load_settings(**env)
    assert result.returncode != 0
    assert message in result.stderr


def test_starts_with_a_secret_key():
    assert load_settings(SECRET_KEY="a-real-secret").returncode == 0
