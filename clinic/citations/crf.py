# The normaliser reads typographic quotes, dashes and spaces on purpose.
# ruff: noqa: RUF001
"""The trained sequence labeller behind the reference parser.

A reference is normalised (Unicode spaces, dashes and quotes), cut into tokens (words,
numbers, punctuation marks, whole DOIs and URLs), and every token gets a label from a
linear-chain CRF (CRFsuite through ``python-crfsuite``): ``author``, ``title``, ``journal``,
``date``, ``volume`` and so on. Features describe each token and its neighbours: the word,
its shape, punctuation and spacing, its place in the reference, and whether it is part of a
journal title or abbreviation from the MEDLINE / ISO 4 lists (a gazetteer).

The model file ships in ``clinic/citations/data/`` and is loaded once per process.
``python manage.py train_parser`` rebuilds it from the data in the same folder.
"""

import csv
import gzip
import io
import re
import threading
import unicodedata
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
MODEL_PATH = DATA_DIR / "reference_parser.crfsuite"
JOURNALS_PATH = DATA_DIR / "journals.csv.gz"
# Journals the MEDLINE lists above predate (Frontiers, MDPI, BMC, JAMA Network Open, ...).
EXTRA_JOURNALS_PATH = DATA_DIR / "journals-extra.csv"

LABELS = (
    "marker",
    "author",
    "editor",
    "title",
    "journal",
    "container",
    "date",
    "volume",
    "pages",
    "publisher",
    "location",
    "edition",
    "note",
    "url",
    "id",
)

# --- normalisation -----------------------------------------------------------------------

_SPACES = dict.fromkeys(map(ord, "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"), " ")
_SPACES |= dict.fromkeys(map(ord, "\u2008\u2009\u200a\u202f\u205f\u3000\t"), " ")
_SPACES |= dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), "")
_DASHES = dict.fromkeys(
    map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"), "-"
)
_QUOTES = dict.fromkeys(map(ord, "\u2018\u2019\u201a\u201b\u2032\u00b4`"), "'") | dict.fromkeys(
    map(ord, "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb"), '"'
)
_WS_RE = re.compile(r"[ \r\n]+")


def normalise(text: str) -> str:
    """NFKC, plain spaces, hyphens and straight quotes; whitespace runs become one space."""
    text = unicodedata.normalize("NFKC", text)
    text = text.translate(_SPACES).translate(_DASHES).translate(_QUOTES)
    return _WS_RE.sub(" ", text).strip()


# --- tokens ------------------------------------------------------------------------------

TOKEN_RE = re.compile(
    r"(?:https?://|www\.)[^\s<>\"]*[^\s<>\".,;:)\]]"
    r"|10\.\d{4,9}/[^\s\"<>]*[^\s\"<>.,;:\]]"
    r"|\w+(?:[-'’]\w+)*"
    r"|[^\w\s]",
)


def tokenize(text: str) -> list[tuple[str, int, int]]:
    """(token, start, end) for every token of an already normalised text."""
    return [(m.group(0), m.start(), m.end()) for m in TOKEN_RE.finditer(text)]


# --- gazetteer ---------------------------------------------------------------------------

_WORD_RE = re.compile(r"\w+(?:[-'’]\w+)*")


def journal_key(name: str) -> tuple[str, ...]:
    """The words of a journal name, lower case, without punctuation: its lookup key."""
    if not name.isascii():
        name = normalise(name)
    return tuple(_WORD_RE.findall(name.replace("&", " and ").lower()))


def _merge_letters(key: tuple[str, ...]) -> tuple[str, ...]:
    """("proc", "sci", "u", "s", "a") -> ("proc", "sci", "usa"): runs of single letters joined."""
    out: list[str] = []
    run = ""
    for word in (*key, ""):
        if len(word) == 1 and word.isalpha():
            run += word
            continue
        if run:
            out.append(run)
            run = ""
        if word:
            out.append(word)
    return tuple(out)


