"""Complete a reference from PubMed and Crossref: look it up by its identifiers, or by its
journal, year, volume and first page, and return what the service knows as CSL-JSON.

    PMID  ──────────────────────────────▶ NCBI esummary (PubMed)
    PMCID ──▶ PMC ID converter ──▶ PMID ─┘          (or DOI ──▶ Crossref, if PubMed has no PMID)
    DOI   ──────────────────────────────▶ Crossref REST /works/{doi}
    journal + year + volume + first page ──▶ NCBI ECitMatch ──▶ PMID ──▶ esummary

Nothing here saves anything: the caller shows the result beside the record, field by field
(``differences``), and the person chooses what to take. Every failure (switched off, timeout,
service down, nothing found, an answer we cannot read) raises ``CompletionError`` with a message
that can be shown as it is; a save never waits on this module.

Settings (environment variables, see README): REFERENCE_COMPLETION (on/off), CROSSREF_API_URL,
NCBI_EUTILS_URL, NCBI_IDCONV_URL, NCBI_API_KEY, REFERENCE_COMPLETION_EMAIL,
REFERENCE_COMPLETION_TIMEOUT (seconds, 5).
"""

import json
import logging
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings

from clinic.citations import identifiers
from clinic.citations.parse import MONTHS

logger = logging.getLogger(__name__)

# No answer we need is anywhere near this size; a larger one is not read.
MAX_ANSWER_BYTES = 2_000_000
_TOOL = "clinic-site"


class CompletionError(Exception):
    """Completion could not be done; the message says why, for the person who asked."""


@dataclass
class Found:
    """What a service knows about a reference."""

    csl: dict
    # Which service answered and by what ("PubMed, by PMID 19433697").
    source: str


def enabled() -> bool:
    return bool(getattr(settings, "REFERENCE_COMPLETION", False))


def complete(csl: dict) -> Found:
    """Look ``csl`` up by the best identifier it has. Raises CompletionError."""
    if not enabled():
        raise CompletionError(
            "Completion from PubMed and Crossref is switched off on this site "
            "(REFERENCE_COMPLETION)."
        )
    pmid = _clean(identifiers.normalise_pmid, csl.get("PMID"))
    pmcid = _clean(identifiers.normalise_pmcid, csl.get("PMCID"))
    doi = _clean(identifiers.normalise_doi, csl.get("DOI"))
    if pmid:
        return pubmed(pmid)
    if pmcid:
        converted = pmc_ids(pmcid)
        if converted.get("pmid"):
            return pubmed(converted["pmid"], via=f"PMCID {pmcid}")
        if converted.get("doi"):
            return crossref(converted["doi"])
        raise CompletionError(f"PubMed Central knows no PubMed ID or DOI for {pmcid}.")
    if doi:
        return crossref(doi)
    journal = csl.get("container-title-short") or csl.get("container-title") or ""
    year = ((csl.get("issued") or {}).get("date-parts") or [[None]])[0][:1]
    first_page = re.split(r"[-\u2013]", str(csl.get("page") or csl.get("number") or ""))[0].strip()
    if journal and year and year[0] and csl.get("volume") and first_page:
        author = ""
        if csl.get("author"):
            first = csl["author"][0]
            author = " ".join(
                part for part in (first.get("family"), (first.get("given") or "")[:1]) if part
            )
        found_pmid = citation_match(journal, year[0], csl["volume"], first_page, author)
        return pubmed(found_pmid, via=f"{journal} {year[0]};{csl['volume']}:{first_page}")
    raise CompletionError(
        "Nothing to look up: add a DOI, a PMID or a PMCID, or the journal, year, volume and "
        "first page."
    )


# The services ----------------------------------------------------------------------------------


def crossref(doi: str) -> Found:
    url = f"{_base('CROSSREF_API_URL')}/works/{urllib.parse.quote(doi, safe='/()')}"
    params = {"mailto": _email()} if _email() else {}
    try:
        data = _get_json(url, params, service="Crossref")
    except _NotFound:
        raise CompletionError(f"Crossref does not know the DOI {doi}.") from None
    message = data.get("message") if isinstance(data, dict) else None
    if not isinstance(message, dict):
        raise CompletionError("Crossref answered in a form we cannot read. Try again later.")
    return Found(csl=crossref_to_csl(message), source=f"Crossref, by DOI {doi}")


