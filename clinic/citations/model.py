# The tidying rules read a Cyrillic page mark ("с. 12", OUCI lists) on purpose.
# ruff: noqa: RUF001, RUF003
"""Parse free-text references with the trained labeller: ``parse_reference(text) -> list[dict]``.

    >>> parse_reference("Qiao Wen et al Front Neurosci. 2021; 15: 730322.")
    [{"type": "article-journal", "author": [{"family": "Wen", "given": "Qiao"}],
      "container-title": "Frontiers in Neuroscience", "container-title-short": "Front Neurosci",
      "issued": {"date-parts": [[2021]]}, "volume": "15", "number": "730322",
      "custom": {"et_al": True},
      "_confidence": {"author": 0.98, "container-title": 0.99, "issued": 0.99, ...}}]

The result is a list because one pasted string can hold several references run together;
each item is CSL-JSON plus ``_confidence``: for every field the parser filled, the lowest
marginal probability the CRF gave to the tokens it read that field from and to the tokens
just before and after them (0..1). A value below ``DOUBTFUL`` (0.7, chosen on the dev set)
means the model was unsure; show that field for checking.

The model decides which words are authors, title, journal, date, volume, pages and so on;
rules then only tidy what it found: names split into family and given, dates read, "858-66"
expanded, volume and issue separated, identifiers (DOI, PMID, PMCID) taken from their
unambiguous shapes, the full journal title looked up from its abbreviation. Pure function,
never raises; the model file is opened once per process.
"""

import itertools
import re

from clinic.citations import crf
from clinic.citations.parse import (
    _ET_AL_WORDS,
    _SUFFIX_WORDS,
    MAX_REFERENCE_CHARS,
    _expand_pages,
    _extract_identifiers,
    _is_elocator,
    _looks_inverted,
    _looks_like_group,
    _parse_date,
    _read_names,
    _strip_title,
)

# Fields whose confidence is below this are worth a second look. Chosen on the dev set
# (`score_parser --dev --doubt`): about 2/3 of the rows with a mistake are left unticked,
# about 1 in 8 of the right ones (docs/references.md).
DOUBTFUL = 0.7
BOUNDARIES = True

_MARKER_RE = re.compile(r"^\s*(?:\[\d{1,4}\]|\(\d{1,4}\)|\d{1,4}[.)](?!\d))\s*")

_KEY_ORDER = (
    "type",
    "author",
    "editor",
    "title",
    "container-title",
    "container-title-short",
    "issued",
    "volume",
    "issue",
    "page",
    "number",
    "edition",
    "publisher",
    "publisher-place",
    "DOI",
    "PMID",
    "PMCID",
    "URL",
    "accessed",
    "custom",
    "_confidence",
)


def parse_reference(text: str) -> list[dict]:
    """Parse pasted reference text into CSL-JSON items with per-field ``_confidence``."""
    if not isinstance(text, str):
        return []
    items = []
    try:
        pieces = [
            piece
            for chunk in split_at_gaps(text[:MAX_REFERENCE_CHARS])
            for piece in split_run_together(chunk)
        ]
    except Exception:  # a parser for pasted text must never take a page down
        pieces = []
    for piece, tagged in pieces:
        try:
            item = _parse_one(piece, tagged)
        except Exception:
            item = {"type": "article-journal", "title": piece, "_confidence": {"title": 0.0}}
        if item:
            items.append(item)
    return items


_LOCATOR_LABELS = frozenset({"date", "volume", "pages", "id", "url", "note"})
# Three or more spaces, or a tab, inside one line: what is left of a table cell or line break.
_GAP_RE = re.compile(r"[ \u00a0\u2000-\u200a\u202f]{3,}|\t+")
_SENTENCE_END_RE = re.compile(r"[.?!]\s+(?=[A-Z\"'(])")


def split_at_gaps(text: str) -> list[str]:
    """Cut at wide gaps, and give each piece back the title that the gap left behind.

    "J Pain Relief 2015, 4: 195. Title one. Title two   Journal two Volume 2012 (2012)": the
    piece after the gap has a journal and a date but no title, and the piece before ends with
    one sentence more than it needs, so that sentence moves across.
    """
    chunks = [crf.normalise(c) for c in _GAP_RE.split(text.replace("\r", " ").replace("\n", " "))]
    chunks = [c for c in chunks if c]
    if len(chunks) < 2:
        return chunks
    out = [chunks[0]]
    for chunk in chunks[1:]:
        labels = {seg[0] for seg in _segments(crf.tag(chunk))}
        if not labels & {"journal", "date", "volume", "title", "author"} or not re.search(
            r"\d", chunk
        ):
            out[-1] += " " + chunk  # not a reference of its own: a wrapped line
            continue
        if "title" not in labels and "author" not in labels:
            previous = out[-1]
            titles = [seg for seg in _segments(crf.tag(previous)) if seg[0] == "title"]
            if titles:
                _, start, end, _ = titles[-1]
                ends = list(_SENTENCE_END_RE.finditer(previous, start, end))
                if ends:
                    cut = ends[-1].end()
                    out[-1] = previous[:cut].strip()
                    chunk = previous[cut:].strip() + " " + chunk
        out.append(chunk)
    return out


def split_run_together(text: str, limit: int = 20) -> list[tuple[str, list]]:
    """Label the text and cut it where a second reference starts: [(text, tagged tokens)].

    Two journal names with a date, volume or pages between them mean two references. The
    second one starts at the first author or title after the first one's locator; when the
    first reference was journal first ("Journal. 2015;4:195. Title.") its title comes after
    the locator, and the next reference starts at the next author, or at the next sentence
    of a title that runs into the second journal.
    """
    out = []
    while text and len(out) < limit:
        text = _MARKER_RE.sub("", text, count=1).strip()
        tagged = crf.tag(text)
        cut = _split_point(text, _segments(tagged))
        if cut is None or cut < 10 or len(text) - cut < 10:
            out.append((text, tagged))
            break
        head = text[:cut].strip()
        out.append((head, crf.tag(head)))
        text = text[cut:]
    return out


def _split_point(text: str, segs: list) -> int | None:
    journals = [i for i, seg in enumerate(segs) if seg[0] == "journal"]
    if len(journals) < 2:
        return None
    j1, j2 = journals[0], journals[1]
    # Each reference needs its own date: one between the journals, one after the second.
    if not any(seg[0] == "date" for seg in segs[j1 + 1 : j2]) or not any(
        seg[0] == "date" for seg in segs[j2 + 1 :]
    ):
        return None
    k = j1 + 1
    while k < j2 and segs[k][0] in _LOCATOR_LABELS:
        k += 1
    seg = segs[k]
    # After an author-first or title-first reference, what follows its locator is the next one;
    # only a journal-first reference ("Journal. 2015;4:195. Title.") has its title there.
    if seg[0] != "title" or any(s[0] in ("title", "author") for s in segs[:j1]):
        return seg[1]
    for following in segs[k + 1 : j2]:
        if following[0] in ("author", "marker", "title"):
            return following[1]
    # The first sentence with words is the first reference's title; the next one starts anew.
    piece = text[seg[1] : seg[2]]
    for boundary in re.finditer(r"[.?!]\s+(?=[A-Z\"'(])", piece):
        if len(re.findall(r"[^\W\d_]{2,}", piece[: boundary.start()])) >= 3:
            return seg[1] + boundary.end()
    return None


# --- one reference -------------------------------------------------------------------------


def _segments(tagged, boundaries: bool = False):
    """Merge runs of tokens with the same label: [(label, start, end, lowest probability)].

    With ``boundaries``, a segment's probability is also no higher than that of the tokens
    just before and after it: a neighbour the model was unsure of may belong to the segment,
    so the segment's extent is in doubt.
    """
    out = []
    spans = []  # first and last token index of each segment
    for index, (_tok, start, end, label, prob) in enumerate(tagged):
        if out and out[-1][0] == label:
            lab, s, _e, p = out[-1]
            out[-1] = (lab, s, end, min(p, prob))
            spans[-1][1] = index
        else:
            out.append((label, start, end, prob))
            spans.append([index, index])
    if boundaries:
        for k, (first, last) in enumerate(spans):
            lab, s, e, p = out[k]
            neighbours = [tagged[i][4] for i in (first - 1, last + 1) if 0 <= i < len(tagged)]
            out[k] = (lab, s, e, min([p, *neighbours]))
    return out


def _journal_word_opening_title(text: str, segments: list) -> list:
    """ "... et al. Pain | management with acupuncture ... BMC Complement Altern Med.": a title's
    first word read as a journal, with the reference's journal later, opens the title."""
    labels = [segment[0] for segment in segments]
    for i in range(len(segments) - 1):
        label, start, end, p = segments[i]
        after = segments[i + 1]
        if (
            label == "journal"
            and after[0] == "title"
            and "journal" in labels[i + 2 :]
            and len(text[start:end].split()) <= 2
            and re.search(r"\w$", text[start:end])
            and not text[end : after[1]].strip()
        ):
            merged = ("title", start, after[2], min(p, after[3]))
            return [*segments[:i], merged, *segments[i + 2 :]]
    return segments


def _year_closing_title(text: str, segments: list) -> list:
    """ "Cancer statistics, | 2023. | CA Cancer J Clin. 2023 Jan;73(1):17-48.": a year after
    the title's comma, read as a date before the journal, ends the title when the reference
    has its own date later."""
    for i in range(1, len(segments) - 1):
        label, start, end, p = segments[i]
        before, after = segments[i - 1], segments[i + 1]
        if (
            label == "date"
            and before[0] == "title"
            and after[0] in ("journal", "container")
            and text[before[1] : before[2]].rstrip().endswith(",")
            and re.fullmatch(
                r"\s*(?:1[6-9]|20)\d\d(?:\s?-\s?(?:1[6-9]|20)\d\d)?[.,]?\s*", text[start:end]
            )
            and any(segment[0] == "date" for segment in segments[i + 2 :])
        ):
            merged = ("title", before[1], end, min(p, before[3]))
            return [*segments[: i - 1], merged, *segments[i + 1 :]]
    return segments


def _year_opening_title(text: str, segments: list) -> list:
    """ "Fifer H, ..., FitzGerald M. | 2018 UK | national guideline for ...": a year that opens
    the title, read as a date with the words after it, is the title's when nothing ends the
    date before the title and the reference has its own date later."""
    for i in range(1, len(segments) - 1):
        label, start, end, p = segments[i]
        before, after = segments[i - 1], segments[i + 1]
        if (
            label == "date"
            and before[0] == "author"
            and after[0] == "title"
            and re.fullmatch(r"\s*(?:1[6-9]|20)\d\d(?:\s+[A-Z][\w-]*)*", text[start:end])
            and not text[end : after[1]].strip()
            and any(segment[0] == "date" for segment in segments[i + 2 :])
        ):
            merged = ("title", start, after[2], min(p, after[3]))
            return [*segments[:i], merged, *segments[i + 2 :]]
    return segments


