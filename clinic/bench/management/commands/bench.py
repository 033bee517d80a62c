"""
`make bench`: load the site under gunicorn with wrk and compare it with this machine's ceiling.

1. Generates the large data set (generate_bench_data) unless the database already has it.
2. Starts gunicorn (2 sync workers, DEBUG off, WhiteNoise manifest static files) on 127.0.0.1,
   once with the page cache on and once with it off, and a trivial WSGI app that answers every
   page's exact bytes under the same gunicorn: the ceiling for this machine.
3. Runs wrk for a bounded time per page (home, blog index, article, condition, search, feed when
   there is one) and prints requests/s, p50 and p99 latency, errors, SQL queries and bytes,
   each page's rate also as a ratio to the ceiling, and the gunicorn processes' CPU time per
   request (read from /proc: unlike the rate, hardly moved by other load on the machine);
   writes the same as JSON.

Only 127.0.0.1 is ever contacted; every run stops by itself (wrk -d).
"""

import json
import logging
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError

PORTS = range(8250, 8260)
# cached: the whole page from Redis. uncached: page cache off, as on a first visit or for a
# logged-in reader (fragment cache on). cold: no cache at all, every query and every template.
MODES = [("cached", "600", "600"), ("uncached", "0", "600"), ("cold", "0", "0")]
MODE_NAMES = [mode for mode, _, _ in MODES]


def ceiling_app(environ, start_response):
    """The ceiling: answers each benchmarked path with that page's stored bytes, nothing else."""
    pages = ceiling_app.pages
    if pages is None:
        pages = ceiling_app.pages = json.loads(Path(os.environ["BENCH_CEILING"]).read_text())
    page = pages.get(environ.get("PATH_INFO", "") + "?" + environ.get("QUERY_STRING", ""))
    if page is None:
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found"]
    body = page["body"].encode("latin-1")
    start_response("200 OK", [("Content-Type", page["type"]), ("Content-Length", str(len(body)))])
    return [body]


ceiling_app.pages = None


def parse_duration(text):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60_000}[unit]


def parse_wrk(output):
    result = {"rps": 0.0, "p50_ms": None, "p99_ms": None, "errors": 0, "requests": 0}
    if match := re.search(r"Requests/sec:\s+([\d.]+)", output):
        result["rps"] = float(match.group(1))
    for percent, key in (("50", "p50_ms"), ("99", "p99_ms")):
        if match := re.search(rf"^\s+{percent}%\s+(\S+)", output, re.MULTILINE):
            result[key] = round(parse_duration(match.group(1)), 2)
    if match := re.search(r"(\d+) requests in", output):
        result["requests"] = int(match.group(1))
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        result["errors"] += int(match.group(1))
    if match := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    ):
        result["errors"] += sum(int(n) for n in match.groups())
    return result


class Server:
    """A gunicorn on 127.0.0.1 in its own process group, stopped by its own id."""

    def __init__(self, app, port, env, workers=2, stderr=None):
        self.url = f"http://127.0.0.1:{port}"
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                app,
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--worker-class",
                "sync",
                "--log-level",
                "warning",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stderr=stderr,
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise CommandError(f"gunicorn for {app} stopped at start-up (port {port}).")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2):  # noqa: S310
                    return
            except urllib.error.HTTPError:
                return  # it answers (the ceiling app has no /healthz)
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise CommandError(f"gunicorn for {app} did not answer on port {port} within 30 s.")

    def cpu_seconds(self):
        """User and system CPU time of this gunicorn, master and workers (its process group)."""
        ticks = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # a process that ended meanwhile
            # After the command: state, ppid, pgrp (index 2), ..., utime and stime (11, 12).
            if int(fields[2]) == self.process.pid:
                ticks += int(fields[11]) + int(fields[12])
        return ticks / os.sysconf("SC_CLK_TCK")

    def fetch(self, path):
        with urllib.request.urlopen(self.url + path, timeout=30) as response:  # noqa: S310
            return response.status, response.headers.get("Content-Type", ""), response.read()

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def free_port(used):
    import socket

    for port in PORTS:
        if port in used:
            continue
        with socket.socket() as sock:
            # As gunicorn binds: a port whose last connections are in TIME_WAIT is free.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
        used.add(port)
        return port
    raise CommandError("No free port in 8250-8259 for the benchmark servers.")


