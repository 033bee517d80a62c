"""
One search over articles and condition pages, published content only, PAGE_SIZE results a page.

Results come in two tiers: first the pages with every searched word in their heading (a
condition page's name, other names and summary; an article's title and summary), ranked by how
well the heading matches; then the pages with the words only somewhere in their text, ranked by
how well the whole text matches. Among equal ranks, condition pages come first, then titles in
order. Only a bounded set of candidates is ranked, so that a search costs the same with 1,000
or 100,000 articles even when common words match most of them:

- articles with the words in their heading: the newest HEADING_CANDIDATES of them, looked for
  among the newest HEADING_CANDIDATES live articles holding each searched word in their heading,
  however old (an old article titled with a rarer word is still found);
- articles with the words only in their text: the newest BODY_CANDIDATES of them among the
  articles in search's window, the newest `blog.search_window.WINDOW` (kept on save);
- condition pages (hundreds at most): up to CONDITION_CANDIDATES of each tier, by name.

On PostgreSQL both tables have `search_vector` (title or name weighted A, summary and other
names B, text C) and `heading_vector` (its A and B part), kept by triggers, with GIN indexes;
articles also have `blog_post_heading_term` (a row per word of a live article's heading, with
its date: the newest articles with a word are the first rows of a B-tree) and a GIN index over
the window's rows only (migration blog 0014). Queries use `websearch_to_tsquery`, rank with
`ts_rank` and quote with `ts_headline`. The whole search is one statement (`search_sql()`):
choose the candidates, rank them, keep one page, and quote only that page's rows, from a window
of SNIPPET_WINDOW characters around the first place the words appear (`_headline`): quoting a
condition page's whole text (4.5 kB on average) cost half a millisecond a row. It is planned
for each search, with its words: as a prepared statement, PostgreSQL's generic plan (made
without knowing how common the words are) took 13 ms where a plan for the words takes 3 at
100,000 articles, planning included (docs/performance.md).

On SQLite the same tiers come from LIKE over the stored fields: every word must appear
somewhere; a word in the title counts most, then summary or other names, then the text.

Either way the snippet is escaped first and only then gets its `<mark>` tags, so nothing an
author typed can become markup here.
"""

import datetime
import functools
import re
from dataclasses import dataclass
from difflib import get_close_matches
from html import escape

from django.db import connection
from django.db.models import Case, Q, Value, When
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.safestring import SafeString, mark_safe

from blog.models import Post
from clinic.lib.filled import Filled
from conditions.models import Condition

MAX_QUERY_LENGTH = 200
MAX_TERMS = 8
PAGE_SIZE = 10
# Pages beyond this are not offered (the candidates fill 16 at most).
MAX_PAGE = 20
HEADING_CANDIDATES = 60
BODY_CANDIDATES = 60
CONDITION_CANDIDATES = 20
SNIPPET_WORDS = 30
# Characters of the text that `ts_headline` reads for a result's snippet (see _headline).
SNIPPET_WINDOW = 400
URL_NAMES = {"condition": "conditions:condition", "article": "blog:post"}
# Private-use characters: ts_headline marks matches with them, we turn them into <mark> tags.
START, STOP = "\ue000", "\ue001"


@dataclass
class Page:
    """One page of results: `number` from 1, `has_next` if a page follows."""

    results: list
    number: int = 1
    has_next: bool = False

    @property
    def first(self) -> int:
        return (self.number - 1) * PAGE_SIZE + 1

    @property
    def last(self) -> int:
        return self.first + len(self.results) - 1


@dataclass
class Result:
    kind: str  # "condition" or "article"
    title: str
    url: str
    snippet: SafeString
    rank: float
    alternative_names: str = ""  # a condition's
    published_at: datetime.datetime | None = None  # an article's
    tier: int = 0  # 0: every word in the heading; 1: somewhere in the text

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
        return RESULT_HTML.fill(
            url=escape(self.url),
            title=escape(self.title),
            meta=self.meta,
            snippet=self.snippet,
        )


RESULT_HTML = Filled(
    lambda markers: render_to_string("clinic/search_result.html", markers).rstrip("\n"),
    {name: Filled.marker(name) for name in ("url", "title", "meta", "snippet")},
)


def normalise(query: str) -> str:
    return " ".join(query.replace(START, "").replace(STOP, "").split())[:MAX_QUERY_LENGTH]


def terms(query: str) -> list[str]:
    words = re.findall(r"\w[\w'-]*", query.lower())
    return list(dict.fromkeys(words))[:MAX_TERMS]


