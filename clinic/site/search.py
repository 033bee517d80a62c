"""
One search over articles and condition pages, published content only.

On PostgreSQL each table has a `search_vector` tsvector column kept by a trigger (see the
`0002_search` migrations of blog and conditions): title weighted A, summary and other names B,
body C, with a GIN index. Queries use `websearch_to_tsquery`, rank with `ts_rank` and quote with
`ts_headline`.

On SQLite the same behaviour comes from LIKE over the stored fields: every word must appear
somewhere; a word in the title counts most, then summary or other names, then the body.

Articles are ranked over a bounded candidate set, so a search costs the same with 1,000 or
100,000 articles even when common words match nearly all of them: the newest HEADING_CANDIDATES
articles whose title or summary match (on PostgreSQL through the `post_heading_search` GIN
index) and the newest BODY_CANDIDATES articles that match anywhere among the newest BODY_WINDOW
articles. An article with every word in its title or summary outranks one matching only in its
body, so such best matches are always among the candidates, however old; of the articles
matching only in their body, the best of the newest BODY_CANDIDATES of the recent ones are
shown: an old article that has the words only in its body is not found once BODY_WINDOW newer
articles exist.
Condition pages (a few hundred) are ranked in full.

On PostgreSQL a search is two statements, each compiled to SQL once per process: one ranks
conditions and article candidates together and keeps the best MAX_RESULTS (ids, ranks, titles:
no text is read), the other reads those rows and quotes them. `ts_headline` reads a window of
SNIPPET_WINDOW characters around the first place the searched words appear (`_headline`), not
the whole text: quoting a condition page's whole text (4.5 kB on average) cost half a
millisecond a row, and the snippets of results not shown were made too.

Either way the snippet is escaped first and only then gets its `<mark>` tags, so nothing an
author typed can become markup here.
"""

import datetime
import re
from dataclasses import dataclass
from difflib import get_close_matches
from html import escape

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    DateTimeField,
    F,
    FloatField,
    Q,
    TextField,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.safestring import SafeString, mark_safe

from blog import archive
from blog.models import Post
from clinic.lib.prepared import Prepared
from conditions.models import Condition

MAX_QUERY_LENGTH = 200
MAX_TERMS = 8
MAX_RESULTS = 30
HEADING_CANDIDATES = 200
BODY_CANDIDATES = 300
# Matches in the body alone are looked for among the newest BODY_WINDOW articles (whole months,
# from the monthly counts of blog/archive.py), so that a rare word never walks every article.
BODY_WINDOW = 2_000
# Title and summary as one text, as the `post_heading_search` index (blog 0009) holds it.
HEADING = "to_tsvector('pg_catalog.english', coalesce(title, '') || ' ' || coalesce(summary, ''))"
SNIPPET_WORDS = 30
# Characters of the text that `ts_headline` reads for a result's snippet (see _headline).
SNIPPET_WINDOW = 400
TSQUERY = "websearch_to_tsquery('pg_catalog.english', %s)"
# "No lower bound" for the body window, as a value (the compiled query always has one).
EARLIEST = datetime.datetime(1, 1, 1, tzinfo=datetime.UTC)
URL_NAMES = {"condition": "conditions:condition", "article": "blog:post"}
# Private-use characters: ts_headline marks matches with them, we turn them into <mark> tags.
START, STOP = "\ue000", "\ue001"


@dataclass
class Result:
    kind: str  # "condition" or "article"
    title: str
    url: str
    snippet: SafeString
    rank: float
    alternative_names: str = ""  # a condition's
    published_at: datetime.datetime | None = None  # an article's

    @property
    def meta(self) -> str:
        """The line under the title, as HTML: made here rather than with two `date` filters a
        result in the template (a fifth of the page's template time)."""
        if self.kind == "condition":
            if self.alternative_names:
                return f"Condition · also called {escape(self.alternative_names)}"
            return "Condition"
        local = timezone.localtime(self.published_at)
        day = f"{local.day} {MONTHS[local.month]} {local.year}"
        return f'Article · <time datetime="{local.isoformat()}">{day}</time>'

    @property
    def html(self) -> SafeString:
        """The result's list item: clinic/search_result.html rendered once per process with
        markers, filled here (the template's for loop cost more than the search's Python)."""
        values = {
            "url": escape(self.url),
            "title": escape(self.title),
            "meta": self.meta,
            "snippet": self.snippet,
        }
        return mark_safe(_MARKER.sub(lambda found: values[found.group(1)], _result_html()))


