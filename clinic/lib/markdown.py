"""
Markdown → sanitised HTML, the one function behind every rendering on the site.

Posts, condition pages, bios and the editor's live preview all go through `render()`, so what a
practitioner sees in the preview is what a patient sees on the page. The pipeline:

1. markdown-it-py (CommonMark, linear on hostile input) with raw HTML switched off, tables,
   footnotes, heading anchors, call-out containers and our `[@key]` citations.
2. nh3, an allow-list sanitiser, as a second line of defence: whatever the parser emits, only
   the tags, attributes, classes and URL schemes listed here reach the page.
"""

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.html import escape
from django.utils.text import slugify
from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.footnote import footnote_plugin

from clinic.lib.images import COLUMN_SIZES

# Call-outs an author may use, with the fixed heading patients see. Authors choose the kind; the
# markup and wording are ours, so a call-out cannot be styled or worded away.
CALLOUTS = {
    "note": "Good to know",
    "tip": "Tip",
    "routine": "Non-urgent: see your GP or pharmacist if",
    "soon": "See a doctor soon if",
    "emergency": "Call 999 or go to A&E now if",
}

# Complexity limits (see check_length).
MAX_BRACKETS = 2_000
MAX_EMPHASIS_MARKS = 10_000
MAX_TABLE_BARS = 5_000

CITATION_KEY = r"[A-Za-z0-9][\w:.\-]*"
_CITATION = re.compile(rf"\[(@{CITATION_KEY}(?:\s*;\s*@{CITATION_KEY})*)\]")
_KEY = re.compile(rf"@({CITATION_KEY})")


@dataclass
class Rendered:
    html: str
    # Cited keys in order of first appearance: the Vancouver numbering of the reference list.
    citation_keys: list[str] = field(default_factory=list)
    # Keys that were cited but are not among the references attached to the page.
    unknown_keys: list[str] = field(default_factory=list)
    # How often each key is cited, for the back-links from the reference list.
    citation_counts: dict[str, int] = field(default_factory=dict)


def _citation_rule(state: StateInline, silent: bool) -> bool:
    if state.src[state.pos] != "[" or state.src[state.pos + 1 : state.pos + 2] != "@":
        return False
    match = _CITATION.match(state.src, state.pos)
    if not match:
        return False
    if not silent:
        token = state.push("citation", "", 0)
        token.meta = {"keys": _KEY.findall(match.group(1))}
    state.pos = match.end()
    return True


def _render_citation(self, tokens, idx, options, env):
    links = []
    for key in tokens[idx].meta["keys"]:
        known = env["known_keys"]
        if known is not None and key not in known:
            if key not in env["unknown_keys"]:
                env["unknown_keys"].append(key)
            links.append(f'<span class="citation-missing">@{escape(key)}?</span>')
            continue
        order = env["citation_keys"]
        if key not in order:
            order.append(key)
        number = order.index(key) + 1
        env["occurrences"][key] = env["occurrences"].get(key, 0) + 1
        occurrence = env["occurrences"][key]
        links.append(
            f'<a href="#ref-{number}" id="cite-{number}-{occurrence}" '
            f'aria-label="Reference {number}">{number}</a>'
        )
    return f'<sup class="citation">[{", ".join(links)}]</sup>'


# Images in the text fill the column (clinic.lib.images.COLUMN_SIZES says how wide it is).
IMAGE_SIZES = COLUMN_SIZES


def _srcset(renditions, fmt) -> str:
    chosen = sorted((r for r in renditions if r["format"] == fmt), key=lambda r: r["width"])
    return ", ".join(f"{escape(r['url'])} {r['width']}w" for r in chosen)


