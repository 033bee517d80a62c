# The parser reads typographic quotes and dashes on purpose, so they appear literally below.
# ruff: noqa: RUF001, RUF002, RUF003
"""Turn pasted free-text references into CSL-JSON items.

``split_reference_list`` cuts a pasted reference list into single references and
``parse_reference`` turns one reference into a CSL-JSON dict. The parser knows the shapes
that medical references come in:

* Vancouver / NLM / PubMed "Cite" / AMA: ``Cherkin DC, Sherman KJ. Title. Arch Intern Med.
  2009 May 11;169(9):858-66. doi: ... PMID: ...``
* PMC display: ``... Can Fam Physician. 2020 Mar; 66(3): 186–187.``
* APA / Harvard / Frontiers / MDPI: ``Family, I. I., & Family, I. (2020). Title. Journal,
  14(1), 10–16. https://doi.org/...``

It works in three passes, each of them a linear scan: pull out the identifiers and URLs
(they have unambiguous shapes), read the author list from the start, then read the numeric
"locator" (year; volume(issue): pages) from the end. What is left between authors and locator
is the title and the journal, split at the last sentence break that is not inside an
abbreviated journal name.

``parse_reference`` is a pure function that never raises: anything it cannot read stays out
of the result, and a reference it cannot read at all comes back as its own title. Every
regular expression here has bounded repetition or works on a short token, so time grows
linearly with the input.
"""

import re
import unicodedata

from clinic.citations.identifiers import normalise_doi, normalise_pmcid, normalise_pmid

# A reference is never this long; the cap keeps pathological input (a pasted book) cheap.
MAX_REFERENCE_CHARS = 5000

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}

# Words of abbreviated journal titles (ISO 4 / NLM). They let us tell "Placebo. J. Acupunct."
# (title end, then journal) from "Acupunct. Med." (one journal) when both end in a full stop.
JOURNAL_ABBREVIATIONS = frozenset(
    """
    acad acta acupunct adv aesthet altern am anaesth anesth ann anat appl arch assoc aust
    behav biochem biol biomed bjog br bras bull can cardiol chem chin clin coll commun
    complement comput crit curr dent dermatol dev dis disord dtsch eng environ
    epidemiol eur evid exp fam front gastroenterol gen geriatr gynecol hematol
    hepatol hosp hum immunol infect inf int integr intern investig j jpn lett manag med
    microbiol mol natl neurobiol neurol neurosci neurosurg nurs nutr obstet
    oncol ophthalmol orthop otolaryngol paediatr pathol pediatr pharm pharmacol
    pharmacother philos phys physiol physiother postgrad pract prev proc prog psychiatr
    psychol psychosom q radiol rehabil rep res respir rev rheumatol sci semin soc
    stud surg syst technol ther thorac toxicol transl trop univ urol vasc vet z zh
    """.split()  # noqa: SIM905 - a word list reads better as text
)

_SPACE_RE = re.compile(r"\s+")
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
_YEAR_RE = re.compile(r"\b(1[5-9]\d\d|20\d\d)[a-z]?\b")

# --- identifiers and other removable pieces ------------------------------------------------
_DOI_RE = re.compile(
    r"(?:\bdoi\s*:?\s*|\bhttps?://(?:dx\.)?doi\.org/|\bhttps?://doi-org\s?/|\b(?:dx\.)?doi\.org/)?"
    r"\b10\.\d{4,9}/[^\s\]\[,;\"<>]{1,300}",
    re.IGNORECASE,
)
_PMCID_RE = re.compile(
    r"(?:\[?\s*PMC free article\s*:?\s*|\bPMCID\s*:?\s*|\bPMC\s+(?=\d))?\bPMC\s?(\d{3,10})\b\]?",
    re.IGNORECASE,
)
_PMID_RE = re.compile(
    r"(?:\[\s*PubMed\s*:\s*(\d{1,9})\s*\]|\bPMID\s*:?\s*(\d{1,9})\b)", re.IGNORECASE
)
_URL_RE = re.compile(r"\bhttps?://[^\s<>\"]{1,500}|\bwww\.[^\s<>\"]{1,500}", re.IGNORECASE)
_URL_LEAD_RE = re.compile(
    r"(?:\bAvailable\s+(?:at|from|online)\s*:?|\bRetrieved\s+(?:\w+\s+\d{1,2},\s+\d{4},\s+)?from"
    r"|\bURL\s*:)\s*$",
    re.IGNORECASE,
)
_ACCESSED_RE = re.compile(
    r"[(\[]\s*(?:accessed|cited|viewed|retrieved)\s*:?\s*([^)\]]{1,40})[)\]]"
    r"|\b(?:accessed|cited)\s*:?\s*((?:\d{1,2}\s+)?[A-Z][a-z]{2,8}\.?\s+(?:\d{1,2},?\s+)?\d{4})",
    re.IGNORECASE,
)
# Link labels that sites print after each reference: "[PubMed] [Google Scholar]", "Article".
_NOISE_RE = re.compile(
    r"\[(?:DOI|PubMed|PMC free article|Google Scholar|CrossRef|Cross ?Ref|Free full text"
    r"|Abstract|Full text|Ref list|MEDLINE\s*:\s*\d+|PubMed Central|Green Version"
    r"|Internet|internet|Epub ahead of print)\]"
    r"|\b(?:Article|CAS|PubMed Central|PubMed|Google Scholar|Crossref|Medline|Link)"
    r"(?=\s*(?:Article|CAS|PubMed|Google|Crossref|Medline|Link|$))",
)
_TRAILING_LINKS_RE = re.compile(
    r"(?:\s*(?:Link|Crossref|CrossRef|Medline|Google Scholar|PubMed|CAS|Article|ISI)){1,8}\s*$"
)
_EPUB_RE = re.compile(
    r"\bEpub\s+(?:ahead\s+of\s+print\b|\d{4}(?:\s+[A-Z][a-z]{2}(?:\s+\d{1,2})?)?)\.?",
    re.IGNORECASE,
)