class Journals:
    """Journal titles and abbreviations: a set of word tuples and abbreviation -> title."""

    def __init__(self, rows):
        self.names: set[tuple[str, ...]] = set()
        self.words: set[str] = set()
        self.full: dict[tuple[str, ...], str] = {}
        for title, abbreviation in rows:
            title_key, abbr_key = journal_key(title), journal_key(abbreviation)
            for key in (title_key, abbr_key):
                if key:
                    self.names.add(key)
            if abbr_key and abbr_key != title_key:
                self.full.setdefault(abbr_key, title.strip())
                self.words.update(abbr_key)
            # "Proc Natl Acad Sci U S A" is also written "Proc. Natl Acad. Sci. USA".
            merged = _merge_letters(abbr_key)
            if merged != abbr_key:
                self.names.add(merged)
                self.full.setdefault(merged, title.strip())
        self.longest = max((len(k) for k in self.names), default=0)

    def full_title(self, name: str) -> str | None:
        return self.full.get(journal_key(name))


@cache
def journals() -> Journals:
    with gzip.open(JOURNALS_PATH, "rt", encoding="utf-8") as handle:
        rows = [(row[0], row[1]) for row in csv.reader(handle) if len(row) >= 2]
    with open(EXTRA_JOURNALS_PATH, encoding="utf-8", newline="") as handle:
        rows += [(row[0], row[1]) for row in csv.reader(handle) if len(row) >= 2]
    return Journals(rows)


# --- features ----------------------------------------------------------------------------

MONTH_WORDS = frozenset(
    [
        "jan",
        "feb",
        "mar",
        "apr",
        "may",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "january",
        "february",
        "march",
        "april",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ]
)
# Words of organisation names: a group author, a publisher or an issuing body.
ORG_WORDS = frozenset(
    """organization organisation organizations organisations institute institutes institution
    society societies college colleges association associations collaborators collaboration
    collaborative collaborating group groups committee committees subcommittee department
    agency agencies network consortium excellence council councils foundation federation
    academy academies commission board alliance union league centre center centers centres
    ministry authority administration government directorate service services panel party
    force taskforce investigators trialists team office national international american
    european world royal initiative programme program faculty secretariat bureau unit forum
    coalition partnership trust members member behalf working writing steering expert
    workgroup nhs intercollegiate advisory
    gesellschaft gesellschaften vereinigung verband bundesverband arbeitsgemeinschaft kammer
    bundesärztekammer leitlinienprogramm institut stiftung zentrum kommission ministerium
    bundesministerium deutsche deutschen
    société societe association collège comité comite ministère ministere agence autorité
    autorite haute fédération federation académie fondation française francaise
    sociedad asociación asociacion colegio comisión comision ministerio agencia fundación
    fundacion consejo federación instituto española espanola
    sociedade associação associacao colégio conselho ministério fundação brasileira
    società societa associazione istituto collegio comitato ministero agenzia consiglio
    fondazione italiana
    vereniging genootschap stichting raad gezondheidsraad kenniscentrum nederlandse
    federatie
    selskab selskap sällskapet förening forening styrelsen sundhedsstyrelsen socialstyrelsen
    helsedirektoratet
    towarzystwo polskie instytut ministerstwo
    общество ассоциация министерство российское российская институт""".split()  # noqa: SIM905
)
# Endings of organisation names in Chinese, Japanese and Korean, written without spaces
# ("中华医学会风湿病学分会", "日本緩和医療学会", "대한고혈압학회"): a society, an association,
# a committee or working group, a ministry or an institute.
CJK_ORG_ENDINGS = (
    "学会",
    "學會",
    "協会",
    "协会",
    "協會",
    "分会",
    "委员会",
    "委員会",
    "学组",
    "学組",
    "协作组",
    "研究会",
    "医師会",
    "研究所",
    "研究院",
    "中心",
    "ガイドライン作成委員会",
    "部",
    "局",
    "厅",
    "省",
    "학회",
    "협회",
    "위원회",
    "연구원",
    "연구회",
)
# Endings of journal names ("中华内科杂志", "精神医学" is not one: the model learns it) and of
# publishers ("人民卫生出版社", "金原出版").
CJK_JOURNAL_ENDINGS = ("杂志", "雜誌", "雑誌", "学报", "學報", "通报", "誌", "学杂志", "지")
CJK_PUBLISHER_ENDINGS = ("出版社", "出版", "書店", "书店", "書院", "出版部")
# Acronyms of bodies that write guidelines and reports: group authors and their publishers.
ORG_ACRONYMS = frozenset(
    """nice who cdc ahrq sign nhmrc kdigo easl esc esh acc aha acp uspstf aan aap aafp acog
    acr eular asco esmo nccn idsa ats ers gina gold ada iasp efic awmf has iqwig cadth fda
    ema mhra nih nimh nccih phe ukhsa nhs gbd bts va dod hhs samhsa icmr racgp who-fic oecd
    unicef unaids cochrane acsm nata apta wcpt ifompt bma gmc rcp rcgp rcog rcn
    kce nvl ctfphc cmaj aasm espen eaaci eshre aaos asa dgn dgrh dgppn dgim degam dgk dgp dgvs
    dgs dgho akdae stiko rki sfar semfyc nhg knmg cbo sbc ssc jcs jsh kcs cma iarc""".split()  # noqa: SIM905
)
# Words of guideline titles and their compounds ("S3-Leitlinie", "Behandlungsleitlinie",
# "richtlijn", "指南", "ガイドライン"): a title, or the series of a report.
GUIDELINE_PARTS = (
    "guideline",
    "leitlinie",
    "richtlijn",
    "recommandation",
    "recomendaci",
    "linee guida",
    "lineeguida",
    "standaard",
    "指南",
    "ガイドライン",
    "가이드라인",
    "诊疗",
    "診療",
)
# Report and register numbers: IQWiG "A11-02", MMWR "RR-1", AWMF "060-004" (a leading zero, which
# page ranges do not have), "128/001OL" of the Leitlinienprogramm Onkologie.
_REPORT_NUMBER_RE = re.compile(r"[A-Z]\d{2}-0\d|[A-Z]{2,4}-\d{1,3}|0\d{2}-\d{2,4}|\d{3}[A-Z]{1,3}")
# Short words of titles in other languages (German, French, Spanish, Portuguese, Italian,
# Dutch, Scandinavian, Polish, Turkish): a title, or a journal, not in English.
FOREIGN_WORDS = frozenset(
    """der die das und bei mit von zur zum im für über nach des dem den ein eine einer
    le la les des du et dans pour sur une aux avec chez par est
    el los las del en con para por una uno sobre entre
    da do dos das em com uma na no nos nas ao pela pelo
    il della delle dei nel nella con per gli sul
    het een bij voor naar op
    och på av med til ved af
    w z na u dla przez oraz
    ve ile bir için
    zhi zhong yi xue za yan jiu zhen ci liao chuang guo hua""".split()  # noqa: SIM905
)
LANGUAGE_NAMES = frozenset(
    """german french spanish portuguese italian dutch chinese japanese korean russian polish
    turkish swedish norwegian danish finnish czech hungarian greek hebrew arabic persian
    croatian serbian romanian ukrainian english""".split()  # noqa: SIM905
)
CUE_WORDS = frozenset(
    [
        "et",
        "al",
        "and",
        "in",
        "eds",
        "ed",
        "edn",
        "edition",
        "vol",
        "volume",
        "no",
        "issue",
        "pp",
        "p",
        "doi",
        "pmid",
        "pmcid",
        "available",
        "from",
        "at",
        "accessed",
        "cited",
        "retrieved",
        "internet",
        "online",
        "url",
        "art",
        "suppl",
        "press",
        "university",
        "publisher",
        "report",
        "guideline",
        "thesis",
        "journal",
        "proceedings",
        "conference",
        "london",
        "new",
        "york",
    ]
)


