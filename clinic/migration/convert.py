"""An old post's HTML → clean Markdown, its trailing reference list, and its citation markers.

``convert(html, wordpress=False)`` returns a ``Converted``:

1. The HTML is parsed (BeautifulSoup's html.parser) and anything hostile is dropped and
   named in ``problems``: scripts, styles, frames, objects, forms, event-handler attributes
   and ``javascript:``/``data:`` addresses.
2. Blogger's untidiness is removed: inline styles, classes, ``<span>``/``<font>`` wrappers,
   ``<br>`` runs (two or more become a paragraph break), empty ``<div>``s, runs of
   non-breaking spaces. WordPress block comments (``<!-- wp:… -->``) go, and classic-editor
   text without ``<p>`` gets its paragraphs from blank lines, as WordPress's own ``wpautop``
   does. An image inside a link to a larger copy of itself becomes that image.
3. markdownify (a well-kept converter) writes the Markdown.
4. A reference list at the end (a "References" heading, a numbered list, or trailing lines
   that read as references, such as Blogger's ``<div><span style="font-size: x-small">``
   lines) is cut off into ``references``: the free text of each, for the reference parser.
5. Numbered markers in the text (``[1]``, ``<sup>1</sup>``, a bare number after a sentence as
   in "manipulation.5") are found. ``cite(keys)`` later turns them into ``[@key]`` citations,
   but only when the mapping is certain; otherwise the text keeps them as they were.
"""

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Comment, NavigableString, Tag
from markdownify import MarkdownConverter

from clinic.citations.parse import parse_reference

HOSTILE_TAGS = {
    "script": "a script",
    "style": "a style sheet",
    "iframe": "an embedded frame (iframe)",
    "frame": "a frame",
    "frameset": "a frameset",
    "object": "an embedded object",
    "embed": "an embedded object",
    "applet": "an applet",
    "form": "a form",
    "input": "a form field",
    "button": "a button",
    "textarea": "a form field",
    "select": "a form field",
    "link": "a linked style sheet",
    "meta": "a meta tag",
    "base": "a base tag",
    "svg": "an SVG drawing",
    "math": "a MathML formula",
    "noscript": "a noscript block",
    "template": "a template",
}
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href", "background", "poster")
SAFE_SCHEMES = {"http", "https", "mailto", "tel", ""}
BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "div", "dl", "figure", "footer", "h1", "h2",
    "h3", "h4", "h5", "h6", "header", "hr", "ol", "p", "pre", "section", "table", "ul",
}  # fmt: skip
KEEP_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "ol": {"start"}}
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".gif", ".webp")

REFERENCE_HEADING = re.compile(
    r"^(?:#{1,6}\s*)?(?:\*\*|__)?\s*(?:references?|sources?|bibliography|literature|"
    r"further reading|citations?|notes and references|evidence)\s*:?\s*(?:\*\*|__)?\s*:?$",
    re.IGNORECASE,
)
# "1. ", "1) ", "[1] ", "(1) ", "1 " at the start of a reference line.
NUMBERED = re.compile(r"^\s*(?:\\?\[(\d{1,3})\\?\]|\((\d{1,3})\)|(\d{1,3})\\?[.)]|(\d{1,3})\s)\s*")
BULLET = re.compile(r"^\s*[-*+•]\s+")

# Markers. A placeholder stands in for a superscript number until the mapping is known.
SUP_OPEN, SUP_CLOSE = "\u27e6", "\u27e7"
# A run of <br> becomes this (a private-use character), then a blank line after conversion.
PARAGRAPH_BREAK = "\ue000"
NUMBER_LIST = r"\d{1,3}(?:\s*[,\u2013\u2014-]\s*\d{1,3})*"
SUP_MARKER = re.compile(rf"{SUP_OPEN}({NUMBER_LIST}){SUP_CLOSE}")
BRACKET_MARKER = re.compile(rf"\\?\[({NUMBER_LIST})\\?\](?!\()")
BARE_MARKER = re.compile(rf"(?<=[A-Za-z\)\]])([.,;:])({NUMBER_LIST})(?=\s|$)", re.MULTILINE)