def _note_as_title(text: str, segments: list) -> list:
    """ "Scottish Intercollegiate Guidelines Network. | SIGN 50: a guideline developer's
    handbook. | Edinburgh: SIGN; 2019.": with no title, journal or container, a sentence read as
    a note straight after the authors is the title."""
    if any(seg[0] in ("title", "journal", "container") for seg in segments):
        return segments
    for i in range(1, len(segments)):
        label, start, end, p = segments[i]
        if (
            label == "note"
            and segments[i - 1][0] == "author"
            and len(text[start:end].split()) >= 3
            and re.match(r"\s*[A-Z0-9]", text[start:end])
            and not re.match(
                r"\s*(?:available|accessed|cited|retrieved|published|updated|doi|pmid|epub)\b",
                text[start:end],
                re.I,
            )
        ):
            return [*segments[:i], ("title", start, end, p), *segments[i + 1 :]]
    return segments


def _publication_number_in_title(text: str, segments: list) -> list:
    """ "... exposure (revised criteria 1998). DHHS (NIOSH) Publication No. | 98-126. |
    Cincinnati, OH: NIOSH": a report's series and number read as the title's end and pages."""
    for i in range(len(segments) - 1):
        label, start, end, p = segments[i]
        found = re.search(
            r"(?<=[.?!])\s+[^.]{0,40}\b(?:Publication|Pub|Report)\.?\s+No\.?\s*$",
            text[start:end],
            re.I,
        )
        if label == "title" and found and segments[i + 1][0] == "pages":
            cut = start + found.start()
            following = segments[i + 1]
            return [
                *segments[:i],
                ("title", start, cut, p),
                ("note", cut, following[2], min(p, following[3])),
                *segments[i + 2 :],
            ]
    return segments


def _place_and_publisher_in_title(text: str, segments: list) -> list:
    """ "Демихов ВП. | Пересадка ... в эксперименте. Москва: Медгиз; | 1960.": a book's place and
    publisher read with its title, when nothing else was read as either or as a journal."""
    if any(seg[0] in ("journal", "container", "location", "publisher") for seg in segments):
        return segments
    for i in range(len(segments) - 1):
        label, start, end, p = segments[i]
        if label != "title" or segments[i + 1][0] != "date":
            continue
        found = re.fullmatch(
            r"(.+[.?!])\s+([^\W\d][^.:;]{1,60}):\s*([^:;]{2,80}?)\s*[;,]\s*", text[start:end]
        )
        if found:
            return [
                *segments[:i],
                ("title", start, start + found.end(1), p),
                ("location", start + found.start(2), start + found.end(2) + 1, p),
                ("publisher", start + found.start(3), end, p),
                *segments[i + 1 :],
            ]
    return segments


def _bracket_inside_title(text: str, segments: list) -> list:
    """ "... coronavirus disease 2019 (COVID-19) from ...": an opening bracket between two
    parts of the title, which the model read as the start of a date, belongs to the title."""
    out: list = []
    for segment in segments:
        if (
            len(out) >= 2
            and segment[0] == "title"
            and out[-2][0] == "title"
            and re.fullmatch(r"\s*[(\[]\s*", text[out[-1][1] : out[-1][2]])
        ):
            bracket = out.pop()
            title = out.pop()
            segment = ("title", title[1], segment[2], min(title[3], bracket[3], segment[3]))
        out.append(segment)
    return out