def _is_cjk(ch: str) -> bool:
    """Chinese, Japanese and Korean letters (Han, kana, hangul)."""
    code = ord(ch)
    return 0x3040 <= code <= 0x30FF or 0x3400 <= code <= 0x9FFF or 0xAC00 <= code <= 0xD7AF


def has_cjk(text: str) -> bool:
    return any(_is_cjk(ch) for ch in text)


def _cjk_features(tok: str) -> list[str]:
    """Script, length and ending of a word in Chinese, Japanese or Korean letters: names are two
    to five characters, titles longer, and a society, a journal or a publisher has its ending."""
    letters = [ch for ch in tok if _is_cjk(ch)]
    kana = any(0x3040 <= ord(ch) <= 0x30FF for ch in letters)
    hangul = any(0xAC00 <= ord(ch) <= 0xD7AF for ch in letters)
    script = "hangul" if hangul else "kana" if kana else "han"
    size = len(letters)
    length = "1" if size == 1 else "2-4" if size <= 4 else "5-6" if size <= 6 else "7-10"
    if size > 10:
        length = "11+"
    f = [f"cjks={script}", f"cjkl={length}", f"ce={tok[-1]}"]
    if tok.endswith(CJK_ORG_ENDINGS):
        f.append("org")
    if tok.endswith(CJK_JOURNAL_ENDINGS):
        f.append("cjkjrn")
    if tok.endswith(CJK_PUBLISHER_ENDINGS):
        f.append("cjkpub")
    return f


