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


def test_a_request_still_waiting_when_postgresql_goes_counts_in_the_outage():
    from clinic.bench.management.commands.bench_faults import Command

    cut, back = 5.0, 25.0
    events = [  # sent, kind, status, Retry-After, answered
        (4.9, "database", 200, None, 4.95),
        (4.99, "database", 503, "30", 5.01),  # sent before the cut, answered after it
        (6.0, "database", 503, "30", 6.01),
        (6.0, "cached", 200, None, 6.001),
        (24.99, "database", 503, "30", 25.02),
        (25.05, "database", 200, None, 25.06),
    ]
    summary = Command().summarise(events, cut, back)
    assert summary["before database"] == {"200": 1}
    assert summary["outage database"] == {"503 with Retry-After": 3}
    assert summary["outage cached"] == {"200": 1}
    assert summary["after database"] == {"200": 1}
    assert summary["recovery_s"] == 0.05
    assert summary["failures_after_recovery"] == 0