def _parse_one(text: str, tagged: list) -> dict:
    if not text:
        return {}
    segments = _chapter_numbers(
        text, [seg for seg in _segments(tagged, BOUNDARIES) if seg[0] != "marker"]
    )
    segments = _bracket_inside_title(text, _journal_word_opening_title(text, segments))
    segments = _year_opening_title(text, _year_closing_title(text, segments))
    segments = _place_and_publisher_in_title(text, _note_as_title(text, segments))
    segments = _publication_number_in_title(text, segments)
    by_label: dict[str, list[tuple[str, float]]] = {}
    for label, start, end, prob in segments:
        by_label.setdefault(label, []).append((text[start:end], prob))
    conference = _proceedings(text, segments, by_label)

    item: dict = {}
    confidence: dict[str, float] = {}

    def first(label):
        found = by_label.get(label)
        return found[0] if found else (None, None)

    # Identifiers: unambiguous shapes, read from the whole reference.
    _extract_identifiers(text, item)
    for key in ("DOI", "PMID", "PMCID", "URL"):
        if key in item:
            confidence[key] = 1.0
    if "URL" in item and "doi.org/" in item["URL"].lower():
        item.pop("URL")
        confidence.pop("URL", None)

    _journal_read_as_author(segments, text, by_label)
    _journal_read_into_title(by_label)
    author_text, p = first("author")
    if author_text and by_label.get("title"):
        author_text = _author_title_boundary(author_text, p, by_label)
    elif author_text:
        # "Cherkin DC. Trial. Arch Intern Med.": a short title read with Vancouver names.
        # Not "Mark D. | Neuman et al N Engl J Med. 2021 ...": names, then "et al".
        names = _TITLE_AFTER_VANCOUVER.match(author_text)
        if (
            names
            and not re.search(r"\b[A-Z]{1,3}$", names.group(2))
            and not _ET_AL_TAIL.search(names.group(2))
        ):
            author_text = names.group(1)
            by_label["title"] = [(names.group(2), min(p, DOUBTFUL - 0.01))]
        # "National Health and Medical Research Council. Australian Dietary Guidelines.
        # Canberra: ..." and "NIH Consensus Conference. Acupuncture. JAMA ...": a body's name,
        # then the title read with it.
        cut = re.search(r"(?<=[a-z®)])\.\s+(?=[A-Z0-9])", author_text)
        if (
            not by_label.get("title")
            and cut
            and _looks_like_group(author_text[: cut.start()])
            and not _REGISTER_RE.search(text)  # an AWMF guideline: _register_number's
        ):
            rest = author_text[cut.end() :].strip(" .")
            if rest and not _looks_like_group(rest) and len(rest.split()) <= 20:
                by_label["title"] = [(rest, min(p, DOUBTFUL - 0.01))]
                author_text = author_text[: cut.start() + 1]
    if author_text:
        # "Furlan AD. ACUPUNCTURE AND DRY NEEDLING ...": a title in capitals looks like initials
        # to the model; a capitalised word of four letters or more after the names is not one.
        shout = re.search(r"\.\s+(?=[A-Z]{4,}\b)", author_text)
        if shout and by_label.get("title"):
            moved = author_text[shout.end() :]
            author_text = author_text[: shout.start() + 1]
            title_text, title_p = by_label["title"][0]
            by_label["title"][0] = (_joined(moved, title_text), min(p, title_p))
        journal_after = re.fullmatch(r"(.+?\bet al\.?)\s+([A-Z][^.]*?)\.?\s*", author_text)
        if (
            journal_after
            and not by_label.get("journal")
            and not by_label.get("container")
            and crf.journal_key(journal_after.group(2)) in crf.journals().names
        ):
            # The blog form "Fiona Godlee et al BMJ. 2011 Jan 5; 342: c7452." read as names.
            author_text = journal_after.group(1)
            by_label["journal"] = [(journal_after.group(2), min(p, DOUBTFUL - 0.01))]
        authors, et_al = read_authors(author_text)
        if authors:
            item["author"] = authors
            confidence["author"] = p
        if et_al:
            item.setdefault("custom", {})["et_al"] = True
    editor_text, p = first("editor")
    if editor_text:
        editors, _ = read_authors(
            re.sub(r"\(?\b(?:eds?|editors?)\b\.?\)?", " ", editor_text, flags=re.I)
        )
        if editors:
            item["editor"] = editors
            confidence["editor"] = p

    title_text, p = first("title")
    if title_text and not by_label.get("volume") and not by_label.get("pages"):
        # "J Pain Relief 2015, 4: 195. Title": a locator the model read as the title's start.
        locator = re.match(
            r"[\s,;.]*(\d{1,5}(?:\s?\([\w ]{1,12}\))?)\s?:"
            r"\s?([A-Za-z]{0,3}\d+(?:-[A-Za-z]{0,3}\d+)?)[.,;]?\s+(?=\S)",
            title_text,
        )
        if locator:
            by_label["volume"] = [(locator.group(1), min(p, DOUBTFUL + 0.01))]
            by_label["pages"] = [(locator.group(2), min(p, DOUBTFUL + 0.01))]
            title_text = title_text[locator.end() :]
    if title_text:
        # "Title. In: Editors, editors. Book" / "Title (NIH Publication No. 18-2059)".
        chapter = re.search(r"[.,]\s+In\b:?(?:\s|$)", title_text)
        if chapter:
            title_text = title_text[: chapter.start()]
        numbered = re.search(r"\(([^()]*\bNo\.?\s*([\w-]{1,12}))\)\s*\.?$", title_text)
        if numbered:
            title_text = title_text[: numbered.start()]
            by_label.setdefault("note", []).append((numbered.group(1), p))
        title_text = re.sub(r",\s*(?:\d+(?:st|nd|rd|th)\s+)?edn\.?\s*\d*\b.*$", "", title_text)
        guideline = _GUIDELINE_RE.search(title_text)
        if guideline:
            title_text = title_text[: guideline.start()]
            item.setdefault("number", guideline.group(1) or guideline.group(2))
            confidence.setdefault("number", p)
        title = _clean_title(title_text)
        if title:
            item["title"] = title
            confidence["title"] = p

    container_text, p2 = first("container")
    if (
        container_text
        and "title" not in item
        and not any(by_label.get(k) for k in ("journal", "editor", "publisher", "location"))
    ):
        # Nature's "Ferguson, N. M., ... & Anderson, R. M. | The foot-and-mouth epidemic in
        # Great Britain: ... interventions. Science | 292, 1155-1160 (2001).": the title and a
        # known journal read together as a container.
        title, journal = _split_title_journal(container_text.strip(" ,;"))
        if title and _known_journal(journal):
            item["title"] = _clean_title(title)
            confidence["title"] = min(p2, DOUBTFUL - 0.01)
            by_label["journal"] = [(journal, min(p2, DOUBTFUL - 0.01))]
            by_label.pop("container")
            container_text = None
    journal_text, p = first("journal")
    gbt = _GBT_CODE_RE.search(journal_text or "")
    if gbt and gbt.start() > 0 and "title" not in item:
        # "针灸学研究进展[J]. 中国针灸": GB/T 7714's "[J]" closes the title.
        item["title"] = _clean_title(journal_text[: gbt.start()])
        confidence["title"] = min(p, DOUBTFUL - 0.01)
        journal_text = journal_text[gbt.end() :]
    gbt_note = " ".join(value for value, _ in by_label.get("note", []))
    gbt = re.match(r"\s*([^.。]{2,60})[.。]\s*(.{2,300}?)" + _GBT_CODE_RE.pattern, gbt_note)
    if gbt and "title" not in item and "author" not in item and crf.has_cjk(gbt.group(2)):
        # "中华医学会风湿病学分会. 2018中国类风湿关节炎诊疗指南[J]." all read as a note.
        authors, et_al = read_authors(gbt.group(1))
        if authors:
            item["author"] = authors
            confidence["author"] = DOUBTFUL - 0.01
        item["title"] = _clean_title(gbt.group(2))
        confidence["title"] = DOUBTFUL - 0.01
    if journal_text and "title" not in item:
        # "Akupunktur und Kniegelenkarthrose. Dtsch Arztebl.": a title read as the journal.
        title, journal = _split_title_journal(journal_text)
        if title:
            item["title"], journal_text = _clean_title(title), journal
            confidence["title"] = min(p, DOUBTFUL - 0.01)
    title_text_raw = by_label.get("title", [("", 0.0)])[0][0].rstrip()
    if journal_text and item.get("title") and title_text_raw.endswith(":"):
        # "Our future: | A Lancet commission on adolescent health and wellbeing. The Lancet,":
        # a title cut at its colon; its subtitle runs up to a known journal.
        head, journal = _split_title_journal(journal_text.strip(" ,;"))
        if head and _known_journal(journal):
            item["title"] = _clean_title(f"{title_text_raw} {head}")
            journal_text = journal
    abbreviated = re.fullmatch(r"(.+[.?!])\s+([A-Z][a-z]{1,5})\.?", item.get("title", ""))
    if (
        journal_text
        and abbreviated
        and title_text_raw.endswith(".")
        and re.match(r"[A-Z][a-z]{0,8}\.\s", journal_text.strip())
    ):
        # Nature's "... disease emergence. Phil. | Trans. R. Soc. Lond. B": an abbreviated
        # journal's first word read with the title.
        item["title"] = _clean_title(abbreviated.group(1))
        journal_text = f"{abbreviated.group(2)}. {journal_text.strip()}"
    cut_title = re.search(r"\s(?:of|the|and|in|for|with|to|on|from|by)$", item.get("title", ""))
    if journal_text and cut_title:
        # "... the anticipation and experience of | pain. Science": a title that ends on "of"
        # was cut; the words before the journal's sentence are the title's.
        head, sep, rest = journal_text.rpartition(". ")
        if sep and head and crf.journal_key(rest.strip(" .")) in crf.journals().names:
            item["title"] = _clean_title(f"{item['title']} {head}")
            journal_text = rest
    quoted = re.search(r"[.?!,]\"\s+(?=\S)", item.get("title", ""))
    if quoted and item["title"].lstrip('"').count('"') == 1:
        # MLA: '"The measurement of ... data." Biometrics' read as the title: a closing quote
        # ends the title, and what follows it is (the start of) the journal.
        rest = item["title"][quoted.end() :]
        journal_text = f"{rest} {journal_text}" if journal_text else rest
        item["title"] = _clean_title(item["title"][: quoted.start() + 1])
        p = min(confidence.get("title", 1.0), DOUBTFUL - 0.01)
    tail = re.fullmatch(r"(.+[.?!][\"”’']?)\s+(\S+(?: \S+)?)", item.get("title", ""))
    if (
        journal_text
        and tail
        and crf.journal_key(journal_text.strip(" .,")) not in crf.journals().names
        and crf.journal_key(f"{tail.group(2)} {journal_text}".strip(" .,")) in crf.journals().names
    ):
        # "... placebo. Anesthesia & | Analgesia": the journal's first words read with the title.
        item["title"] = _clean_title(tail.group(1))
        journal_text = f"{tail.group(2)} {journal_text}"
    tail = re.fullmatch(r"(.+[.?!])\s+([A-ZÀ-Þ][^.?!]{0,60})", item.get("title", ""))
    if journal_text and tail and len(tail.group(2).split()) <= 5:
        # "Die Aetiologie der Tuberculose. Berl | Klin Wochenschr 1882": a title's last sentence
        # that runs into the journal with no stop between them is the journal's first words.
        ran_into = any(
            a[0] == "title"
            and b[0] == "journal"
            and not text[a[2] : b[1]].strip()
            and re.search(r"\w$", text[a[1] : a[2]])
            for a, b in itertools.pairwise(segments)
        )
        if ran_into:
            item["title"] = _clean_title(tail.group(1))
            journal_text = f"{tail.group(2)} {journal_text}"
    ran_on = re.fullmatch(r"(.+[.?!][\"”’']?)\s+([A-Z][\w'’-]*)", item.get("title", ""))
    if journal_text and ran_on and re.match(r"(?:in|of|and|for|on|&)\s+\w", journal_text):
        # Google Scholar's APA "... of statistics. Advances | in health sciences education":
        # the journal's first word read with the title (no journal opens on "in").
        item["title"] = _clean_title(ran_on.group(1))
        journal_text = f"{ran_on.group(2)} {journal_text}"
    if journal_text and item.get("title", "").count("(") > item.get("title", "").count(")"):
        # "... Diseases (ICD-11). Pain": the title's closing bracket read with the journal.
        closing = re.match(r"([^()]{1,40}\))\s*\.?\s+(?=\S)", journal_text)
        if closing:
            item["title"] = _clean_title(item["title"] + closing.group(1))
            journal_text = journal_text[closing.end() :]
    if journal_text:
        # MLA from Google Scholar: "Rheumatology 43.5 (2004)", the volume run into the journal.
        mla = re.search(r"\s+(\d{1,4}\.\d{1,5})$", journal_text)
        if mla and not by_label.get("volume"):
            journal_text = journal_text[: mla.start()]
            by_label["volume"] = [(mla.group(1), min(p, DOUBTFUL + 0.01))]
        # "... Alternative Medicine Volume 2012 (2012)": the word belongs to the volume.
        tail = re.search(r"[\s,]+(?:vol(?:ume)?\.?)\s*$", journal_text, re.I)
        if tail:
            journal_text = journal_text[: tail.start()]
            after = _after(segments, text, "journal")
            number = re.match(r"\s*(\d{1,5})\b", after or "")
            if number and not by_label.get("volume"):
                by_label["volume"] = [(number.group(1), p)]
        _set_journal(item, journal_text)
        confidence["container-title"] = p
    elif container_text:
        container = re.sub(r"^\s*in\s*:?\s+", "", container_text, flags=re.I)
        # "Filshie J, White A, editors. Medical Acupuncture. Edinburgh: Churchill Livingstone"
        editors = re.match(r"(.{1,300}?),?\s+\(?(?:eds?|editors?)\.?\)?[.,]?\s+", container)
        if editors:
            if "editor" not in item:
                found, _ = read_authors(editors.group(1))
                if found:
                    item["editor"] = found
                    confidence["editor"] = p2
            container = container[editors.end() :]
        container = re.sub(r"\.\s+[A-Z][\w .()]{1,40}:\s*[^.:]{2,80}\.?$", "", container)
        container = _clean_title(container)
        if (
            container_text.strip()[:1].islower()
            and not editors
            and "title" in item
            and not by_label.get("pages")
            and (by_label.get("publisher") or by_label.get("location"))
        ):
            # "Guidelines for preventive activities | in general practice. 10th ed. East
            # Melbourne": a report's title cut at a lower-case word is not a book it is in.
            item["title"] = _clean_title(f"{item['title']} {_clean_title(container_text)}")
            container = ""
        if container:
            item["container-title"] = container
            confidence["container-title"] = p2

    if by_label.get("location") and not by_label.get("publisher"):
        # "Atlanta (GA): | CDC; 2023 [cited ...]": the publisher and year read as a second title.
        for value, p in by_label.get("title", [])[1:]:
            found = re.match(r"\s*([^;:.()\[\]]{1,80}?)\s*;\s*((?:1[6-9]|20)\d\d)\b", value)
            if found:
                by_label["publisher"] = [(found.group(1), p)]
                by_label.setdefault("date", []).append((found.group(2), p))
                break
    for date_text, p in by_label.get("date", []):
        # Nature: "Proc. Natl Acad. Sci. USA 104, 11056-11061 (2007)", the pages read as date.
        pages = re.match(r"[\s,;:]*([A-Za-z]{0,3}\d+(?:-[A-Za-z]{0,3}\d+)?)\s*\(", date_text)
        if pages and not by_label.get("pages") and by_label.get("volume"):
            by_label["pages"] = [(pages.group(1), p)]
        date = _parse_date(date_text)
        if date:
            item["issued"] = {"date-parts": [date]}
            confidence["issued"] = p
            break
    if "issued" not in item:
        # A year the model put into the journal or the volume ("Chin. Med. 2012, 7, 4").
        for label in ("volume", "journal", "pages", "publisher", "note"):
            for value, p in by_label.get(label, []):
                # "SIGN; 2017. (SIGN publication no. 116)" but not "[cited 2024 Jan 10]".
                value = _CITED_RE.sub(" ", value)
                year = re.search(r"(?<![\d-])(1[6-9]\d\d|20\d\d)(?![\d-])", value)
                if year:
                    item["issued"] = {"date-parts": [[int(year.group(1))]]}
                    confidence["issued"] = min(p, DOUBTFUL - 0.01)
                    break
            if "issued" in item:
                break

    pages_text, p = first("pages")
    harvard = re.fullmatch(r"\s*(\d{1,4}),\s*(pp?\.\s?\S.*)", pages_text or "")
    if harvard and not by_label.get("volume"):
        # Google Scholar's Harvard "Bmj, 342, p.d549": the volume read with the page.
        by_label["volume"] = [(harvard.group(1), min(p, DOUBTFUL + 0.01))]
        by_label["pages"] = [(harvard.group(2), p)]
    pages = by_label.get("pages", [])
    volumes = by_label.get("volume", [])
    closing = re.fullmatch(r"\s*(\w{1,6})\s*\)[\s.]*", pages[0][0]) if pages else None
    if closing and len(pages) == 1 and volumes and volumes[-1][0].rstrip().endswith("("):
        # Google Scholar without pages, "The Lancet, 337(8754).": the issue read as a page.
        volumes[-1] = (f"{volumes[-1][0].rstrip()}{closing.group(1)})", volumes[-1][1])
        by_label.pop("pages")
        pages = []
    if (
        len(pages) > 1
        and not by_label.get("volume")
        and re.fullmatch(r"\s*\d{1,4}\.\d{1,5}\s*", pages[0][0])
    ):
        # MLA "The lancet 386.10005 (2015): 1739-1746": volume.issue read as a first page.
        by_label["volume"] = [(pages[0][0], min(pages[0][1], DOUBTFUL + 0.01))]
        by_label["pages"] = pages[1:]
    volumes = by_label.get("volume", [])
    if (
        len(pages) > 1
        and len(volumes) == 1
        and re.fullmatch(r"\s*\d{1,4}\.\s*", volumes[0][0])
        and re.fullmatch(r"\s*\d{1,5}\s*", pages[0][0])
    ):
        # ... and "The Lancet 386. | 10006 (2015): 1861-1914": the issue alone read as a page.
        by_label["volume"] = [(volumes[0][0].strip() + pages[0][0].strip(), pages[0][1])]
        by_label["pages"] = pages[1:]
    pages, volumes = by_label.get("pages", []), by_label.get("volume", [])
    supplement = pages and re.match(
        r"\s*((?:\d{1,4}\s*)?Suppl\b[^:()]{0,10}\)?)\s*:\s*(\S.*)", pages[0][0]
    )
    if not supplement and volumes and re.search(r"\bSuppl\.?\s*$", volumes[-1][0]):
        # "2007;45 Suppl | S:S5-67."
        supplement = pages and re.match(r"\s*([A-Z0-9]{1,3}\)?)\s*:\s*(\S.*)", pages[0][0])
    if supplement and len(volumes) == 1:
        # "132( | 18 Suppl 2):S543-60." and "2007;45 | Suppl S:S5-67.": the supplement read
        # with the pages is the issue.
        by_label["volume"] = [(f"{volumes[0][0].rstrip()} {supplement.group(1)}", volumes[0][1])]
        by_label["volume"][0] = (by_label["volume"][0][0].replace("( ", "("), volumes[0][1])
        by_label["pages"] = [(supplement.group(2), pages[0][1]), *pages[1:]]
    volume_text, p = first("volume")
    if len(by_label.get("volume", [])) > 1:  # "vol. 5," ... "no. 12,"
        volume_text = ", ".join(v for v, _ in by_label["volume"])
        p = min(q for _, q in by_label["volume"])
    if volume_text:
        volume, issue, pages = read_volume(volume_text)
        if volume:
            item["volume"] = volume
            confidence["volume"] = p
        if issue:
            item["issue"] = issue
            confidence["issue"] = p
        if pages and not by_label.get("pages"):
            by_label["pages"] = [(pages, p)]
    pages_text, p = first("pages")
    numbered = re.fullmatch(r"\s*no\.?\s*([\w-]{1,10}),\s*(pp?\.?\s*\S.*)", pages_text or "")
    if numbered and "issue" not in item:
        # IEEE's "no. 1-2, pp. 147-157" read all as pages.
        item["issue"] = numbered.group(1)
        confidence["issue"] = p
        pages_text = numbered.group(2)
    if pages_text:
        key, value = read_pages(pages_text, has_issue="issue" in item)
        if (
            key == "number"
            and re.fullmatch(r"\d{1,4}", value or "")
            and len(by_label.get("pages", [])) == 1
            and item.get("volume")
            and item.get("container-title")
            and not _ARTICLE_NUMBERS_RE.search(
                f"{item['container-title']} {item.get('container-title-short', '')}"
            )
            and not re.search(
                rf"\bArt(?:icle)?\.?\s*(?:no\.?|number|ID)\s*:?\s*{value}\b", text, re.I
            )
        ):
            # "Nature 428, 486 (2004)", "Lancet 1998;352:364": one short page of a journal
            # that prints pages (BMC, Frontiers, Trials, PLOS ... number their articles).
            key = "page"
        elif key == "page" and (
            (
                re.fullmatch(r"[A-Za-z]{0,4}\d{1,9}", value or "")
                and re.search(
                    rf"\bArt(?:icle)?\.?\s*(?:no\.?|number|ID)\s*:?\s*{re.escape(value)}\b",
                    text,
                    re.I,
                )
            )  # (also Science's "Art. no. eaau8650")
            or (
                re.fullmatch(r"\d{1,6}", value or "")
                and _ARTICLE_NUMBERS_RE.search(
                    f"{item.get('container-title', '')} {item.get('container-title-short', '')}"
                )
            )
        ):
            # IEEE's "no. 1, Art. no. 1" (the model read the number with the pages), and one
            # number after an issue in a journal that numbers its articles ("Molecules.
            # 2016;21(5):559", "J Int Soc Sports Nutr. 2017; 14: 20").
            key = "number"
        if value:
            item[key] = value
            confidence[key] = p

    same_year = re.search(r"(?<!\d)((?:1[89]|20)\d\d)\s?;\s?\1\s?:", text)
    if same_year and "volume" not in item:
        # Hindawi's "Evid Based Complement Alternat Med. 2013; 2013: 581203": the volume is the
        # year, and the model read both as the date.
        item["volume"] = same_year.group(1)
        confidence["volume"] = DOUBTFUL + 0.01
    written = _WRITTEN_LOCATOR_RE.search(text)
    if written and item.get("container-title"):
        # ScienceDirect's "The Lancet, Volume 352, Issue 9125, 1 August 1998, Pages 364-365":
        # the locator written out in words (the model may read the day as the page).
        for key, value in (
            ("volume", written.group("volume")),
            ("issue", written.group("issue")),
            ("page", read_pages(written.group("pages"), has_issue=True)[1]),
        ):
            if value:
                item[key] = value
                confidence[key] = min(confidence.get(key, 1.0), DOUBTFUL + 0.01)
        item.pop("number", None)

    edition, _ = first("edition")
    if edition and "title" in item and by_label.get("journal") and not by_label.get("publisher"):
        # "The International Classification of Headache Disorders, 3rd edition. Cephalalgia."
        item["title"] = f"{item['title']}, {edition.strip(' .,;:')}"
        by_label.pop("edition")
    for label, key in (
        ("publisher", "publisher"),
        ("location", "publisher-place"),
        ("edition", "edition"),
    ):
        value, p = first(label)
        if value and value.strip(" .,;:()"):
            value = value.strip(" .,;:")
            # "Washington (DC)" keeps its brackets; "(Report)" and "[Internet]" lose them.
            if value[:1] in "([" and value[-1:] in ")]":
                value = value[1:-1]
            if re.search(r"\S \([^()]{1,15}$", value):
                # "Belgian Health Care Knowledge Centre (KCE|); 2012.": the closing bracket
                # read with the date.
                value += ")"
            value = value.lstrip("([") if value.count("(") > value.count(")") else value
            value = value.rstrip(")]") if value.count(")") > value.count("(") else value
            item[key] = value.strip(" .,;:")
            confidence[key] = p
    note = " ".join(value for value, _ in by_label.get("note", []))
    if note and "number" not in item:
        number = _report_number(note)
        if number:
            item["number"] = number
            confidence["number"] = min(p for _, p in by_label["note"])
    if "URL" not in item:
        url_text, p = first("url")
        if url_text and re.match(r"(?:https?://|www\.)", url_text.strip()):
            item["URL"] = url_text.strip().rstrip(".,;")
            confidence["URL"] = p

    # Cochrane reviews have issues, not volumes: "Cochrane Database Syst Rev, 12, CD010912";
    # but Vancouver's "2016;12:CD011286" is written, and labelled, as a volume.
    if (
        "cochrane" in item.get("container-title", "").lower()
        and item.get("volume")
        and "issue" not in item
        and str(item.get("number", "")).upper().startswith("CD")
        and not re.search(rf";\s*{re.escape(item['volume'])}\s*:\s*CD", text, re.I)
    ):
        item["issue"] = item.pop("volume")
        confidence["issue"] = confidence.pop("volume", 1.0)
    _group_author_in_title(item, confidence, by_label)
    _gbt_journal_article(text, item, confidence)
    registered = _register_number(text, item, confidence)
    _group_cut_at_joining_word(item)
    item["type"] = _guess_type(item, by_label, note, text)
    if not re.search(r"\w", item.get("container-title", "x")):
        item.pop("container-title")  # a stray bracket read as the journal
    proceedings = re.match(r"(?:in:?\s+)(Proc\b.*)", item.get("container-title", ""), re.I)
    if proceedings or re.match(
        r"Proc\b.*\b(?:Conf|Symp|Workshop)", item.get("container-title", "")
    ):
        # IEEE's "in Proc. AAAI Conf. Artif. Intell.": a paper in a conference's proceedings.
        if proceedings:
            item["container-title"] = proceedings.group(1)
        if re.search(r"\b(?:Conf|Symp|Workshop|Conference|Symposium)\b", item["container-title"]):
            item["type"] = "paper-conference"
    if conference and item.get("container-title", "").startswith("Proc"):
        item["type"] = "paper-conference"
    if registered and "container-title" not in item:
        item["type"] = "report"
    if "title" not in item and "container-title" not in item and "author" not in item:
        # Nothing recognisable: keep the text, flagged, rather than lose it.
        item["title"] = _clean_title(text)
        confidence["title"] = 0.0
    item["_confidence"] = {
        k: round(float(v), 3) for k, v in confidence.items() if k in item or k == "issued"
    }
    return {key: item[key] for key in _KEY_ORDER if key in item}