# --- list markers -----------------------------------------------------------------------
_MARKER_RE = re.compile(r"^\s*(?:[-•*–]\s*)?(?:\[\d{1,4}\]|\(\d{1,4}\)|\d{1,4}[.)](?!\d))\s*")
_BULLET_RE = re.compile(r"^\s*[-•*–]\s+")

# --- names ---------------------------------------------------------------------------------
_ET_AL_RE = re.compile(r"^,?\s*(?:et\.?\s*al\.?|and others|\.\.\.|…)\s*", re.IGNORECASE)
# Given names, tried in order. Vancouver: "U.K.", "A L", "DC", "H-D". APA/Harvard: "L. T. A.",
# "A.P.", "Y.-P.", "A. j." or, rarely, a written-out name ("Daniel C.").
_DOTTED_INITIALS = r"[A-Z]\.(?:\s?-?[A-Za-z]\.){0,4}"
_VANCOUVER_GIVEN = [
    re.compile(_DOTTED_INITIALS),
    re.compile(r"[A-Z](?:\s[A-Z](?![\w'’.])){1,2}"),
    re.compile(r"[A-Z]{1,4}(?:-[A-Z]{1,2})?(?![\w'’])"),
]
_INVERTED_GIVEN = [
    re.compile(_DOTTED_INITIALS),
    re.compile(r"[A-Z]{1,3}(?:-[A-Z]{1,2})?(?![\w'’])"),
    re.compile(r"[A-Z][a-z]{1,20}(?:[ -][A-Z][a-z]{1,20})?(?:\s[A-Z]\.)?(?![\w'’])"),
]
_INITIALS_RE = _VANCOUVER_GIVEN[2]
_PARTICLES = frozenset(
    {"van", "von", "de", "der", "den", "da", "di", "du", "del", "della", "la", "le", "ten"}
    | {"ter", "op", "dos", "das", "do", "st"}
)
_GROUP_WORDS = re.compile(
    r"\b(?:group|committee|organi[sz]ation|association|institute|society|college|council"
    r"|agency|department|ministry|collaboration|consortium|network|foundation|centre|center"
    r"|board|service|nice|who|uk|us|national|federal|world|academy|trust|health)s?\b",
    re.IGNORECASE,
)


