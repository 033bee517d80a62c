"""Migrations run on a PostgreSQL database that already has content, as production's will."""

import os
import subprocess
import sys
import uuid

import pytest
from django.conf import settings
from django.db import connection

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the PostgreSQL-only search migrations"
    ),
]


def manage(*args, env):
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, (args, result.stderr[-2000:])
    return result.stdout


def psql(sql):
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", sql], check=True)


def test_search_migrations_apply_over_existing_content():
    name = f"clinic_migrate_{uuid.uuid4().hex[:8]}"
    psql(f"CREATE DATABASE {name}")
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{name}",
        "DEBUG": "true",
        "CLINIC_TESTING": "1",
    }
    try:
        manage("migrate", "--no-input", "-v0", env=env)
        manage("load_demo", "--no-accounts", env=env)
        manage("migrate", "blog", "0002", "--no-input", "-v0", env=env)
        manage("migrate", "conditions", "0002", "--no-input", "-v0", env=env)
        manage("migrate", "--no-input", "-v0", env=env)
        found = manage(
            "shell",
            "-c",
            "from clinic.site.search import search; "
            "print([r.title for r in search('lumbago').results])",
            env=env,
        )
        assert "Back pain" in found
    finally:
        psql(f"DROP DATABASE IF EXISTS {name}")
