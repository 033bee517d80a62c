"""
Writing checks: what the editor shows beside the text, again before submitting, and in the queue.

One implementation, on the server. The live preview's answer carries the report (the editor's
JavaScript only displays it), the workflow panel shows it above "Submit for review", and the
review queue shows it to the editor. Nothing here stops a page from being submitted; only the
placeholder image description stops it from being published (``blocking``).

- Length: words (citations and Markdown marks left out) and reading time, as the page shows it.
- Readability: Flesch reading ease and a reading age (Flesch-Kincaid grade + 5) from textstat,
  against a plain-English target (reading ease 60 or more, a reading age of 9 to 11 as NHS
  content aims for), and the longest sentences.
- Content: images without a real description, skipped heading levels, empty headings and
  headings with nothing under them, vague or empty link texts, and paragraphs that speak of a
  study, trial, review or percentage without citing anything.
"""

import re
from dataclasses import asdict, dataclass, field

from clinic.lib import markdown

# What the editor puts in for a dropped image until the author describes it. It is refused at
# publishing time (``blocking``).
PLACEHOLDER_ALT = "Describe this image"

WORDS_PER_MINUTE = 200
PLAIN_ENGLISH_EASE = 60  # Flesch reading ease: 60-70 is plain English, higher is easier.
TARGET_READING_AGE = (9, 11)  # NHS content
LONG_SENTENCE_WORDS = 25  # GOV.UK and NHS style guides
LONGEST_SHOWN = 3

VAGUE_LINK_TEXTS = {
    "click here", "click", "here", "read more", "more", "this link", "link", "this page",
    "learn more", "click this link", "go here", "see here",
}  # fmt: skip
GENERIC_ALT_TEXTS = {
    "image", "photo", "picture", "img", "screenshot", "graphic", "figure", "untitled",
    PLACEHOLDER_ALT.lower(),
}  # fmt: skip
_FILE_NAME = re.compile(r"^[\w\-. ]+\.(jpe?g|png|gif|webp|heic|avif|tiff?)$", re.IGNORECASE)
_CLAIM = re.compile(
    r"\b(stud(?:y|ies)|trials?|(?:systematic\s+)?reviews?|meta-?analys[ie]s|research\s+"
    r"(?:shows?|suggests?|found)|evidence\s+(?:shows?|suggests?))\b"
    r"|\d+(?:\.\d+)?\s*(?:%|per\s?cent\b|percent\b)",
    re.IGNORECASE,
)
# Typographic quotes (markdown-it's smartquotes) as escapes: curly single and double quotes.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"\u201d\u2019)]*\s+(?=[\"\u201c\u2018(]?[A-Z0-9])")
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'\u2019\-]*")


@dataclass
class Finding:
    code: str  # image_alt, heading_skip, heading_empty, heading_bare, link_text, link_empty,
    # uncited_claim
    message: str
    line: int | None = None  # 1-based line of the Markdown text, for "show me"
    excerpt: str = ""


@dataclass
class Sentence:
    text: str  # whole, as the page reads it without citations (the editor finds it in the preview)
    words: int
    line: int | None = None


@dataclass
class Report:
    words: int = 0
    minutes: int = 1
    reading_ease: float | None = None
    reading_age: int | None = None
    plain_english: bool | None = None
    longest: list[Sentence] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    # Longer than this is too long: the editor highlights those among `longest` in the preview.
    long_sentence_words: int = LONG_SENTENCE_WORDS

    def as_dict(self) -> dict:
        return asdict(self)

    @property
    def summary(self) -> str:
        """One line for lists: "1,240 words · 6 min · reading ease 58 · 3 things to check"."""
        parts = [f"{self.words:,} words", f"{self.minutes} min read"]
        if self.reading_ease is not None:
            parts.append(f"reading ease {self.reading_ease:.0f}")
        count = len(self.findings)
        parts.append(f"{count} thing{'s' if count != 1 else ''} to check" if count else "no issues")
        return " · ".join(parts)


def reading_minutes(words: int) -> int:
    """Minutes to read, as pages show it (at least one)."""
    return max(1, round(words / WORDS_PER_MINUTE))


