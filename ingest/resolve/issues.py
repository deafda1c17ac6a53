"""Issue resolution: group filings into issues (信访事项), one grievance each.

An issue is told in many filings — one person's refilings, many villagers' filings on one collective
matter, message-board users on one estate's parking — in different words, under different categories. The
pipeline (docs/resolution.md, "Issues"):

1. features: each distinct content written one way (matter_text), its typed particulars (`particulars`:
   years, sums, villages, estates, bodies, roads, case numbers …) weighted by rarity among all filings, its
   telling bigrams (keywords.py) and a MinHash signature; the category level of every two labels through
   the taxonomy (categories.py);
2. blocking → candidate pairs (sorted neighbourhood inside each block, so no block costs n²): same
   petitioner; same county and named place or body; same city and any particular; a keyword in common;
   same MinHash band. No rule needs equal categories;
3. scoring: one level per comparison (issue_model.COMPARISONS), weights estimated by EM on the data
   (issue_model.fit_models); vetoes (two values of one kind) and the repost rule are the hand rules;
4. clustering: connected components over linked pairs; a component that would hold two values of one kind,
   grows large or holds a pair that weighs against is rebuilt strongest pair first, with average linkage;
   then one-line records join their petitioner's one compatible matter.

Settings are in `IssueSettings`; figures in bench/styles.py, bench/accuracy_units_issues.py and
bench/realdata.py. Each filing keeps the reasons of its strongest link as Evidence, for the UI.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from graph.atomic import write_atomically
from ingest.background import WORKERS, paused_gc, release_free_memory
from ingest.read.places import all_counties
from ingest.records import Evidence, Filing, Issue
from ingest.resolve import issue_model as im
from ingest.resolve.categories import CategoryRelation, Taxonomy
from ingest.resolve.identifiers import strong_identifiers
from ingest.resolve.issue_model import (
    COMPARISONS,
    NULL,
    SHARED_BINS,
    TEXT_BINS,
    MatterModels,
    binned,
    fit_models,
    gap_level,
)
from ingest.resolve.keywords import Keywords, overlap, rare_bigrams
from ingest.resolve.matter_text import matter_text
from ingest.resolve.named_objects import is_generic, named_objects

# ------------------------------------------------------------------------------------------ particulars

(
    YEAR,
    YEARS,
    AREA,
    MONEY,
    VILLAGE,
    TOWN,
    ESTATE,
    COMPANY,
    FACTORY,
    SCHOOL,
    HOSPITAL,
    CITY,
    ROAD,
    ROAD_OBJECT,
    CASE,
    CREDIT,
    DOCUMENT,
) = range(17)
KIND_NAMES = {
    YEAR: ("年份", "year"),
    YEARS: ("年数", "years"),
    AREA: ("面积", "area"),
    MONEY: ("金额", "sum"),
    VILLAGE: ("村", "village"),
    TOWN: ("乡镇", "township"),
    ESTATE: ("小区", "estate"),
    COMPANY: ("公司", "company"),
    FACTORY: ("厂", "factory"),
    SCHOOL: ("学校", "school"),
    HOSPITAL: ("医院", "hospital"),
    CITY: ("市", "city"),
    ROAD: ("道路", "road"),
    ROAD_OBJECT: ("道路设施", "road and what stands on it"),
    CASE: ("案号", "case number"),
    CREDIT: ("统一社会信用代码", "credit code"),
    DOCUMENT: ("证照合同编号", "document number"),
}
"""Kinds of particulars, with their Chinese and English labels for evidence lines."""
PLACE_KINDS = frozenset({VILLAGE, TOWN, ESTATE, COMPANY, FACTORY, SCHOOL, HOSPITAL})
"""Named places and bodies: a block on one of these plus county and category is small and telling."""

_NUMBERS = re.compile(r"(\d+(?:\.\d+)?)(亩|平方米|万元|元|年)")
_SUFFIXES = (
    ("有限公司", COMPANY, 8),
    ("公司", COMPANY, 8),
    ("小区", ESTATE, 5),
    ("中心小学", SCHOOL, 5),
    ("小学", SCHOOL, 5),
    ("中学", SCHOOL, 6),
    ("医院", HOSPITAL, 6),
    ("街道", TOWN, 4),
    ("镇", TOWN, 4),
    ("乡", TOWN, 4),
    ("村", VILLAGE, 4),
    ("社区", VILLAGE, 4),
    ("厂", FACTORY, 6),
)
_SUFFIX_RE = re.compile("|".join(re.escape(s) for s, _, _ in _SUFFIXES))
_SUFFIX_INFO = {s: (k, n) for s, k, n in _SUFFIXES}
_STOP = frozenset(
    "，。、；：,.;:！？!?（）()“”\"' \u3000的在是住原被向了对把将从由到给与及等我们你他她其该为于叫并"
    "县区市省镇乡村人个户位年月日各每这那在有无没已未也都就又还要请求反映称说"
)
"""Characters a name does not run back across: punctuation, function words, and the place suffixes. Not 和,
which names hold (万和, 和平): a name read back across the conjunction (张庄村和李庄村) loses its leading 和.
Not 名 or 里, which names hold (兴隆名苑, 张里村); 村里 and 镇里 are no places (`_NOT_BEFORE`)."""
_COUNTY_HEADS = frozenset("县区市旗")
_NOT_NAMES = frozenset(
    {
        "本村",
        "该村",
        "同村",
        "全村",
        "邻村",
        "我村",
        "村民",
        "农村",
        "乡村",
        "城乡",
        "本镇",
        "该镇",
        "乡镇",
        "村镇",
        "村里",
        "镇里",
        "公司",
        "工厂",
        "学校",
        "医院",
    }
)


_NOT_BEFORE = {"乡": "村镇亲", "村": "委民里干长", "镇": "政里民干长"}
"""A suffix followed by one of these is a word, not a place: 乡村, 乡镇, 村委会, 村民, 镇政府, 镇里."""

_WIDE = re.compile(r"[\uff10-\uff19\uff0e]")
_WIDE_TABLE = {0xFF10 + i: ord("0") + i for i in range(10)} | {0xFF0E: ord(".")}
_SPACE = re.compile(r"\s+")
_NAMED_REVERSED = re.compile(
    "(?<![县区市旗])(?P<suffix>"
    + "|".join(
        (f"(?<![{_NOT_BEFORE[x]}])" if x in _NOT_BEFORE else "") + re.escape(x[::-1]) for x, _, _ in _SUFFIXES
    )
    + ")(?P<name>[^"
    + re.escape("".join(sorted(_STOP)))
    + r"\d]{2,8})"
)
"""Read on the reversed text (so the suffix anchors the match and no backtracking is needed): a suffix,
not followed by a county head (柏乡县), then a run of name characters (no stop character, no digit)."""


_CITIES = frozenset(c.city_name for c in all_counties() if c.city_name and c.city_name.endswith("市"))
"""Full names of prefecture-level cities (石家庄市): a cross-county matter names the city it concerns."""
_CITY_LENGTHS = sorted({len(c) for c in _CITIES})
_COUNTY_SHORTS = frozenset(c.short for c in all_counties() if 2 <= len(c.short) <= 3)
"""Short county names (柏乡, 襄都): a factory or company named after its county keeps the county, even where
the name reading stops at one of its characters (乡, 都)."""


def _cities(s: str) -> list[str]:
    """Prefecture-level cities named in s (ending in 市, from the official list)."""
    out: list[str] = []
    i = s.find("市")
    while i >= 0:
        for k in _CITY_LENGTHS:
            if k <= i + 1 and s[i + 1 - k : i + 1] in _CITIES:
                out.append(s[i + 1 - k : i + 1])
                break
        i = s.find("市", i + 1)
    return out


_COUNTY_BODY = re.compile(
    "([^"
    + re.escape("".join(sorted(_STOP)))
    + r"\d]{1,5}(?:[县区旗镇乡]|街道))([\u4e00-\u9fff]{0,6}?(?:中学|小学|医院))"
)
"""A school or hospital named with its county or township (井陉县第二中学, 柳营镇中心小学)."""


def normalise_content(text: str) -> str:
    """Full-width digits to ASCII, no whitespace (cheap: the rest of NFKC changes no particular)."""
    if _WIDE.search(text):
        text = text.translate(_WIDE_TABLE)
    return _SPACE.sub("", text)


def particulars(text: str) -> list[tuple[int, str]]:
    """The typed particulars a content names: years, spans of years, areas, sums, named places and bodies, and
    cities.

    >>> particulars("2015年柳营镇北王村300亩耕地被征收，每亩补偿5000元")
    [(0, '2015'), (2, '300亩'), (3, '5000元'), (4, '北王村'), (5, '柳营镇')]
    """
    s = normalise_content(text)
    out: list[tuple[int, str]] = []
    for value, unit in _NUMBERS.findall(s):
        if unit == "年":
            if len(value) == 4 and value[:2] in ("19", "20"):
                out.append((YEAR, value))
            elif len(value) <= 2:
                out.append((YEARS, value))
        elif unit == "亩" or unit == "平方米":
            out.append((AREA, value + unit))
        else:
            out.append((MONEY, value + unit))
    qualified = (
        [(SCHOOL if m.group(0).endswith("学") else HOSPITAL, m.group(0)) for m in _COUNTY_BODY.finditer(s)]
        if "学" in s or "医院" in s
        else []
    )
    out.extend(qualified)
    for m in _NAMED_REVERSED.finditer(s[::-1]):
        suffix = m.group("suffix")
        full = (suffix + m.group("name"))[::-1]
        if qualified and any(q.endswith(full) for _, q in qualified):
            continue
        kind = _SUFFIX_INFO[suffix[::-1]][0]
        if kind in (FACTORY, COMPANY):  # 襄都博远水泥厂 and 柏乡博远水泥厂 are two factories
            start = len(s) - m.end()
            for k in (3, 2):
                if start >= k and s[start - k : start] in _COUNTY_SHORTS:
                    full = s[start - k : start] + full
                    break
        if full[0] == "和" and len(full) > 3:
            full = full[1:]
        street = full.find("街道", 0, len(full) - 3)
        if street >= 0:  # 王家街道白营村: the village is 白营村
            full = full[street + 2 :]
        if full not in _NOT_NAMES and not is_generic(full):
            out.append((kind, full))
    out.extend((CITY, c) for c in _cities(s))
    for what, name in named_objects(s):
        k = _NAMED_KIND[what]
        # one estate read twice (天元家园小区 by its suffix, 天元家园 as a name) is one particular
        if not any(kind == k and (v.startswith(name) or name.startswith(v)) for kind, v in out):
            out.append((k, name))
    out.extend((_STRONG_KIND[what], value) for what, value in strong_identifiers(s))
    return out


_NAMED_KIND = {
    "estate": ESTATE,
    "road": ROAD,
    "road_object": ROAD_OBJECT,
    "school": SCHOOL,
    "hospital": HOSPITAL,
    "company": COMPANY,
}
_STRONG_KIND = {"case": CASE, "credit": CREDIT, "document": DOCUMENT}


# --------------------------------------------------------------------------------------------- minhash

KEYWORDS = 16
"""Rarest bigrams kept per content (keywords.rare_bigrams)."""
_K = 16
"""MinHash functions per content (bands of 4 rows → 4 bands)."""
_ROWS = 4
_MULT = np.array(
    [
        0x9E3779B1,
        0x85EBCA77,
        0xC2B2AE3D,
        0x27D4EB2F,
        0x165667B1,
        0xD3A2646C,
        0xFD7046C5,
        0xB55A4F09,
        0x7FEB352D,
        0x846CA68B,
        0x2C1B3C6D,
        0x297A2D39,
        0xA136AA97,
        0x5F356495,
        0x61C88647,
        0x9E485565,
    ],
    dtype=np.uint32,
)
_XOR = np.array(
    [
        0x68E31DA4,
        0xB5297A4D,
        0x1B56C4E9,
        0x3C6EF372,
        0xA54FF53A,
        0x510E527F,
        0x9B05688C,
        0x1F83D9AB,
        0x5BE0CD19,
        0x6A09E667,
        0xBB67AE85,
        0x243F6A88,
        0x85A308D3,
        0x13198A2E,
        0x03707344,
        0xA4093822,
    ],
    dtype=np.uint32,
)


def minhash_signatures(texts: list[str]) -> NDArray[np.uint32]:
    """A (len(texts), 16) MinHash signature of each text's set of character bigrams, computed in numpy
    over all texts at once, deterministic across runs. Texts shorter than two characters get a unique
    signature that matches nothing."""
    sig = np.empty((len(texts), _K), dtype=np.uint32)
    step = 20_000  # ~50 MB of temporaries per chunk
    for lo in range(0, len(texts), step):
        chunk = texts[lo : lo + step]
        joined = "\x00".join(chunk) + "\x00"
        codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
        grams = (codes[:-1] * np.uint32(0x01000193)) ^ (codes[1:] * np.uint32(0x2545F491))
        valid = (codes[:-1] != 0) & (codes[1:] != 0)
        lengths = np.fromiter((len(t) for t in chunk), dtype=np.int64, count=len(chunk))
        doc = np.repeat(np.arange(len(chunk)), lengths + 1)[:-1]
        grams, doc = grams[valid], doc[valid]
        has = np.bincount(doc, minlength=len(chunk)) > 0
        starts = np.searchsorted(doc, np.arange(len(chunk)))
        out = np.full((len(chunk), _K), 0xFFFFFFFF, dtype=np.uint32)
        if len(grams):
            s_ok = starts[has]
            for k in range(_K):
                h = (grams ^ _XOR[k]) * _MULT[k]
                h ^= h >> np.uint32(15)
                out[has, k] = np.minimum.reduceat(h, s_ok)
        empty = np.flatnonzero(~has)
        out[empty] = (
            np.arange(lo, lo + len(chunk), dtype=np.uint32)[empty, None] * np.uint32(2654435761)
        ) ^ _XOR
        sig[lo : lo + len(chunk)] = out
    return sig


# ------------------------------------------------------------------------------------------- settings


@dataclass(frozen=True, slots=True)
class IssueSettings:
    """Settings of issue resolution (the weights themselves are estimated: issue_model)."""

    repost_content: float = 0.9
    """MinHash Jaccard estimate from which two texts are one text reposted (15 of 16 rows equal) …"""
    repost_chars: int = 40
    """… when both are at least this long: one-line entries (反映道路损坏问题) say too little to tell."""
    big_cluster: int = 20
    strong_link: float = 7.0
    """Two clusters of big_cluster filings or more are merged only by a pair at least this heavy, or when
    they share values of agree_kinds kinds of particulars of the matter (a city and a year; a factory and a
    year) — one estate or one village in common is not enough."""
    agree_kinds: int = 2
    prior_filings: int = 1000
    """Filings per category assumed on top of those given, so that weights mean the same in a small batch
    (a particular two filings share out of five is not common)."""
    window: int = 8
    """Sorted-neighbourhood window inside a petitioner-and-category block."""
    place_window: int = 4
    """… inside a category, county and named place block."""
    city_window: int = 1
    """… inside a category, city and particular block."""
    lsh_window: int = 1
    """… inside a MinHash band bucket."""
    keyword_window: int = 3
    """… among filings sharing one of their first keyword_slots keywords (keywords.rare_bigrams)."""
    keyword_slots: int = 6
    max_particulars: int = 6
    """Particulars kept per filing (the rarest)."""
    short_chars: int = 24
    """A content shorter than this is a one-line record (`_join_short_records`)."""
    link_weight: float = 0.0
    """Match weight (log2 odds of one matter, issue_model) from which a pair is linked: 0 is even odds."""
    random_pairs: int = 200_000
    """Random pairs of filings u is estimated on."""
    em_pairs: int = 1_000_000
    """Candidate pairs (a random sample when there are more) m is estimated on by EM."""
    seed: int = 0
    """Seed of the random pairs and the sample: the same data give the same issues."""


# ------------------------------------------------------------------------------------------- features


_NAMES = 1 << 32
"""Name ids fit below this."""


@dataclass(slots=True)
class CoSigners:
    """Who each filing names among its co-signers, to tell which pairs are co-signed."""

    own: NDArray[np.int64]
    """Per filing: the id of its petitioner's name."""
    listed: NDArray[np.int64]
    """Sorted filing index × 2³² + name id of every co-signer a filing names."""

    @classmethod
    def of(cls, names: list[str], co_signers: list[tuple[str, ...]]) -> CoSigners:
        name_id: dict[str, int] = {}
        own = np.fromiter(
            (name_id.setdefault(x, len(name_id)) for x in names), dtype=np.int64, count=len(names)
        )
        keys: list[int] = []
        for i, listed in enumerate(co_signers):
            for name in listed:
                keys.append(i * _NAMES + name_id.setdefault(name, len(name_id)))
        return cls(own, _distinct(np.array(keys, dtype=np.int64)))


