"""`manage.py bench_faults` loads and refuses a configuration it cannot measure (the run itself
is `make bench-faults`: minutes of load, never part of the suite)."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection


@pytest.mark.django_db
def test_bench_faults_needs_postgresql_and_redis(settings):
    settings.REDIS_URL = ""
    expected = "needs PostgreSQL" if connection.vendor != "postgresql" else "needs REDIS_URL"
    with pytest.raises(CommandError, match=expected):
        call_command("bench_faults", duration=1)