def search(query: str, page: int = 1) -> Page:
    """Page `page` (from 1) of the results for `query`."""
    query = normalise(query)
    page = max(1, page)
    if not terms(query) or page > MAX_PAGE:
        return Page([], page)
    offset = (page - 1) * PAGE_SIZE
    if connection.vendor == "postgresql":
        results = _postgres(query, offset)
    else:
        results = _fallback(query, offset)
    return Page(results[:PAGE_SIZE], page, has_next=len(results) > PAGE_SIZE)


def _headline(alias: str) -> str:
    """`ts_headline` of row `alias` over SNIPPET_WINDOW characters of its text, not all of it
    (a condition page's text is 4.5 kB on average, and quoting it whole cost 0.5 ms a row).

    The window ends a third of its length past the first place where every searched word
    found in the text has appeared at least once (each word looked for as its stem, such as
    "acupunctur", and capitalised, with `strpos`), so that `ts_headline` chooses, within it,
    the passage holding the most of them; it starts at a whole word. A word whose stem is not
    in the text as written (a stem ending in "i" for a word ending in "y") is not looked for;
    with none found, the window is the start of the text."""
    text = f"{alias}.search_text"
    first_seen = (
        f"max(least(nullif(strpos({text}, lexeme), 0), nullif(strpos({text}, initcap(lexeme)), 0)))"
    )
    start = f"greatest(0, coalesce({first_seen}, 0) - {SNIPPET_WINDOW * 2 // 3})"
    # From the character before the window's start, dropping what comes before a space: the
    # window then begins with a whole word.
    window = (
        f"CASE WHEN s.start = 0 THEN left({text}, {SNIPPET_WINDOW}) "
        rf"ELSE regexp_replace(substr({text}, s.start, {SNIPPET_WINDOW}), '^\S*\s', '') END"
    )
    return (
        f"(SELECT ts_headline('pg_catalog.english', {window}, {TSQUERY}, %(options)s) "  # noqa: S608
        f"FROM (SELECT {start} AS start FROM words) AS s)"
    )


TSQUERY = "websearch_to_tsquery('pg_catalog.english', %(query)s::text)"
PUBLISHED = "{0}.status = 'published' AND {0}.published_at <= %(now)s"
ORDER = "tier, rank DESC, kind DESC, title, id"


@functools.cache
def search_sql(heading: int, body: int, conditions: int) -> str:
    """The whole search, one statement (module docstring), for these candidate bounds. Only
    constants are formatted in; the query text, the time and the page are bound parameters."""
    return f"""
WITH words AS (
  SELECT DISTINCT unnest(tsvector_to_array(to_tsvector('pg_catalog.english', %(query)s::text)))
    AS lexeme
),
candidates (kind, id, tier) AS (
  (SELECT 'condition', c.id, 0 FROM conditions_condition c
    WHERE {PUBLISHED.format("c")} AND c.heading_vector @@ {TSQUERY}
    ORDER BY c.name LIMIT {conditions})
  UNION ALL
  (SELECT 'condition', c.id, 1 FROM conditions_condition c
    WHERE {PUBLISHED.format("c")} AND c.search_vector @@ {TSQUERY}
      AND NOT c.heading_vector @@ {TSQUERY}
    ORDER BY c.name LIMIT {conditions})
  UNION ALL
  (SELECT 'article', p.id, 0 FROM (
      SELECT DISTINCT newest.post_id FROM words, LATERAL (
        SELECT t.post_id FROM blog_post_heading_term t
        WHERE t.lexeme = words.lexeme AND t.published_at <= %(now)s
        ORDER BY t.published_at DESC LIMIT {heading}
      ) AS newest
    ) AS found JOIN blog_post p ON p.id = found.post_id
    WHERE {PUBLISHED.format("p")} AND p.heading_vector @@ {TSQUERY}
    ORDER BY p.published_at DESC, p.id DESC LIMIT {heading})
  UNION ALL
  (SELECT 'article', p.id, 1 FROM blog_post p
    WHERE p.in_search_window AND {PUBLISHED.format("p")} AND p.search_vector @@ {TSQUERY}
      AND NOT p.heading_vector @@ {TSQUERY}
    ORDER BY p.published_at DESC, p.id DESC LIMIT {body})
),
ranked AS (
  SELECT k.kind, k.id, k.tier, c.name AS title,
    ts_rank(CASE k.tier WHEN 0 THEN c.heading_vector ELSE c.search_vector END, {TSQUERY}) AS rank
  FROM candidates k JOIN conditions_condition c ON c.id = k.id WHERE k.kind = 'condition'
  UNION ALL
  SELECT k.kind, k.id, k.tier, p.title,
    ts_rank(CASE k.tier WHEN 0 THEN p.heading_vector ELSE p.search_vector END, {TSQUERY})
  FROM candidates k JOIN blog_post p ON p.id = k.id WHERE k.kind = 'article'
  ORDER BY {ORDER} LIMIT %(limit)s OFFSET %(offset)s
)
SELECT r.kind, r.id, r.tier, r.title, r.rank, c.slug, c.summary, {_headline("c")},
  c.alternative_names, NULL::timestamptz
FROM ranked r JOIN conditions_condition c ON c.id = r.id WHERE r.kind = 'condition'
UNION ALL
SELECT r.kind, r.id, r.tier, r.title, r.rank, p.slug, p.summary, {_headline("p")}, '',
  p.published_at
FROM ranked r JOIN blog_post p ON p.id = r.id WHERE r.kind = 'article'
ORDER BY {ORDER}
"""  # noqa: S608