# Where each field's value goes in a result's HTML: its name between private-use characters.
_FIELDS = ("url", "title", "meta", "snippet")
_MARKER = re.compile("\ue010(" + "|".join(_FIELDS) + ")\ue010")
_result_template: list[str] = []


def _result_html() -> str:
    if not _result_template:
        markers = {name: mark_safe(f"\ue010{name}\ue010") for name in _FIELDS}
        html = render_to_string("clinic/search_result.html", markers)
        _result_template.append(html.rstrip("\n"))
    return _result_template[0]


def normalise(query: str) -> str:
    return " ".join(query.replace(START, "").replace(STOP, "").split())[:MAX_QUERY_LENGTH]


def terms(query: str) -> list[str]:
    words = re.findall(r"\w[\w'-]*", query.lower())
    return list(dict.fromkeys(words))[:MAX_TERMS]


def search(query: str) -> list[Result]:
    query = normalise(query)
    if not terms(query):
        return []
    results = _postgres(query) if connection.vendor == "postgresql" else _fallback(query)
    results.sort(key=lambda result: (-result.rank, result.kind != "condition", result.title))
    return results[:MAX_RESULTS]


def _postgres(query: str) -> list[Result]:
    """Two queries: rank both kinds together and keep the best MAX_RESULTS (ids, ranks and
    titles only), then read those rows and quote them with `ts_headline` over a window of
    SNIPPET_WINDOW characters (see `_headline`): snippets only for what is shown. Both are
    compiled to SQL once per process (clinic/lib/prepared.py): building and compiling these
    querysets cost more Python time than everything else the search does."""
    now = timezone.now()
    since = body_window_start() or EARLIEST
    best = _prepared(_ranking).rows(query=query, now=now, since=since)
    if not best:
        return []
    ids = {"condition": [], "article": []}
    for kind, pk, _rank, _heading in best:
        ids[kind].append(pk)
    # Padded to one length (no article has the id 0), so that one compiled query serves all.
    padded = {kind: [*pks, *[0] * (MAX_RESULTS - len(pks))] for kind, pks in ids.items()}
    rows = _prepared(_showing).rows(
        query=query, now=now, conditions=padded["condition"], articles=padded["article"]
    )
    by_id = {(row[0], row[1]): row for row in rows}
    urls = {kind: _url_maker(name) for kind, name in URL_NAMES.items()}
    words = terms(query)
    results = []
    for kind, pk, rank, heading in best:
        row = by_id.get((kind, pk))
        if row is None:  # hidden between the two queries
            continue
        _kind, _pk, slug, summary, headline, others, moment = row
        snippet = _marked(headline) if START in headline else _snippet("", summary, words)
        results.append(
            Result(
                kind,
                heading,
                urls[kind](slug),
                snippet,
                rank,
                alternative_names=others,
                published_at=moment,
            )
        )
    return results


def _ranking(*, query: str, now, since):
    """(kind, pk, rank, title) of the best MAX_RESULTS conditions and articles, both ranked in
    one UNION; conditions first among equal ranks ("condition" > "article"), then by title."""
    # RawSQL because the tsvector column is not a model field (it exists on PostgreSQL only).
    # Only the table name is formatted in; the query text is always a bound parameter.
    ranked = []
    for model, title, kind in [(Condition, "name", "condition"), (Post, "title", "article")]:
        table = connection.ops.quote_name(model._meta.db_table)
        matches = RawSQL(f"{table}.search_vector @@ {TSQUERY}", [query], BooleanField())  # noqa: S611
        rank = RawSQL(f"ts_rank({table}.search_vector, {TSQUERY})", [query], FloatField())  # noqa: S611
        ranked.append(
            model.objects.published(at=now)
            .filter(_pg_candidates(query, now, since) if model is Post else matches)
            .annotate(kind=Value(kind), rank=rank, heading=F(title))
            .values_list("kind", "pk", "rank", "heading")
            .order_by()
        )
    return ranked[0].union(ranked[1], all=True).order_by("-rank", "-kind", "heading")[:MAX_RESULTS]