def _render_image(self, tokens, idx, options, env):
    """An uploaded image as a <picture> of its renditions; the first image of the text loads at
    once (it is often the largest thing on the screen), the others lazily."""
    token = tokens[idx]
    alt = escape(self.renderInlineAsText(token.children or [], options, env))
    src = str(token.attrGet("src") or "")
    title = token.attrGet("title")
    first = not env.get("images_seen")
    env["images_seen"] = True
    loading = "eager" if first else "lazy"
    title_attr = f' title="{escape(title)}"' if title else ""
    stored = (env.get("images") or {}).get(src)
    renditions = (stored or {}).get("renditions") or []
    fallback = [r for r in renditions if r["format"] != "webp"]
    if not fallback:
        return (
            f'<img src="{escape(src)}" alt="{alt}"{title_attr} loading="{loading}" '
            'decoding="async">'
        )
    widest = max(fallback, key=lambda r: r["width"])
    webp = _srcset(renditions, "webp")
    source = f'<source type="image/webp" srcset="{webp}" sizes="{IMAGE_SIZES}">' if webp else ""
    return (
        f"<picture>{source}"
        f'<img src="{escape(widest["url"])}" srcset="{_srcset(renditions, widest["format"])}" '
        f'sizes="{IMAGE_SIZES}" width="{int(widest["width"])}" height="{int(widest["height"])}" '
        f'alt="{alt}"{title_attr} loading="{loading}" decoding="async"></picture>'
    )


def _render_callout(self, tokens, idx, options, env):
    token = tokens[idx]
    if token.nesting == 1:
        kind = token.info.strip().split(" ", 1)[0]
        title = escape(CALLOUTS[kind])
        return (
            f'<aside class="callout callout-{kind}" aria-label="{title}">'
            f'<p class="callout-title"><strong>{title}</strong></p>\n'
        )
    return "</aside>\n"


def _build_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "typographer": True, "breaks": False})
    md.enable(["table", "strikethrough", "replacements", "smartquotes"])
    md.use(footnote_plugin)
    md.use(anchors_plugin, min_level=2, max_level=3, slug_func=lambda s: slugify(s) or "section")
    for kind in CALLOUTS:
        md.use(container_plugin, name=kind, render=_render_callout)
    md.inline.ruler.before("link", "citation", _citation_rule)
    md.add_render_rule("citation", _render_citation)
    md.add_render_rule("image", _render_image)
    return md


_parser = _build_parser()

ALLOWED_TAGS = {
    "a", "abbr", "aside", "blockquote", "br", "code", "del", "em", "h2", "h3", "h4", "h5",
    "h6", "hr", "img", "li", "ol", "p", "picture", "pre", "section", "source", "span", "strong",
    "sub", "sup",
    "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "id", "title", "aria-label", "rel"},
    "abbr": {"title"},
    "aside": {"aria-label"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "img": {"src", "srcset", "sizes", "alt", "title", "width", "height", "loading", "decoding"},
    "source": {"type", "srcset", "sizes"},
    "li": {"id"},
    "ol": {"start"},
    "sup": {"id"},
}
# Classes are allowed tag by tag (nh3 then refuses a free "class" attribute on these tags).
ALLOWED_CLASSES = {
    "a": {"footnote-ref", "footnote-backref"},
    "aside": {"callout"} | {f"callout-{kind}" for kind in CALLOUTS},
    "hr": {"footnotes-sep"},
    "li": {"footnote-item"},
    "ol": {"footnotes-list"},
    "p": {"callout-title"},
    "section": {"footnotes"},
    "span": {"citation-missing"},
    "sup": {"citation", "footnote-ref"},
}
_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    allowed_classes=ALLOWED_CLASSES,
    url_schemes={"http", "https", "mailto", "tel"},
    link_rel=None,
    strip_comments=True,
)


def _mark_external_links(tokens) -> None:
    """External links get rel="noopener noreferrer"; links within the site stay as they are."""
    for token in tokens:
        if token.children:
            _mark_external_links(token.children)
        if token.type == "link_open":
            href = str(token.attrGet("href") or "")
            if href.startswith(("http://", "https://")) and not href.startswith(settings.SITE_URL):
                token.attrSet("rel", "noopener noreferrer")


def find_citation_keys(text: str) -> set[str]:
    """Every key that `[@key]` citations in the text name, found or not."""
    return {key for group in _CITATION.findall(text) for key in _KEY.findall(group)}