class Command(BaseCommand):
    help = "Benchmark public pages under gunicorn with wrk, cached and uncached, against a ceiling."

    def add_arguments(self, parser):
        parser.add_argument("--duration", type=int, default=10, help="Seconds per wrk run.")
        parser.add_argument("--connections", type=int, default=16)
        parser.add_argument("--threads", type=int, default=2)
        parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers.")
        parser.add_argument("--json", default="bench.json", help="Where to write the results.")
        parser.add_argument("--posts", type=int, default=10_000)
        parser.add_argument("--conditions", type=int, default=300)
        parser.add_argument("--references", type=int, default=5_000)
        parser.add_argument(
            "--pages",
            nargs="+",
            metavar="PAGE",
            help="Only these pages, by name (e.g. --pages article condition), and not "
            "bench_references: a shorter run.",
        )

    def handle(self, *args, **options):
        if not shutil.which("wrk"):
            raise CommandError("wrk is not installed (Debian: apt-get install wrk).")
        self.options = options
        # The in-process query counts below would otherwise log a line per request.
        logging.getLogger("clinic.requests").setLevel(logging.WARNING)
        self.prepare_data()
        pages = self.pages()
        if options["pages"]:
            unknown = set(options["pages"]) - set(pages)
            if unknown:
                raise CommandError(
                    f"No such page: {', '.join(sorted(unknown))}; one of {list(pages)}."
                )
            pages = {name: path for name, path in pages.items() if name in options["pages"]}
        env = self.server_env()
        self.stdout.write("Collecting static files…")
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
            cwd=settings.BASE_DIR,
            env=env,
            check=True,
        )
        results = {name: {"path": path} for name, path in pages.items()}
        used, servers = set(), {}
        tmp = Path(tempfile.mkdtemp(prefix="clinic-bench-"))
        load_before = os.getloadavg()
        try:
            for mode, page_seconds, fragment_seconds in MODES:
                servers[mode] = Server(
                    "clinic.wsgi:application",
                    free_port(used),
                    {
                        **env,
                        "PAGE_CACHE_SECONDS": page_seconds,
                        "FRAGMENT_CACHE_SECONDS": fragment_seconds,
                    },
                    options["workers"],
                )
            ceiling_pages = {}
            for name, path in pages.items():
                status, content_type, body = servers["cold"].fetch(path)
                if status != 200:
                    raise CommandError(f"{name} ({path}) answered {status}.")
                results[name]["bytes"] = len(body)
                ceiling_pages[path if "?" in path else path + "?"] = {
                    "body": body.decode("latin-1"),
                    "type": content_type,
                }
            ceiling_file = tmp / "ceiling.json"
            ceiling_file.write_text(json.dumps(ceiling_pages))
            servers["ceiling"] = Server(
                "clinic.bench.management.commands.bench:ceiling_app",
                free_port(used),
                {**env, "BENCH_CEILING": str(ceiling_file)},
                options["workers"],
            )
            # Page by page, the ceiling and every mode back to back, so that each ratio compares
            # runs made seconds apart (other load on the machine drifts over minutes).
            for name, path in pages.items():
                for mode in ("ceiling", *MODE_NAMES):
                    server = servers[mode]
                    server.fetch(path)  # warm: measure the steady state
                    server.fetch(path)
                    cpu_before = server.cpu_seconds()
                    results[name][mode] = self.wrk(server.url + path)
                    cpu = server.cpu_seconds() - cpu_before
                    requests = results[name][mode]["requests"] or 1
                    results[name][mode]["cpu_us"] = round(cpu / requests * 1e6, 1)
                    if mode != "ceiling":
                        results[name][mode]["queries"] = self.queries(path, mode)
                    self.stdout.write(
                        f"  {name:12} {mode:9} {results[name][mode]['rps']:8.0f} req/s"
                    )
        finally:
            for server in servers.values():
                server.stop()
            shutil.rmtree(tmp, ignore_errors=True)

        for result in results.values():
            result.pop("body", None)
            ceiling_rps = result["ceiling"]["rps"] or 1
            for mode in MODE_NAMES:
                result[mode]["ratio"] = round(result[mode]["rps"] / ceiling_rps, 4)
        report = {
            "machine": {
                "cpus": os.cpu_count(),
                "load_average_before": [round(n, 2) for n in load_before],
                "load_average_after": [round(n, 2) for n in os.getloadavg()],
            },
            "settings": {
                "duration_s": options["duration"],
                "connections": options["connections"],
                "gunicorn_sync_workers": options["workers"],
                "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
                "cache": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1],
            },
            "pages": results,
        }
        Path(options["json"]).write_text(json.dumps(report, indent=2) + "\n")
        self.print_table(report)
        self.stdout.write(
            f"\nLoad average (1, 5, 15 min) before: {report['machine']['load_average_before']}, "
            f"after: {report['machine']['load_average_after']} on {os.cpu_count()} cores."
        )
        self.stdout.write(f"\nJSON written to {options['json']}")
        if "bench_references" in get_commands() and not options["pages"]:
            self.stdout.write("\nReferences benchmark (bench_references):")
            self.stdout.flush()
            completed = subprocess.run(
                [sys.executable, "manage.py", "bench_references"],
                cwd=settings.BASE_DIR,
                env={**os.environ, "REQUEST_LOG_LEVEL": "WARNING"},
                check=False,
            )
            if completed.returncode != 0:
                self.stderr.write(f"bench_references failed (exit {completed.returncode}).")

    # --- steps ----------------------------------------------------------------------------

    def prepare_data(self):
        from blog.models import Post

        call_command("migrate", verbosity=0, interactive=False)
        if Post.objects.count() >= self.options["posts"]:
            self.stdout.write(f"Using the {Post.objects.count()} articles already there.")
            return
        self.stdout.write("Generating the benchmark data set…")
        call_command(
            "generate_bench_data",
            posts=self.options["posts"],
            conditions=self.options["conditions"],
            references=self.options["references"],
            replace=True,
            stdout=self.stdout,
        )

    def pages(self):
        from django.urls import reverse

        from blog.models import Post
        from conditions.models import Condition

        posts, conditions = Post.objects.published(), Condition.objects.published()
        post = posts.order_by("-published_at")[min(500, posts.count() - 1)]
        condition = conditions.order_by("name")[min(100, conditions.count() - 1)]
        return {
            "home": reverse("clinic:home"),
            "blog index": reverse("blog:index"),
            "article": post.get_absolute_url(),
            "condition": condition.get_absolute_url(),
            "search": reverse("clinic:search") + "?q=acupuncture+back+pain",
            "feed": reverse("feeds:posts"),
        }

    def server_env(self):
        env = {
            **os.environ,
            "DEBUG": "false",
            "CLINIC_TESTING": "0",
            "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "REQUEST_LOG_LEVEL": "WARNING",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        env.pop("DJANGO_SETTINGS_MODULE", None)
        return env

    def wrk(self, url):
        completed = subprocess.run(
            [
                "wrk",
                f"-t{self.options['threads']}",
                f"-c{self.options['connections']}",
                f"-d{self.options['duration']}s",
                "--timeout",
                "10s",
                "--latency",
                url,
            ],
            capture_output=True,
            text=True,
            timeout=self.options["duration"] + 60,
            check=False,
        )
        if completed.returncode != 0:
            raise CommandError(f"wrk failed on {url}: {completed.stderr.strip()}")
        return parse_wrk(completed.stdout)

    def queries(self, path, mode):
        """SQL queries for one request in this mode, in the steady state (the second request)."""
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext, override_settings

        client = Client()
        _, page_seconds, fragment_seconds = next(m for m in MODES if m[0] == mode)
        with override_settings(
            PAGE_CACHE_SECONDS=int(page_seconds), FRAGMENT_CACHE_SECONDS=int(fragment_seconds)
        ):
            client.get(path)
            with CaptureQueriesContext(connection) as context:
                client.get(path)
        return len(context.captured_queries)

    def print_table(self, report):
        header = (
            f"{'page':12} {'mode':9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6} "
            f"{'SQL':>4} {'bytes':>7} {'of ceiling':>10} {'CPU us/req':>10}"
        )
        self.stdout.write("\n" + header + "\n" + "-" * len(header))
        for name, result in report["pages"].items():
            for mode in ("ceiling", *MODE_NAMES):
                row = result[mode]
                ratio = "100 %" if mode == "ceiling" else f"{row['ratio'] * 100:.1f} %"
                queries = row.get("queries", "-")
                self.stdout.write(
                    f"{name:12} {mode:9} {row['rps']:8.0f} {row['p50_ms'] or 0:8.2f} "
                    f"{row['p99_ms'] or 0:8.2f} {row['errors']:6} {queries!s:>4} "
                    f"{result['bytes']:7} {ratio:>10} {row.get('cpu_us', 0):10.0f}"
                )