def _showing(*, query: str, now, conditions: list[int], articles: list[int]):
    """(kind, pk, slug, summary, headline, other names, publication date) of the rows shown."""
    shown = []
    for model, kind, ids, others in [
        (Condition, "condition", conditions, F("alternative_names")),
        (Post, "article", articles, Value("", output_field=TextField())),
    ]:
        moment = F("published_at") if model is Post else Value(None, DateTimeField())
        shown.append(
            model.objects.published(at=now)
            .filter(pk__in=ids)
            .annotate(
                kind=Value(kind), headline=_headline(model, query), others=others, moment=moment
            )
            .values_list("kind", "pk", "slug", "summary", "headline", "others", "moment")
            .order_by()
        )
    return shown[0].union(shown[1], all=True).order_by()


_compiled: dict[tuple, Prepared] = {}


def _prepared(build) -> Prepared:
    """`build` compiled once per process, and again if the bounds it bakes in change."""
    key = (build, MAX_RESULTS, HEADING_CANDIDATES, BODY_CANDIDATES, SNIPPET_WINDOW)
    if key not in _compiled:
        _compiled[key] = Prepared(build)
    return _compiled[key]


def _headline(model, query: str) -> RawSQL:
    """`ts_headline` over SNIPPET_WINDOW characters of the text, not all of it (a condition
    page's text is 4.5 kB on average, and quoting it whole cost 0.5 ms a row).

    The window ends a third of its length past the first place where every searched word
    found in the text has appeared at least once (each word looked for as its stem, such as
    "acupunctur", and capitalised, with `strpos`), so that `ts_headline` chooses, within it,
    the passage holding the most of them; it starts at a whole word. A word whose stem is not
    in the text as written (a stem ending in "i" for a word ending in "y") is not looked for;
    with none found, the window is the start of the text."""
    table = connection.ops.quote_name(model._meta.db_table)
    text = f"{table}.search_text"
    first_seen = (
        f"max(least(nullif(strpos({text}, lexeme), 0), nullif(strpos({text}, initcap(lexeme)), 0)))"
    )
    lexemes = "unnest(tsvector_to_array(to_tsvector('pg_catalog.english', %s))) AS lexeme"
    start = f"greatest(0, coalesce({first_seen}, 0) - {SNIPPET_WINDOW * 2 // 3})"
    # From the character before the window's start, dropping what comes before a space: the
    # window then begins with a whole word.
    window = (
        f"CASE WHEN s.start = 0 THEN left({text}, {SNIPPET_WINDOW}) "
        rf"ELSE regexp_replace(substr({text}, s.start, {SNIPPET_WINDOW}), '^\S*\s', '') END"
    )
    options = f"StartSel={START}, StopSel={STOP}, MaxWords={SNIPPET_WORDS}, MinWords=12"
    return RawSQL(  # noqa: S611
        f"(SELECT ts_headline('pg_catalog.english', {window}, {TSQUERY}, %s) "  # noqa: S608
        f"FROM (SELECT {start} AS start FROM {lexemes}) AS s)",
        [query, options, query],
    )


def _url_maker(name: str):
    """A page's URL from its slug, from one reverse() (a reverse() per result cost 20 µs)."""
    prefix, suffix = reverse(name, args=["slug"]).rsplit("slug", 1)
    return lambda slug: f"{prefix}{slug}{suffix}"


def _pg_candidates(query: str, now, since) -> Q:
    """The bounded set of articles to rank: newest heading matches and newest body matches,
    as a UNION of two index scans (with OR, PostgreSQL read every article to test it)."""
    # Unqualified columns: the subqueries read one table, whose alias Django renames.
    in_heading = RawSQL(f"{HEADING} @@ {TSQUERY}", [query], BooleanField())  # noqa: S611
    anywhere = RawSQL(f"search_vector @@ {TSQUERY}", [query], BooleanField())  # noqa: S611
    heading = _newest(in_heading, HEADING_CANDIDATES, at=now)
    body = _newest(anywhere, BODY_CANDIDATES, since=since, at=now)
    return Q(pk__in=heading.union(body, all=True))