_GUIDELINE_RE = re.compile(
    r"[.,]\s*(?:NICE\s+guideline|Clinical\s+guideline|Guideline|Quality\s+standard"
    r"|Technology\s+appraisal\s+guidance|Public\s+health\s+guideline)\s*"
    r"\[?([A-Z]{0,3}\d{1,4})\]?\.?$"
    # A NICE code alone: "Safeguarding adults in care homes. NG189".
    r"|[.,]\s*\[?((?:NG|CG|QS|PH|TA)\d{1,4})\]?\.?$",
    re.I,
)


def _proceedings(text: str, segments: list, by_label: dict) -> bool:
    """IEEE's "..., in Proc. 22nd ACM SIGKDD Int. Conf. ..., 2016": a conference paper.

    The proceedings' name is the container-title whether the model read it as a journal, a
    container or both ("in Proc. 22nd ACM SIGKDD | Int. Conf. Knowl. Discov. Data Mining,"); a
    location read from inside it ("in Proc. IEEE Int. Conf. Syst., | Man, Cybern. (SMC), Banff,
    AB, Canada,") gives back the part up to the bracketed acronym, and a place read with the
    name after the acronym is the location.
    """
    for index, (label, start, end, p) in enumerate(segments):
        if label not in ("journal", "container"):
            continue
        match = re.match(r"\s*in:?\s+(Proc\b.*?)[\s,;]*$", text[start:end])
        if not match:
            return False
        name = match.group(1)
        following = segments[index + 1] if index + 1 < len(segments) else None
        if (
            following
            and following[0] in ("journal", "container")
            and not re.search(r"[,;]\s*$", text[start:end])  # a comma ended the name
            and not text[end : following[1]].strip()
        ):
            name = f"{name} {text[following[1] : following[2]].strip(' ,;')}"
            by_label.pop(following[0], None)
        place = re.fullmatch(r"(.*\([A-Z][\w-]*\)),\s*([A-Z][^()]{2,60})", name)
        if place and not by_label.get("location"):
            # "in Proc. IEEE Int. Conf. Syst., Man, Cybern. (SMC), Banff, AB, Canada,": the
            # place after the conference's acronym read with its name.
            name = place.group(1)
            by_label["location"] = [(place.group(2), p)]
        location = by_label.get("location")
        inside = location and re.match(r"\s*(.*?\([A-Z][\w-]*\))\s*,\s*(.+)$", location[0][0])
        if inside and not re.search(r"\([A-Z][\w-]*\)", name):
            name = f"{name}, {inside.group(1)}"
            by_label["location"][0] = (inside.group(2), location[0][1])
        by_label.pop("container", None)
        by_label["journal"] = [(name, p)]  # (as a journal, its abbreviations keep their stops)
        return True
    return False


def _group_author_in_title(item: dict, confidence: dict, by_label: dict) -> None:
    """ "American Academy of X. Title. Rosemont (IL): AAOS; 2021." read as one long title."""
    title = item.get("title")
    if not title:
        return
    if "author" not in item:
        first, sep, rest = title.partition(". ")
        if sep and rest and _looks_like_group(first):
            item["author"] = [{"literal": first.strip()}]
            confidence["author"] = min(confidence.get("title", 1.0), DOUBTFUL - 0.01)
            title = rest
    # "... guideline. Rosemont" followed by "(IL): AAOS": the place ran into the title.
    if "location" in by_label or "publisher" in by_label:
        head, sep, tail = title.rpartition(". ")
        if sep and len(tail.split()) <= 2 and tail[:1].isupper():
            title = head
    item["title"] = _clean_title(title)