def _clean(text: str) -> str:
    """Normalise Unicode spaces and dashes so that later patterns can stay simple."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\u00a0", " ").replace("\u2009", " ").replace("\u202f", " ")
    return _SPACE_RE.sub(" ", text).strip()


def _hyphens(text: str) -> str:
    for dash in _DASHES:
        text = text.replace(dash, "-")
    return text


# ---------------------------------------------------------------------------------------
# Splitting a pasted list
# ---------------------------------------------------------------------------------------


def split_reference_list(text: str) -> list[str]:
    """Cut a pasted reference list into single references.

    Numbered lists ("1.", "[1]", "1)", "(1)") start a reference at each number and join the
    wrapped lines that follow. Unnumbered text is one reference per line, or one per
    paragraph when paragraphs are separated by blank lines; a line that cannot start a
    reference (it starts in lower case, with "doi"/"http", or is just link labels) continues
    the previous one.
    """
    if not isinstance(text, str):
        return []
    lines = [_clean(line) for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    # A list copied from a page often brings its heading along ("References", "Sources:").
    lines = ["" if _HEADING_RE.fullmatch(line) else line for line in lines]
    numbered = sum(1 for line in lines if _MARKER_RE.match(line) and _has_digit_marker(line))
    content_lines = [line for line in lines if line]
    if not content_lines:
        return []

    refs: list[str] = []
    if numbered >= max(1, len(content_lines) // 4):
        current: list[str] | None = None
        for line in lines:
            if not line:
                continue
            if _MARKER_RE.match(line) and _has_digit_marker(line):
                if current:
                    refs.append(" ".join(current))
                rest = _MARKER_RE.sub("", line, count=1)
                current = [rest] if rest else []
            elif current is None:
                current = [_BULLET_RE.sub("", line)]
            else:
                current.append(_BULLET_RE.sub("", line))
        if current:
            refs.append(" ".join(current))
    elif any(not line for line in lines[1:-1]) and _has_multiline_paragraph(lines):
        paragraph: list[str] = []
        for line in [*lines, ""]:
            if line:
                paragraph.append(_BULLET_RE.sub("", line))
            elif paragraph:
                refs.append(" ".join(paragraph))
                paragraph = []
    else:
        for line in content_lines:
            line = _BULLET_RE.sub("", line)
            if refs and _is_continuation(line):
                refs[-1] = f"{refs[-1]} {line}"
            else:
                refs.append(line)
    return [_clean(ref) for ref in refs if _clean(ref)]


_HEADING_RE = re.compile(
    r"#*\s*(?:references?|reference list|bibliography|sources?|works cited|literature cited"
    r"|further reading|citations?|notes)\s*:?",
    re.IGNORECASE,
)


def _has_digit_marker(line: str) -> bool:
    return any(ch.isdigit() for ch in _MARKER_RE.match(line).group(0))


def _has_multiline_paragraph(lines: list[str]) -> bool:
    run = 0
    for line in lines:
        run = run + 1 if line else 0
        if run >= 2:
            return True
    return False


def _is_continuation(line: str) -> bool:
    first = line[:1]
    if first.islower() or first in "([;:,&":
        return True
    lowered = line.lower()
    return lowered.startswith(("doi", "http", "www.", "pmid", "pmcid", "epub")) or bool(
        re.fullmatch(r"(?:\[[^\]]{1,30}\]\s*)+", line)
    )


# ---------------------------------------------------------------------------------------
# Parsing one reference
# ---------------------------------------------------------------------------------------


def parse_reference(text: str) -> dict:
    """Parse one free-text reference into a CSL-JSON item. Never raises."""
    try:
        return _parse(text if isinstance(text, str) else "")
    except Exception:  # a parser for pasted text must never take a page down
        item = {"type": "article-journal"}
        if isinstance(text, str) and _clean(text):
            item["title"] = _clean(text)[:MAX_REFERENCE_CHARS]
        return item


def _parse(raw: str) -> dict:
    text = _clean(raw)[:MAX_REFERENCE_CHARS]
    text = _MARKER_RE.sub("", text, count=1) if _MARKER_RE.match(text) else text
    item: dict = {}
    text = _extract_identifiers(text, item)
    if not text:
        item.setdefault("type", "article-journal")
        return _ordered(item)

    crossref = _CROSSREF_RE.match(text)
    if crossref:
        return _ordered(_parse_crossref(crossref, item))
    # "Ann Intern Med2014;161:…": page scrapers drop the space before the year.
    text = re.sub(r"(?<=[a-z])(?=(?:19|20)\d\d;)", " ", text)
    # "375 – 8" and "293 (8):375": spaces inside the numeric locator.
    text = re.sub(r"(?<=\d)\s+[-–—]\s+(?=\d)", "-", text)
    text = re.sub(r"(?<=\d) \((?=[\w ]{1,12}\))", "(", text)
    # "Library,Issue 2": a comma without its space.
    text = re.sub(r",(?=[A-Z])", ", ", text)

    authors, et_al, rest, year_info = _take_authors(text)
    if not authors:
        authors, rest = _take_lone_author(text, rest)
    if authors:
        item["author"] = authors
    if et_al:
        item.setdefault("custom", {})["et_al"] = True

    _parse_body(rest, item, year_info)
    if "title" not in item and not authors:
        item["title"] = _strip_title(text)
    return _ordered(item)


# OUCI and other Crossref-derived lists print "Author, Title, Journal, № volume, с. page".
_CROSSREF_RE = re.compile(
    r"(?P<author>[^,]{1,80}), (?P<middle>.{3,1000}), (?P<journal>[^,]{1,200}), "
    r"№ (?P<volume>[^,]{1,30}), с\. (?P<page>[^\s,]{1,30})\.?$"
)


def _parse_crossref(match: re.Match, item: dict) -> dict:
    author = match.group("author").strip()
    item["type"] = "article-journal"
    item["author"] = [{"family": author}]
    item["title"] = _strip_title(match.group("middle"))
    item["container-title"] = match.group("journal").strip()
    volume = match.group("volume").strip()
    if volume.isdigit():
        item["volume"] = volume
    else:
        vol = re.match(r"(\d+)\s+(.+)", volume)
        if vol:
            item["volume"], item["issue"] = vol.group(1), vol.group(2)
    item["page"] = _expand_pages(match.group("page"))
    return item


def _take_lone_author(text: str, rest: str) -> tuple[list[dict], str]:
    """Fallback for "Weir MR In the Clinic: …": one author whose full stop got lost."""
    match = re.match(r"([A-Z][\w'’-]{1,40}) ([A-Z]{1,3}) (?=[A-Z][a-z])", text)
    if not match:
        return [], rest
    return [{"family": match.group(1), "given": match.group(2)}], text[match.end() :]


def _extract_identifiers(text: str, item: dict) -> str:
    """Move DOI, PMID, PMCID, URL and accessed date from ``text`` into ``item``."""

    # Accessed / cited dates first: they contain words that would confuse the locator.
    def accessed(match: re.Match) -> str:
        date = _parse_date(match.group(1) or match.group(2) or "")
        if date and "accessed" not in item:
            item["accessed"] = {"date-parts": [date]}
        return " "

    text = _ACCESSED_RE.sub(accessed, text)

    def doi(match: re.Match) -> str:
        try:
            value = normalise_doi(match.group(0))
        except ValueError:
            return match.group(0)
        item.setdefault("DOI", value)
        return " "

    text = _DOI_RE.sub(doi, text)

    def pmcid(match: re.Match) -> str:
        item.setdefault("PMCID", normalise_pmcid(match.group(1)))
        return " "

    # PMC ids inside URLs (".../pmc/articles/PMC10448023/") count too.
    for found in re.finditer(r"/pmc/articles/(PMC\d{3,10})", text, re.IGNORECASE):
        item.setdefault("PMCID", normalise_pmcid(found.group(1)))
    text = _URL_RE.sub(lambda m: _take_url(m, item), text)
    text = _PMCID_RE.sub(pmcid, text)

    def pmid(match: re.Match) -> str:
        item.setdefault("PMID", normalise_pmid(match.group(1) or match.group(2)))
        return " "

    text = _PMID_RE.sub(pmid, text)
    text = _EPUB_RE.sub(" ", text)
    text = _NOISE_RE.sub(" ", text)
    text = _TRAILING_LINKS_RE.sub("", text)
    # "Available at:" / "Retrieved from" / "[PMID: ... DOI: ...]" shells left empty.
    text = re.sub(
        r"\b(?:Available\s+(?:at|from|online)|Retrieved\s+from|URL)\s*:?\s*(?=[\s.;,]*$|\s{2})",
        " ",
        text,
        flags=re.IGNORECASE,
    )
    text = re.sub(r"\[[\s.;,:]*\]|\([\s.;,:]*\)", " ", text)
    text = _SPACE_RE.sub(" ", text)
    text = re.sub(r"(?:\s*[.;,:]\s*){2,}$", ".", text)
    text = re.sub(r"\s+([.;,:])", r"\1", text)
    return text.strip(" ;,")


def _take_url(match: re.Match, item: dict) -> str:
    url = match.group(0).rstrip(".,;)")
    if "doi.org/" in url.lower() or "doi-org" in url.lower():
        return match.group(0)
    item.setdefault("URL", url)
    tail = match.group(0)[len(url) :]
    return " " + tail


# --- authors ---------------------------------------------------------------------------


def _take_authors(text: str) -> tuple[list[dict], bool, str, dict]:
    """Read the author list at the start of ``text``.

    Returns (authors, et_al, rest_of_text, year_info). ``year_info`` holds a date found
    right after the authors in author-date styles ("(2019)." or "2009,").
    """
    year_info: dict = {}
    # Author-date styles put the year in parentheses right after the authors.
    paren = re.search(r"\((1[5-9]\d\d|20\d\d)[a-z]?(?:,[^()]{0,40})?\)\.?", text[:1500])
    if paren and paren.start() > 0:
        head = text[: paren.start()].strip()
        tail = text[paren.end() :].strip()
        year_info = {"date": _parse_date(paren.group(0)[1:].split(")")[0])}
        if "," not in head and ";" not in head and _looks_like_group(head):
            return [{"literal": head.rstrip(" .,")}], False, tail, year_info
        authors, et_al, leftover = _read_names(head, inverted=_looks_inverted(head))
        if authors and not leftover.strip(" .,;&"):
            return authors, et_al, tail, year_info
        if _looks_like_group(head):
            return [{"literal": head.rstrip(" .,")}], False, tail, year_info
        if authors:
            return authors, et_al, tail, year_info

    inverted = _looks_inverted(text)
    authors, et_al, leftover = _read_names(text, inverted=inverted)
    leftover = leftover.lstrip()
    if authors:
        # "..., & Connell-Jones, GG 2009, Title" (Harvard without brackets).
        bare_year = re.match(r"(1[5-9]\d\d|20\d\d)[a-z]?\s*[,.]\s*", leftover)
        if bare_year:
            year_info = {"date": [int(bare_year.group(1))]}
            leftover = leftover[bare_year.end() :]
        return authors, et_al, leftover.lstrip(" .:;,"), year_info

    # A group author in Vancouver: "GRADE Working Group. Title. ..."
    first, _, rest = text.partition(". ")
    if rest and len(first) < 120 and (_looks_like_group(first) or _is_name_like(first, rest)):
        return [{"literal": first.strip()}], False, rest, year_info
    return [], False, text, year_info


def _looks_inverted(text: str) -> bool:
    """True for "Family, I." author lists (APA, Harvard, MDPI), false for "Family IN"."""
    match = re.match(r"[^\s,;]{1,40}(?:\s[^\s,;]{1,40}){0,3},\s(?:[A-Z]\.|[A-Z]{1,3}[,;&\s])", text)
    if not match:
        return False
    # "Cherkin DC, Sherman KJ" also has a comma then capitals; inverted lists have no
    # initials block before the first comma.
    before = text[: text.index(",")].split()
    return not (len(before) >= 2 and _INITIALS_RE.fullmatch(before[-1]))


def _read_names(text: str, *, inverted: bool) -> tuple[list[dict], bool, str]:
    """Consume author names from the start of ``text``; return them and what is left."""
    authors: list[dict] = []
    et_al = False
    pos = 0
    n = len(text)
    while pos < n and len(authors) < 500:
        et = _ET_AL_RE.match(text, pos)
        if et and authors:
            et_al = True
            pos = et.end()
            break
        name, end = (_read_inverted if inverted else _read_vancouver)(text, pos)
        if name is None:
            break
        authors.append(name)
        pos = end
        sep = re.compile(r"\s*(?:,|;)?\s*(?:(?:and|&)\s+)?").match(text, pos)
        after = sep.end() if sep else pos
        between = text[pos:after]
        # Continue only after a list separator; a full stop or colon ends the list.
        if re.search(r"[,;&]|\band\b", between):
            et = _ET_AL_RE.match(text, after)
            if et:
                et_al = True
                pos = et.end()
                break
            pos = after
            continue
        break
    if not authors:
        return [], False, text
    rest = text[pos:]
    # "MW. et al. Title" / "E, et al.: Title"
    et = re.match(r"\s*[.,]?\s*(?:et\.?\s*al\.?|\.\.\.|…)", rest, re.IGNORECASE)
    if et:
        et_al = True
        rest = rest[et.end() :]
    return authors, et_al, rest.lstrip(" .:")


_WORD_RE = re.compile(r"[^\W\d_][\w'’]*(?:-[\w'’]+)*")


def _read_vancouver(text: str, pos: int) -> tuple[dict | None, int]:
    """Read "Family Family IN" at ``pos``: up to four family words, then initials."""
    words: list[str] = []
    cursor = pos
    for _ in range(5):
        if words:
            for pattern in _VANCOUVER_GIVEN:
                initials = pattern.match(text, cursor)
                if initials and _ends_name(text, initials.end()):
                    if not _valid_family(words):
                        return None, pos
                    return {"family": " ".join(words), "given": initials.group(0)}, initials.end()
        match = _WORD_RE.match(text, cursor)
        if not match:
            return None, pos
        words.append(match.group(0))
        after = match.end()
        # "Gaw AC, Chang, LW, Shaw L-C": a stray comma between family name and initials.
        stray = re.compile(r", ([A-Z]{1,3})(?=,)").match(text, after)
        if stray and _valid_family(words):
            return {"family": " ".join(words), "given": stray.group(1)}, stray.end()
        if after >= len(text) or text[after] != " ":
            return None, pos
        cursor = after + 1
    return None, pos


def _ends_name(text: str, end: int) -> bool:
    """After initials there must be a separator, a full stop, a colon or the end."""
    nxt = text[end : end + 7]
    return (
        not nxt or nxt[0] in ",;:." or nxt.startswith((" and ", " & ", " et al", " (", " [", " -"))
    )


def _valid_family(words: list[str]) -> bool:
    last = words[-1]
    if not last[:1].isupper():
        return False
    # Family words are capitalised or particles ("van der Poll"); anything else is a title.
    return all(w[:1].isupper() or w.lower() in _PARTICLES for w in words)


def _read_inverted(text: str, pos: int) -> tuple[dict | None, int]:
    """Read "Family, I. I." / "Family, Given" at ``pos``."""
    match = re.compile(r"([^\W\d_][\w'’ -]{0,60}?),\s?").match(text, pos)
    if not match:
        return None, pos
    family = match.group(1).strip()
    words = family.split()
    if len(words) > 4 or not _valid_family(words):
        return None, pos
    for index, pattern in enumerate(_INVERTED_GIVEN):
        given_match = pattern.match(text, match.end())
        if not given_match:
            continue
        end = given_match.end()
        given = given_match.group(0)
        # "Chen, X.,-L." (a typo for X.-L.): keep the second initial.
        typo = re.compile(r",\s?(-[A-Z]\.)").match(text, end)
        if typo:
            given += typo.group(1)
            end = typo.end()
        rest = text[end : end + 8]
        strong = not rest or rest[0] in ",;&(" or rest.startswith((" and ", " & ", " (", " et al"))
        # Initials may also end the list ("Alraek, T. Historical perspectives…", "GG 2009,").
        weak = index < 2 and rest.startswith((" ", "."))
        if strong or weak:
            return {"family": family, "given": given}, end
    return None, pos


def _is_name_like(first: str, rest: str) -> bool:
    """ "Alzheimer Scotland. Living with dementia [internet]. 2024": an organisation.

    A short first sentence in which every word is capitalised, followed by at least two
    more sentences, names the author; a title would normally be in sentence case.
    """
    words = first.split()
    small = {"of", "and", "for", "the", "on", "in", "&"}
    return (
        1 <= len(words) <= 6
        and all(w[:1].isupper() or w in small for w in words)
        and not any(ch.isdigit() for ch in first)
        and rest.count(". ") >= 1
        and not rest.lstrip().startswith(("(", "["))
    )


def _looks_like_group(text: str) -> bool:
    text = text.strip(" .,")
    if not text or len(text) > 150 or re.search(r"\d{4}", text):
        return False
    words = text.split()
    capitalised = sum(1 for w in words if w[:1].isupper())
    return bool(_GROUP_WORDS.search(text)) and capitalised >= max(1, len(words) // 2)


# --- title, journal and locator ---------------------------------------------------------


def _parse_body(rest: str, item: dict, year_info: dict) -> None:
    rest = rest.strip(" .,;:")
    if year_info.get("date"):
        item["issued"] = {"date-parts": [year_info["date"]]}

    # Quoted titles (Harvard): 'Title', Journal, 12(3), pp. 1-10.
    quoted = re.match(r"[‘'“\"](.{2,600}?)[’'”\"](?:\s*[,.]\s*|\s+|$)", rest)
    if quoted and len(quoted.group(1)) > 3:
        item["title"] = _strip_title(quoted.group(1))
        rest = rest[quoted.end() :].strip(" .,;")
        title_known = True
    else:
        title_known = False

    # "18 p. (NICE guideline; no. 59)": a series statement at the end (NLM books, reports).
    series = re.search(r"(?:\s\d+\s*p\.)?\s*\(([^();]{2,80});\s*no\.\s*([\w./-]{1,20})\)\.?$", rest)
    series_name = ""
    if series and not title_known:
        series_name = series.group(1)
        item["number"] = series.group(2)
        rest = rest[: series.start()].rstrip(" .")
    rest = re.sub(r"\.\s\d+\s*p$", "", rest)
    # APA books: "Title (3rd ed.). Publisher." The edition is not part of the title.
    edition = re.search(
        r"\s\((?:[^()]{0,40}\s)?\d{1,2}(?:st|nd|rd|th)\b[^()]{0,60}\b(?:ed|edn)\.?(?:,[^()]{0,40})?\)",
        rest,
    )
    book_edition = False
    if edition and not title_known and "pp." not in edition.group(0):
        rest = rest[: edition.start()] + rest[edition.end() :]
        book_edition = True

    # "(NIH Publication No. 18-2059)": a report; what follows is its publisher.
    report = re.search(
        r"\((?:[A-Z][\w.]*\s){0,4}(?:Publication|Pub\.|Report|Document)\s+No\.?\s*([\w./-]+)\)",
        rest,
    )
    if report and not title_known:
        item["type"] = "report"
        item["title"] = _strip_title(rest[: report.start()])
        item["number"] = report.group(1)
        return

    # "In: The Cochrane Library, Issue 2" names where a review appeared, not a book.
    rest = re.sub(r"\.?\s*In:?\s*The Cochrane Library\s*,?", ",", rest)
    chapter = re.search(r"(?:^|[.;]\s)In(?::|\s(?=[A-Z]))\s*", rest)
    if chapter and not title_known:
        item["type"] = "chapter"
        item["title"] = _strip_title(rest[: chapter.start() + 1])
        _parse_chapter(rest[chapter.end() :], item)
        return

    locator, before = _split_locator(rest)
    fields = _parse_locator(locator) if locator else {}

    if not title_known:
        title, container = _split_title_container(before, bool(fields))
    else:
        title, container = None, before.strip(" .,;")

    if title:
        item["title"] = title
    guideline = re.fullmatch(
        r"((?:NG|CG|QS|PH|TA|NICE\s+guideline\s+)\s?\d{1,4})\.?", (container or "").strip()
    )
    if guideline:
        item["type"] = "report"
        item["number"] = guideline.group(1)
        container = None
    book = _book_details(container or "", title, fields)
    if book is not None:
        item["type"] = book
        container = None
        if title:
            # "Title. 5th edn" / "Title, edn 2": the edition is not part of the title.
            item["title"] = re.sub(
                r"[.,]\s*(?:\d+(?:st|nd|rd|th)\.?\s+(?:edn|ed|edition)|(?:edn|ed\.)\s*\d+)\.?$",
                "",
                title,
                flags=re.IGNORECASE,
            )
    if container:
        item["container-title"] = _strip_title(container)

    _apply_locator(fields, item)
    if series_name:
        item["type"] = (
            "report" if re.search(r"guideline|report|series", series_name, re.I) else "book"
        )
        item.pop("container-title", None)
    elif year_info and not fields and not item.get("DOI"):
        # Author-date reference without volume, pages or DOI: a book ("Title. Publisher.")
        # or, with a link, a web page.
        if item.get("URL") and "type" not in item:
            item["type"] = "webpage"
            if container and "title" in item and container == item.get("container-title"):
                pass
        elif "type" not in item or book_edition:
            item["type"] = "book"
        if item["type"] in ("book", "webpage"):
            item.pop("container-title", None)
    if book_edition and item.get("type") in (None, "article-journal"):
        item["type"] = "book"
        item.pop("container-title", None)
    item.setdefault("type", _guess_type(item, rest))


def _parse_chapter(rest: str, item: dict) -> None:
    """Read the book part of a chapter.

    "In Book; Publisher: City, 2016; pp. 55–64" (MDPI) or "In: Eds, editors. Book. City:
    Publisher; 2016. p. 45-62" (Vancouver).
    """
    # APA: "In D. Brown & H. Edwards (Eds.), Book title (6th ed., pp. 76-91). Publisher."
    apa = re.match(
        r".{0,400}?\((?:Eds?|Ed|editors?)\.?\),\s*([^()]{2,300}?)\s*(?:\(([^()]*)\))?\.\s", rest
    )
    if apa:
        item["container-title"] = _strip_title(apa.group(1))
        pages = re.search(
            r"\bpp?\.\s*([A-Za-z]?\d+(?:\s*[-–]\s*[A-Za-z]?\d+)?)", apa.group(2) or ""
        )
        if pages:
            item["page"] = _expand_pages(pages.group(1))
        return
    rest = re.sub(r"^[^.;]{0,200}?\b(?:eds?|editors?)\.?\s*[.;,]\s*", "", rest, flags=re.IGNORECASE)
    pages = re.search(
        r"\bpp?\.\s*([A-Za-z]?\d+[A-Za-z]?(?:\s*-\s*[A-Za-z]?\d+[A-Za-z]?)?)", _hyphens(rest)
    )
    if pages:
        item["page"] = _expand_pages(pages.group(1))
    book = re.split(r"[;.]\s", rest, maxsplit=1)[0]
    item["container-title"] = _strip_title(book)
    years = _YEAR_RE.findall(rest)
    if years and "issued" not in item:
        item["issued"] = {"date-parts": [[int(years[-1])]]}


_LOCATOR_WORDS = frozenset(
    [*MONTHS, "suppl", "supp", "pt", "spec", "no", "pp", "p", "art", "vol", "issue", "edn"]
)
_LOCATOR_CHARS = frozenset("0123456789;:,.()[]-/")


def _is_locator_token(token: str) -> bool:
    """True for pieces such as "2009", "May", "11;169(9):858-66.", "(4", "Suppl):S60-S74."."""
    token = _hyphens(token)
    if token.lower().strip(";:,.()[]") in _LOCATOR_WORDS:
        return True
    if not any(ch.isdigit() for ch in token):
        return False
    for run in re.finditer(r"[A-Za-z]+", token):
        word = run.group(0)
        next_char = token[run.end() : run.end() + 1]
        if word.lower() in _LOCATOR_WORDS or (len(word) <= 3 and next_char.isdigit()):
            continue
        return False
    return all(ch.isalpha() or ch in _LOCATOR_CHARS for ch in token)


def _split_locator(rest: str) -> tuple[str, str]:
    """Split "… Journal. 2009 May 11;169(9):858-66" into locator and the text before it."""
    tokens = rest.split(" ")
    start = len(tokens)
    for index in range(len(tokens) - 1, -1, -1):
        token = tokens[index]
        if not token:
            continue
        if _is_locator_token(token):
            start = index
            continue
        break
    locator_tokens = tokens[start:]
    # A locator must carry a number; a trailing capitalised month name alone is title text.
    if not any(any(ch.isdigit() for ch in token) for token in locator_tokens):
        return "", rest
    # Do not swallow title words such as "No." when nothing numeric follows them.
    while (
        locator_tokens
        and not any(ch.isdigit() for ch in locator_tokens[0])
        and not (
            locator_tokens[0].lower().rstrip(".") in MONTHS
            or locator_tokens[0]
            .lower()
            .startswith(("suppl", "pp", "p.", "art", "no", "vol", "issue"))
        )
    ):
        locator_tokens = locator_tokens[1:]
        start += 1
    # A month directly after the journal needs a year before it to be a date.
    while locator_tokens and locator_tokens[0].lower().rstrip(".;,") in MONTHS:
        locator_tokens = locator_tokens[1:]
        start += 1
    return " ".join(locator_tokens), " ".join(tokens[:start])


def _parse_locator(locator: str) -> dict:
    """Read year, month, day, volume, issue and pages/number from a locator string."""
    text = _hyphens(locator).strip(" .,;")
    fields: dict = {}
    date = re.match(
        r"(1[5-9]\d\d|20\d\d)[a-z]?(?:\s+([A-Za-z]{3,9})\.?(?:-[A-Za-z]{3,9}\.?)?(?:\s+(\d{1,2})(?!\d))?)?"
        r"\s*[;,.:]?\s*",
        text,
    )
    if date:
        month = MONTHS.get((date.group(2) or "").lower())
        parts = [int(date.group(1))]
        if month:
            parts.append(month)
            if date.group(3):
                parts.append(int(date.group(3)))
        elif date.group(2):
            # Not a month ("2016 Springer"): only the year was a date.
            date = re.match(r"(1[5-9]\d\d|20\d\d)[a-z]?\s*[;,.:]?\s*", text)
        fields["date"] = parts
        text = text[date.end() :]
    text = re.sub(r"^(?:vol\.?\s*)", "", text, flags=re.IGNORECASE)
    issue_word = re.match(r"issue\s+(\w{1,10}),?\s*", text, re.IGNORECASE)
    if issue_word:
        fields["issue"] = issue_word.group(1)
        text = text[issue_word.end() :]
    article = re.search(r"\bart(?:icle)?\.?\s*no\.?\s*([A-Za-z]{0,3}\d{1,9})", text, re.IGNORECASE)
    if article:
        fields["number"] = article.group(1)
        text = text[: article.start()] + text[article.end() :]
    text = re.sub(r"\bpp?\.\s*", "", text, flags=re.IGNORECASE)
    if _is_elocator(text.strip(" ;,:")):
        # A lone code such as "NG189" or "CD001351".
        fields["pages"] = text.strip(" ;,:")
        return fields
    body = re.match(
        r"(?P<vol>[A-Za-z]?\d{1,6}[A-Za-z]?)?\s*(?:\((?P<iss>[^()]{1,20})\))?"
        r"\s*(?:[:,]\s*(?P<pages>[A-Za-z]{0,3}\d{1,9}[A-Za-z]?(?:\s*-\s*[A-Za-z]{0,3}\d{1,9}[A-Za-z]?)?))?",
        text.strip(" ;,:"),
    )
    if body:
        volume, issue, pages = body.group("vol"), body.group("iss"), body.group("pages")
        if volume and not issue and not pages and _is_elocator(volume) and "date" in fields:
            pages, volume = volume, None
        if volume:
            fields["volume"] = volume
        if issue and "issue" not in fields:
            fields["issue"] = issue.strip()
        if pages:
            fields["pages"] = pages.replace(" ", "")
    if "date" not in fields:
        # Harvard: "Journal, 12(3), pp. 1-10" with the year elsewhere; or a trailing year.
        years = _YEAR_RE.findall(text)
        if years and not body.group(0) if body else years:
            fields["date"] = [int(years[-1])]
    return fields


def _is_elocator(value: str) -> bool:
    """Article numbers / e-locators (e149952, CD001351, 730322) rather than page numbers."""
    return bool(re.fullmatch(r"[A-Za-z]{1,3}\d{3,9}|\d{5,9}", value))


def _apply_locator(fields: dict, item: dict) -> None:
    if fields.get("date") and "issued" not in item:
        item["issued"] = {"date-parts": [fields["date"]]}
    if fields.get("volume"):
        item["volume"] = fields["volume"]
    if fields.get("issue"):
        item["issue"] = fields["issue"]
    if fields.get("number"):
        item["number"] = fields["number"]
    pages = fields.get("pages")
    if pages:
        # A single number is an article number when it has a letter prefix (e149952,
        # CD001351) or five digits or more (730322), and also when no issue is given: journals
        # that publish article by article (BMC, MDPI, Frontiers) cite "13:302" or "7, 4",
        # while a single printed page normally comes with its issue ("326(7395):911").
        single = "-" not in pages
        if single and (_is_elocator(pages) or (pages.isdigit() and not fields.get("issue"))):
            item["number"] = pages
        else:
            item["page"] = _expand_pages(pages)
    # Cochrane reviews have issues, not volumes: "Cochrane Database Syst Rev, 12, CD010912".
    container = item.get("container-title", "")
    if (
        "cochrane" in container.lower()
        and item.get("volume")
        and "issue" not in item
        and str(item.get("number", "")).upper().startswith("CD")
    ):
        item["issue"] = item.pop("volume")


def _expand_pages(pages: str) -> str:
    """ "858-66" -> "858-866"; "S60-S74" stays; en-dashes become hyphens."""
    pages = _hyphens(pages).replace(" ", "")
    match = re.fullmatch(r"([A-Za-z]*)(\d+)-([A-Za-z]*)(\d+)", pages)
    if not match:
        return pages
    prefix, first, prefix2, last = match.groups()
    if not prefix2 and len(last) < len(first):
        last = first[: len(first) - len(last)] + last
    return f"{prefix}{first}-{prefix2 or ''}{last}"


def _split_title_container(before: str, has_locator: bool) -> tuple[str | None, str | None]:
    """Split "Title. Journal" into its two parts."""
    before = before.strip(" ,;")
    if not before:
        return None, None
    tokens = before.split(" ")
    # Walk back from the end over the journal's words; stop at a word that ends a sentence
    # and is not a journal abbreviation ("pain." ends the title, "Acupunct." does not).
    boundary = None
    for index in range(len(tokens) - 1, 0, -1):
        previous = tokens[index - 1]
        if previous.endswith(("?", "!")) or (
            previous.endswith(".") and not _is_abbreviation(previous)
        ):
            boundary = index
            break
        if previous.endswith(("’", "”", '"')) and previous[:-1].endswith((".", "?", "!")):
            boundary = index
            break
    if boundary is None:
        # No full stop: "Title, Journal Name, art. no. …" (Harvard without punctuation) splits
        # at the last comma when what follows reads like a journal name.
        head, comma, tail = before.rpartition(", ")
        if has_locator and comma and tail[:1].isupper() and len(tail.split()) <= 8:
            return _strip_title(head), tail
        return _strip_title(before), None
    title = " ".join(tokens[:boundary])
    container = " ".join(tokens[boundary:]).strip(" ,;")
    container = re.sub(
        r"\s*\[(?:internet|online|serial on the internet)\]\.?$", "", container, flags=re.I
    )
    return _strip_title(title), container or None


def _is_abbreviation(token: str) -> bool:
    stem = token.rstrip(".").lstrip("(").lower()
    return (len(stem) == 1 and stem.isalpha()) or stem in JOURNAL_ABBREVIATIONS


def _book_details(container: str, title: str | None, fields: dict) -> str | None:
    """Detect books and reports in the text that would otherwise be the journal."""
    text = container or ""
    if re.search(r"\b(?:\d+(?:st|nd|rd|th)\s+)?(?:edn|ed\.|edition)\b|\bedn\s+\d", text, re.I) or (
        re.search(r"\b[A-Z][\w .]{1,40}:\s*[A-Z][^:;]{2,80}(?:;|$)", text)
        and not fields.get("volume")
        and not fields.get("pages")
    ):
        return "book"
    if re.fullmatch(r"(?:NG|CG|QS|PH|NICE\s+guideline\s+)\s?\d{1,4}\.?", text.strip(), re.I):
        return "report"
    return None


def _guess_type(item: dict, rest: str) -> str:
    if item.get("container-title") or item.get("volume") or item.get("page"):
        return "article-journal"
    if re.search(r"\b(?:publication\s+no|report|guideline|NG\d+|technical\s+series)\b", rest, re.I):
        return "report"
    if item.get("URL") and not item.get("container-title"):
        return "webpage"
    return "article-journal"


def _strip_title(text: str) -> str:
    text = text.strip()
    text = re.sub(r"\s*\[(?:internet|online|serial on the internet)\]", "", text, flags=re.I)
    text = text.strip(" ,;:")
    if len(text) >= 2 and text[0] in "‘'“\"" and text[-1] in "’'”\"":
        text = text[1:-1]
    # Drop a closing full stop, but not the one that belongs to an abbreviation ("Med.").
    if text.endswith(".") and not text.endswith("..."):
        text = text[:-1]
    return text.strip()


# --- dates -----------------------------------------------------------------------------


def _parse_date(text: str) -> list[int] | None:
    """ "2024 Feb 21", "19 December 2023", "March 1, 2020", "2019" -> [y, m, d]."""
    text = text.strip(" .,;:")
    year_match = _YEAR_RE.search(text)
    if not year_match:
        return None
    parts = [int(year_match.group(1))]
    month = None
    for word in re.findall(r"[A-Za-z]+", text):
        month = MONTHS.get(word.lower())
        if month:
            break
    if month:
        parts.append(month)
        rest = text.replace(year_match.group(0), " ")
        day = re.search(r"\b(\d{1,2})\b", rest)
        if day and 1 <= int(day.group(1)) <= 31:
            parts.append(int(day.group(1)))
    return parts


_KEY_ORDER = (
    "type",
    "author",
    "title",
    "container-title",
    "issued",
    "volume",
    "issue",
    "page",
    "number",
    "DOI",
    "PMID",
    "PMCID",
    "URL",
    "accessed",
    "custom",
)


def _ordered(item: dict) -> dict:
    """Return the item with keys in a readable, stable order."""
    return {key: item[key] for key in _KEY_ORDER if key in item}
