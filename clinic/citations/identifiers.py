"""Normalise the identifiers a reference can carry (DOI, PMID, PMCID) and titles.

Every ``normalise_*`` function takes what an editor might paste ("doi:10.1001/x.",
"https://doi.org/10.1001/x", "PMID: 123", "PMCID: PMC42") and returns the canonical form, or
raises ``ValueError`` with a message that can be shown to the editor as it is.
"""

import re
import unicodedata

# A DOI is "10.<registrant>/<suffix>"; the suffix may contain almost anything except spaces.
_DOI_RE = re.compile(r"10\.\d{4,9}/\S+")
_DOI_PREFIX_RE = re.compile(
    r"^(?:(?:https?://)?(?:dx\.)?doi\.org/|https?://doi-org/|info:doi/|doi\s*:?\s*)+",
    re.IGNORECASE,
)
# Punctuation that ends a sentence around a DOI but is never the last character of one.
_DOI_TRAILING = ".,;:'\"\u2019\u201d)]>"


def normalise_doi(value: str) -> str:
    """Return the DOI in ``value`` as a bare, lower-case ``10.xxxx/suffix``.

    DOIs are case-insensitive, so lower-casing makes them comparable.
    """
    text = (value or "").strip()
    text = _DOI_PREFIX_RE.sub("", text).strip()
    match = _DOI_RE.match(text)
    if not match:
        raise ValueError(
            f"“{value}” is not a DOI. A DOI starts with “10.”, then a number, a slash and "
            "the rest, for example 10.1001/archinternmed.2009.65."
        )
    doi = match.group(0)
    # Strip sentence punctuation, but keep a closing bracket that belongs to the DOI, as in
    # 10.1016/S0140-6736(16)30970-9.
    while doi and doi[-1] in _DOI_TRAILING:
        if doi[-1] == ")" and doi.count("(") >= doi.count(")"):
            break
        if doi[-1] == "]" and doi.count("[") >= doi.count("]"):
            break
        doi = doi[:-1]
    if "/" not in doi or doi.endswith("/"):
        raise ValueError(f"“{value}” is not a complete DOI: nothing follows the slash.")
    return doi.lower()


def normalise_pmid(value: str | int) -> str:
    """Return a PubMed ID as a string of digits ("PMID: 19433697" -> "19433697")."""
    text = str(value if value is not None else "").strip()
    text = re.sub(r"^(?:pmid|pubmed(?:\s+id)?)\s*[:#]?\s*", "", text, flags=re.IGNORECASE)
    text = text.rstrip(".;, ")
    if not re.fullmatch(r"\d{1,9}", text) or int(text) == 0:
        raise ValueError(f"“{value}” is not a PubMed ID: a PMID is a number such as 19433697.")
    return str(int(text))


def normalise_pmcid(value: str | int) -> str:
    """Return a PubMed Central ID as "PMC" plus digits ("PMCID: PMC1234", "1234" -> "PMC1234")."""
    text = str(value if value is not None else "").strip()
    text = re.sub(r"^pmcid\s*[:#]?\s*", "", text, flags=re.IGNORECASE)
    text = text.rstrip(".;, ")
    match = re.fullmatch(r"(?:pmc)?\s*(\d{1,10})", text, flags=re.IGNORECASE)
    if not match or int(match.group(1)) == 0:
        raise ValueError(f"“{value}” is not a PubMed Central ID: a PMCID looks like PMC2832641.")
    return f"PMC{int(match.group(1))}"


def normalise_title(value: str) -> str:
    """Reduce a title to a key for duplicate detection.

    Case, accents, punctuation and spacing differ between sources ("Non-specific low back
    pain." vs "NON-SPECIFIC LOW BACK PAIN"), so all of them are dropped.
    """
    text = unicodedata.normalize("NFKD", value or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.casefold()
    # Punctuation (any Unicode category starting with P) and symbols become spaces.
    text = "".join(" " if unicodedata.category(ch)[0] in "PS" else ch for ch in text)
    return " ".join(text.split())
