# The parser reads typographic quotes and dashes on purpose, so they appear literally below.
# ruff: noqa: RUF001
"""Pasted reference lists: cutting them up, and the rules that tidy what the model labelled.

``split_reference_list`` cuts a pasted list into single references (at "1.", "[1]", lines or
paragraphs). The fields of each reference are found by the trained labeller in
``clinic.citations.model``; the helpers here only read what it found: author lists
(Vancouver "Cherkin DC, Sherman KJ" and inverted "Cherkin, D. C., & Sherman, K. J."), dates,
page ranges, and identifiers (DOI, PMID, PMCID, URL, accessed date) that have unambiguous
shapes. ``parse_reference`` is kept for callers that want one item per string.

Every regular expression here has bounded repetition or works on a short token, so time grows
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
# A list number has at most three digits (an import takes 200 references): "(2018)." or "2008."
# opening a wrapped line is a year, not a number.
_MARKER_RE = re.compile(r"^\s*(?:[-•*–]\s*)?(?:\[\d{1,3}\]|\(\d{1,3}\)|\d{1,3}[.)](?!\d))\s*")
_BULLET_RE = re.compile(r"^\s*[-•*–]\s+")

# --- names ---------------------------------------------------------------------------------
# "et al." and its forms in other languages: Russian "и др.", Polish "i wsp.", Spanish "y cols."
_ET_AL_WORDS = r"et\.?\s*al\.?|and others|и\s?др\.?|i\s?wsp\.?|y\s?cols?\.?"
_ET_AL_RE = re.compile(rf"^,?\s*(?:{_ET_AL_WORDS}|\.\.\.|…)\s*", re.IGNORECASE)
# Given names, tried in order. Vancouver: "U.K.", "A L", "DC", "H-D". APA/Harvard: "L. T. A.",
# "A.P.", "Y.-P.", "A. j." or, rarely, a written-out name ("Daniel C.").
# Capital letters, accented ones included: "Bréhaut É", "Öztürk Ç", "Łukasiewicz Ł".
# Cyrillic too (Russian names and initials in PubMed's and GOST's forms).
_UP = "A-Z" + "".join(
    chr(c) for c in (*range(0xC0, 0x250), *range(0x400, 0x430)) if chr(c).isupper()
)
_LOW = "a-z" + "".join(
    chr(c) for c in (*range(0xDF, 0x250), *range(0x430, 0x460)) if chr(c).islower()
)
_DOTTED_INITIALS = rf"[{_UP}]\.(?:\s?-?[{_UP}a-z]\.){{0,4}}"
_VANCOUVER_GIVEN = [
    re.compile(_DOTTED_INITIALS),
    re.compile(rf"[{_UP}](?:\s[{_UP}](?![\w'’.])){{1,2}}"),
    re.compile(rf"[{_UP}]{{1,4}}(?:-[{_UP}]{{1,2}})?(?![\w'’])"),
    # Dutch and Russian initials with a small letter: "Wiersma Tj", "Verheij ThJM", "Salomé PhL",
    # "Zhernakova YuV" (two capitals at least, or a Dutch digraph: "Xu", "Tu" are names).
    re.compile(rf"(?:Tj|Th|Ph|Sj|Ch|(?:[{_UP}][hju]?){{2,4}})(?![\w'’])"),
]
_INVERTED_GIVEN = [
    re.compile(_DOTTED_INITIALS),
    re.compile(rf"[{_UP}]{{1,3}}(?:-[{_UP}]{{1,2}})?(?![\w'’])"),
    re.compile(
        rf"[{_UP}][{_LOW}]{{1,20}}(?:[ -][{_UP}][{_LOW}]{{1,20}})?(?:\s[{_UP}]\.)?(?![\w'’])"
    ),
]
_INITIALS_RE = _VANCOUVER_GIVEN[2]
_PARTICLES = frozenset(
    {"van", "von", "de", "der", "den", "da", "di", "du", "del", "della", "la", "le", "ten"}
    | {"ter", "op", "dos", "das", "do", "st", "'t", "’t"}
    # Spanish and Portuguese double family names: "Ramón y Cajal S", "Azevedo e Silva G".
    | {"y", "e"}
)
_GROUP_WORDS = re.compile(
    r"\b(?:group|committee|organi[sz]ation|association|institute|society|college|council"
    r"|agency|department|ministry|collaboration|consortium|network|foundation|centre|center"
    r"|board|service|nice|who|uk|us|national|federal|world|academy|trust|health"
    r"|collaborators|investigators|working party|task force|writing group"
    r"|initiative|panel|programme|federation|commission|authority|administration|directorate"
    r"|alliance|coalition|faculty|trialists|workgroup|gesellschaft|sociedad|soci[ée]t[ée]"
    r"|ministerio|minist[èe]re|autorit[ée]|sant[ée]|istituto|genootschap|kammer"
    r"|consensus conference|nih|office"
    r"|grupo|groupe|gruppo|arbeitsgruppe|werkgroep|grupa)s?\b",
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
            elif current and _starts_unnumbered(" ".join(current), line):
                # A mixed paste: an unnumbered reference between or before numbered ones.
                refs.append(" ".join(current))
                current = [_BULLET_RE.sub("", line)]
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


_COMPLETE_RE = re.compile(r"\b(?:1[6-9]\d\d|20\d\d)\b.*[\d.)\]]$")
# A locator: "169(9):858", "15: 730322", ";(1):CD001351", "12, 345".
_LOCATOR_RE = re.compile(r"\d\)?\s*[:,]\s*\(?[A-Za-z]{0,3}\d")


# How a reference opens: persons ("Haake M, Müller HH,", "Cherkin, D. C.,") or a body named
# with its acronym ("Bundesärztekammer (BÄK),"). A journal's name ("Arch Intern Med. 2009")
# does not match: its words are not followed by initials and a comma or full stop.
_OPENS_WITH_NAMES_RE = re.compile(
    r"[A-ZÀ-Ý][\w'’-]+(?: [A-ZÀ-Ý][\w'’-]+)?,? (?:[A-ZÀ-Ý]{1,3}|[A-ZÀ-Ý]\.(?: ?[A-ZÀ-Ý]\.)*)[,.] "
    r"|[A-ZÀ-Ý][\w'’-]+(?: [\w'’-]+){0,8} \([A-ZÀ-Ý]{2,}\)[,.] "
)


def _starts_unnumbered(current: str, line: str) -> bool:
    """In a numbered list, an unnumbered line that is a reference of its own, not a wrapped
    line: the reference so far is complete (a year, then an ending) and so is the line, and
    both have locators ("169(9):858") or the line opens with names or a body's name (a
    guideline or a report has no locator)."""
    # A line opening with a number that is not the list's ("2008 Jun 11;299(22):2630.") goes on.
    if _is_continuation(line) or len(line) < 30 or line[:1].isdigit():
        return False
    if not (_COMPLETE_RE.search(current) and _COMPLETE_RE.search(line)):
        return False
    if _LOCATOR_RE.search(current) and _LOCATOR_RE.search(line):
        return True
    # A body's name has no colon: "London: NICE, 2019." is a wrapped publisher line.
    first_sentence = line.split(". ", 1)[0]
    return bool(_OPENS_WITH_NAMES_RE.match(line)) or (
        ":" not in first_sentence and _looks_like_group(first_sentence)
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
    """One CSL-JSON item for one reference, read by the trained model. Never raises.

    Kept for callers that expect a single item; new code should call
    ``clinic.citations.model.parse_reference``, which returns every reference of a run-together
    string and the model's confidence per field.
    """
    from clinic.citations.model import parse_reference as parse_items

    items = parse_items(text) if isinstance(text, str) else []
    if not items:
        return {"type": "article-journal"}
    item = dict(items[0])
    item.pop("_confidence", None)
    return item


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


def _looks_inverted(text: str) -> bool:
    """True for "Family, I." author lists (APA, Harvard, MDPI), false for "Family IN"."""
    match = re.match(
        rf"[^\s,;]{{1,40}}(?:\s[^\s,;]{{1,40}}){{0,3}},\s(?:[{_UP}]\.|[{_UP}]{{1,3}}[,;&\s])", text
    )
    if not match:
        return False
    # "Cherkin DC, Sherman KJ" also has a comma then capitals; inverted lists have no
    # initials block before the first comma.
    before = text[: text.index(",")].split()
    return not (len(before) >= 2 and _INITIALS_RE.fullmatch(before[-1]))


_NAME_SEP_RE = re.compile(r"\s*(?:,|;)?\s*(?:(?:and|&|et(?!\.?\s*al\b)|und)\s+)?")


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
        # "and", "&", and the French and German "et" and "und" ("Martin, J. et Girard, P.").
        sep = _NAME_SEP_RE.match(text, pos)
        after = sep.end() if sep else pos
        between = text[pos:after]
        # Continue only after a list separator; a full stop or colon ends the list.
        if re.search(r"[,;&]|\b(?:and|et|und)\b", between):
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
    et = re.match(rf"\s*[.,]?\s*(?:{_ET_AL_WORDS}|\.\.\.|…)", rest, re.IGNORECASE)
    if et:
        et_al = True
        rest = rest[et.end() :]
    return authors, et_al, rest.lstrip(" .:")


_WORD_RE = re.compile(r"[^\W\d_][\w'’]*(?:-[\w'’]+)*|['’]t(?= )")
# "Jack CR Jr", "Ware Jr JE", "Schroeder Jr, H. W.", "Jack, C. R. Jr": a generational suffix, kept
# apart from the family and the given names (CSL's "suffix").
_SUFFIX_WORDS = frozenset({"Jr", "Sr", "II", "III", "IV", "jr"})
# (and MEDLINE's "Pope CA 3rd")
_SUFFIX_AFTER_RE = re.compile(r",? (Jr|Sr|II|III|IV|jr|2nd|3rd)\.?(?=[,;:]|\.? |\.?$| and | & )")


def _with_suffix(name: dict, text: str, end: int) -> tuple[dict, int]:
    """The name with a suffix written after its given names ("CR Jr,"), and where it ends."""
    family = name["family"].split()
    if len(family) > 1 and family[-1] in _SUFFIX_WORDS:  # "Ware Jr JE", "Schroeder Jr, H."
        name = {**name, "family": " ".join(family[:-1]), "suffix": family[-1]}
    after = _SUFFIX_AFTER_RE.match(text, end)
    if after and "suffix" not in name:
        name = {**name, "suffix": after.group(1)}
        end = after.end()
    return name, end


def _read_vancouver(text: str, pos: int) -> tuple[dict | None, int]:
    """Read "Family Family IN" at ``pos``: up to four family words, then initials."""
    words: list[str] = []
    cursor = pos
    for _ in range(5):
        if words:
            for pattern in _VANCOUVER_GIVEN:
                initials = pattern.match(text, cursor)
                if initials and words[-1] in _SUFFIX_WORDS and len(words) == 1:
                    initials = None
                if initials and (
                    _ends_name(text, initials.end()) or _SUFFIX_AFTER_RE.match(text, initials.end())
                ):
                    if not _valid_family(words):
                        return None, pos
                    name = {"family": " ".join(words), "given": initials.group(0)}
                    return _with_suffix(name, text, initials.end())
        match = _WORD_RE.match(text, cursor)
        if not match:
            return None, pos
        words.append(match.group(0))
        after = match.end()
        # "Gaw AC, Chang, LW, Shaw L-C": a stray comma between family name and initials.
        stray = re.compile(rf", ([{_UP}]{{1,3}})(?=,)").match(text, after)
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
    # Family words are capitalised or particles ("van der Poll", "van 't Hof"); anything else is
    # a title.
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
        suffix = _SUFFIX_AFTER_RE.match(text, end)
        if strong or weak or suffix:
            return _with_suffix({"family": family, "given": given}, text, end)
    return None, pos


def _looks_like_group(text: str) -> bool:
    text = text.strip(" .,")
    if not text or len(text) > 150:
        return False
    # "GBD 2019 Risk Factors Collaborators" has a year in its name; a date is not a group.
    if re.search(r"\d{4}", text) and not re.search(
        r"\b(?:collaborators|investigators|group|consortium|panel|committee|task force)\b",
        text,
        re.I,
    ):
        return False
    words = text.split()
    capitalised = sum(1 for w in words if w[:1].isupper())
    return bool(_GROUP_WORDS.search(text)) and capitalised >= max(1, len(words) // 2)


# --- title, journal and locator ---------------------------------------------------------


def _is_elocator(value: str) -> bool:
    """Article numbers / e-locators (e149952, CD001351, 730322) rather than page numbers."""
    return bool(re.fullmatch(r"[A-Za-z]{1,3}\d{3,12}|\d{5,9}", value))


def _expand_pages(pages: str) -> str:
    """ "858-66" -> "858-866"; "S60-S74" stays; en-dashes become hyphens."""
    pages = _hyphens(pages).replace(" ", "")
    match = re.fullmatch(r"([A-Za-z]*)(\d+)-([A-Za-z]*)(\d+)", pages)
    if not match:
        return pages
    prefix, first, prefix2, last = match.groups()
    if not prefix2 and len(last) < len(first):
        last = first[: len(first) - len(last)] + last
    # "S2-15" is PubMed's short form of "S2-S15".
    if prefix and not prefix2 and int(last) > int(first):
        prefix2 = prefix
    return f"{prefix}{first}-{prefix2 or ''}{last}"


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