def analyse(text: str, *, heading_base: int = 1) -> Report:
    """Check a Markdown text. ``heading_base`` is the level of the heading above the text: 1 for
    an article body (the page title is the h1), 2 for a condition section (under its h2)."""
    tokens = markdown.parse(text)
    report = Report()
    prose: list[tuple[str, int | None]] = []  # (plain text of a paragraph, line)
    previous_level = heading_base
    open_heading: tuple[int, str, int | None] | None = None  # (level, text, line) awaiting content
    for index, token in enumerate(tokens):
        line = token.map[0] + 1 if token.map else None
        if token.type == "heading_open":
            level = int(token.tag[1])
            inline = tokens[index + 1]
            title = _plain(inline.children or []).strip()
            if open_heading and open_heading[1] and level <= open_heading[0]:
                report.findings.append(_bare_heading(open_heading))
            if not title:
                report.findings.append(
                    Finding("heading_empty", "A heading has no text.", line, "#" * level)
                )
            if level > previous_level + 1:
                report.findings.append(
                    Finding(
                        "heading_skip",
                        f"Heading level {level} follows level {previous_level}: use level "
                        f"{previous_level + 1} ({'#' * (previous_level + 1)}) so screen readers "
                        "can follow the outline.",
                        line,
                        title,
                    )
                )
            previous_level = level
            open_heading = (level, title, line)
        elif token.type == "inline" and tokens[index - 1].type != "heading_open":
            open_heading = None
            _check_inline(token, line, report)
            plain = _plain(token.children or [], images=False)
            if plain.strip():
                prose.append((plain, line))
            if (
                tokens[index - 1].type == "paragraph_open"
                and _CLAIM.search(token.content)
                and not _cites(token)
            ):
                report.findings.append(
                    Finding(
                        "uncited_claim",
                        "This paragraph mentions a study, trial, review or percentage "
                        "without a citation: add one with the citation button, [@key].",
                        line,
                        _clip(plain),
                    )
                )
        elif token.type in {"fence", "code_block", "hr", "table_open", "html_block"}:
            open_heading = None
    if open_heading and open_heading[1]:
        report.findings.append(_bare_heading(open_heading))
    _readability(prose, report)
    return report


def blocking(text: str) -> list[str]:
    """Reasons a text cannot be published: an image still described by the placeholder."""
    report_findings = [
        finding
        for finding in analyse(text).findings
        if finding.code == "image_alt" and PLACEHOLDER_ALT.lower() in finding.excerpt.lower()
    ]
    if report_findings:
        return [
            f"{len(report_findings)} image(s) still say “{PLACEHOLDER_ALT}”: describe each "
            "image for patients who cannot see it before publishing."
        ]
    return []


# Helpers ---------------------------------------------------------------------------------------


def _bare_heading(heading) -> Finding:
    level, title, line = heading
    return Finding(
        "heading_bare",
        "A heading has nothing under it: add text, or remove the heading.",
        line,
        title or "#" * level,
    )


def _check_inline(token, line, report: Report) -> None:
    children = token.children or []
    for index, child in enumerate(children):
        if child.type == "image":
            alt = _plain(child.children or []).strip()
            if not alt or alt.lower() in GENERIC_ALT_TEXTS or _FILE_NAME.match(alt):
                report.findings.append(
                    Finding(
                        "image_alt",
                        "An image has no real description. Say what it shows for patients "
                        "who cannot see it (“Needles in the lower back, seen from behind”).",
                        line,
                        alt or str(child.attrGet("src") or ""),
                    )
                )
        elif child.type == "link_open":
            inner = []
            depth = 0
            for other in children[index + 1 :]:
                if other.type == "link_open":
                    depth += 1
                if other.type == "link_close":
                    if depth == 0:
                        break
                    depth -= 1
                inner.append(other)
            has_image = any(other.type == "image" for other in inner)
            words = _plain(inner).strip()
            href = str(child.attrGet("href") or "")
            if href.startswith("#fn") or "footnote" in str(child.attrGet("class") or ""):
                continue
            if not words and not has_image:
                report.findings.append(
                    Finding(
                        "link_empty",
                        "A link has no text: screen readers read out its address instead.",
                        line,
                        href,
                    )
                )
            elif words.lower().strip(" .:!") in VAGUE_LINK_TEXTS:
                report.findings.append(
                    Finding(
                        "link_text",
                        f"Link text “{words}” does not say where it goes: use words that "
                        "name the destination (“NHS advice on back pain”).",
                        line,
                        words,
                    )
                )


def _cites(token) -> bool:
    return any(
        child.type in {"citation", "footnote_ref"} for child in (token.children or [])
    ) or bool(markdown.find_citation_keys(token.content))


def _plain(children, *, images: bool = True) -> str:
    parts = []
    for child in children:
        if child.type in {"text", "code_inline"}:
            parts.append(child.content)
        elif child.type in {"softbreak", "hardbreak"}:
            parts.append(" ")
        elif child.type == "image" and images:
            parts.append(_plain(child.children or []))
    return "".join(parts)


def _clip(text: str, length: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _readability(prose: list[tuple[str, int | None]], report: Report) -> None:
    sentences: list[Sentence] = []
    for text, line in prose:
        for sentence in _SENTENCE_END.split(" ".join(text.split())):
            count = len(_WORD.findall(sentence))
            if count:
                sentences.append(Sentence(sentence, count, line))
    report.words = sum(sentence.words for sentence in sentences)
    report.minutes = reading_minutes(report.words)
    report.longest = sorted(sentences, key=lambda sentence: -sentence.words)[:LONGEST_SHOWN]
    if report.words < 10:
        return  # too little text for a meaningful score
    import textstat  # imported on first use: loading its dictionary takes a moment

    # One sentence per line keeps textstat's sentence count the same as ours.
    joined = "\n".join(
        sentence.text if sentence.text.rstrip()[-1:] in ".!?" else sentence.text + "."
        for sentence in sentences
    )
    ease = textstat.flesch_reading_ease(joined)
    report.reading_ease = round(ease, 1)
    report.reading_age = max(5, round(textstat.flesch_kincaid_grade(joined) + 5))
    report.plain_english = ease >= PLAIN_ENGLISH_EASE