@dataclass(slots=True)
class IssueFeatures:
    """Per filing, what issue resolution compares: the rarest particulars of its content and place of the
    matter with their weights, a MinHash signature of its wording, its category, county, city and home
    village. All of it is read from the texts alone, so it can be read in a helper process while
    petitioners are resolved (`read_features`); `pet` is added once they are known."""

    n: int
    cat: NDArray[np.int64]
    county: NDArray[np.int64]
    city: NDArray[np.int64]
    tok: NDArray[np.int64]
    """(n, M) particular ids (−1 pads)."""
    w: NDArray[np.float32]
    """(n, M) their weights."""
    kind: NDArray[np.int64]
    """(n, M) their kinds."""
    has: NDArray[np.int64]
    """Bit mask of kinds each filing names."""
    sig: NDArray[np.uint32]
    token_text: list[tuple[int, str]]
    home: NDArray[np.int64]
    """The village of the petitioner's address (id, −1 when none)."""
    cosigners: CoSigners
    chars: NDArray[np.int32]
    """Length of the content in characters: a repost must be long enough to tell."""
    day: NDArray[np.int64]
    """The date received (ordinal)."""
    kw: Keywords
    """The telling bigrams of each filing's content."""
    cat_level: NDArray[np.int8]
    """(labels, labels): the category comparison level of two labels (`category_levels`)."""
    pet: NDArray[np.int64] = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    """The petitioner (id, or a filing of its own when unknown): filled in by resolve_issues."""