def check_length(text: str) -> None:
    """Refuse text that is too long, or dense enough in link-like markup to be slow to parse.

    markdown-it-py is linear, but each ``[`` costs tens of microseconds (it may open a link,
    image, citation or footnote), each ``*``/``_`` may open emphasis and each ``|`` is a table
    cell: fifty thousand of them take seconds. Real pages use a few hundred at most, so these
    limits only stop input that was made to tie up a worker. The worst input under the limits
    renders in well under a second (``manage.py bench_markdown``).
    """
    limit = settings.MARKDOWN_MAX_LENGTH
    if len(text) > limit:
        raise ValidationError(
            f"This text is {len(text):,} characters long; the limit is {limit:,}. "
            "Split it into more than one page.",
            code="too_long",
        )
    brackets = text.count("[")
    if brackets > MAX_BRACKETS:
        raise ValidationError(
            f"This text has {brackets:,} opening square brackets “[”; the limit is "
            f"{MAX_BRACKETS:,}. Each link, image, citation or footnote uses one; remove the rest "
            "or split the page.",
            code="too_complex",
        )
    emphasis = text.count("*") + text.count("_")
    if emphasis > MAX_EMPHASIS_MARKS:
        raise ValidationError(
            f"This text has {emphasis:,} “*” and “_” characters; the limit is "
            f"{MAX_EMPHASIS_MARKS:,}. Remove the ones that are not bold, italics or list "
            "bullets.",
            code="too_complex",
        )
    bars = text.count("|")
    if bars > MAX_TABLE_BARS:
        raise ValidationError(
            f"This text has {bars:,} “|” characters (table cell borders); the limit is "
            f"{MAX_TABLE_BARS:,}. Split the tables over more than one page.",
            code="too_complex",
        )


class MarkdownValidator(MaxLengthValidator):
    """The validator of every Markdown field: ``check_length``, so forms refuse what render()
    would, with the message beside the field.

    It deconstructs as the MaxLengthValidator it extends: migrations record the length limit,
    and the extra checks are code, not schema.
    """

    def __init__(self):
        super().__init__(settings.MARKDOWN_MAX_LENGTH)

    def __call__(self, value):
        check_length(value or "")

    def deconstruct(self):
        return ("django.core.validators.MaxLengthValidator", (self.limit_value,), {})


# Length and complexity limits of every Markdown field (check_length).
markdown_length = MarkdownValidator()


def render(
    text: str,
    *,
    known_keys: Collection[str] | None = None,
    images: Mapping[str, dict] | None = None,
) -> Rendered:
    """Render Markdown to sanitised HTML, numbering `[@key]` citations by first appearance.

    `known_keys` are the citation keys of the references attached to the page; citations of any
    other key are marked as missing and reported in `unknown_keys`. None accepts every key.
    `images` maps an image URL in the text to its stored renditions
    (`clinic.images.StoredImage.as_dict()`), shown as a <picture>.
    """
    check_length(text)
    env = {
        "known_keys": known_keys,
        "citation_keys": [],
        "unknown_keys": [],
        "occurrences": {},
        "images": images,
    }
    tokens = _parser.parse(text, env)
    _mark_external_links(tokens)
    html = _parser.renderer.render(tokens, _parser.options, env)
    return Rendered(
        html=sanitise(html),
        citation_keys=env["citation_keys"],
        unknown_keys=env["unknown_keys"],
        citation_counts=env["occurrences"],
    )


# The space before a marker goes with it, so "may help [1]." reads "may help." in an excerpt.
_CITATION_HTML = re.compile(r'\s*<sup class="(?:citation|footnote-ref)">.*?</sup>')


def strip_citations(html: str) -> str:
    """Rendered HTML without citation and footnote markers, for excerpts and search text."""
    return _CITATION_HTML.sub("", html)


def sanitise(html: str) -> str:
    return _cleaner.clean(html)


def render_html(text: str) -> str:
    """Markdown without citations (bios, review notes, the about text)."""
    return render(text, known_keys=()).html


def parse(text: str) -> list:
    """The Markdown's block tokens (markdown-it), for checks that read the structure."""
    check_length(text)
    return _parser.parse(text, {"known_keys": None})