def pubmed(pmid: str, via: str = "") -> Found:
    data = _get_json(
        f"{_base('NCBI_EUTILS_URL')}/esummary.fcgi",
        {"db": "pubmed", "id": pmid, "retmode": "json", **_ncbi_params()},
        service="PubMed",
    )
    record = ((data.get("result") or {}) if isinstance(data, dict) else {}).get(str(pmid))
    if not isinstance(record, dict):
        raise CompletionError("PubMed answered in a form we cannot read. Try again later.")
    if record.get("error"):
        raise CompletionError(f"PubMed has no record with PMID {pmid}.")
    return Found(
        csl=esummary_to_csl(record),
        source=f"PubMed, by {via + ' → ' if via else ''}PMID {pmid}",
    )


def pmc_ids(pmcid: str) -> dict:
    """{"pmid": …, "doi": …} for a PMCID, from the PMC ID converter."""
    data = _get_json(
        _base("NCBI_IDCONV_URL") + "/",
        {"ids": pmcid, "format": "json", **_ncbi_params()},
        service="PubMed Central",
    )
    records = data.get("records") if isinstance(data, dict) else None
    if not isinstance(records, list) or not records or not isinstance(records[0], dict):
        raise CompletionError("PubMed Central answered in a form we cannot read.")
    record = records[0]
    if record.get("status") == "error" or record.get("errmsg"):
        raise CompletionError(f"PubMed Central does not know {pmcid}.")
    result = {}
    if record.get("pmid"):
        result["pmid"] = _clean(identifiers.normalise_pmid, record["pmid"])
    if record.get("doi"):
        result["doi"] = _clean(identifiers.normalise_doi, record["doi"])
    return result


def citation_match(journal: str, year, volume, first_page: str, author: str = "") -> str:
    """The PMID of journal + year + volume + first page, from NCBI's ECitMatch."""
    fields = [journal, year, volume, first_page, author, "ref1"]
    line = "|".join(str(value).replace("|", " ").strip() for value in fields) + "|"
    text = _get(
        f"{_base('NCBI_EUTILS_URL')}/ecitmatch.cgi",
        {"db": "pubmed", "retmode": "xml", "bdata": line, **_ncbi_params()},
        service="PubMed's citation matcher",
    ).decode("utf-8", "replace")
    for answer in text.splitlines():
        parts = answer.split("|")
        if len(parts) >= 7 and parts[5].strip() == "ref1":
            found = parts[6].strip()
            if found.isdigit():
                return found
            if "AMBIGUOUS" in found.upper():
                raise CompletionError(
                    "PubMed's citation matcher found several articles for this journal, year, "
                    "volume and page: add the DOI or PMID instead."
                )
    raise CompletionError(
        "PubMed's citation matcher found no article with this journal, year, volume and first "
        "page. Check them, or add the DOI or PMID."
    )


# Mapping the answers to CSL-JSON -----------------------------------------------------------------