# A Chinese journal's reference list (GB/T 7714): "王雪苔, 刘炜宏. 针灸学研究进展[J]. 中国针灸,
# 2001, 21(1): 1-4." A fixed shape, read whole when the model's fields disagree with it.
_GBT_ARTICLE_RE = re.compile(
    r"^\s*(?P<authors>[^.。\[\]]{1,200}?)[.。]\s*(?P<title>[^\[\]]{2,300}?)\s*\[J\]\s*[.。]\s*"
    r"(?P<journal>[^,，\d]{2,60}?)\s*[,，]\s*(?P<year>(?:1[89]|20)\d\d)\s*[,，]\s*"
    r"(?P<volume>\d{1,4})?\s*(?:\((?P<issue>[^)]{1,10})\))?\s*[:：]\s*"
    r"(?P<pages>[A-Za-z]?\d+(?:\s?[-–]\s?[A-Za-z]?\d+)?)\s*[.。]?\s*$"
)


def _gbt_journal_article(text: str, item: dict, confidence: dict) -> None:
    found = _GBT_ARTICLE_RE.match(text)
    if not found or not crf.has_cjk(found.group("title")):
        return
    authors, et_al = read_authors(found.group("authors"))
    fields = {
        "author": authors,
        "title": _clean_title(found.group("title")),
        "issued": {"date-parts": [[int(found.group("year"))]]},
        "volume": found.group("volume"),
        "issue": found.group("issue"),
        "page": _expand_pages(re.sub(r"\s", "", found.group("pages")).replace("–", "-")),
    }
    for key, value in fields.items():
        if value and item.get(key) != value:
            item[key] = value
            confidence[key] = min(confidence.get(key, 1.0), DOUBTFUL + 0.01)
    if et_al:
        item.setdefault("custom", {})["et_al"] = True
    journal = found.group("journal").strip()
    if item.get("container-title") != journal and item.get("container-title-short") != journal:
        item.pop("container-title-short", None)
        _set_journal(item, journal)
        confidence["container-title"] = DOUBTFUL + 0.01


def _group_cut_at_joining_word(item: dict) -> None:
    """ "Deutsche Gesellschaft für | Psychosomatische Medizin (DGPM). S3-Leitlinie ...": a group
    author cut at a connecting word gets the capitalised first sentence of the title back."""
    authors = item.get("author") or []
    title = item.get("title") or ""
    if len(authors) != 1 or "literal" not in authors[0] or not title:
        return
    group = authors[0]["literal"]
    head, sep, rest = title.partition(". ")
    words = head.split()
    # Cut at a connecting word, or before the rest of a name that its acronym closes ("...
    # Psychosomatische | Medizin und Ärztliche Psychotherapie (DGPM). S3-Leitlinie").
    cut = re.search(r"\b(?:for|of|and|the|für|der|des|und|de|du)$", group) or re.search(
        r"\([A-Z][A-Za-z]{1,9}\)$", head
    )
    if not (cut and _looks_like_group(group)):
        return
    if (
        sep
        and rest
        and len(words) <= 8
        and all(w[:1].isupper() or w[:2][-1:].isupper() or w in _GROUP_JOINING for w in words)
    ):
        authors[0]["literal"] = f"{group} {head}"
        item["title"] = rest


# A German guideline's number in the AWMF register: "AWMF-Register Nr. 020-006",
# "AWMF-Register-Nr.: nvl-007", "AWMF-Registernummer: 032/055OL", "AWMF-Reg.-Nr. 033-004".
_REGISTER_RE = re.compile(
    r"\bAWMF[- ]?Reg(?:ister)?\.?(?:[- ]?(?:Nr|No)\.?|nummer|number)?\s*:?\s*"
    r"((?:[a-z]{2,4}-)?\d{3}(?:\s?[-/]\s?\d{3})?[A-Za-z]{0,3})",  # (NVL's "nvl-001c")
    re.I,
)
_REGISTER_WORDS_RE = re.compile(
    r"[.,]?\s*\bAWMF[- ]?Reg(?:ister)?\.?(?:[- ]?(?:Nr|No)\.?|nummer|number)?\s*:?\s*$", re.I
)


def _register_number(text: str, item: dict, confidence: dict) -> bool:
    """The register number is the guideline's number, not its pages, issue or journal."""
    found = _REGISTER_RE.search(text)
    if not found:
        return False
    number = re.sub(r"\s", "", found.group(1))
    digits = set(re.findall(r"\d+", number))
    for key in ("page", "volume", "issue", "number"):
        value = str(item.get(key, ""))
        if value and set(re.findall(r"\d+", value)) <= digits:
            item.pop(key)
            confidence.pop(key, None)
    item["number"] = number
    confidence["number"] = 1.0
    # "S3-Leitlinie Nackenschmerzen. AWMF-Register-Nr." : the register's words read with the
    # title (or with a group author that took the title too).
    if item.get("title"):
        item["title"] = re.sub(r"[.,]?\s*AWMF-Reg\w*(?:[- ]?Nr)?\.?$", "", item["title"])
    authors = item.get("author") or []
    if "title" not in item and len(authors) == 1 and "literal" in authors[0]:
        group = re.sub(r"[.,]?\s*AWMF-Reg\w*(?:[- ]?Nr)?\.?$", "", authors[0]["literal"])
        cut = re.search(r"(?<=[a-z)])\.\s+(?=[A-Z0-9])", group)
        if cut:
            authors[0]["literal"] = group[: cut.start()]
            item["title"] = group[cut.end() :].strip(" .")
            confidence["title"] = DOUBTFUL - 0.01
    container = item.get("container-title", "")
    if container and re.search(r"\bAWMF|\bRegister", container, re.I):
        rest = _REGISTER_WORDS_RE.sub("", container).strip(" .,;:")
        item.pop("container-title")
        item.pop("container-title-short", None)
        confidence.pop("container-title", None)
        # "Therapie der Migräne. S1-Leitlinie. AWMF-Register": the guideline's class, read
        # with the register, belongs to the title.
        if rest and item.get("title"):
            item["title"] = f"{item['title']}. {rest}"
        elif rest:
            item["title"] = rest
            confidence["title"] = DOUBTFUL - 0.01
    return True


# "Coste, B. et al. Piezo1 and ...", "Treede, R.-D. & Zubieta, J.-K. Human brain ...": the
# title's first words read with the names. What follows "et al.", or the initials of the last
# inverted name after "&", opens the title.
_TITLE_AFTER_NAMES = re.compile(
    r"(?:\bet al\.|&\s*[^,&]+,\s*(?:[A-Z]\.\s?(?:-\s?[A-Z]\.\s?)?){1,3})"
    r"\s+(?=[A-Z0-9][\w'-]+(?:\s[^,]*)?$)"
)


_TITLE_AFTER_VANCOUVER = re.compile(
    r"(.*\b[A-Z][\w'-]+ [A-Z]{1,3}(?:,? et al)?\.)\s+([A-Z][^.]*?)\.?\s*$"
)


_GROUP_JOINING = frozenset(
    (
        *("and", "of", "for", "the", "on", "in", "&", "für", "der", "des", "und", "de", "la"),
        *("du", "to"),
        # Spanish, Portuguese, Italian, French, German and Dutch ("Grupo de trabajo de la | Guía
        # de Práctica Clínica sobre la Atención al Parto Normal")
        *("sobre", "al", "el", "los", "las", "del", "y", "e", "da", "do", "dos", "das", "di"),
        *("della", "per", "et", "les", "pour", "en", "zur", "zum", "van", "voor", "het"),
    )
)


_GROUP_SENTENCE_END = re.compile(r"(?<=[a-z][a-z®)])\.\s+(?=[A-Z0-9])")


def _joined(head: str, rest: str) -> str:
    """Two pieces of a title, with no space after an opening bracket ("STOPP (| Screening")."""
    head = head.rstrip()
    return f"{head}{'' if head.endswith(('(', '[')) else ' '}{rest.lstrip()}"


def _author_title_boundary(author_text: str, p: float, by_label: dict) -> str:
    """Move the title's first words, or a group closing a name list, out of the author text."""
    title_text, title_p = by_label["title"][0]
    # "Chen X, Zhou J, | Sun Q. [Meta-analysis ...]": the list's last name read with the title.
    # (and "..., Mackie IJ, | McDonald S, Smith PD. Frequency ...": several)
    last = re.match(
        r"((?:[A-Z][\w'-]+ [A-Z]{1,3}, )*[A-Z][\w'-]+ [A-Z]{1,3})\.\s+(?=\S)", title_text
    )
    if last and author_text.rstrip().endswith(","):
        by_label["title"][0] = (title_text[last.end() :], min(p, title_p))
        return f"{author_text.rstrip()} {last.group(1)}"
    # "...; PROBIT Study Group ( | Promotion of Breastfeeding Intervention Trial). Promotion ...":
    # a bracket the group's name opened closes in the title's first words.
    closing = re.match(r"([^().]{1,120}\))\.?\s+(?=\S)", title_text)
    if closing and author_text.rstrip().endswith("("):
        by_label["title"][0] = (title_text[closing.end() :], min(p, title_p))
        return f"{author_text.rstrip()}{closing.group(1)}"
    # Nature's "Rehfuess, E., Mehta, S. & Prüss-Üstün, | A. Assessing household ...": the last
    # person's initials read with the title.
    initials = re.match(r"((?:[A-ZÀ-Þ]\.\s?(?:-\s?[A-ZÀ-Þ]\.\s?)?){1,3})\s+(?=\S)", title_text)
    if (
        initials
        and re.search(r"(?:,|&|\band)\s*[A-ZÀ-Þ][^\s,&]+,$", author_text.rstrip())
        and re.search(r", [A-ZÀ-Þ]\.", author_text)
    ):
        by_label["title"][0] = (title_text[initials.end() :], min(p, title_p))
        return f"{author_text.rstrip()} {initials.group(1).strip()}"
    # "Auvert B, ..., Puren A. Randomized, | controlled intervention trial ..." and "Villemin JA.
    # Cause | et nature de la tuberculose": the title's first word read with Vancouver names.
    first_word = re.fullmatch(
        r"(.*\b[A-Z][\w'-]+ [A-Z]{1,3}\.)\s+([A-Z][a-z][\w'-]*,?)\s*", author_text
    )
    if first_word and first_word.group(2).rstrip(",") not in _SUFFIX_WORDS:
        by_label["title"][0] = (_joined(first_word.group(2), title_text), min(p, title_p))
        return first_word.group(1)
    # "National Collaborating Centre for | Chronic Conditions. Osteoarthritis ..." and "...
    # Pain Research, Care, | and Education. Relieving Pain ...": a group's name cut at a
    # connecting word; its capitalised rest, up to the first full stop, is the group's too.
    group_end = re.search(
        r"\b(?:for|of|and|the|on|in|to|für|der|des|und|de|la|du|et|y|del)$|&$",
        author_text.rstrip(" ,"),
    )
    group_rest = re.match(r"(?:(?:and|of|for|the|on|in|&)\s+)+(?=[A-Z])", title_text)
    head, sep, rest = title_text.partition(". ")
    whole = f"{author_text.rstrip()} {head}"  # ("Grupo de trabajo de la" alone has few capitals)
    if (group_end and (_looks_like_group(author_text) or _looks_like_group(whole))) or (
        group_rest and author_text.rstrip().endswith(",") and _looks_like_group(author_text)
    ):
        words = head.split()
        if (
            sep
            and rest
            and len(words) <= 12  # "Ad Hoc Committee of | the Harvard Medical School to ..."
            and all(w[:1].isupper() or w[:2][-1:].isupper() or w in _GROUP_JOINING for w in words)
        ):
            by_label["title"][0] = (rest, min(p, title_p))
            return f"{author_text.rstrip()} {head}"
    # "... Update Expert Panel. American Geriatrics Society 2019 Updated AGS Beers Criteria" and
    # "...; Board of Directors of the American Headache Society. The American Headache Society
    # Consensus Statement": a title that opens with a body's name read with the group.
    core = author_text.rstrip(" .")
    semi = core.rfind(";")
    cut = _GROUP_SENTENCE_END.search(core, semi + 1)
    if cut and _looks_like_group(core[semi + 1 : cut.start()]):
        moved = core[cut.end() :]
        if 1 <= len(moved.split()) <= 8:
            by_label["title"][0] = (_joined(moved, title_text), min(p, title_p))
            return core[: cut.start() + 1]
    boundary = _TITLE_AFTER_NAMES.search(author_text)
    if boundary:
        moved = author_text[boundary.end() :]
        by_label["title"][0] = (_joined(moved, title_text), min(p, title_p))
        return author_text[: boundary.end()]
    # "Foster NE, ..., Maher CG; Lancet Low Back Pain Series Working Group. Prevention ..."
    group, sep, rest = title_text.partition(". ")
    if author_text.rstrip().endswith(";") and sep and rest and _looks_like_group(group):
        by_label["title"][0] = (rest, min(p, title_p))
        return f"{author_text.rstrip()} {group}"
    return author_text


