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

Either way the snippet is escaped first and only then gets its `<mark>` tags, so nothing an
author typed can become markup here.
"""

import re
from dataclasses import dataclass
from difflib import get_close_matches
from html import escape

from django.db import connection
from django.db.models import BooleanField, Case, FloatField, Q, Value, When
from django.db.models.expressions import RawSQL
from django.utils.safestring import SafeString, mark_safe

from blog import archive
from blog.models import Post
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
# Private-use characters: ts_headline marks matches with them, we turn them into <mark> tags.
START, STOP = "\ue000", "\ue001"


@dataclass
class Result:
    kind: str  # "condition" or "article"
    title: str
    url: str
    snippet: SafeString
    rank: float
    obj: object


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
    # RawSQL because the tsvector column is not a model field (it exists on PostgreSQL only).
    # Only the table name is formatted in; the query text is always a bound parameter.
    results = []
    for model, title, kind, extra in [
        (Condition, "name", "condition", ["alternative_names"]),
        (Post, "title", "article", []),
    ]:
        table = connection.ops.quote_name(model._meta.db_table)
        tsquery = "websearch_to_tsquery('pg_catalog.english', %s)"
        options = f"StartSel={START}, StopSel={STOP}, MaxWords={SNIPPET_WORDS}, MinWords=12"
        matches = RawSQL(f"{table}.search_vector @@ {tsquery}", [query], BooleanField())  # noqa: S611
        rank = RawSQL(f"ts_rank({table}.search_vector, {tsquery})", [query], FloatField())  # noqa: S611
        headline = RawSQL(  # noqa: S611
            f"ts_headline('pg_catalog.english', {table}.search_text, {tsquery}, %s)",
            [query, options],
        )
        rows = (
            model.objects.published()
            .filter(_pg_candidates(query) if model is Post else matches)
            .annotate(rank=rank, headline=headline)
            .order_by("-rank")
            .only(title, "slug", "summary", "search_text", "published_at", *extra)[:MAX_RESULTS]
        )
        for row in rows:
            headline = row.headline if START in row.headline else ""
            snippet = _marked(headline) if headline else _snippet(row, terms(query))
            results.append(
                Result(kind, getattr(row, title), row.get_absolute_url(), snippet, row.rank, row)
            )
    return results


def _pg_candidates(query: str) -> Q:
    """The bounded set of articles to rank: newest heading matches and newest body matches,
    as a UNION of two index scans (with OR, PostgreSQL read every article to test it)."""
    # Unqualified columns: the subqueries read one table, whose alias Django renames.
    tsquery = "websearch_to_tsquery('pg_catalog.english', %s)"
    in_heading = RawSQL(f"{HEADING} @@ {tsquery}", [query], BooleanField())  # noqa: S611
    anywhere = RawSQL(f"search_vector @@ {tsquery}", [query], BooleanField())  # noqa: S611
    heading = _newest(in_heading, HEADING_CANDIDATES)
    body = _newest(anywhere, BODY_CANDIDATES, since=body_window_start())
    return Q(pk__in=heading.union(body, all=True))


def _newest(condition, limit: int, since=None):
    newest = Post.objects.published().filter(condition).order_by("-published_at", "-pk")
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
            .only(title, "slug", "summary", "search_text", "published_at", *others)[:MAX_RESULTS]
        )
        for row in rows:
            results.append(
                Result(
                    kind,
                    getattr(row, title),
                    row.get_absolute_url(),
                    _snippet(row, words),
                    row.rank,
                    row,
                )
            )
    return results


def _snippet(row, words: list[str]) -> SafeString:
    """About SNIPPET_WORDS words of the body around the first match, whole words only."""
    text_words = row.search_text.split()
    lowered = [word.lower() for word in text_words]
    start = 0
    for index, word in enumerate(lowered):
        if any(term in word for term in words):
            start = max(0, index - 8)
            break
    else:
        if row.summary:
            text_words = row.summary.split()
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
