"""A small HTTP server on 127.0.0.1 that answers like Crossref and NCBI's E-utilities.

Tests of "Complete this reference" never leave the machine: the `fake_services` fixture starts
this server on a free port and points the completion settings at it. It answers in the services'
documented formats:

- Crossref REST API: GET /crossref/works/{doi} -> {"status": "ok", "message-type": "work",
  "message": {...}}; an unknown DOI -> 404 "Resource not found."
- E-utilities esummary: GET /eutils/esummary.fcgi?db=pubmed&id=…&retmode=json -> {"header": …,
  "result": {"uids": [...], "<pmid>": {...}}}; an unknown PMID -> {"<pmid>": {"uid": …,
  "error": "cannot get document summary"}}
- ECitMatch: GET /eutils/ecitmatch.cgi?db=pubmed&retmode=xml&bdata=journal|year|volume|page|
  author|key| -> the same line followed by the PMID, "NOT_FOUND…" or "AMBIGUOUS…", as plain text
- PMC ID converter: GET /idconv/?ids=PMC…&format=json -> {"status": "ok", "records": [{"pmcid":
  …, "pmid": …, "doi": …}]}; an unknown id -> a record with "status": "error", "errmsg": …

`server.mode` makes it misbehave: "down" (HTTP 503), "garbage" (not JSON), "slow" (answers after
`server.delay` seconds). `server.requests` lists the paths and query strings it was asked for.
"""

import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


def _esummary(pmid, authors, title, source, full, pubdate, volume, issue, pages, ids):
    return {
        "uid": pmid,
        "pubdate": pubdate,
        "epubdate": "",
        "source": source,
        "authors": [{"name": name, "authtype": "Author", "clusterid": ""} for name in authors],
        "lastauthor": authors[-1] if authors else "",
        "title": title,
        "volume": volume,
        "issue": issue,
        "pages": pages,
        "lang": ["eng"],
        "pubtype": ["Journal Article"],
        "fulljournalname": full,
        "elocationid": "",
        "articleids": [{"idtype": "pubmed", "idtypen": 1, "value": pmid}]
        + [{"idtype": kind, "idtypen": 3, "value": value} for kind, value in ids],
        "sortpubdate": pubdate,
    }


PUBMED = {
    "19433697": _esummary(
        "19433697",
        ["Cherkin DC", "Sherman KJ", "Avins AL", "Erro JH", "Ichikawa L", "Barlow WE"],
        "A randomized trial comparing acupuncture, simulated acupuncture, and usual care for "
        "chronic low back pain.",
        "Arch Intern Med",
        "Archives of internal medicine",
        "2009 May 11",
        "169",
        "9",
        "858-66",
        [("doi", "10.1001/archinternmed.2009.65"), ("pmc", "PMC2832641")],
    ),
    "32165464": _esummary(
        "32165464",
        ["Clemente Fuentes RW", "Diaz I"],
        "Acupuncture for low back pain.",
        "Can Fam Physician",
        "Canadian family physician Medecin de famille canadien",
        "2020 Mar",
        "66",
        "3",
        "186-187",
        [],
    ),
}

CROSSREF = {
    "10.3389/fnins.2021.730322": {
        "DOI": "10.3389/fnins.2021.730322",
        "type": "journal-article",
        "title": ["Neuroimaging Studies of Acupuncture on Low Back Pain: A Systematic Review"],
        "container-title": ["Frontiers in Neuroscience"],
        "short-container-title": ["Front. Neurosci."],
        "author": [
            {"given": "Qiao", "family": "Wen", "sequence": "first", "affiliation": []},
            {"given": "Peihong", "family": "Ma", "sequence": "additional", "affiliation": []},
        ],
        "volume": "15",
        "article-number": "730322",
        "publisher": "Frontiers Media SA",
        "issued": {"date-parts": [[2021, 9, 20]]},
        "published-online": {"date-parts": [[2021, 9, 20]]},
    },
}

# ECitMatch: (journal, year, volume, first page), lower case -> PMID.
CITATIONS = {
    ("can fam physician", "2020", "66", "186"): "32165464",
    ("arch intern med", "2009", "169", "858"): "19433697",
}

PMC = {
    "PMC2832641": {"pmcid": "PMC2832641", "pmid": 19433697, "doi": "10.1001/archinternmed.2009.65"}
}


class FakeServices(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.mode = ""
        self.delay = 2.0
        self.requests: list[tuple[str, dict]] = []

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):  # keep test output quiet
        pass

    def do_GET(self):
        parsed = urllib.parse.urlsplit(self.path)
        query = {name: values[0] for name, values in urllib.parse.parse_qs(parsed.query).items()}
        self.server.requests.append((parsed.path, query))
        if self.server.mode == "slow":
            time.sleep(self.server.delay)
        if self.server.mode == "down":
            return self._send(503, "text/html", b"<h1>Service Unavailable</h1>")
        if self.server.mode == "garbage":
            return self._send(200, "application/json", b"<html>not json")
        path = urllib.parse.unquote(parsed.path)
        if path.startswith("/crossref/works/"):
            doi = path.removeprefix("/crossref/works/").lower()
            if doi not in CROSSREF:
                return self._send(404, "text/plain", b"Resource not found.")
            work = {"status": "ok", "message-type": "work", "message-version": "1.0.0"}
            return self._json({**work, "message": CROSSREF[doi]})
        if path == "/eutils/esummary.fcgi":
            pmids = query.get("id", "").split(",")
            result = {"uids": pmids}
            for pmid in pmids:
                result[pmid] = PUBMED.get(
                    pmid, {"uid": pmid, "error": "cannot get document summary"}
                )
            return self._json({"header": {"type": "esummary", "version": "0.3"}, "result": result})
        if path == "/eutils/ecitmatch.cgi":
            lines = []
            for line in query.get("bdata", "").split("\r"):
                fields = line.split("|")
                if len(fields) < 6:
                    continue
                wanted = tuple(field.strip().lower() for field in fields[:4])
                found = CITATIONS.get(wanted, "NOT_FOUND;INVALID_JOURNAL")
                lines.append("|".join(fields[:6]) + "|" + found)
            return self._send(200, "text/plain", ("\n".join(lines) + "\n").encode())
        if path.rstrip("/") == "/idconv":
            records = []
            for pmcid in query.get("ids", "").split(","):
                records.append(
                    PMC.get(
                        pmcid, {"pmcid": pmcid, "status": "error", "errmsg": "invalid article id"}
                    )
                )
            return self._json({"status": "ok", "responseDate": "2026-12-05", "records": records})
        return self._send(404, "text/plain", b"Not found")

    def _json(self, data):
        self._send(200, "application/json; charset=UTF-8", json.dumps(data).encode())

    def _send(self, status, content_type, body):
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting ("slow" mode): that is the point


@pytest.fixture
def fake_services(settings):
    """The fake Crossref/NCBI server, with the completion settings pointing at it."""
    server = FakeServices()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.REFERENCE_COMPLETION = True
    settings.CROSSREF_API_URL = f"{server.url}/crossref"
    settings.NCBI_EUTILS_URL = f"{server.url}/eutils"
    settings.NCBI_IDCONV_URL = f"{server.url}/idconv"
    settings.NCBI_API_KEY = "test-key"
    settings.REFERENCE_COMPLETION_EMAIL = "web@clinic.example"
    settings.REFERENCE_COMPLETION_TIMEOUT = 1
    yield server
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)