_CITED_RE = re.compile(
    r"\[(?:updated|cited|accessed)[^\]]*\]|\b(?:cited|accessed|retrieved)\b[^.;)\]]*", re.I
)


def _chapter_numbers(text: str, segments: list) -> list:
    """The title's first word read as a date between the authors and the title: a chapter
    number ("Committee. 9. Pharmacologic Approaches ..."), words with no digit ("Agency.
    Guideline on ..."), or a year when the reference has its own date later ("Working Group.
    2010 Rheumatoid arthritis classification criteria ... 2010;62(9):2569-81.")."""
    out = list(segments)
    for k in range(len(out) - 2, 0, -1):
        label, start, end, p = out[k]
        following = out[k + 1]
        if label != "date" or following[0] != "title" or out[k - 1][0] != "author":
            continue
        piece = text[start:end]
        later_date = any(seg[0] == "date" for seg in out[k + 2 :])
        if (
            re.fullmatch(r"\s*\d{1,2}\.\s*", piece)
            or not re.search(r"\d", piece)
            or (later_date and re.fullmatch(r"\s*(?:1[6-9]|20)\d\d\s*", piece))
        ):
            out[k : k + 2] = [("title", start, following[2], min(p, following[3]))]
    return out


def _journal_read_as_author(segments: list, text: str, by_label: dict) -> None:
    """ "Pain. 2011 Mar; 152(3 Suppl): S2-S15.": a known journal first, read as the author."""
    if by_label.get("journal") or by_label.get("container") or len(segments) < 2:
        return
    label, start, end, p = segments[0]
    name = text[start:end].strip(" .,;:")
    if (
        label in ("author", "note")  # "Lancet. 2012 Jul 7; ..." (the blog form) read as a note
        and segments[1][0] == "date"
        and "," not in name
        and crf.journal_key(name) in crf.journals().names
    ):
        by_label["journal"] = [(name, min(p, DOUBTFUL - 0.01))]
        by_label[label].pop(0)
        if not by_label[label]:
            by_label.pop(label)


def _journal_read_into_title(by_label: dict) -> None:
    """ "Title (ICD-11). Pain. 2019;160(1):19-27.": a known journal read as the title's end."""
    if by_label.get("journal") or by_label.get("container") or not by_label.get("title"):
        return
    if not (by_label.get("volume") or by_label.get("pages")):
        return
    title, p = by_label["title"][0]
    ends = list(re.finditer(r"[.?!]\s+(?=[A-Z])", title))
    end = ends[-1] if ends else None
    journal = re.sub(
        r"\s*\[(?:internet|online)\]\s*\.?$", "", title[end.end() :] if end else "", flags=re.I
    )
    if end and crf.journal_key(journal) in crf.journals().names:
        by_label["title"][0] = (title[: end.start() + 1], p)
        by_label["journal"] = [(title[end.end() :], min(p, DOUBTFUL - 0.01))]


def _known_journal(name: str) -> bool:
    """A journal of the list, also with "The" before it ("The Lancet")."""
    name = re.sub(r"^the\s+", "", name.strip(" .,;"), flags=re.I)
    return crf.journal_key(name) in crf.journals().names


def _split_title_journal(text: str) -> tuple[str | None, str]:
    """Split "Title. Journal" read as one journal; the journal is a known name if possible."""
    ends = list(re.finditer(r"[.?!]\s+(?=[A-Z])", text))
    if not ends:
        return None, text
    names = crf.journals().names
    for end in ends:
        if crf.journal_key(text[end.end() :]) in names:
            return text[: end.start() + 1], text[end.end() :]
    end = ends[-1]
    return text[: end.start() + 1], text[end.end() :]


def _after(segments, text: str, label: str) -> str | None:
    """The text of the segment that follows the first one with ``label``."""
    for index, seg in enumerate(segments[:-1]):
        if seg[0] == label:
            following = segments[index + 1]
            return text[following[1] : following[2]]
    return None


# --- tidying what the model found ------------------------------------------------------------

_ET_AL_TAIL = re.compile(rf"[\s,;]*(?:{_ET_AL_WORDS}|\.\.\.|…)[\s.,;:]*$", re.I)
_GIVEN_FIRST = re.compile(
    r"^(?P<given>(?:(?:[A-Z][a-z]+|[A-Z]\.|[A-Z])(?:\s+|-|(?<=\.))){1,4})"
    r"(?P<family>(?:[a-z]{1,3}\s){0,2}[A-Z][\w'-]+(?:\s[A-Z][\w'-]+)?)$"
)


_MLA_FIRST_AUTHOR = re.compile(
    r"([A-Z][\w'-]+(?: [A-Z][a-z][\w'-]*)?), ([A-Z][a-z]+(?:[ -][A-Z][a-z]*\.?)*)\.?"
)


_MLA_ONE = re.compile(
    r"([A-Z][\w'-]+(?: [A-Z][a-z][\w'-]*)?), "
    r"((?:[A-Z][a-z]+|[A-Z]\.(?:-[A-Z]\.)?|[A-Z]-[A-Z]\.?)"
    r"(?:[ -](?:[A-Z][a-z]*\.?|[A-Z]{2,3}))*)\.?"
)


