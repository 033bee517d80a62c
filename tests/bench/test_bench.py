"""The benchmark's wrk parsing and its ceiling app (the full run is `make bench`)."""

import json

from clinic.bench.management.commands import bench

WRK_OUTPUT = """Running 10s test @ http://127.0.0.1:8250/
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    25.01ms    4.12ms  80.00ms   90.00%
    Req/Sec   320.00     20.00   400.00     70.00%
  Latency Distribution
     50%   24.50ms
     75%   27.00ms
     90%   30.00ms
     99%    1.20s
  6400 requests in 10.00s, 60.00MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:    640.00
Transfer/sec:      6.00MB
"""


def test_parses_wrk_output():
    assert bench.parse_wrk(WRK_OUTPUT) == {
        "rps": 640.0,
        "p50_ms": 24.5,
        "p99_ms": 1200.0,
        "errors": 7,
        "requests": 6400,
    }


def test_ceiling_app_answers_the_stored_bytes(tmp_path, monkeypatch):
    pages = {"/blog/?": {"body": "<p>caf\u00e9</p>", "type": "text/html; charset=utf-8"}}
    (tmp_path / "ceiling.json").write_text(json.dumps(pages))
    monkeypatch.setenv("BENCH_CEILING", str(tmp_path / "ceiling.json"))
    monkeypatch.setattr(bench.ceiling_app, "pages", None)
    seen = {}

    def start_response(status, headers):
        seen["status"], seen["headers"] = status, dict(headers)

    body = bench.ceiling_app({"PATH_INFO": "/blog/", "QUERY_STRING": ""}, start_response)
    assert seen["status"] == "200 OK"
    assert b"".join(body) == "<p>caf\u00e9</p>".encode("latin-1")
    assert seen["headers"]["Content-Length"] == str(len(b"".join(body)))
    bench.ceiling_app({"PATH_INFO": "/other/", "QUERY_STRING": ""}, start_response)
    assert seen["status"] == "404 Not Found"