def _newest(condition, limit: int, since=None, at=None):
    newest = Post.objects.published(at=at).filter(condition).order_by("-published_at", "-pk")
    if since is not None:
        newest = newest.filter(published_at__gte=since)
    return newest.values("pk")[:limit]


def body_window_start():
    """The start of the newest months holding BODY_WINDOW articles (None: fewer than that)."""
    total, years = 0, set()
    for month, count in archive.stored_months(years=50):
        years.add(month.year)
        total += count
        if total >= BODY_WINDOW:
            return archive.month_start(month)
    # Fewer articles than that, or spread over more than fifty years: the oldest month read.
    return archive.month_start(month) if len(years) == 50 else None


def _fallback(query: str) -> list[Result]:
    words = terms(query)
    results = []
    for model, title, others, kind in [
        (Condition, "name", ["summary", "alternative_names"], "condition"),
        (Post, "title", ["summary"], "article"),
    ]:
        match = Q()
        in_heading = Q()
        rank = Value(0.0)
        for word in words:
            in_others = Q()
            for field in others:
                in_others |= Q(**{f"{field}__icontains": word})
            in_title = Q(**{f"{title}__icontains": word})
            in_body = Q(search_text__icontains=word)
            match &= in_title | in_others | in_body
            in_heading &= in_title | in_others
            # The same order as PostgreSQL's weights: title, then summary, then body.
            rank = (
                rank
                + Case(When(in_title, then=Value(1.0)), default=Value(0.0))
                + Case(When(in_others, then=Value(0.4)), default=Value(0.0))
                + Case(When(in_body, then=Value(0.2)), default=Value(0.0))
            )
        if model is Post:
            # SQLite cannot limit inside a UNION; it answers this OR with two rowid lookups.
            since = body_window_start()
            match = Q(pk__in=_newest(in_heading, HEADING_CANDIDATES)) | Q(
                pk__in=_newest(match, BODY_CANDIDATES, since=since)
            )
        rows = (
            model.objects.published()
            .filter(match)
            .annotate(rank=rank)
            .order_by("-rank", "-published_at")
            .values(title, "slug", "search_text", "published_at", "rank", *others)
        )[:MAX_RESULTS]
        url = _url_maker(URL_NAMES[kind])
        for row in rows:
            results.append(
                Result(
                    kind,
                    row[title],
                    url(row["slug"]),
                    _snippet(row["search_text"], row["summary"], words),
                    row["rank"],
                    alternative_names=row.get("alternative_names", ""),
                    published_at=row["published_at"] if kind == "article" else None,
                )
            )
    return results


def _snippet(text: str, summary: str, words: list[str]) -> SafeString:
    """About SNIPPET_WORDS words of the text around the first match, whole words only; the
    summary's first words if no word is in the text."""
    text_words = text.split()
    lowered = [word.lower() for word in text_words]
    start = 0
    for index, word in enumerate(lowered):
        if any(term in word for term in words):
            start = max(0, index - 8)
            break
    else:
        if summary:
            text_words = summary.split()
    chosen = text_words[start : start + SNIPPET_WORDS]
    text = " ".join(chosen)
    if start > 0:
        text = "…" + text
    if start + SNIPPET_WORDS < len(text_words):
        text += "…"
    pattern = re.compile("|".join(re.escape(word) for word in sorted(words, key=len)[::-1]), re.I)
    text = pattern.sub(lambda m: f"{START}{m.group(0)}{STOP}", text) if words else text
    return _marked(text)


def _marked(text: str) -> SafeString:
    escaped = escape(text, quote=False)
    return mark_safe(escaped.replace(START, "<mark>").replace(STOP, "</mark>"))


def suggestions(query: str, names: list[str]) -> list[str]:
    """Condition names (or other names) close to what was typed, for the no-results page."""
    found = []
    lowered = {name.lower(): name for name in names}
    for word in [normalise(query).lower(), *terms(query)]:
        for match in get_close_matches(word, list(lowered), n=3, cutoff=0.7):
            if lowered[match] not in found:
                found.append(lowered[match])
    return found[:5]