def read_authors(text: str) -> tuple[list[dict], bool]:
    """Names from an author segment: Vancouver, APA/Harvard, IEEE, "First Last et al", groups."""
    # IEEE's opening quote of the title read with the names, and a WordPress bullet ("• ").
    text = text.strip(' ,;:"').lstrip("•*·▪ ")
    # APA 7 and Google Scholar: "Singer, J. P., ... & Lembo, A. J." (middle names left out).
    elided = re.compile(r",?\s*(?:\.\.\.|\. \. \.|…)\s*&?\s*(?=[A-Z])")  # APA 7's ". . ."
    middle = bool(elided.search(text))
    text = elided.sub(", ", text)
    et_al = middle or bool(_ET_AL_TAIL.search(text))
    body = _ET_AL_TAIL.sub("", text).strip(" ,;:")
    # (Russian dotted initials, "Оганов Р.Г.", keep their last full stop as "Smith, J." does.)
    if body.endswith(".") and not re.search(r"\b[A-Z]\.$|[А-Я]\.\s?[А-Я]\.$", body):
        body = body[:-1]
    body = re.sub(r"\s*\(\s*(?:eds?|editors?)\.?\s*\)\s*$", "", body, flags=re.I)
    body = _NO_AUTHORS_RE.sub("", body).strip(" ,;:")
    if not body:
        return [], et_al
    if crf.has_cjk(body) and not re.search(r"[A-Za-z]", body):
        # "王雪苔, 刘炜宏, 等": names in Chinese characters, one per comma; "等" is "et al.". A
        # person's name (two to four characters) is kept whole as the family name, as CSL
        # keeps names it cannot split; a longer one is a body ("中华医学会风湿病学分会").
        # "等" and the Japanese "他" / "ほか" are "et al."
        tail = r"(?:[,，、]?\s*等|[,，、]\s*(?:他|ほか))\s*\.?\s*$"
        more = bool(re.search(tail, body))
        body = re.sub(tail, "", body)
        # "日本緩和医療学会 編", "日本糖尿病学会 編・著", "中华医学会 主编": "edited by", not
        # part of the name.
        body = re.sub(r"\s*(?:編[・·]?著|編集?|编|主编|主編|監修|编著)\s*\.?$", "", body)
        names = [n.strip(" .。") for n in re.split(r"[,，、;；]", body) if n.strip(" .。")]
        return [{"family": n} if len(n) <= 4 else {"literal": n} for n in names], et_al or more
    if (
        body.endswith(".")
        and re.search(r"(?:^|[,;]\s*)[A-Z][\w'-]+(?: [\w'-]+)* [A-Z]{1,3}\.$", body)
        and not re.search(r"\b[A-Z]\.\s?[A-Z]\.|, [A-Z]\.", body)
    ):
        # Vancouver's last name before the title: "Smith BH, Wallace M." is "M", not "M.".
        body = body[:-1]
    # "Vickers AJ, ..., Linde K, on behalf of the Acupuncture Trialists' Collaboration" and
    # "...; for the PRISMA Group": the persons, then the group they wrote for.
    # ("for" after a separator or before "the": "...; Methylpyrazole for Toxic Alcohols Study
    # Group" is one group's name.)
    behalf = re.search(
        r"(?:[,;]?\s+on behalf of\s+(?:the\s+)?|[,;]\s*for\s+(?:the\s+)?|\s+for\s+the\s+)"
        r"(.{3,150})$",
        body,
        re.I,
    )
    if behalf and _looks_like_group(behalf.group(1)) and body[: behalf.start()].strip(" ,;"):
        persons, more = read_authors(body[: behalf.start()])
        if persons and all("family" in person for person in persons):
            return [*persons, {"literal": behalf.group(1).strip(" .;")}], et_al or more
    # "US Preventive Services Task Force; Davidson KW, Barry MJ, ...": the group first; also
    # after a comma ("RECOVERY Collaborative Group, Horby P, Lim WS, et al.").
    for separator in (";", ","):
        head, sep, tail = body.partition(separator)
        if sep and "," not in head and _looks_like_group(head) and tail.strip():
            persons, more = read_authors(tail)
            initials = separator == ";" or all(
                re.fullmatch(r"[A-Z][A-Z.\s-]{0,8}", person.get("given", "")) for person in persons
            )  # after a comma only persons with initials: not "WHO Centre, Geneva, Switzerland"
            if persons and initials and all("family" in person for person in persons):
                return [{"literal": head.strip(" .")}, *persons], et_al or more
    if "," not in body and ";" not in body and (_looks_like_group(body) or " " not in body):
        return [{"literal": body.strip(" .")}], et_al
    parts = [part.strip() for part in re.split(r"[,;]", body)]
    if len(parts) > 1 and all(_looks_like_group(part) and " " in part for part in parts):
        # Bodies that wrote it together: "Department of Veterans Affairs, Department of Defense".
        return [{"literal": body.strip(" .")}], et_al
    # Group authors after the personal names: "Vickers AJ, ...; PRISMA Group".
    groups: list[dict] = []
    if ";" in body and not _looks_inverted(body):
        head, _, tail = body.partition(";")
        names = [name.strip(" .") for name in tail.split(";") if name.strip(" .")]

        def group(name: str) -> bool:  # "...; CDC." is a body too
            return _looks_group_name(name) or (name.isupper() and name.lower() in crf.ORG_ACRONYMS)

        if tail.strip() and "," not in tail and all(group(name) for name in names):
            # "...; Cochrane Bias Methods Group; Cochrane Statistical Methods Group": each one.
            body, groups = head.strip(), [{"literal": name} for name in names]
        elif len(names) == 1 and _looks_like_group(names[0]) and re.search(r"\bet al\.?$", head):
            # "Hur KY, Moon MK, Park JS, et al; Committee of Clinical Practice Guidelines, Korean
            # Diabetes Association": one body, with a comma in its name.
            body, groups = head.strip(), [{"literal": names[0]}]
    mla = re.fullmatch(_MLA_ONE, body)
    if mla and re.fullmatch(r"\S+ (?:Tj|Th|Ph|Sj|Ch|(?:[A-Z][hju]?){2,4})", mla.group(1)):
        mla = None  # "Wiersma Tj, Goudswaard AN": Vancouver with Dutch initials, not MLA
    if mla and (et_al or re.search(r"[a-z]", mla.group(2))):
        # MLA: "Kaptchuk, Ted J., et al.", "Wilson, Peter WF, et al.", "Vincent, J-L., et al.",
        # "Ely, E. Wesley, et al." (initials alone only before "et al.": APA has them too)
        person = {"family": mla.group(1), "given": mla.group(2)}
        given, _, suffix = mla.group(2).rpartition(" ")
        if given and suffix in ("Jr", "Sr"):  # Nature's "Jack, C. R. Jr et al."
            person = {"family": mla.group(1), "given": given, "suffix": suffix}
        return [person, *groups], et_al
    mla_pair = re.fullmatch(
        r"([A-Z][\w'-]+), ([A-Z][a-z]+(?:[ -][A-Z][a-z]*\.?)*),? and "
        r"([A-Z][a-z]+(?:[ -][A-Z][a-z]*\.?)*) ([A-Z][\w'-]+)\.?",
        body,
    )
    if mla_pair:  # MLA: "White, Adrian, and Edzard Ernst."
        first = {"family": mla_pair.group(1), "given": mla_pair.group(2)}
        second = {"family": mla_pair.group(4), "given": mla_pair.group(3)}
        return [first, second, *groups], et_al
    # Google Scholar's MLA and Chicago: "Greenland, Sander, Judea Pearl, and James M. Robins.",
    # and its MLA lists cut by "et al." ("Hotez, Peter J., Miriam Alvarado, ..., Simon J.
    # Brooker et al."), which have no "and".
    chicago = _read_scholar_list(body)
    if not chicago and et_al and body.count(", ") >= 2:
        head, _, last = body.rpartition(", ")
        chicago = _read_scholar_list(f"{head} and {last}")
    if chicago:
        return chicago + groups, et_al
    authors, more_et_al, leftover = _read_names(body, inverted=_looks_inverted(body))
    if authors and not leftover.strip(" .,;&"):
        return authors + groups, et_al or more_et_al
    given_first = _read_given_first(body)
    # "Qiao Wen et al" and "D. C. Cherkin, K. J. Sherman" are names; "Alzheimer Scotland" alone
    # is more likely an organisation.
    if given_first and (et_al or len(given_first) > 1 or "." in body):
        return given_first + groups, et_al
    if _looks_like_group(body) or not authors:
        return [{"literal": body}, *groups], et_al
    return authors + groups, et_al or more_et_al


# Google Scholar's MLA and Chicago forms: the first person inverted, the others given name
# first ("Higgins, Julian PT, and Simon G. Thompson", "Black, Robert E., Cesar G. Victora, ...,
# and Sally Grantham-McGregor"). A given name is words, initials ("M.") or an initials block
# ("PT"), at least one of them a word; a family name is one word, after particles ("De Onis").
_SCHOLAR_WORD = r"[A-ZÀ-Þ][^\W\d_]*[a-zß-ÿ][\w'’-]*"
_SCHOLAR_TOKEN = rf"(?:{_SCHOLAR_WORD}|[A-ZÀ-Þ]\.|[A-ZÀ-Þ]{{2,3}}\b)"
_SCHOLAR_GIVEN = rf"{_SCHOLAR_TOKEN}(?:[ -]{_SCHOLAR_TOKEN}){{0,3}}"
_SCHOLAR_PARTICLE = r"(?:[Dd][aeiu]|[Dd]el|[Dd]os|[Vv]an|[Vv]on|[Dd]er|[Dd]en|[Tt]en|[Ll][ae])"
_SCHOLAR_PERSON = re.compile(
    rf"(?P<given>{_SCHOLAR_TOKEN}(?:[ -]{_SCHOLAR_TOKEN}){{0,3}}?) "
    rf"(?P<family>(?:{_SCHOLAR_PARTICLE} )*{_SCHOLAR_WORD})"
)
_SCHOLAR_FIRST = re.compile(
    rf"(?P<family>{_SCHOLAR_WORD}(?: {_SCHOLAR_WORD}){{0,2}}), (?P<given>{_SCHOLAR_GIVEN})"
)


def _read_scholar_list(body: str) -> list[dict]:
    """ "Family, Given, Given Family, and Given Family" (two or more persons), else []."""
    match = re.fullmatch(r"(.+?),? and (.+?)\.?", body)
    if not match:
        return []
    start = _SCHOLAR_FIRST.match(match.group(1))
    if not start:
        return []
    people = [{"family": start.group("family"), "given": start.group("given")}]
    between = match.group(1)[start.end() :]
    others = [p for p in between.split(", ") if p] + [match.group(2)]
    if between and not between.startswith(", "):
        return []
    for part in others:
        # "Cormack, R. S., and J. Lehane": given names may be initials alone.
        person = _SCHOLAR_PERSON.fullmatch(part.strip())
        if not person:
            return []
        people.append({"family": person.group("family"), "given": person.group("given")})
    return people


def _looks_group_name(text: str) -> bool:
    words = text.split()
    return len(words) >= 2 and not re.fullmatch(r"[A-Z][\w'-]+ [A-Z]{1,3}", text.strip(" .;"))


def _read_given_first(body: str) -> list[dict]:
    """ "D. C. Cherkin, K. J. Sherman, and A. L. Avins" / "Roselyn Clemente Fuentes"."""
    parts = [
        p.strip() for p in re.split(r",\s*(?:and\s+|&\s*)?|\s+(?:and|&)\s+", body) if p.strip()
    ]
    out: list[dict] = []
    for part in parts:
        # IEEE's "F. E. Harrell, Jr., K. L. Lee" and "R. B. D'Agostino Sr.,": CSL's suffix.
        alone = re.fullmatch(r"(Jr|Sr|II|III|IV|2nd|3rd)\.?", part)
        if alone and out and "suffix" not in out[-1]:
            out[-1]["suffix"] = alone.group(1)
            continue
        suffix = re.search(r",?\s+(Jr|Sr|II|III|IV|2nd|3rd)\.?$", part)
        if suffix:
            part = part[: suffix.start()]
        match = _GIVEN_FIRST.match(part)
        if not match:
            return []
        given, family = match.group("given").strip(), match.group("family")
        hyphened = re.fullmatch(r"(.*\.)\s*([A-Z][a-z]+-)", given)
        if hyphened:  # "F. E. Garrett-Bakelman": a double family name, not a given name
            given, family = hyphened.group(1), hyphened.group(2) + family
        particle = re.fullmatch(
            r"(.*\.)\s+((?:De|Van|Von|Da|Di|Du|Del|Della|La|Le)(?: [Dd]e[rn]?)?)", given
        )
        if particle:  # IEEE's "M. De Vos": the particle is the family name's
            given, family = particle.group(1), f"{particle.group(2)} {family}"
        words = part.split()
        if len(words) >= 3 and not any(re.fullmatch(r"[A-Z]\.?", w) for w in words):
            # "Roselyn Clemente Fuentes": a written-out first name, then a double surname.
            given, family = words[0], " ".join(words[1:])
        out.append({"family": family, "given": given})
        if suffix:
            out[-1]["suffix"] = suffix.group(1)
    return out


_NO_AUTHORS_RE = re.compile(r"^\s*\[?\s*no authors listed\s*\]?\s*\.?\s*", re.I)
# "(in Chinese)", "[Article in German]", "(in Spanish with English abstract)": a note on the
# language, not part of the title.
_LANGUAGE_NOTE_RE = re.compile(
    r"\s*[(\[]\s*(?:article\s+)?in\s+([A-Za-z]+)(?:\s+with\s+[A-Za-z]+\s+abstract)?\s*[)\]]\s*\.?$",
    re.I,
)


# GB/T 7714 (Chinese journals' references) marks the kind of document after the title: "[J]"
# a journal article, "[M]" a book, "[EB/OL]" a web page.
_GBT_CODE_RE = re.compile(r"\s*\[(?:J|M|C|D|N|R|S|P|Z|G|EB/OL|J/OL|M/OL|DB/OL)\]\s*[.,]?\s*")


