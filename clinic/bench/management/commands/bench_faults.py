"""
`make bench-faults`: the site under gunicorn while Redis hangs or is gone, and while PostgreSQL
is gone for 20 s. Local (127.0.0.1 only) and bounded: every run stops by itself.

Redis. wrk against an article page (page cache on, as in production), in four configurations
back to back: no REDIS_URL (the in-process cache: what the others are compared with), Redis
answering, Redis hung (a TCP proxy that accepts and never answers) and Redis down (the proxy
refuses). Also the slowest of five /readyz answers in each.

PostgreSQL. gunicorn reaches PostgreSQL through the proxy. Two clients ask, in a loop, for a
page from the page cache and for a page that needs the database (a logged-in reader: it sends a
session cookie). After a few seconds the proxy is cut for --outage seconds, then restored. The
report counts answers by status in each phase (503s with Retry-After apart) and the time from
PostgreSQL's return to the first 200 of the page that needs it.
"""

import collections
import http.client
import json
import threading
import time
import urllib.parse
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError

from clinic.bench.management.commands import bench
from clinic.bench.tcp_proxy import Proxy


class Command(bench.Command):
    help = "Throughput and answers while Redis hangs or is gone and while PostgreSQL is gone."

    def add_arguments(self, parser):
        parser.add_argument("--duration", type=int, default=10, help="Seconds per wrk run.")
        parser.add_argument("--connections", type=int, default=16)
        parser.add_argument("--threads", type=int, default=2)
        parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers.")
        parser.add_argument("--outage", type=int, default=20, help="Seconds without PostgreSQL.")
        parser.add_argument("--json", default="bench_faults.json")
        parser.add_argument("--posts", type=int, default=1_000)
        parser.add_argument("--conditions", type=int, default=50)
        parser.add_argument("--references", type=int, default=500)

    def handle(self, *args, **options):
        if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
            raise CommandError("bench_faults needs PostgreSQL (DATABASE_URL=postgres://…).")
        if not settings.REDIS_URL:
            raise CommandError("bench_faults needs REDIS_URL (redis://127.0.0.1:6379/12).")
        self.options = options
        self.prepare_data()
        path = self.pages()["article"]
        env = self.server_env()
        self.collect_static(env)
        report = {
            "redis": self.redis_faults(env, path),
            "postgresql": self.database_gone(env, path),
        }
        Path(options["json"]).write_text(json.dumps(report, indent=2) + "\n")
        self.print_report(report)

    def collect_static(self, env):
        import subprocess
        import sys

        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
            cwd=settings.BASE_DIR,
            env={**env, "STATIC_COMPRESS": "false"},
            check=True,
        )

    def server(self, env, **extra):
        return bench.Server(
            "clinic.wsgi:application",
            bench.free_port(set()),
            {**env, "STATIC_COMPRESS": "false", "PAGE_CACHE_SECONDS": "600", **extra},
            self.options["workers"],
        )

    # --- Redis ----------------------------------------------------------------------------

    def redis_faults(self, env, path):
        redis = urllib.parse.urlsplit(settings.REDIS_URL)
        proxy = Proxy((redis.hostname, redis.port or 6379))
        proxy.up()
        through_proxy = redis._replace(netloc=f"127.0.0.1:{proxy.port}").geturl()
        configurations = [
            ("no Redis", {"REDIS_URL": ""}, None),
            ("Redis answering", {}, None),
            ("Redis hung", {"REDIS_URL": through_proxy}, proxy.hang),
            ("Redis down", {"REDIS_URL": through_proxy}, proxy.down),
        ]
        results = {}
        try:
            for name, extra, fault in configurations:
                proxy.up()
                server = self.server(env, **extra)
                try:
                    server.fetch(path)
                    if fault:
                        fault()
                    for _ in range(3):
                        self.get(server, path)  # the breaker opens here
                    result = self.wrk(server.url + path)
                    result["readyz_ms"], result["readyz_status"] = self.readyz(server)
                finally:
                    server.stop()
                results[name] = result
                self.stdout.write(
                    f"  {name:16} {result['rps']:8.0f} req/s, {result['errors']} errors, "
                    f"/readyz {result['readyz_status']} in {result['readyz_ms']:.0f} ms"
                )
        finally:
            proxy.down()
        baseline = results["no Redis"]["rps"] or 1
        for result in results.values():
            result["ratio_to_no_redis"] = round(result["rps"] / baseline, 3)
        return results

    def readyz(self, server):
        slowest, status = 0.0, None
        for _ in range(5):
            started = time.perf_counter()
            status = self.get(server, "/readyz", timeout=5)[0]
            slowest = max(slowest, time.perf_counter() - started)
        return round(slowest * 1000, 1), status

    def get(self, server, path, timeout=10, headers=None):
        parts = urllib.parse.urlsplit(server.url)
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
        try:
            connection.request("GET", path, headers=headers or {})
            response = connection.getresponse()
            response.read()
            return response.status, response.getheader("Retry-After")
        finally:
            connection.close()

    # --- PostgreSQL -------------------------------------------------------------------------

    def database_gone(self, env, path):
        db = settings.DATABASES["default"]
        proxy = Proxy((db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432)))
        proxy.up()
        password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
        url = f"postgres://{db['USER']}{password}@127.0.0.1:{proxy.port}/{db['NAME']}"
        before, outage, after = 5, self.options["outage"], 10
        events = []  # (seconds since start, "cached" or "database", status, Retry-After)
        try:
            server = self.server(env, DATABASE_URL=url)
            try:
                server.fetch(path)  # now in the page cache
                started = time.monotonic()
                stop = started + before + outage + after
                clients = [
                    threading.Thread(
                        target=self.client, args=(server, path, kind, started, stop, events)
                    )
                    for kind in ("cached", "database")
                ]
                for thread in clients:
                    thread.start()
                time.sleep(before)
                cut = time.monotonic() - started
                proxy.down()
                time.sleep(outage)
                proxy.up()
                back = time.monotonic() - started
                for thread in clients:
                    thread.join()
            finally:
                server.stop()
        finally:
            proxy.down()
        return self.summarise(events, cut, back)

    def client(self, server, path, kind, started, stop, events):
        headers = {"Cookie": "sessionid=bench-reader"} if kind == "database" else {}
        while time.monotonic() < stop:
            moment = time.monotonic() - started
            try:
                status, retry_after = self.get(server, path, timeout=5, headers=headers)
            except OSError as error:
                status, retry_after = type(error).__name__, None
            events.append((moment, kind, status, retry_after, time.monotonic() - started))

    def summarise(self, events, cut, back):
        # By when a request was sent, except that one still waiting for its answer when the
        # proxy was cut met the outage: "before" holds only answers given before the cut.
        phases = {
            "before": lambda sent, answered: answered < cut,
            "outage": lambda sent, answered: answered >= cut and sent < back,
            "after": lambda sent, answered: sent >= back,
        }
        summary = {"outage_s": round(back - cut, 1)}
        for phase, within in phases.items():
            for kind in ("cached", "database"):
                counts = collections.Counter(
                    f"{status} with Retry-After" if retry_after else str(status)
                    for sent, k, status, retry_after, answered in events
                    if k == kind and within(sent, answered)
                )
                summary[f"{phase} {kind}"] = dict(counts)
        first_ok = min(
            (m for m, k, status, _, _ in events if k == "database" and m >= back and status == 200),
            default=None,
        )
        summary["recovery_s"] = None if first_ok is None else round(first_ok - back, 3)
        failures_after = [
            status
            for m, k, status, _, _ in events
            if first_ok is not None and m > first_ok and status != 200
        ]
        summary["failures_after_recovery"] = len(failures_after)
        return summary

    def print_report(self, report):
        self.stdout.write("\nRedis faults (article page, page cache on):")
        self.stdout.write(
            f"{'configuration':16} {'req/s':>8} {'x no Redis':>10} {'errors':>6} "
            f"{'p99 ms':>8} {'/readyz':>8} {'ms':>6}"
        )
        for name, row in report["redis"].items():
            self.stdout.write(
                f"{name:16} {row['rps']:8.0f} {row['ratio_to_no_redis']:10.2f} "
                f"{row['errors']:6} {row['p99_ms'] or 0:8.1f} {row['readyz_status']!s:>8} "
                f"{row['readyz_ms']:6.0f}"
            )
        pg = report["postgresql"]
        self.stdout.write(f"\nPostgreSQL gone for {pg['outage_s']} s (answers by status):")
        for key, counts in pg.items():
            if isinstance(counts, dict):
                self.stdout.write(f"  {key:16} {counts}")
        self.stdout.write(
            f"  first 200 from the database {pg['recovery_s']} s after it returned; "
            f"{pg['failures_after_recovery']} failures after that"
        )
        self.stdout.write(f"\nJSON written to {self.options['json']}")