def _shape(token: str) -> str:
    out = []
    for ch in token[:12]:
        c = "X" if ch.isupper() else "x" if ch.isalpha() else "d" if ch.isdigit() else ch
        if not out or out[-1] != c:
            out.append(c)
    return "".join(out)


def _token_features(tokens: list[tuple[str, int, int]], text: str) -> list[list[str]]:
    gaz = journals()
    n = len(tokens)
    base: list[list[str]] = []
    # Gazetteer: mark the longest journal name that starts at each word token.
    jrn = [""] * n
    word_index = [i for i, (tok, _, _) in enumerate(tokens) if tok[0].isalnum()]
    words = [tokens[i][0].lower() for i in word_index]
    pos = 0
    while pos < len(word_index):
        hit = 0
        for length in range(min(gaz.longest, len(word_index) - pos, 12), 0, -1):
            if tuple(words[pos : pos + length]) in gaz.names:
                hit = length
                break
        if hit:
            first, last = word_index[pos], word_index[pos + hit - 1]
            kind = "1" if hit == 1 else "m"
            for i in range(first, last + 1):
                jrn[i] = ("B" if i == first else "I") + kind
            pos += hit
        else:
            pos += 1

    sentences = 0
    sentence_start = True
    depth = 0
    square = 0
    quoted = False
    digits_before = 0
    for i, (tok, start, end) in enumerate(tokens):
        low = tok.lower()
        space_before = start > 0 and text[start - 1] == " "
        space_after = end < len(text) and text[end] == " "
        f = [f"sh={_shape(tok)}", f"pos={i * 8 // n}", f"sent={min(sentences, 6)}"]
        if len(tok) > 30 or low.startswith(("http", "www.", "10.")):
            f.append("w=<long>")
        else:
            f.append(f"w={low}")
        if len(tok) > 3 and tok[0].isalpha():
            f.append(f"suf={low[-3:]}")
        f.append(f"len={min(len(tok), 8)}")
        if space_before:
            f.append("sp")
        if space_after:
            f.append("spa")
        if tok[0].isupper():
            f.append("cap")
        if tok.isupper() and len(tok) > 1 and tok.isalpha():
            f.append("allcap")
        if tok.isdigit():
            f.append("digit")
            if len(tok) == 4 and 1500 <= int(tok) <= 2039:
                f.append("year")
        elif re.fullmatch(r"\d+-\d+", tok):
            f.append("range")
        elif re.fullmatch(r"[A-Za-z]{1,3}\d+", tok):
            f.append("eloc")
        if low in MONTH_WORDS:
            f.append("month")
        if low in CUE_WORDS:
            f.append("cue")
        if low in ORG_WORDS:
            f.append("org")
        elif low in ORG_ACRONYMS and sum(ch.isupper() for ch in tok) >= 2:  # "NICE", "IQWiG"
            f.append("org")
            f.append("orgacr")
        if low in FOREIGN_WORDS:
            f.append("fw")
        if low in LANGUAGE_NAMES:
            f.append("lang")
        if any(part in low for part in GUIDELINE_PARTS):
            f.append("gl")
        if _REPORT_NUMBER_RE.fullmatch(tok):
            f.append("repno")
        if not tok.isascii():
            if any(_is_cjk(ch) for ch in tok):
                f.append("cjk")
                f.extend(_cjk_features(tok))
            elif any(ch.isalpha() and not ch.isascii() for ch in tok):
                f.append("dia")
        if len(tok) == 1 and tok.isupper():
            f.append("initial")
        if re.fullmatch(r"[A-Z]{2,3}", tok):
            f.append("initials")
        if low.startswith(("http", "www.")):
            f.append("url")
        if low.startswith("10.") and "/" in tok:
            f.append("doi")
        if not tok[0].isalnum():
            f.append("punct")
        if jrn[i]:
            f.append(f"jrn={jrn[i]}")
        if low in gaz.words:
            f.append("jword")
        if depth:
            f.append("paren")
        if square:
            f.append("square")
        if sentence_start:
            f.append("sstart")
        if quoted:
            f.append("quoted")
        f.append(f"dig={min(digits_before, 4)}")
        base.append(f)
        # State for the following tokens.
        sentence_start = False
        if tok in "([":
            depth += 1
            square += tok == "["
        elif tok in ")]" and depth:
            depth -= 1
            if tok == "]" and square:
                square -= 1
        elif tok == '"':
            quoted = not quoted
        # A full stop ends a sentence before a space, and in Chinese and Japanese references
        # before the next letter ("学会.うつ病", "。").
        after_char = text[end : end + 1]
        if (tok in ".?!" and space_after) or (
            tok in ".?!。" and (tok == "。" or (after_char and _is_cjk(after_char)))
        ):
            sentences += 1
            sentence_start = True
        if tok[0].isdigit():
            digits_before += 1

    keep = (
        "w=",
        "sh=",
        "sp",
        "punct",
        "cap",
        "digit",
        "year",
        "month",
        "jrn=",
        "initial",
        "org",
        "fw",
        "dia",
        "cjk",
        "lang",
        "sstart",
        "gl",
        "repno",
    )
    out = []
    for i in range(n):
        f = list(base[i])
        for offset in (-2, -1, 1, 2):
            j = i + offset
            if 0 <= j < n:
                prefix = f"{offset:+d}:"
                f.extend(prefix + x for x in base[j] if x.startswith(keep))
            else:
                f.append(f"{offset:+d}:none")
        if i == 0:
            f.append("first")
        if i == n - 1:
            f.append("last")
        out.append(f)
    return out