@dataclass
class Converted:
    markdown: str
    references: list[str] = field(default_factory=list)
    # The reference list's own numbers (1, 2, …) when it was numbered, in list order.
    numbered: bool = False
    images: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    # Set by cite(): True when every marker became a [@key] (or there were none to place).
    citations_certain: bool = True
    markers: int = 0


class _Converter(MarkdownConverter):
    def convert_img(self, el, text, parent_tags):
        alt = (el.attrs.get("alt") or "").strip()
        src = el.attrs.get("src") or ""
        return f"![{alt}]({src})" if src else ""


def _markdown(soup) -> str:
    return _Converter(
        heading_style="ATX",
        bullets="-",
        strong_em_symbol="*",
        newline_style="BACKSLASH",
        escape_misc=False,
    ).convert_soup(soup)


def convert(html: str, *, wordpress: bool = False) -> Converted:
    problems: list[str] = []
    html = re.sub(r"<!--.*?-->", "", html or "", flags=re.DOTALL)
    if wordpress and not re.search(r"<p[\s>]", html, re.IGNORECASE):
        html = autop(html)
    soup = BeautifulSoup(html, "html.parser")
    _drop_hostile(soup, problems)
    images = _tidy(soup)
    markdown = _normalise(_markdown(soup))
    body, references, numbered = split_references(markdown)
    return Converted(
        markdown=body,
        references=references,
        numbered=numbered,
        images=images,
        problems=problems,
    )


def autop(text: str) -> str:
    """WordPress's classic editor stores paragraphs as blank lines; make them <p> (wpautop)."""
    blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip())
    out = []
    for block in blocks:
        stripped = block.strip()
        match = re.match(r"<\s*([a-zA-Z0-9]+)", stripped)
        if match and match.group(1).lower() in BLOCK_TAGS:
            out.append(stripped)
        elif stripped:
            out.append("<p>" + stripped.replace("\n", "<br>\n") + "</p>")
    return "\n".join(out)


def _drop_hostile(soup, problems: list[str]) -> None:
    for tag in soup.find_all(HOSTILE_TAGS):
        detail = ""
        source = tag.get("src") or tag.get("data") or ""
        if source:
            host = urlsplit(source).hostname
            detail = f" from {host}" if host else ""
        problems.append(f"Dropped {HOSTILE_TAGS[tag.name]}{detail}.")
        tag.decompose()
    for tag in soup.find_all(True):
        for name in list(tag.attrs):
            lowered = name.lower()
            if lowered.startswith("on"):
                problems.append(f"Dropped an event handler ({lowered}) from <{tag.name}>.")
                del tag.attrs[name]
            elif lowered in URL_ATTRIBUTES:
                value = str(tag.attrs[name])
                scheme = urlsplit(re.sub(r"[\s\x00-\x1f]", "", value)).scheme.lower()
                if scheme not in SAFE_SCHEMES:
                    problems.append(f"Dropped a {scheme}: address from <{tag.name}>.")
                    if tag.name == "a":
                        tag.unwrap()
                        break
                    tag.decompose()
                    break


def _tidy(soup) -> list[str]:
    images = []
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    for tag in soup.find_all(["span", "font", "o:p", "center", "small", "big", "u"]):
        tag.unwrap()
    for tag in soup.find_all("sup"):
        text = tag.get_text().strip().strip("[]()")
        if re.fullmatch(NUMBER_LIST, text):
            tag.replace_with(f"{SUP_OPEN}{text}{SUP_CLOSE}")
        else:
            tag.unwrap()
    for tag in soup.find_all("img"):
        parent = tag.parent
        # Blogger links each image to its full-size copy: keep the larger image, not the link.
        if isinstance(parent, Tag) and parent.name == "a":
            href = parent.get("href", "")
            if (
                urlsplit(href).path.lower().endswith(IMAGE_EXTENSIONS)
                or "googleusercontent" in href
            ):
                tag["src"] = href
            parent.unwrap()
        if tag.get("src"):
            images.append(tag["src"])
    for tag in soup.find_all(True):
        keep = KEEP_ATTRIBUTES.get(tag.name, set())
        tag.attrs = {k: v for k, v in tag.attrs.items() if k in keep}
    _break_runs(soup)
    for tag in reversed(soup.find_all(["div", "p"])):
        if not tag.get_text(strip=True).replace("\xa0", "") and not tag.find("img"):
            tag.decompose()
    return list(dict.fromkeys(images))