def _clean_title(text: str) -> str:
    text = _NO_AUTHORS_RE.sub("", text.strip(" ,;:"))
    code = _GBT_CODE_RE.search(text)
    if code and (
        code.end() == len(text) or re.fullmatch(r"第?\s*\d{1,2}\s*版\s*[.。]?", text[code.end() :])
    ):
        text = text[: code.start()]  # (and the edition after it: "指南[M]. 第2版.")
    language = _LANGUAGE_NOTE_RE.search(text)
    if language and language.group(1).lower() in crf.LANGUAGE_NAMES:
        text = text[: language.start()]
    text = re.sub(r"\s*\[(?:internet|online|serial on the internet|in \w+)\]", "", text, flags=re.I)
    stripped = _strip_title(text)
    text = stripped.strip(" ,;:\"'")
    if stripped.startswith('"') and text.count('"') % 2:
        # '"Mini-mental state". A practical method ...': the title opens with a quotation.
        text = '"' + text
    if stripped.startswith("'") and re.match(r"[^']{1,80}\w'(?!\w)", text):
        # "'Mendelian randomization': can genetic epidemiology ...": an opening quotation.
        text = "'" + text
    opened = list(re.finditer(r"(?:^|[\s(])'(?=\w)", text))
    if (
        opened
        and stripped.rstrip(' ,;:"').endswith("'")
        and not re.search(r"\w'(?!\w)", text[opened[-1].end() :])
    ):
        # "... the R package 'dagitty'", "... of DNA 'fingerprints'": a quotation that ends the
        # title keeps its closing quote.
        text += "'"
    # A translated title is bracketed as a whole ("[Acupuncture for ...]"): keep both brackets
    # when the model left one of them with the neighbouring field.
    if text.endswith("]") and text.count("[") < text.count("]"):
        text = "[" + text
    elif text.startswith("[") and text.count("[") > text.count("]"):
        text += "]"
    # A bracket the title opened at its end, its rest read with the next field: a year is the
    # title's ("中国居民膳食指南(2022"), a series is not ("... treatment (NICE", "... cancer (NIH").
    opened = re.search(r"\s*[(\[]([^()\[\]]{0,12})$", text)  # also NICE's "... [NG106"
    if opened and re.fullmatch(r"\d{4}", opened.group(1)):
        text += ")"
    elif opened and len(text) > opened.end() - opened.start() + 3:
        text = text[: opened.start()].rstrip(" ,;:")
    return text


def _set_journal(item: dict, text: str) -> None:
    name = re.sub(r"\s*\[(?:internet|online)\]", "", text, flags=re.I).strip(" ,;:(")
    name = re.sub(r"[,.]\s*(?:art|no|vol|pp?|issue)\.?$", "", name, flags=re.I).strip(" ,;:")
    name = re.sub(r"\s*(?<![\d-])(?:1[6-9]\d\d|20\d\d)$", "", name).strip(" ,;:")
    # "Arch Intern Med." ends a sentence; "Arch. Intern. Med." is an ISO abbreviation.
    if name.endswith(".") and "." not in name[:-1]:
        name = name[:-1]
    full = crf.journals().full_title(name)
    if full and crf.journal_key(full) != crf.journal_key(name):
        item["container-title"] = full
        item["container-title-short"] = name
    else:
        item["container-title"] = name


def read_volume(text: str) -> tuple[str | None, str | None, str | None]:
    """ "169(9):" / "vol. 36, no. 9" / "Volume 352, Issue 9125" / "(1)" -> volume, issue, pages."""
    text = text.strip(" .,;:")
    if re.fullmatch(r"\(?\s*vols\.?\s*\d{1,3}\s*[-–]\s*\d{1,3}\s*\)?", text, re.I):
        return None, None, None  # a book in volumes, APA's "(Vols. 1-2)": neither volume nor issue
    text = re.sub(r"\b(?:vol(?:ume)?|bd|t|v)\.?\s*", "", text, flags=re.I)
    # MLA "5.12 (2010)"; not an issue numbered like a year, "368(1623):"
    text = re.sub(r"(?:^|\s+)\((?:1[5-9]\d\d|20\d\d)\)", "", text).strip(" .,;:")
    text = re.sub(r"[,\s]*\bart(?:icle)?\.?\s*(?:no\.?|number)?\s*:?$", "", text, flags=re.I)
    mla = re.fullmatch(r"(\d{1,5})\.(\d{1,5})", text)
    if mla:
        return mla.group(1), mla.group(2), None
    text = re.sub(r"^(?:1[5-9]\d\d|20\d\d)\s*[;,]\s*(?=\S)", "", text)
    if text.count("(") != text.count(")"):
        lone = re.fullmatch(r"\(?\s*([\w-]{1,12})\s*\)?", text)
        if lone:
            return None, lone.group(1), None
        text = text.replace("(", " ").replace(")", " ").strip()
    pages = None
    tail = re.search(r"[:,]\s*((?:pp?\.?\s*)?[A-Za-z]{0,3}\d+(?:\s*-\s*[A-Za-z]{0,3}\d+)?)$", text)
    if tail and re.search(r"\)\s*[:,]|\d\s*:", text):
        pages = tail.group(1)
        text = text[: tail.start()]
    issue = None
    # Vancouver's "89 Suppl 1:" and IEEE's "no. Suppl 4": a supplement is the issue.
    supplement = re.search(
        r"(?:[,;]?\s*\bno\.?)?\s*\b(Suppl(?:ement)?\.?\s*(?:\d{1,3}[A-Za-z]?|[A-Z]))$", text
    )
    if supplement and "(" not in text:
        issue = supplement.group(1)
        text = text[: supplement.start()].strip(" ,;:")
    paren = re.search(r"\(\s*([^()]{1,20}?)\s*\)", text)
    if paren:
        issue = paren.group(1)
        text = (text[: paren.start()] + text[paren.end() :]).strip(" ,;:")
    word = re.search(
        r"[,;]?\s*\b(?:no|nr|issue|iss|n°|number|heft|h)\.?\s*([\w/-]{1,12})", text, re.I
    )
    if word:
        issue = issue or word.group(1)
        text = (text[: word.start()] + text[word.end() :]).strip(" ,;:")
    text = text.rpartition(";")[2]
    text = re.sub(r"[,\s]+(?:pp?|art|no|с)\.?$", "", text.strip(" ,;:."), flags=re.I)
    volume = text.strip(" ,;:.") or None
    # "S2", "12A", and IEEE Transactions' old "vol. PAMI-8", "IT-22".
    if volume and not re.fullmatch(r"(?:[A-Za-z]{0,3}|[A-Z]{2,4}-)\d[\w-]{0,10}", volume):
        volume = None
    return volume, issue, pages


_WRITTEN_LOCATOR_RE = re.compile(
    r"\bVolume\s+(?P<volume>\w{1,8})(?:,\s*Issue\s+(?P<issue>[\w-]{1,10}))?,(?:[^,]{1,30},)?"
    r"\s*Pages?\s+(?P<pages>[A-Za-z]?\d+(?:\s?-\s?[A-Za-z]?\d+)?)"
)
# Journals whose articles carry a number instead of pages ("BMC Med 2015;13:23").
_ARTICLE_NUMBERS_RE = re.compile(
    r"\b(?:BMC|Trials|Front(?:iers)?|Sci(?:entific)?\.? Rep|Nat(?:ure)?\.? Commun|PLo[Ss]|"
    r"Headache Pain|Syst(?:ematic)?\.? Rev(?:iews)?\b(?! Syst)|Genome|Integr(?:ative)?\.? Med|npj|"
    r"Chin(?:ese)?\.? Med(?:icine)?\.?$|Evid|Sensors|Nutrients|Phys(?:ical)?\.? Rev|Primers|eLife|"
    r"Int(?:ernational)?\.? J|J(?:ournal of)?\.? Clin(?:ical)?\.? Med(?:icine)?\.?$|Cureus|"
    r"Healthcare|Cells|Molecules|Cancers|Transl|Res(?:earch)?\.? Ther|Crit(?:ical)?\.? Care|"
    r"Implement|Biol|Commun|Reports|Open|Pain Relief|Sci(?:entific)?\.? Data|Sports Nutr|"
    r"Neuro[Ee]ng(?:ineering)?\.? Rehabil|Neuroinflammation|Malar(?:ia)?\.? J|Parasit|"
    r"Cardiovasc(?:ular)?\.? Diabetol|Lipids Health|Health Qual Life|Mol(?:ecular)?\.? Pain|"
    r"Foot Ankle Res)",
    re.I,
)


def read_pages(text: str, has_issue: bool) -> tuple[str, str | None]:
    """ "858-66." -> page "858-866"; "CD001351", "e0117146", "730322" -> number."""
    value = text.strip(" .,;:()")
    # "Art. no. 1182", "Article 104582", "Article ID 581203": an article number, never a page.
    article = re.match(r"art(?:icle)?\b\.?\s*(?:no\.?|number|id)?\s*:?\s*(\w+)$", value, re.I)
    if article:
        return "number", article.group(1)
    value = re.sub(
        r"^(?:pp?\.?|pages?|s\.|art(?:icle)?\.?\s*(?:no\.?|number)?\s*:?|article|e-?locator:?)\s*",
        "",
        value,
        flags=re.I,
    ).strip(" .,;:")
    value = re.sub(r"\s*[-–—]\s*", "-", value)
    lead = re.match(r"[A-Za-z]{0,4}\d+[A-Za-z]?(?:-[A-Za-z]{0,4}\d+[A-Za-z]?)?", value)
    value = lead.group(0) if lead else value
    if not value:
        return "page", None
    single = "-" not in value
    if single and (_is_elocator(value) or (value.isdigit() and not has_issue)):
        return "number", value
    return "page", _expand_pages(value)


_REPORT_NUMBER_RE = re.compile(
    r"\[((?:NG|CG|QS|PH|NICE|TA|DG|IPG|MTG|HTG|PMG|ES)\s?\d{1,4})\]|\b((?:NG|CG|QS|PH)\d{1,4})\b"
    # "KCE Report 183C"
    r"|\b[A-Z]{2,6}\s+reports?\s+(?:no\b\.?\s*)?(\d{1,4}[A-Z]?)\b"
    r"|\bno\b\.?:?\s*([\w-]{1,12})|\bpublication\s+(?:no\b\.?\s*)?(\d[\w-]{1,12})"
    # "NICE Guideline 155", "(NICE public health guideline 56)", "SIGN 160"
    r"|\bguideline\s+(\d{1,4})\b|\bSIGN\s+(\d{2,3})\b",
    re.I,
)


def _report_number(note: str) -> str | None:
    match = _REPORT_NUMBER_RE.search(note)
    if not match:
        return None
    return next(g for g in match.groups() if g).rstrip(".,;)")


def _guess_type(item: dict, by_label: dict, note: str, text: str = "") -> str:
    if re.search(r"\[M\]", text):  # GB/T 7714's code for a book
        return "book"
    if "journal" in by_label:
        return "article-journal"
    if crf.has_cjk(item.get("title", "")) and "publisher" in by_label:
        # A Chinese or Japanese title with a publisher ("日本アレルギー学会.
        # アレルギー総合ガイドライン2022. 東京: 協和企画; 2022."): a society's guideline published
        # as a book.
        return "book"
    if "container" in by_label and ("editor" in by_label or "pages" in by_label):
        return "chapter"
    group_author = any("literal" in a for a in item.get("author", []))
    if re.search(r"\b(?:guideline|report|publication no|technical series)\b", note, re.I) or (
        group_author and ("publisher" in by_label or "location" in by_label or "number" in item)
    ):
        return "report"
    if "publisher" in by_label or "edition" in by_label:
        return "book"
    if "url" in by_label or item.get("URL"):
        return "webpage"
    return "article-journal"