@dataclass(slots=True)
class IssueInputs:
    """What `read_features` reads of the filings, as plain lists (one item a filing): what a helper process
    is sent instead of the records."""

    contents: list[str]
    places: list[str]
    """Place of the matter as written."""
    categories: list[str]
    counties: list[str | None]
    addresses: list[str]
    names: list[str]
    """The petitioner's name (normalised)."""
    co_signers: list[tuple[str, ...]]
    """The co-signers' names (normalised)."""
    days: list[int]
    """The date each filing was received (proleptic ordinal)."""

    @classmethod
    def of(cls, filings: list[Filing]) -> IssueInputs:
        return cls(
            [f.content for f in filings],
            [f.issue_place for f in filings],
            [f.category for f in filings],
            [f.county for f in filings],
            [f.address for f in filings],
            [f.name_norm for f in filings],
            [f.co_petitioners for f in filings],
            [f.received_date.toordinal() for f in filings],
        )


IndexArray = NDArray[np.int32] | NDArray[np.int64]
"""Filing indexes (pairs are int32 to halve their memory)."""


def _ids(values: list[str | None]) -> NDArray[np.int64]:
    table: dict[str, int] = {}
    return np.fromiter(
        (-1 if v is None or v == "" else table.setdefault(v, len(table)) for v in values),
        dtype=np.int64,
        count=len(values),
    )


_HOME = re.compile(r"(?:镇|乡|街道)([^\d镇乡村街道]{1,5}村)")
"""The village of an address: the name after the township, ending in 村."""


def _distinct(x: NDArray[np.int64]) -> NDArray[np.int64]:
    """Sorted distinct values (by sorting: numpy's hash-based unique is many times slower on large int64)."""
    x = np.sort(x)
    keep = np.ones(len(x), dtype=bool)
    keep[1:] = x[1:] != x[:-1]
    return x[keep]


def _expand(
    idx: NDArray[np.int64], start: NDArray[np.int64], length: NDArray[np.int64], flat: NDArray[np.int64]
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """For each i, the items flat[start[idx[i]] : start[idx[i]] + length[idx[i]]], as (row, item) arrays."""
    lens = length[idx]
    rows = np.repeat(np.arange(len(idx), dtype=np.int64), lens)
    first = np.repeat(start[idx], lens)
    offs = np.arange(len(rows), dtype=np.int64) - np.repeat(np.cumsum(lens) - lens, lens)
    return rows, flat[first + offs]


@dataclass(slots=True)
class _Particulars:
    """The particulars of each distinct content and of each distinct place of the matter (villages and
    townships only), as CSR arrays of token ids, and a MinHash signature of each distinct content."""

    content_of: NDArray[np.int64]
    """Per filing: the index of its content among the distinct contents."""
    place_of: NDArray[np.int64]
    """Per filing: the index of its place of the matter among the distinct places."""
    content_tokens: tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]
    """(start, length, flat token ids) per distinct content."""
    place_tokens: tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]
    token_text: list[tuple[int, str]]
    """(kind, text) of each token id."""
    signatures: NDArray[np.uint32]
    """(distinct contents, 16) MinHash signatures."""
    keywords: Keywords
    """The telling bigrams of each distinct content."""
    lengths: NDArray[np.int32]
    """Characters of each distinct content once written one way (boilerplate out)."""


def _read_particulars(contents: list[str], places: list[str]) -> _Particulars:
    """The particulars of filings given by their contents and places of the matter (one each per filing)."""
    token_id: dict[tuple[int, str], int] = {}

    def table(texts: list[str], keep: frozenset[int] | None) -> tuple[NDArray[np.int64], ...]:
        """CSR of particular ids per text."""
        flat: list[int] = []
        lens = np.zeros(len(texts), dtype=np.int64)
        for i, text in enumerate(texts):
            ids = [
                token_id.setdefault(t, len(token_id))
                for t in particulars(text)
                if keep is None or t[0] in keep
            ]
            flat.extend(ids)
            lens[i] = len(ids)
        return np.cumsum(lens) - lens, lens, np.array(flat, dtype=np.int64)

    content_idx: dict[str, int] = {}
    cidx = np.fromiter(
        (content_idx.setdefault(c, len(content_idx)) for c in contents), dtype=np.int64, count=len(contents)
    )
    place_idx: dict[str, int] = {"": 0}
    pidx = np.fromiter(
        (place_idx.setdefault(p, len(place_idx)) for p in places), dtype=np.int64, count=len(places)
    )
    # Each distinct content written one way first (matter_text: boilerplate out, numbers, dates and sums
    # in one form, traditional characters and common typos fixed): what it says of the matter.
    distinct = [matter_text(c) for c in content_idx]
    c_table = table(distinct, None)
    p_table = table(list(place_idx), frozenset({VILLAGE, TOWN}))
    token_text: list[tuple[int, str]] = [("", "")] * len(token_id)  # type: ignore[list-item]
    for t, k in token_id.items():
        token_text[k] = t
    return _Particulars(
        cidx,
        pidx,
        (c_table[0], c_table[1], c_table[2]),
        (p_table[0], p_table[1], p_table[2]),
        token_text,
        minhash_signatures(distinct),
        rare_bigrams([normalise_content(c) for c in distinct], KEYWORDS),
        np.fromiter(map(len, distinct), dtype=np.int32, count=len(distinct)),
    )


_LEVEL_OF_RELATION = {
    CategoryRelation.UNKNOWN: NULL,
    CategoryRelation.UNRELATED: 0,
    CategoryRelation.FAMILY: 1,
    CategoryRelation.SAME: 2,
}