def _postgres(query: str, offset: int) -> list["Result"]:
    """A page of results and one more (to know whether a next page exists)."""
    sql = search_sql(HEADING_CANDIDATES, BODY_CANDIDATES, CONDITION_CANDIDATES)
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            {
                "query": query,
                "now": timezone.now(),
                "limit": PAGE_SIZE + 1,
                "offset": offset,
                "options": f"StartSel={START}, StopSel={STOP}, MaxWords={SNIPPET_WORDS}, "
                "MinWords=12",
            },
        )
        rows = cursor.fetchall()
    urls = {kind: _url_maker(name) for kind, name in URL_NAMES.items()}
    words = terms(query)
    results = []
    for kind, _pk, tier, title, rank, slug, summary, headline, others, moment in rows:
        snippet = _marked(headline) if START in headline else _snippet("", summary, words)
        results.append(
            Result(
                kind,
                title,
                urls[kind](slug),
                snippet,
                rank,
                alternative_names=others,
                published_at=moment,
                tier=tier,
            )
        )
    return results


def _url_maker(name: str):
    """A page's URL from its slug, from one reverse() (a reverse() per result cost 20 µs)."""
    prefix, suffix = reverse(name, args=["slug"]).rsplit("slug", 1)
    return lambda slug: f"{prefix}{slug}{suffix}"


def _newest(condition, limit: int, window=False):
    newest = Post.objects.published().filter(condition).order_by("-published_at", "-pk")
    if window:
        newest = newest.filter(in_search_window=True)
    return newest.values("pk")[:limit]


def _fallback(query: str, offset: int) -> list["Result"]:
    """SQLite: the same tiers and bounds, from LIKE; a page of results and one more, quoted
    (only those)."""
    words = terms(query)
    found = []
    for model, title, others, kind in [
        (Condition, "name", ["summary", "alternative_names"], "condition"),
        (Post, "title", ["summary"], "article"),
    ]:
        match = Q()
        in_heading = Q()
        rank = Value(0.0)
        for word in words:
            in_others = Q()
            for name in others:
                in_others |= Q(**{f"{name}__icontains": word})
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
        heading_tier = Case(When(in_heading, then=Value(0)), default=Value(1))
        if model is Post:
            # SQLite cannot limit inside a UNION; it answers this OR with two rowid lookups.
            match = Q(pk__in=_newest(in_heading, HEADING_CANDIDATES)) | Q(
                pk__in=_newest(match & ~in_heading, BODY_CANDIDATES, window=True)
            )
        rows = (
            model.objects.published()
            .filter(match)
            .annotate(rank=rank, tier=heading_tier)
            .order_by("tier", title)
            .values(title, "slug", "search_text", "published_at", "rank", "tier", *others)
        )
        url = _url_maker(URL_NAMES[kind])
        per_tier = {0: 0, 1: 0}
        for row in rows:
            if model is Condition:
                per_tier[row["tier"]] += 1
                if per_tier[row["tier"]] > CONDITION_CANDIDATES:
                    continue
            result = Result(
                kind,
                row[title],
                url(row["slug"]),
                SafeString(),
                row["rank"],
                alternative_names=row.get("alternative_names", ""),
                published_at=row["published_at"] if kind == "article" else None,
                tier=row["tier"],
            )
            found.append((result, row["search_text"], row["summary"]))
    found.sort(key=lambda f: (f[0].tier, -f[0].rank, f[0].kind != "condition", f[0].title))
    page = found[offset : offset + PAGE_SIZE + 1]
    for result, text, summary in page:
        result.snippet = _snippet(text, summary, words)
    return [result for result, _, _ in page]


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