def features(text: str) -> tuple[list[tuple[str, int, int]], list[list[str]]]:
    tokens = tokenize(text)
    return tokens, _token_features(tokens, text) if tokens else []


# --- the model ---------------------------------------------------------------------------

_lock = threading.Lock()
_tagger = None
_loads = 0


def _load_model():
    """Open the shipped model once per process (thread-safe)."""
    global _tagger, _loads
    if _tagger is None:
        with _lock:
            if _tagger is None:
                import pycrfsuite

                tagger = pycrfsuite.Tagger()
                tagger.open(str(MODEL_PATH))
                _loads += 1
                _tagger = tagger
    return _tagger


def model_loads() -> int:
    """How many times this process opened the model file (1 once anything was parsed)."""
    return _loads


def use_model(path: Path | str) -> None:
    """Parse with the model in ``path`` from now on in this process (evaluation, rebuilds)."""
    global _tagger, MODEL_PATH
    with _lock:
        MODEL_PATH = Path(path)
        _tagger = None


def reload_model() -> None:
    """Forget the loaded model (after a rebuild), so the next parse opens the new file."""
    global _tagger
    with _lock:
        _tagger = None


def tag(text: str) -> list[tuple[str, int, int, str, float]]:
    """Label an already normalised text: (token, start, end, label, marginal probability)."""
    tokens, feats = features(text)
    if not tokens:
        return []
    tagger = _load_model()
    with _lock:  # a Tagger holds the last sequence: one caller at a time
        labels = tagger.tag(feats)
        probs = [tagger.marginal(label, i) for i, label in enumerate(labels)]
    return [(*tok, label, p) for tok, label, p in zip(tokens, labels, probs, strict=True)]


# L1 and L2 regularisation of the CRF. L2 was 0.01 until the fifth 6 December retraining; a
# stronger one generalises better to the real rows a fold never saw (docs/references.md, "The
# fifth 6 December retraining": --cv-real exact 92.9 % at 0.01, 94.4 / 94.2 / 94.4 % at 0.05,
# 0.1 and 0.2; the middle of that plateau is used).
C1 = 0.05
C2 = 0.1


def train(sequences, path: Path | str, *, max_iterations: int = 80, c1: float = C1, c2: float = C2):
    """Train a model on (text, labels) pairs, labels one per token of ``tokenize(text)``."""
    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=False)
    for text, labels in sequences:
        tokens, feats = features(text)
        if len(tokens) != len(labels) or not tokens:
            continue
        trainer.append(feats, labels)
    trainer.set_params(
        {
            "c1": c1,
            "c2": c2,
            "max_iterations": max_iterations,
            "feature.possible_transitions": True,
            "feature.minfreq": 2,
        }
    )
    trainer.train(str(path))
    return trainer.logparser.last_iteration


def read_gzip_text(path: Path) -> str:
    with gzip.open(path, "rb") as handle:
        return io.TextIOWrapper(handle, encoding="utf-8").read()