def esummary_to_csl(record: dict) -> dict:
    csl: dict = {"type": "article-journal"}
    authors = []
    for author in record.get("authors") or []:
        name = " ".join(str(author.get("name") or "").split())
        if not name:
            continue
        if author.get("authtype") == "CollectiveName":
            authors.append({"literal": name})
            continue
        family, _, given = name.rpartition(" ")
        if family and re.fullmatch(r"[A-Z]{1,4}", given):
            authors.append({"family": family, "given": given})
        else:
            authors.append({"literal": name})
    if authors:
        csl["author"] = authors
    title = " ".join(str(record.get("title") or "").split())
    if title:
        csl["title"] = title[:-1] if title.endswith(".") else title
    if record.get("fulljournalname"):
        csl["container-title"] = _journal_name(record["fulljournalname"])
    if record.get("source"):
        csl["container-title-short"] = record["source"]
    date = _date_from_text(record.get("pubdate") or record.get("epubdate") or "")
    if date:
        csl["issued"] = {"date-parts": [date]}
    for csl_name, name in (("volume", "volume"), ("issue", "issue")):
        if record.get(name):
            csl[csl_name] = str(record[name])
    pages = str(record.get("pages") or "")
    if pages:
        if re.fullmatch(r"\d+-\d+", pages):
            csl["page"] = _expand_pages(pages)
        elif re.fullmatch(r"[A-Za-z]+\d+|\d{5,}", pages):
            # An e-locator ("CD001351", "e0123456", "730322") rather than a page.
            csl["number"] = pages
        else:
            csl["page"] = pages
    for article_id in record.get("articleids") or []:
        kind, value = article_id.get("idtype"), str(article_id.get("value") or "")
        if kind == "pubmed" and value:
            csl["PMID"] = _clean(identifiers.normalise_pmid, value)
        elif kind == "doi" and value:
            csl["DOI"] = _clean(identifiers.normalise_doi, value)
        elif kind == "pmc" and value:
            csl["PMCID"] = _clean(identifiers.normalise_pmcid, value)
    return {name: value for name, value in csl.items() if value}


def crossref_to_csl(message: dict) -> dict:
    kinds = {
        "journal-article": "article-journal",
        "book": "book",
        "monograph": "book",
        "book-chapter": "chapter",
        "report": "report",
    }
    csl: dict = {"type": kinds.get(message.get("type"), "article-journal")}
    authors = []
    for author in message.get("author") or []:
        if author.get("family"):
            person = {"family": author["family"]}
            if author.get("given"):
                person["given"] = author["given"]
            authors.append(person)
        elif author.get("name"):
            authors.append({"literal": author["name"]})
    if authors:
        csl["author"] = authors
    for csl_name, name in (
        ("title", "title"),
        ("container-title", "container-title"),
        ("container-title-short", "short-container-title"),
    ):
        value = message.get(name)
        if isinstance(value, list):
            value = value[0] if value else ""
        if value:
            csl[csl_name] = " ".join(str(value).split())
    for key in ("published-print", "issued", "published-online", "published"):
        parts = ((message.get(key) or {}).get("date-parts") or [[None]])[0]
        if parts and parts[0]:
            csl["issued"] = {"date-parts": [[int(part) for part in parts if part]]}
            break
    for csl_name, name in (("volume", "volume"), ("issue", "issue"), ("page", "page")):
        if message.get(name):
            csl[csl_name] = str(message[name]).replace("\u2013", "-")
    if message.get("article-number"):
        csl["number"] = str(message["article-number"])
    if message.get("DOI"):
        csl["DOI"] = _clean(identifiers.normalise_doi, message["DOI"])
    if message.get("publisher") and csl["type"] != "article-journal":
        csl["publisher"] = message["publisher"]
    return {name: value for name, value in csl.items() if value}


# Comparing ---------------------------------------------------------------------------------------

# The reference fields completion may fill, in the order shown.
FIELDS = [
    "authors",
    "title",
    "container_title",
    "container_title_short",
    "year",
    "month",
    "day",
    "volume",
    "issue",
    "pages",
    "article_number",
    "doi",
    "pmid",
    "pmcid",
]


def differences(current, found) -> list[dict]:
    """Field by field, where ``found`` (an unsaved Reference) differs from ``current``.

    Each row: name, label, current and found values as text, and whether the current one is
    empty (so the person sees at once what completion adds and what it would overwrite).
    """
    from clinic.references.models import Reference

    rows = []
    for name in FIELDS:
        mine, theirs = getattr(current, name), getattr(found, name)
        if theirs in (None, "", []) or _same(name, mine, theirs):
            continue
        rows.append(
            {
                "name": name,
                "label": Reference._meta.get_field(name).verbose_name,
                "current": display(name, mine),
                "found": display(name, theirs),
                "adds": mine in (None, "", []),
            }
        )
    return rows