def category_levels(labels: list[str]) -> NDArray[np.int8]:
    """The category level (issue_model: 0 unrelated, 1 one family, 2 same, NULL unknown) of every two of
    the labels as written, through the taxonomy (categories.py): computed once per two canonical
    categories, so that a file's thousand spellings cost no more than its few dozen categories."""
    taxonomy = Taxonomy.load()
    canon = [taxonomy.canonical(x) or "" for x in labels]
    names = sorted(set(canon) - {""})
    index = {c: i for i, c in enumerate(names)}
    rel = np.full((len(names) + 1, len(names) + 1), NULL, dtype=np.int8)  # the last row: unknown
    for i, x in enumerate(names):
        for j, y in enumerate(names):
            rel[i, j] = _LEVEL_OF_RELATION[taxonomy.relation(x, y)]
    of = np.array([index.get(c, len(names)) for c in canon], dtype=np.int64)
    out: NDArray[np.int8] = rel[np.ix_(of, of)] if len(labels) else np.zeros((1, 1), dtype=np.int8)
    return out


def read_features(inp: IssueInputs, settings: IssueSettings | None = None) -> IssueFeatures:
    """The features of the filings `inp` describes (all but their petitioners)."""
    with paused_gc():
        return _features(inp, settings or IssueSettings(), _read_particulars(inp.contents, inp.places))


def _features(inp: IssueInputs, s: IssueSettings, p: _Particulars) -> IssueFeatures:
    n = len(inp.contents)
    r1, t1 = _expand(p.content_of, *p.content_tokens)
    r2, t2 = _expand(p.place_of, *p.place_tokens)
    rows, toks = np.concatenate([r1, r2]), np.concatenate([t1, t2])
    token_text = p.token_text
    nt = max(len(token_text), 1)
    pair = _distinct(rows * nt + toks)
    rows, toks = pair // nt, pair % nt

    labels: dict[str, int] = {}
    cat = np.fromiter(
        (-1 if not c.strip() else labels.setdefault(c.strip(), len(labels)) for c in inp.categories),
        dtype=np.int64,
        count=n,
    )
    cat_level = category_levels(list(labels))
    token_kind = np.array([k for k, _ in token_text] or [0], dtype=np.int64)
    # Weight: IDF of the particular among all filings (with a prior, so small batches mean the same). Not
    # within the category: one matter is filed under different categories by different bodies and years.
    counts = np.bincount(toks, minlength=nt)
    weight = np.log((n + s.prior_filings) / (counts[toks] + 1)).astype(np.float32)
    # Keep the m rarest particulars of each filing.
    m = s.max_particulars
    order = np.lexsort((-weight, rows))
    rows, toks, weight = rows[order], toks[order], weight[order]
    row_start = np.searchsorted(rows, np.arange(n))
    rank = np.arange(len(rows)) - row_start[rows]
    keep = rank < m
    rows, toks, weight, rank = rows[keep], toks[keep], weight[keep], rank[keep]
    tok = np.full((n, m), -1, dtype=np.int64)
    w = np.zeros((n, m), dtype=np.float32)
    kind = np.zeros((n, m), dtype=np.int64)
    tok[rows, rank] = toks
    w[rows, rank] = weight
    kind[rows, rank] = token_kind[toks]
    has = np.zeros(n, dtype=np.int64)
    np.bitwise_or.at(has, rows, np.left_shift(1, token_kind[toks]))

    counties = inp.counties
    county = _ids(counties)
    city = _ids([c[:4] if c else None for c in counties])
    sig = p.signatures[p.content_of]
    home_of: dict[str, str] = {}
    homes: list[str | None] = []
    for address, c in zip(inp.addresses, counties, strict=True):
        if not address:
            homes.append(None)
            continue
        h = home_of.get(address)
        if h is None:
            found = _HOME.search(address)
            h = home_of[address] = found.group(1) if found else ""
        homes.append((c or "") + h if h else None)
    home = _ids(homes)
    cosigners = CoSigners.of(inp.names, inp.co_signers)
    chars = p.lengths[p.content_of]
    day = np.array(inp.days, dtype=np.int64)
    kw = Keywords(p.keywords.ids[p.content_of], p.keywords.weight[p.content_of])
    return IssueFeatures(
        n, cat, county, city, tok, w, kind, has, sig, token_text, home, cosigners, chars, day, kw, cat_level
    )


# ------------------------------------------------------------------------------------------- blocking