def _break_runs(soup) -> None:
    """Two or more <br> in a row (whitespace between) are a paragraph break, not line breaks."""
    for br in soup.find_all("br"):
        if br.parent is None:
            continue
        run = [br]
        node = br.next_sibling
        while node is not None and (
            (isinstance(node, Tag) and node.name == "br")
            or (isinstance(node, NavigableString) and not node.strip())
        ):
            if isinstance(node, Tag):
                run.append(node)
            node = node.next_sibling
        if len(run) > 1:
            for extra in run[1:]:
                extra.decompose()
            run[0].replace_with(NavigableString(PARAGRAPH_BREAK))


def _normalise(markdown: str) -> str:
    text = markdown.replace("\r\n", "\n")
    text = re.sub(rf"\s*{PARAGRAPH_BREAK}\s*", "\n\n", text)
    text = re.sub(r"[\xa0\u202f\u2007]+", " ", text)
    text = re.sub(r"[ \t]+\n", "\n", text)
    text = re.sub(r"\\\n", "\n", text)  # markdownify's hard breaks: keep as plain line breaks
    text = re.sub(r"(?m)(?<!\\)\\$", "", text)  # ...and one at the very end of a block
    text = re.sub(r"(?m)^[ \t]+(?=\S)(?![-*+]|\d+\.)", "", text)
    text = re.sub(r" {2,}", " ", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip() + "\n"


# References at the end ------------------------------------------------------------------------


def parse_line(text: str) -> dict:
    """``parse_reference``, remembered: a reference line is read by the trained model once,
    although finding the list, the preview and the import each need it (a fresh copy each time).
    """
    return json.loads(_parsed(text))


# 10,000 lines (a few MB) hold a large blog's lists; a larger export is only read more slowly.
@lru_cache(maxsize=10_000)
def _parsed(text: str) -> str:
    return json.dumps(parse_reference(text))


def reads_as_reference(line: str) -> bool:
    """True when a line parses as a published source: authors or a group, a year, and a
    journal, publisher or identifier. Body sentences do not."""
    text = NUMBERED.sub("", line, count=1).strip()
    if len(text) < 25 or len(text) > 2000 or text.startswith(("!", "#", ">")):
        return False
    csl = parse_line(text)
    has_id = bool(csl.get("DOI") or csl.get("PMID") or (csl.get("URL") and csl.get("author")))
    has_year = bool((csl.get("issued") or {}).get("date-parts"))
    has_where = bool(csl.get("container-title") or csl.get("publisher"))
    return has_id or (bool(csl.get("author")) and has_year and has_where)


def split_references(markdown: str) -> tuple[str, list[str], bool]:
    """(body, reference texts, numbered?) with the trailing reference list cut off."""
    lines = markdown.rstrip("\n").split("\n")
    # 1. A heading (or a bold line) that says "References": everything after it.
    for index in range(len(lines) - 1, -1, -1):
        if REFERENCE_HEADING.match(lines[index].strip()):
            entries = _entries(lines[index + 1 :])
            if entries:
                body = "\n".join(lines[:index]).rstrip() + "\n"
                return body, *_numbers(entries)
            break
    # 2./3. A trailing run of lines that read as references (a numbered list, or plain lines).
    cut = len(lines)
    index = len(lines) - 1
    found = 0
    while index >= 0:
        line = lines[index].strip()
        if not line:
            index -= 1
            continue
        if reads_as_reference(line):
            found += 1
            cut = index
            index -= 1
            continue
        break
    if found == 0:
        return markdown, [], False
    body = "\n".join(lines[:cut]).rstrip() + "\n"
    return body, *_numbers(_entries(lines[cut:]))


def _entries(lines: list[str]) -> list[str]:
    """One entry per list item, numbered line or paragraph; continuation lines joined."""
    entries: list[str] = []
    starts_new = True
    for raw in lines:
        line = raw.strip()
        if not line:
            starts_new = True
            continue
        if NUMBERED.match(line) or BULLET.match(line) or starts_new or not entries:
            entries.append(BULLET.sub("", line, count=1))
        else:
            entries[-1] += " " + line
        starts_new = False
    return [entry.strip() for entry in entries if len(entry.strip()) > 3]


def _numbers(entries: list[str]) -> tuple[list[str], bool]:
    """Strip "1." / "[1]" from each entry; numbered when they run 1, 2, 3… in order."""
    numbers = []
    texts = []
    for entry in entries:
        match = NUMBERED.match(entry)
        if match:
            numbers.append(int(next(group for group in match.groups() if group)))
            texts.append(entry[match.end() :].strip())
        else:
            numbers.append(None)
            texts.append(entry)
    numbered = bool(numbers) and numbers == list(range(1, len(numbers) + 1))
    return texts, numbered


# Markers → citations ---------------------------------------------------------------------------


def _expand(numbers: str) -> list[int]:
    result = []
    for part in re.split(r"\s*,\s*", numbers.strip()):
        bounds = re.split(r"\s*[\u2013\u2014-]\s*", part)
        if len(bounds) == 2 and bounds[0].isdigit() and bounds[1].isdigit():
            low, high = int(bounds[0]), int(bounds[1])
            if low <= high and high - low < 50:
                result.extend(range(low, high + 1))
                continue
        result.extend(int(b) for b in bounds if b.isdigit())
    return result


def find_markers(markdown: str) -> list[int]:
    numbers = []
    for pattern, group in ((SUP_MARKER, 1), (BRACKET_MARKER, 1)):
        for match in pattern.finditer(markdown):
            numbers.extend(_expand(match.group(group)))
    return numbers


def cite(converted: Converted, keys: list[str]) -> None:
    """Replace numbered markers by ``[@key]`` when the mapping is certain, in place.

    Certain means: the text has markers, every one names a reference in the list (1…N), and
    the list was numbered 1, 2, 3… or the markers use each number exactly as the list holds
    them. Bare numbers after a sentence ("manipulation.5") count only when bracketed or
    superscript markers are absent and every such number is in range. Otherwise the markers
    stay as they were (superscripts as "[n]") and the page is flagged "check citations".
    """
    text = converted.markdown
    count = len(keys)
    explicit = find_markers(text)
    bare = []
    if not explicit and count:
        bare = [n for match in BARE_MARKER.finditer(text) for n in _expand(match.group(2))]
    numbers = explicit or bare
    converted.markers = len(numbers)
    in_range = bool(numbers) and all(1 <= n <= count for n in numbers)
    certain = in_range and (converted.numbered or set(numbers) == set(range(1, count + 1)))
    converted.citations_certain = certain or count == 0

    def citation(numbers_text: str) -> str:
        return "[" + "; ".join(f"@{keys[n - 1]}" for n in _expand(numbers_text)) + "]"

    if certain and explicit:
        text = SUP_MARKER.sub(lambda m: citation(m.group(1)), text)
        text = BRACKET_MARKER.sub(lambda m: citation(m.group(1)), text)
    elif certain and bare:
        text = BARE_MARKER.sub(lambda m: m.group(1) + citation(m.group(2)), text)
    text = SUP_MARKER.sub(lambda m: f"[{m.group(1)}]", text)
    converted.markdown = text