def display(name: str, value) -> str:
    if name == "authors":
        return "; ".join(
            author.get("literal")
            or " ".join(part for part in (author.get("family"), author.get("given")) if part)
            for author in value or []
            if isinstance(author, dict)
        )
    return "" if value is None else str(value)


def _same(name, mine, theirs) -> bool:
    if name == "title":
        return identifiers.normalise_title(mine) == identifiers.normalise_title(theirs)
    if name in {"doi", "container_title", "container_title_short"}:
        return str(mine).casefold() == str(theirs).casefold()
    return mine == theirs


# HTTP --------------------------------------------------------------------------------------------


class _NotFound(Exception):
    pass


def _get(url: str, params: dict, *, service: str) -> bytes:
    if not url.startswith(("http://", "https://")):
        raise CompletionError(f"The address of {service} is not set correctly.")
    full = f"{url}?{urllib.parse.urlencode(params)}" if params else url
    request = urllib.request.Request(  # noqa: S310 (the scheme is checked above)
        full, headers={"User-Agent": f"{_TOOL} (mailto:{_email() or 'unknown'})"}
    )
    timeout = float(getattr(settings, "REFERENCE_COMPLETION_TIMEOUT", 5))
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310
            body = answer.read(MAX_ANSWER_BYTES + 1)
    except urllib.error.HTTPError as error:
        if error.code == 404:
            raise _NotFound from None
        logger.warning("%s answered HTTP %s", service, error.code)
        raise CompletionError(
            f"{service} answered with an error (HTTP {error.code}). Try again later; "
            "you can save the reference as it is meanwhile."
        ) from None
    except (TimeoutError, urllib.error.URLError, OSError) as error:
        logger.warning("%s could not be reached: %s", service, error)
        raise CompletionError(
            f"{service} could not be reached (no answer within {timeout:g} seconds, or no "
            "connection). Try again later; you can save the reference as it is meanwhile."
        ) from None
    if len(body) > MAX_ANSWER_BYTES:
        raise CompletionError(f"{service} sent an answer too large to read.")
    return body


def _get_json(url: str, params: dict, *, service: str):
    body = _get(url, params, service=service)
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise CompletionError(
            f"{service} answered in a form we cannot read. Try again later."
        ) from None


def _base(name: str) -> str:
    return str(getattr(settings, name, "")).rstrip("/")


def _email() -> str:
    return getattr(settings, "REFERENCE_COMPLETION_EMAIL", "")


def _ncbi_params() -> dict:
    params = {"tool": _TOOL}
    if _email():
        params["email"] = _email()
    if getattr(settings, "NCBI_API_KEY", ""):
        params["api_key"] = settings.NCBI_API_KEY
    return params


def _clean(normalise, value) -> str:
    if value in (None, ""):
        return ""
    try:
        return normalise(value)
    except ValueError:
        return ""


def _date_from_text(text: str) -> list[int]:
    """ "2009 May 11" -> [2009, 5, 11]; "2020 Mar" -> [2020, 3]; "2005" -> [2005]."""
    words = str(text).replace("-", " ").split()
    if not words or not re.fullmatch(r"\d{4}", words[0]):
        return []
    date = [int(words[0])]
    if len(words) > 1 and words[1].lower() in MONTHS:
        date.append(MONTHS[words[1].lower()])
        if len(words) > 2 and re.fullmatch(r"[0-9]{1,2}", words[2]) and 1 <= int(words[2]) <= 31:
            date.append(int(words[2]))
    return date


def _expand_pages(pages: str) -> str:
    """PubMed prints "858-66"; the library keeps "858-866"."""
    first, last = pages.split("-")
    if len(last) < len(first):
        last = first[: len(first) - len(last)] + last
    return f"{first}-{last}"


def _journal_name(name: str) -> str:
    """PubMed's full journal names are lower case after the first word ("Archives of internal
    medicine"); keep them as they are, only tidy the spacing and a trailing full stop."""
    return " ".join(str(name).split()).rstrip(".")