def _neighbours(
    keys: NDArray[np.int64], members: NDArray[np.int64], order_by: NDArray[np.int64], window: int
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Pairs of members at most `window` apart in (key, order_by) order, within the same key."""
    ok = keys >= 0
    keys, members, order_by = keys[ok], members[ok], order_by[ok]
    order = np.lexsort((members, order_by, keys))
    k, mb = keys[order], members[order]
    a_parts, b_parts = [], []
    for d in range(1, window + 1):
        if d >= len(k):
            break
        same = k[d:] == k[:-d]
        a_parts.append(mb[:-d][same])
        b_parts.append(mb[d:][same])
    if not a_parts:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    return np.concatenate(a_parts), np.concatenate(b_parts)


def _candidate_rules(f: IssueFeatures, s: IssueSettings) -> list[Callable[[], NDArray[np.int64]]]:
    """The blocking rules, each a function giving its pairs as distinct lo × n + hi (they may run in
    threads: their sorts release the interpreter lock)."""
    n, m = f.n, f.tok.shape[1]
    idx = np.arange(n, dtype=np.int64)
    rarest = f.tok[:, 0]

    def pairs(
        keys: NDArray[np.int64], members: NDArray[np.int64], order_by: NDArray[np.int64], window: int
    ) -> NDArray[np.int64]:
        """A rule's pairs as distinct lo * n + hi (memory: one int64 a pair)."""
        a, b = _neighbours(keys, members, order_by, window)
        return _distinct(np.minimum(a, b) * n + np.maximum(a, b))

    def same_petitioner() -> NDArray[np.int64]:
        return pairs(np.where(f.pet >= 0, f.pet, -1), idx, rarest, s.window)

    def same_place(of_city: bool) -> NDArray[np.int64]:
        """Same county and named place / body; or same city and any particular (whatever the categories:
        one matter is filed under different ones)."""
        rep = np.repeat(idx, m)
        tok = f.tok.ravel()
        ntok = int(tok.max()) + 2 if tok.size else 1
        if of_city:
            city = f.city[rep]
            key = np.where((tok >= 0) & (city >= 0), city * ntok + tok, -1)
            return pairs(key, rep, rarest[rep], s.city_window)
        is_place = np.isin(f.kind.ravel(), list(PLACE_KINDS)) & (tok >= 0)
        county = f.county[rep]
        key = np.where(is_place & (county >= 0), county * ntok + tok, -1)
        return pairs(key, rep, f.pet[rep], s.place_window)

    def same_band(band_no: int) -> NDArray[np.int64]:
        """MinHash LSH: one band of rows."""
        band = f.sig[:, band_no * _ROWS : (band_no + 1) * _ROWS].astype(np.uint64)
        h = band[:, 0]
        for r in range(1, _ROWS):
            h = h * np.uint64(0x100000001B3) ^ band[:, r]
        bucket = h >> np.uint64(2)
        return pairs(bucket.astype(np.int64), idx, f.pet, s.lsh_window)

    def same_keyword() -> NDArray[np.int64]:
        """One of the telling words of each in common (an estate's name, a plant, a road, a bus line),
        anywhere: each filing's first `keyword_slots` keywords."""
        ids = f.kw.ids[:, : s.keyword_slots]
        rep = np.repeat(idx, ids.shape[1])
        return pairs(ids.ravel(), rep, f.pet[rep], s.keyword_window)

    rules: list[Callable[[], NDArray[np.int64]]] = [
        same_petitioner,
        same_keyword,
        partial(same_place, False),
        partial(same_place, True),
    ]
    return rules + [partial(same_band, band_no) for band_no in range(_K // _ROWS)]


def _distinct_pairs(n: int, keys: list[NDArray[np.int64]]) -> tuple[NDArray[np.int32], NDArray[np.int32]]:
    """The rules' pairs (lo × n + hi) as int32 index arrays, each pair once."""
    key = _distinct(np.concatenate(keys))
    keys.clear()
    key = key[key // n != key % n]
    return (key // n).astype(np.int32), (key % n).astype(np.int32)


# -------------------------------------------------------------------------------------------- scoring


@dataclass(slots=True)
class _Scored:
    a: NDArray[np.int32]
    b: NDArray[np.int32]
    weight: NDArray[np.float32]
    """Match weight of each pair (log2 odds, from the model)."""
    jaccard: NDArray[np.float32]
    accepted: NDArray[np.bool_]
    model: MatterModels


def _score(
    f: IssueFeatures,
    a: NDArray[np.int32],
    b: NDArray[np.int32],
    cosigned: NDArray[np.bool_],
    s: IssueSettings,
    pool: Executor,
    cols: _Columns,
) -> _Scored:
    """Each pair's levels, then the model estimated on them (m by EM on a sample of the pairs, u on random
    pairs of filings), each pair's weight and verdict — a chunk of pairs at a time (no temporary as long as
    all the pairs), the chunks in the pool's threads (numpy releases the interpreter lock)."""
    n_pairs = len(a)
    levels = np.empty((n_pairs, len(COMPARISONS)), dtype=np.int8)
    jac = np.empty(n_pairs, dtype=np.float32)
    accepted = np.empty(n_pairs, dtype=bool)
    chunk = 250_000

    def level(lo: int) -> None:
        part = slice(lo, lo + chunk)
        levels[part], jac[part], accepted[part] = _levels_part(f, a[part], b[part], cosigned[part], s, cols)

    for _ in pool.map(level, range(0, n_pairs, chunk)):
        pass
    rng = np.random.default_rng(s.seed)
    n_random = min(s.random_pairs, f.n * (f.n - 1) // 2)  # a handful of filings has few distinct pairs
    ra = rng.integers(0, max(f.n, 1), n_random).astype(np.int32)
    rb = rng.integers(0, max(f.n, 1), n_random).astype(np.int32)
    keep = ra != rb
    ra, rb = ra[keep], rb[keep]
    random_levels = _levels_part(f, ra, rb, _cosigned(f.cosigners, ra, rb), s, cols)[0]
    sample = levels if n_pairs <= s.em_pairs else levels[rng.choice(n_pairs, s.em_pairs, replace=False)]
    others = int((levels[:, im.WHO] != 2).sum())
    model = fit_models(sample, random_levels, others, f.n)
    weight = np.empty(n_pairs, dtype=np.float32)
    repost = (jac >= s.repost_content) & (np.minimum(f.chars[a], f.chars[b]) >= s.repost_chars)

    def score(lo: int) -> None:
        part = slice(lo, lo + chunk)
        weight[part] = model.score(levels[part])
        # a vetoed pair (accepted False) stays refused; a repost is linked whatever its weight
        accepted[part] &= repost[part] | (weight[part] >= s.link_weight)

    for _ in pool.map(score, range(0, n_pairs, chunk)):
        pass
    return _Scored(a, b, weight, jac, accepted, model)


@dataclass(slots=True)
class _Columns:
    tok: NDArray[np.int64]
    """(M, n) particular ids, pads −2."""
    tok_padded: NDArray[np.int64]
    """(M, n) particular ids, pads −1."""
    w_matter: NDArray[np.float32]
    """(M, n) rarity weights of the particulars of the matter (places weigh 0: they have their level)."""
    bits: NDArray[np.int64]
    sig: NDArray[np.uint32]
    """(16, n) MinHash rows."""


def _columns(f: IssueFeatures) -> _Columns:
    """The features as columns (one row of the array per particular slot or MinHash row)."""
    return _Columns(
        np.ascontiguousarray(np.where(f.tok >= 0, f.tok, -2).T),  # pads never equal each other
        np.ascontiguousarray(f.tok.T),
        np.ascontiguousarray(np.where((np.left_shift(1, f.kind) & UNWEIGHED_MASK) != 0, 0, f.w).T),
        np.ascontiguousarray(np.where(f.tok >= 0, np.left_shift(1, f.kind), 0).T),
        np.ascontiguousarray(f.sig.T),
    )


def _levels_part(
    f: IssueFeatures,
    a: NDArray[np.int32],
    b: NDArray[np.int32],
    cosigned: NDArray[np.bool_],
    s: IssueSettings,
    cols: _Columns,
) -> tuple[NDArray[np.int8], NDArray[np.float32], NDArray[np.bool_]]:
    """The level of each comparison (issue_model.COMPARISONS) for pairs a[i], b[i]; their MinHash Jaccard
    estimate; and whether a hand rule leaves them open (False: vetoed)."""
    tb = [row[b] for row in cols.tok_padded]
    shared_w = np.zeros(len(a), dtype=np.float32)
    shared = np.zeros(len(a), dtype=np.int64)
    """Bit mask of kinds with a particular in common."""
    for j in range(len(cols.tok)):
        ta = cols.tok[j][a]
        hit = ta == tb[0]
        for other in tb[1:]:
            hit |= ta == other
        shared_w += hit * cols.w_matter[j][a]
        shared |= np.where(hit, cols.bits[j][a], 0)
    agree = np.zeros(len(a), dtype=np.int64)
    for row in cols.sig:
        agree += row[a] == row[b]
    jac = (agree / np.float32(len(cols.sig))).astype(np.float32)
    out = np.full((len(a), len(COMPARISONS)), NULL, dtype=np.int8)
    out[:, im.TEXT] = binned(overlap(f.kw, a, b), TEXT_BINS)
    has_a, has_b = f.has[a], f.has[b]
    matter_a, matter_b = (has_a & ~UNWEIGHED_MASK) != 0, (has_b & ~UNWEIGHED_MASK) != 0
    out[:, im.SHARED] = np.where(matter_a & matter_b, binned(shared_w, SHARED_BINS), NULL)
    common = has_a & has_b & SOFT_CONFLICT_MASK
    out[:, im.CONFLICT] = np.where(common != 0, (common & ~shared) == 0, NULL)
    same_pet = (f.pet[a] == f.pet[b]) & (f.pet[a] >= 0)
    out[:, im.WHO] = np.where(same_pet, 2, np.where(cosigned, 1, 0))
    # Area: one scale from other city to same village (of the matter, or the petitioners' home village), so
    # that a village in common is not counted again as a county in common.
    ca, cb = f.county[a], f.county[b]
    both = (ca >= 0) & (cb >= 0)
    same_place = (shared & PLACE_MASK) != 0
    homes = (f.home[a] >= 0) & (f.home[b] >= 0)
    same_home = homes & (f.home[a] == f.home[b])
    places = ((has_a & PLACE_MASK) != 0) & ((has_b & PLACE_MASK) != 0)
    apart = ~same_pet & ((places & ~same_place) | (homes & ~same_home))
    area = np.where(ca == cb, np.where(apart, 2, 3), np.where(f.city[a] == f.city[b], 1, 0))
    area = np.where(both, area, NULL)
    out[:, im.AREA] = np.where(same_place | (same_home & ~same_pet), 4, area)
    ka, kb = f.cat[a], f.cat[b]
    known = (ka >= 0) & (kb >= 0)
    out[:, im.CATEGORY] = np.where(known, f.cat_level[np.maximum(ka, 0), np.maximum(kb, 0)], NULL)
    strong = has_a & has_b & STRONG_MASK
    out[:, im.STRONG] = np.where(strong != 0, (shared & STRONG_MASK) != 0, NULL)
    out[:, im.GAP] = gap_level(f.day[a] - f.day[b])
    # Veto (a hand rule): both name a value of a kind one matter has one of (a village, an estate, a sum, a
    # year) and none agree — two villages' land, two estates' repairs — unless it is one text reposted.
    open_ = (has_a & has_b & ~shared & CONFLICT_MASK) == 0
    return out, jac, open_


def _cosigned(c: CoSigners, a: NDArray[np.int32], b: NDArray[np.int32]) -> NDArray[np.bool_]:
    """Pairs where one filing names the other's petitioner among its co-signers."""
    known = c.listed
    if not len(known):
        return np.zeros(len(a), dtype=bool)

    def listed(x: NDArray[np.int32], y: NDArray[np.int32]) -> NDArray[np.bool_]:
        q = x.astype(np.int64) * _NAMES + c.own[y]
        pos = np.minimum(np.searchsorted(known, q), len(known) - 1)
        found: NDArray[np.bool_] = known[pos] == q
        return found

    has_co = np.zeros(len(c.own), dtype=bool)
    has_co[known // _NAMES] = True
    out = np.zeros(len(a), dtype=bool)
    sel = np.flatnonzero(has_co[a] | has_co[b])
    out[sel] = listed(a[sel], b[sel]) | listed(b[sel], a[sel])
    return out


# ----------------------------------------------------------------------------------------- clustering


def components(n: int, a: IndexArray, b: IndexArray) -> NDArray[np.int64]:
    """Connected components: the smallest member index of each item's component.

    >>> components(5, np.array([0, 3]), np.array([1, 4])).tolist()
    [0, 0, 2, 3, 3]
    """
    parent = np.arange(n, dtype=np.int64)
    while len(a):
        pa, pb = parent[a], parent[b]
        diff = pa != pb
        a, b, pa, pb = a[diff], b[diff], pa[diff], pb[diff]
        if not len(a):
            break
        np.minimum.at(parent, np.maximum(pa, pb), np.minimum(pa, pb))
        while True:
            nxt = parent[parent]
            if np.array_equal(nxt, parent):
                break
            parent = nxt
    return parent


CONFLICT_KINDS = frozenset(
    {YEAR, AREA, MONEY, VILLAGE, TOWN, ESTATE, COMPANY, FACTORY, SCHOOL, HOSPITAL, CITY, CASE, CREDIT}
)
"""Kinds of which one issue names one value: two clusters naming different ones are not merged. Not spans
of years: in a collective matter each filer gives their own (教龄, 服役 years)."""
CONFLICT_MASK = sum(1 << k for k in CONFLICT_KINDS)
PLACE_MASK = (1 << VILLAGE) | (1 << TOWN)
"""Kinds that say where a matter is (they have a level of their own)."""
SOFT_CONFLICT_MASK = CONFLICT_MASK & ~PLACE_MASK
"""Kinds whose values, when both filings name some and none agree, make the conflict level."""
STRONG_MASK = (1 << CASE) | (1 << CREDIT) | (1 << DOCUMENT)
"""Identifiers of one matter (case, credit and document numbers): their own comparison."""
UNWEIGHED_MASK = PLACE_MASK | (1 << ROAD) | STRONG_MASK
"""Kinds that do not add to the particulars level: places and roads say where (a city's road is in many
matters), identifiers have their own level."""
"""Particulars of the matter itself, not of where it is or when."""


def _guarded_components(
    f: IssueFeatures,
    s: IssueSettings,
    a: NDArray[np.int32],
    b: NDArray[np.int32],
    weight: NDArray[np.float32],
    acc: NDArray[np.int64],
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Components over accepted pairs, guarded against chaining unrelated matters: a component of three
    filings or more is rebuilt by merging its pairs strongest first, refusing a merge that would bring two
    values of one kind together (two villages, two sums), and one where the pairs between the two
    clusters weigh less than link_weight on average (A–B strong and B–C weak but A–C against: C stays out).
    Returns the component root of each filing and the pairs used."""
    n = f.n
    root = components(n, a[acc], b[acc])
    conflict_kind = np.isin(f.kind, list(CONFLICT_KINDS)) & (f.tok >= 0)
    rows, cols = np.nonzero(conflict_kind)
    nt = int(f.tok.max()) + 1
    keys = _distinct((root[rows] * 64 + f.kind[rows, cols]) * nt + f.tok[rows, cols])
    rk = keys // nt
    sizes = np.bincount(root, minlength=n)
    large = np.flatnonzero(sizes >= 2 * s.big_cluster)
    # components with a candidate pair inside that weighs against (average linkage may then split them)
    inner = (root[a] == root[b]) & (weight < s.link_weight)
    contested = _distinct(root[a[inner]])
    contested = contested[sizes[contested] >= 3]
    suspicious = _distinct(np.concatenate([rk[1:][rk[1:] == rk[:-1]] // 64, large, contested]))
    if not len(suspicious):
        return root, acc
    bad = np.isin(root, suspicious)
    plain = acc[~bad[a[acc]]]
    redo = acc[bad[a[acc]]]
    redo = redo[np.argsort(-weight[redo], kind="stable")]
    # The filings of the components rebuilt, numbered 0..m−1; each one's values per conflicting kind.
    members = np.flatnonzero(bad)
    m = len(members)
    pos = np.full(n, -1, dtype=np.int64)
    pos[members] = np.arange(m)
    sel = bad[rows]
    rows, cols = rows[sel], cols[sel]
    values: list[dict[int, set[int]] | None] = [None] * m
    for i, k, t in zip(
        pos[rows].tolist(), f.kind[rows, cols].tolist(), f.tok[rows, cols].tolist(), strict=True
    ):
        v = values[i]
        if v is None:
            values[i] = {k: {t}}
        elif (got := v.get(k)) is None:
            v[k] = {t}
        else:
            got.add(t)
    # Between clusters: the summed weight and number of candidate pairs (accepted or not) across them.
    inside = np.flatnonzero(bad[a] & bad[b] & (root[a] == root[b]))
    adj: list[dict[int, list[float]]] = [{} for _ in range(m)]
    for x, y, w in zip(
        pos[a[inside]].tolist(), pos[b[inside]].tolist(), weight[inside].tolist(), strict=True
    ):
        adj[x][y] = adj[y][x] = [w, 1.0]
    parent = list(range(m))
    size = [1] * m
    used: list[int] = []
    bar = s.link_weight
    big, strong, agree = s.big_cluster, s.strong_link, s.agree_kinds
    for e, x, y, w in zip(
        redo.tolist(), pos[a[redo]].tolist(), pos[b[redo]].tolist(), weight[redo].tolist(), strict=True
    ):
        while parent[x] != x:
            parent[x] = x = parent[parent[x]]
        while parent[y] != y:
            parent[y] = y = parent[parent[y]]
        if x == y:
            used.append(e)
            continue
        vx, vy = values[x], values[y]
        common = vx.keys() & vy.keys() if vx is not None and vy is not None else set()
        refused = False
        for k in common:  # two values of one kind would come together
            if vx[k].isdisjoint(vy[k]):  # type: ignore[index]
                refused = True
                break
        if refused:
            continue
        if w < strong and size[x] >= big and size[y] >= big and len(common - _PLACES) < agree:
            continue  # two grown clusters are joined only on strong evidence: no chaining through one pair
        across = adj[x].get(y)
        if across is not None and across[0] < bar * across[1]:
            continue  # the pairs between them are against it on average
        if vx is None or (vy is not None and len(vx) < len(vy)):
            x, y, vx, vy = y, x, vy, vx
        parent[y] = x
        size[x] += size[y]
        ax = adj[x]  # y's neighbours become x's: the pair lists are shared by both ends
        ax.pop(y, None)
        for z, sw in adj[y].items():
            if z == x:
                continue
            del adj[z][y]
            got = ax.get(z)
            if got is None:
                ax[z] = adj[z][x] = sw
            else:
                got[0] += sw[0]
                got[1] += sw[1]
        adj[y] = {}
        if vy:
            assert vx is not None
            for k, vals in vy.items():
                if (got := vx.get(k)) is None:
                    vx[k] = vals
                else:
                    got |= vals
            values[y] = None
        used.append(e)
    # Renumber the rebuilt clusters by their smallest member so ids do not collide with plain roots.
    for i in range(m):
        top = i
        while parent[top] != top:
            top = parent[top]
        parent[i] = top
    tops = np.array(parent, dtype=np.int64)
    order = np.lexsort((members, tops))
    first = np.ones(m, dtype=bool)
    first[1:] = tops[order][1:] != tops[order][:-1]
    start = np.maximum.accumulate(np.where(first, np.arange(m), 0))
    new_root = root.copy()
    new_root[members[order]] = members[order][start]
    return new_root, np.concatenate([plain, np.array(used, dtype=np.int64)])


_PLACES = frozenset({VILLAGE, TOWN})
"""Kinds that say where a matter is, not what it is."""

SHORT_JOINED = (
    "一行登记，并入该信访人唯一相符的事项 / one-line record, joined to the petitioner's one compatible matter"
)


def _join_short_records(
    f: IssueFeatures, s: IssueSettings, root: NDArray[np.int64]
) -> tuple[NDArray[np.int64], list[tuple[int, int]]]:
    """A one-line record (a visit register's 反映企业改制职工补偿问题, a hotline summary, a title only) says
    too little to be linked on what it says. Left alone by the clustering, it joins its petitioner's matter
    when that petitioner has exactly one compatible matter (categories not known to differ); with several
    it stays on its own. Returns the new roots and (filing, a filing of the matter it joined)."""
    n = f.n
    sizes = np.bincount(root, minlength=n)
    short = (f.chars < s.short_chars) & (sizes[root] == 1) & (f.pet >= 0)
    if not short.any():
        return root, []
    others = ~short & (f.pet >= 0)
    by_pet: dict[int, dict[int, int]] = {}
    """petitioner → {root of one of their matters: a filing of it}"""
    wanted = set(f.pet[short].tolist())
    for i in np.flatnonzero(others & np.isin(f.pet, list(wanted))).tolist():
        by_pet.setdefault(int(f.pet[i]), {}).setdefault(int(root[i]), i)
    joined: list[tuple[int, int]] = []
    root = root.copy()
    for i in np.flatnonzero(short).tolist():
        matters = by_pet.get(int(f.pet[i]), {})
        compatible = [j for j in matters.values() if f.cat[i] < 0 or f.cat[j] < 0 or f.cat[i] == f.cat[j]]
        if len(compatible) == 1:
            j = compatible[0]
            root[i] = root[j]
            joined.append((i, j))
    return root, joined


# -------------------------------------------------------------------------------------------- results


def _distinct_rows(m: NDArray[np.int32]) -> tuple[NDArray[np.int32], NDArray[np.int64]]:
    """The distinct rows of m and the index of each row among them (as np.unique(axis=0), by hashing the
    rows: sorting rows as byte strings is several times slower). Exact: rows are compared after hashing.

    >>> d, w = _distinct_rows(np.array([[1, 2], [3, 4], [1, 2]]))
    >>> d[w].tolist()
    [[1, 2], [3, 4], [1, 2]]
    """
    h = np.full(len(m), 0xCBF29CE484222325, dtype=np.uint64)
    for col in m.T:
        h = (h ^ col.astype(np.uint64)) * np.uint64(0x100000001B3)
        h ^= h >> np.uint64(29)
    _, first, which = np.unique(h, return_index=True, return_inverse=True)
    distinct = m[first]
    if not np.array_equal(distinct[which], m):  # two different rows hashed alike: sort the rows themselves
        distinct, which = np.unique(m, axis=0, return_inverse=True)
    return distinct, which.ravel()


@dataclass(slots=True)
class _LinkFacts:
    """The facts of each linked filing's strongest link, as the distinct combinations of those facts (the
    lines of a link depend on nothing else, so they are written once per combination)."""

    linked: NDArray[np.int64]
    """The filings with a link."""
    other: NDArray[np.int64]
    """The other end of each one's link."""
    weight: NDArray[np.float32]
    """The link's weight."""
    distinct: NDArray[np.int32]
    """Rows: same petitioner, co-signed, the particulars both name (M columns, −1 none), agreeing MinHash
    rows, category code, counties apart."""
    which: NDArray[np.int64]
    """Per linked filing, its row of `distinct`."""


def _link_facts(
    f: IssueFeatures, best: NDArray[np.int64], sc: _Scored, cols: _Columns, s: IssueSettings
) -> _LinkFacts:
    """The facts of the strongest link `best` of each filing (−1: it starts a new issue); numpy only."""
    linked = np.flatnonzero(best >= 0)
    k = best[linked]
    j = np.where(sc.a[k] == linked, sc.b[k], sc.a[k])
    tok_i, tok_j = f.tok[linked], f.tok[j]
    shared = np.full(tok_i.shape, -1, dtype=np.int32)
    for c in range(tok_i.shape[1]):
        hit = (tok_i[:, c] >= 0) & (tok_i[:, c : c + 1] == tok_j).any(1)
        shared[hit, c] = tok_i[hit, c]
    del tok_i, tok_j
    a32, b32 = linked.astype(np.int32), j.astype(np.int32)
    levels = _levels_part(f, a32, b32, _cosigned(f.cosigners, a32, b32), s, cols)[0]
    facts = np.column_stack([shared, levels]).astype(np.int32)
    del shared
    distinct, which = _distinct_rows(facts)
    return _LinkFacts(linked, j.astype(np.int64), sc.weight[k], distinct, which)


def _evidence(
    f: IssueFeatures, links: _LinkFacts, model: MatterModels, fids: list[str]
) -> dict[str, Evidence]:
    """Each filing's Evidence: the readable lines, Chinese / English, of why it was linked to the other end
    of its strongest link: the particulars both name, then each comparison's level with its weight."""
    token_lines: dict[int, str] = {}
    m = f.tok.shape[1]
    lines_of: list[tuple[str, ...]] = []
    for row in links.distinct.tolist():
        toks, levels = row[:m], row[m:]
        out: list[str] = []
        for t in toks:
            if t >= 0 and f.token_text[t][0] != YEARS:  # each filer's own years of service say little
                line = token_lines.get(t)
                if line is None:
                    kind, text = f.token_text[t]
                    zh, en = KIND_NAMES[kind]
                    line = token_lines[t] = f"同一{zh} {text} / same {en}"
                out.append(line)
        lines_of.append(model.explain(levels) + tuple(out))
    evidence = [Evidence(0.0, ("新事项 / starts a new issue",), None)] * f.n
    link = zip(
        links.linked.tolist(), links.which.tolist(), links.other.tolist(), links.weight.tolist(), strict=True
    )
    for i, w, o, weight in link:
        evidence[i] = Evidence(round(weight, 2), lines_of[w], fids[o])
    return dict(zip(fids, evidence, strict=True))


def _registry_path(state_dir: Path) -> Path:
    return state_dir / "issue_registry.csv"


def _read_registry(state_dir: Path | None) -> dict[str, str]:
    if state_dir is None or not _registry_path(state_dir).exists():
        return {}
    with _registry_path(state_dir).open(encoding="utf-8", newline="") as fh:
        return {r["filing_id"]: r["issue_id"] for r in csv.DictReader(fh)}


def _write_registry(state_dir: Path, issue_of: dict[str, str]) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(("filing_id", "issue_id"))
    w.writerows(sorted(issue_of.items()))
    payload = buf.getvalue().encode("utf-8")
    write_atomically(_registry_path(state_dir), lambda fh: fh.write(payload))


def _new_issue_id(first_filing_id: str) -> str:
    return "ISS-" + hashlib.sha1(first_filing_id.encode("utf-8")).hexdigest()[:10].upper()


def resolve_issues(
    filings: list[Filing],
    petitioner_of: dict[str, str],
    state_dir: Path | None = None,
    settings: IssueSettings | None = None,
    features: IssueFeatures | None = None,
    petitioner_numbers: NDArray[np.int64] | None = None,
) -> tuple[dict[str, str], dict[str, Evidence], dict[str, Issue]]:
    """Group filings into issues: filing_id → issue_id, the evidence of each filing's strongest link, and
    the issues. Issue ids are stable across runs when a state_dir is given (an issue keeps the id most of
    its already-known filings had); without one they derive from the earliest filing's id.
    `features` is `read_features(IssueInputs.of(filings), settings)` when the caller has read it already;
    `petitioner_numbers` the petitioner of each filing numbered by first appearance
    (PetitionerResult.numbers) when the caller has it: the same as reading petitioner_of, without a million
    lookups."""
    s = settings or IssueSettings()
    if not filings:
        return {}, {}, {}
    with paused_gc():
        f = features if features is not None else read_features(IssueInputs.of(filings), s)
        pet = (
            petitioner_numbers
            if petitioner_numbers is not None
            else _ids([petitioner_of.get(x.filing_id, "~" + x.filing_id) for x in filings])
        )
        return _resolve_issues(filings, state_dir, s, replace(f, pet=pet))


def _resolve_issues(
    filings: list[Filing], state_dir: Path | None, s: IssueSettings, f: IssueFeatures
) -> tuple[dict[str, str], dict[str, Evidence], dict[str, Issue]]:
    n = len(filings)
    with ThreadPoolExecutor(WORKERS) as pool:
        # numpy in the pool's threads (sorts and gathers release the interpreter lock), Python meanwhile here.
        rules = [pool.submit(rule) for rule in _candidate_rules(f, s)]
        fids = [x.filing_id for x in filings]
        day = np.fromiter((x.received_date.toordinal() for x in filings), dtype=np.int64, count=n)
        a, b = _distinct_pairs(n, [rule.result() for rule in rules])
        release_free_memory()
        cos = _cosigned(f.cosigners, a, b)
        cols = _columns(f)  # gathered one slot at a time, for scoring and for evidence
        sc = _score(f, a, b, cos, s, pool, cols)
        release_free_memory()
        acc = np.flatnonzero(sc.accepted)
        root, used = _guarded_components(f, s, a, b, sc.weight, acc)
        root, short_joined = _join_short_records(f, s, root)

        # Strongest link of each filing that the clustering used (for evidence).
        best = np.full(n, -1, dtype=np.int64)
        order = used[np.argsort(sc.weight[used], kind="stable")]
        best[a[order]] = order
        best[b[order]] = order
        links = pool.submit(_link_facts, f, best, sc, cols, s)

        # Issues in order of their earliest filing; a filing's place inside its issue by date, then input
        # order.
        first_day = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
        np.minimum.at(first_day, root, day)
        order = np.lexsort((np.arange(n), day, root, first_day[root]))
        head = np.ones(n, dtype=bool)
        head[1:] = root[order][1:] != root[order][:-1]
        starts = np.flatnonzero(head)
        ends = np.append(starts[1:], n)
        registry = _read_registry(state_dir)
        issue_ids: list[str] = []
        taken: set[str] = set()
        order_list = order.tolist()
        for lo, hi in zip(starts.tolist(), ends.tolist(), strict=True):
            iid = None
            if registry:
                old = Counter(registry[fids[i]] for i in order_list[lo:hi] if fids[i] in registry)
                iid = next((x for x, _ in old.most_common() if x not in taken), None)
            iid = iid or _new_issue_id(fids[order_list[lo]])
            taken.add(iid)
            issue_ids.append(iid)
        sizes = (ends - starts).tolist()
        issue_of = dict(zip([fids[i] for i in order_list], _repeat(issue_ids, sizes), strict=True))
        titles = _titles(f, filings, order, starts)
        issues = {
            iid: Issue(iid, title, county, cat)
            for iid, (title, county, cat) in zip(issue_ids, titles, strict=True)
        }
        evidence = _evidence(f, links.result(), sc.model, fids)
        for i, j in short_joined:
            evidence[fids[i]] = Evidence(0.0, (SHORT_JOINED,), fids[j])
    release_free_memory()
    if state_dir is not None:
        _write_registry(state_dir, {**registry, **issue_of})
    return issue_of, evidence, issues


def _repeat(items: list[str], times: list[int]) -> list[str]:
    out: list[str] = []
    for item, k in zip(items, times, strict=True):
        out += [item] * k
    return out


_CLAUSE = re.compile(r"[，。；！？,;!?：:\n]+")
_OPENERS = (
    "我是",
    "我叫",
    "本人",
    "尊敬",
    "各位",
    "您好",
    "你好",
    "领导",
    "书记",
    "县长",
    "市长",
    "网民",
    "群众",
)
"""Clauses that say who writes or to whom, not what about."""
HEADLINE_CHARS = 30


def headline(content: str) -> str:
    """A few words naming what a content is about, never cut inside a word: its first clause that is
    neither a greeting nor a self-introduction and at most HEADLINE_CHARS long; else the first such clause
    cut at HEADLINE_CHARS with an ellipsis (rare: a clause that long runs on without a comma).

    >>> headline("尊敬的领导：我是北王村村民，村里的种粮补贴被村干部冒领，本人18亩地的补贴一分没拿到。")
    '村里的种粮补贴被村干部冒领'
    """
    clauses = [c for c in _CLAUSE.split(_SPACE.sub("", content)) if len(c) >= 4]
    telling = [c for c in clauses if not c.startswith(_OPENERS)] or clauses
    if not telling:
        return normalise_content(content)[:HEADLINE_CHARS]
    first = telling[0]
    return first if len(first) <= HEADLINE_CHARS else first[: HEADLINE_CHARS - 1] + "…"


_TITLE_RANK = {
    ESTATE: 0,
    FACTORY: 0,
    COMPANY: 0,
    SCHOOL: 0,
    HOSPITAL: 0,
    ROAD_OBJECT: 0,
    VILLAGE: 1,
    ROAD: 1,
    TOWN: 2,
}
_UNRANKED = 9


def _titles(
    f: IssueFeatures, filings: list[Filing], order: NDArray[np.int64], starts: NDArray[np.int64]
) -> list[tuple[str, str | None, str]]:
    """Title, county and category of each issue (its filings are order[starts[k]:starts[k + 1]], earliest
    first). Title: category and the title of the earliest of its first five filings that has its own (an
    online message's 留言主题: written by a person to name the matter), else the place or body its first
    five filings name (an estate, factory, company, school or hospital before a village, a village before a
    township; the earliest filing naming the best, and its first such), else the first words of the
    earliest filing. County: the first of its first twenty filings that has one."""
    n = f.n
    token_rank = np.array(
        [_TITLE_RANK.get(kind, _UNRANKED) for kind, _ in f.token_text] or [_UNRANKED], dtype=np.int64
    )
    rank = np.where(f.tok >= 0, token_rank[np.maximum(f.tok, 0)], _UNRANKED)
    best_col = rank.argmin(1)  # the first particular of the best rank
    rows = np.arange(n)
    best_rank, best_tok = rank[rows, best_col], f.tok[rows, best_col]
    nth = rows - np.repeat(starts, np.diff(np.append(starts, n)))  # place of each filing in its issue
    # Per issue: the least (rank, place) among its first five filings; the first of twenty with a county.
    r, c = best_rank[order], f.county[order] >= 0
    pick = np.minimum.reduceat(np.where(nth < 5, r * 8 + nth, 1 << 20), starts)
    county_at = np.minimum.reduceat(np.where(c & (nth < 20), nth, 1 << 20), starts)
    titled = np.fromiter((bool(x.title) for x in filings), dtype=bool, count=n)
    own_at = (  # a file without titles (most) costs the one pass above
        np.minimum.reduceat(np.where(titled[order] & (nth < 5), nth, 1 << 20), starts)
        if titled.any()
        else np.full(len(starts), 1 << 20)
    )
    token_text = f.token_text
    out: list[tuple[str, str | None, str]] = []
    for lo, p, ca, own in zip(
        starts.tolist(), pick.tolist(), county_at.tolist(), own_at.tolist(), strict=True
    ):
        head = filings[order[lo]]
        place = token_text[best_tok[order[lo + p % 8]]][1] if p // 8 < _UNRANKED else None
        cat = head.category.strip()
        own_title = filings[order[lo + own]].title.strip() if own < 1 << 20 else ""
        what = own_title or place or headline(head.content)
        county = filings[order[lo + ca]].county if ca < 1 << 20 else None
        out.append((f"{cat}：{what}" if cat else what, county, cat))
    return out
