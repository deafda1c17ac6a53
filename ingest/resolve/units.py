"""Unit resolution: each raw unit name (责任单位, 发出单位, 接收单位) → one unit per (place, department).

A raw name is read in four steps, each cached per distinct (raw name, county of the filing):

1. normalise: NFKC, traditional → simplified, no spaces or punctuation, no leading 中共;
2. strip place prefixes (province, city, county — full or short names, from `ingest.read.places`) and a bare
   level marker (县 / 区 / 市 / 省, as in 市信访局); the county comes from the prefix, else from the filing;
3. look the remainder up in the alias table (ingest/resolve/reference/unit_aliases.csv: exact, then fuzzy with
   a conservative edit-distance limit), else read it as a township (X镇人民政府, X街道办事处 …) or a
   village committee (X村委会, X村民委员会 …);
4. anything else is kept as a unit of its own, ``known=False``.

Unit ids are deterministic: ``130102:natural_resources``, ``130102:town:城关镇``, ``130102:village:李家庄村``,
``130100:petition_bureau`` (a city-level body, keyed by the city code), ``130102:unknown:<name>``; ``none``
stands in for a county that cannot be told.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from ingest.background import paused_gc
from ingest.read.normalise import to_simplified
from ingest.read.places import (
    all_counties,
    county_by_code,
    county_of,
    is_county_code,
    region_of,
    short_name,
    township_county,
)
from ingest.records import Filing, Transfer, Unit, UnitMention, UnitRole
from ingest.resolve.zones import COMMITTEE, split_zone, zone_place

ALIASES_PATH = Path(__file__).parent / "reference" / "unit_aliases.csv"
NO_COUNTY = "none"
"""Stands in for the place part of a unit id when the county cannot be told."""

LEVELS = frozenset(
    {
        "county_department",
        "township",
        "village_committee",
        "city",
        "province",
        "court",
        "procuratorate",
        "petition_bureau",
        "hotline",
    }
)
"""Levels a row of the alias table may carry."""


@dataclass(frozen=True, slots=True)
class Department:
    """One row of the alias table."""

    key: str
    name: str
    level: str
    scope: str
    """"" (where the prefix says), "city", "province" or "national": the lowest level such a body sits at
    (中级人民法院 → city)."""
    spellings: tuple[str, ...]


def read_alias_table(path: Path = ALIASES_PATH) -> list[Department]:
    """The alias table as rows; spellings are split on ``|``."""
    with path.open(encoding="utf-8", newline="") as fh:
        return [
            Department(
                r["key"].strip(),
                r["canonical_name"].strip(),
                r["level"].strip(),
                (r["scope"] or "").strip(),
                tuple(s.strip() for s in r["spellings"].split("|") if s.strip()),
            )
            for r in csv.DictReader(fh)
        ]


# ---------------------------------------------------------------------------------------------- normalise

_PUNCT = re.compile(r"[\s\u3000·•\-—–_,，.。、;；:：'\"“”‘’()（）\[\]【】<>《》〈〉/\\|]+")


def normalise_unit_name(raw: str) -> str:
    """NFKC, simplified characters, no spaces or punctuation, no leading 中共 / 中国共产党.

    >>> normalise_unit_name(" 中共 海淀區委（政法委） ")
    '海淀区委政法委'
    """
    s = unicodedata.normalize("NFKC", raw)
    s = _PUNCT.sub("", s)
    if s and not s.isascii():
        s = to_simplified(s)
    for head in ("中国共产党", "中共"):
        if s.startswith(head):
            s = s[len(head) :]
    # Dropping a space can join a combining mark to a letter that NFKC composes: keep it idempotent.
    return s if s.isascii() or s == unicodedata.normalize("NFKC", s) else normalise_unit_name(s)


# ------------------------------------------------------------------------------------------- the table


@dataclass(frozen=True, slots=True)
class _Tables:
    by_spelling: dict[str, Department]
    spellings: list[str]
    spelling_keys: list[str]
    places: dict[str, list[tuple[int, str, bool]]]
    """prefix text → (kind 0 province / 1 city / 2 county, code, is full name)."""
    max_place_len: int


@cache
def _tables() -> _Tables:
    by_spelling: dict[str, Department] = {}
    for dep in read_alias_table():
        for sp in (dep.name, *dep.spellings):
            by_spelling.setdefault(normalise_unit_name(sp), dep)
    places: dict[str, list[tuple[int, str, bool]]] = {}

    def add(text: str, kind: int, code: str, full: bool) -> None:
        if len(text) >= 2 and (kind, code, full) not in places.setdefault(text, []):
            places[text].append((kind, code, full))

    for c in all_counties():
        add(c.name, 2, c.code, True)
        add(c.short, 2, c.code, False)
        if c.city_code and c.city_name and c.city_code != c.code and c.province_code not in _MUNI:
            add(c.city_name, 1, c.city_code, True)
            add(short_name(c.city_name, ("自治州", "地区", "盟", "市")), 1, c.city_code, False)
        add(c.province_name, 0, c.province_code, True)
        add(short_name(c.province_name, ("特别行政区", "自治区", "省", "市")), 0, c.province_code, False)
    spellings = sorted(by_spelling)
    return _Tables(
        by_spelling, spellings, [by_spelling[s].key for s in spellings], places, max(map(len, places))
    )


_MUNI = frozenset({"110000", "120000", "310000", "500000"})

# ------------------------------------------------------------------------------------------- parsing

_TOWN = re.compile(r"^(?P<name>.+?(?:镇|乡|街道|苏木))(?:人民政府|政府|街道办事处|办事处|办|党委政府|党委|)$")
_VILLAGE_SUFFIXES = (
    ("村村民委员会", "村"),
    ("村村委会", "村"),
    ("村民委员会", "村"),
    ("村委会", "村"),
    ("村两委", "村"),
    ("村党支部", "村"),
    ("村党总支", "村"),
    ("村委", "村"),
    ("村", "村"),
    ("社区居民委员会", "社区"),
    ("社区居委会", "社区"),
    ("社区居委", "社区"),
    ("社区", "社区"),
    ("居民委员会", "社区"),
    ("居委会", "社区"),
)
_BARE = frozenset(
    {
        "镇",
        "乡",
        "街道",
        "镇人民政府",
        "乡人民政府",
        "镇政府",
        "乡政府",
        "街道办事处",
        "街道办",
        "办事处",
        "村委会",
        "村民委员会",
        "居委会",
        "社区",
    }
)
_HEAD_NOUNS = frozenset("局委院厅办所站队部处室会中心科股庭")
"""Last characters that name a kind of body: a fuzzy match may not change one into another."""
_NOT_AFTER_SHORT = frozenset("局委院厅办所队站镇乡村街社")
_MARKERS = {"省": 0, "市": 1, "州": 1, "盟": 1, "县": 2, "区": 2, "旗": 2}


@dataclass(frozen=True, slots=True)
class _Place:
    province: str | None = None
    city: str | None = None
    county: str | None = None
    untold: bool = False
    """A place was named but could not be told apart (朝阳区 far from the filing's county)."""


def _scope(code: str) -> str:
    """The code prefix shared by everything inside a place: 13 for 130000, 1301 for 130100, 130102 itself."""
    return code[:2] if code[2:] == "0000" else code[:4] if code[4:] == "00" else code


@dataclass(frozen=True, slots=True)
class _Context:
    """Where a filing is, as far as it and its routing chain tell: its county, else only its city or
    province (the receiving office, the chain's other units)."""

    county: str | None = None
    city: str | None = None
    province: str | None = None


_NOWHERE = _Context()


@lru_cache(maxsize=8192)
def _context(county: str | None, area: str | None) -> _Context:
    c = county_by_code(county) if county else None
    if c is not None:
        return _Context(c.code, c.city_code, c.province_code)
    if area and area[2:] != "0000":
        a = county_by_code(area)
        if a is not None:
            return _Context(None, a.city_code, a.province_code)
        return _Context(None, area[:4] + "00", area[:2] + "0000")
    if area:
        return _Context(None, None, area)
    return _NOWHERE


def _foreign(code: str, full: bool, found: _Place, context: _Context) -> bool:
    """A short county name of another province than the filing's, with nothing before it naming that
    province or a city of it: not read as a place (a Shandong chain never lands in a Guangxi county by a
    short name)."""
    home = found.province or context.province
    return not full and home is not None and code[:2] != home[:2]


def _pick(cands: list[tuple[int, str, bool]], found: _Place, context: _Context) -> tuple[int, str] | None:
    """One place among same-text candidates: by what the prefix said so far, then the filing's county."""
    pool = [(k, c, full) for k, c, full in cands if k > _deepest(found)]
    inner = found.county or found.city or found.province
    if inner:
        pool = [x for x in pool if x[1].startswith(_scope(inner))]
    if len(pool) > 1:
        for ctx in (context.county, context.city, context.province):
            near = [x for x in pool if ctx and (ctx.startswith(_scope(x[1])) or x[1].startswith(_scope(ctx)))]
            if near:
                pool = near
                break
    if len(pool) > 1:
        full = [x for x in pool if x[2]]
        pool = full or pool
    if len({(k, c) for k, c, _ in pool}) == 1:
        return pool[0][0], pool[0][1]
    return None


def _strip_places(s: str, context: _Context) -> tuple[str, _Place]:
    """Remove leading province / city / county names; returns the rest and the place they named."""
    t = _tables()
    found = _Place()
    while s not in t.by_spelling:
        deepest = _deepest(found)
        n = 0
        for size in range(min(len(s) - 1, t.max_place_len), 1, -1):
            cands = t.places.get(s[:size])
            if cands is not None and any(k > deepest for k, _, _ in cands):
                n = size
                break
        if not n:
            break
        rest = s[n:]
        if rest in _BARE or len(rest) < 2:
            break  # 东城街道办事处: the "county" was the start of a township's name
        cands = [x for x in t.places[s[:n]] if x[0] < 2 or not _foreign(x[1], x[2], found, context)]
        if not cands:
            break
        if rest[0] in _NOT_AFTER_SHORT and not any(full for _, _, full in cands):
            break  # 公安局, 城关镇: a short county name (公安县, 城关区) that begins another name
        pick = _pick(cands, found, context)
        if pick is None:
            found = _Place(province=found.province, city=found.city, county=found.county, untold=True)
        if pick is not None:
            kind, code = pick
            if kind == 0:
                found = _Place(province=code)
            elif kind == 1:
                found = _Place(province=code[:2] + "0000", city=code)
            else:
                county = county_by_code(code)
                found = _Place(
                    province=code[:2] + "0000", city=county.city_code if county else None, county=code
                )
        s = rest
    return s, found


def _deepest(p: _Place) -> int:
    return 2 if p.county else 1 if p.city else 0 if p.province else -1


def _exact(s: str) -> tuple[Department, str] | None:
    """The department a spelling names, and the spelling; 人社厅 is read as the province's 人社局."""
    t = _tables()
    dep = t.by_spelling.get(s)
    if dep is not None:
        return dep, s
    if len(s) >= 3 and s.endswith("厅"):
        dep = t.by_spelling.get(s[:-1] + "局")
        if dep is not None:
            return dep, s
    return None


def _fuzzy(s: str) -> tuple[Department, str] | None:
    """The one department within a small edit distance (1, or 2 for names of 8+ characters), or None."""
    t = _tables()
    if len(s) < 3 or len(s) > 24 or s in _BARE:
        return None
    limit = 1 if len(s) < 8 else 2
    hits = process.extract(s, t.spellings, scorer=Levenshtein.distance, score_cutoff=limit, limit=8)
    if not hits:
        return None
    best = min(h[1] for h in hits)
    keys = {t.spelling_keys[h[2]] for h in hits if h[1] == best}
    spelling = next(h[0] for h in hits if h[1] == best)
    if len(keys) != 1 or (spelling[-1] != s[-1] and s[-1] in _HEAD_NOUNS):
        return None  # ambiguous, or another kind of body (财政所 is not 财政局): not a typo we dare fix
    return t.by_spelling[spelling], s


def _department(s: str) -> tuple[Department, str, int | None, str] | None:
    """Department, spelling matched, level marker (市 → 1 …) and how: exact first, with or without a marker,
    then fuzzy (never for a bare township suffix)."""
    for lookup, how in ((_exact, "exact"), (_fuzzy, "fuzzy")):
        hit = lookup(s)
        if hit:
            return hit[0], hit[1], None, how
        if len(s) > 2 and s[0] in _MARKERS:
            hit = lookup(s[1:])
            if hit:
                return hit[0], hit[1], _MARKERS[s[0]], how
        if how == "exact" and (_TOWN.match(s) or _village(s)):
            return None
    return None


_BRANCH = re.compile(r"^(?P<dep>.+?局)(?P<county>.{2,8}?)分局$")


def _county_branch(
    s: str, place: _Place, context: _Context
) -> tuple[tuple[Department, str, int | None, str], _Place] | None:
    """A city bureau's branch in a county (生态环境局行唐县分局) is that county's department."""
    m = _BRANCH.match(s)
    if not m:
        return None
    hit = _department(m.group("dep"))
    cands = [
        c
        for c in _tables().places.get(m.group("county"), [])
        if c[0] == 2 and not _foreign(c[1], c[2], place, context)
    ]
    pick = _pick(cands, place, context) if hit and cands else None
    if hit is None or pick is None:
        return None
    county = county_by_code(pick[1])
    where = _Place(province=pick[1][:2] + "0000", city=county.city_code if county else None, county=pick[1])
    return (hit[0], hit[1], None, hit[3]), where


def _after_inner_county(s: str) -> tuple[str, str] | None:
    """The first county named in full (3+ characters) inside s, and what follows it."""
    t = _tables()
    for i in range(1, len(s) - 2):
        for n in range(min(t.max_place_len, len(s) - i - 1), 2, -1):
            counties = [c for k, c, full in t.places.get(s[i : i + n], ()) if k == 2 and full]
            if len(counties) == 1:
                return counties[0], s[i + n :]
    return None


def _village(s: str) -> str | None:
    for suffix, kind in _VILLAGE_SUFFIXES:
        if s.endswith(suffix) and len(s) > len(suffix):
            base = s[: -len(suffix)]
            for sep in ("街道", "镇", "乡"):
                i = base.rfind(sep)
                if i > 0 and len(base) - i - len(sep) >= 2:
                    base = base[i + len(sep) :]  # 城关镇李家庄村委会 → 李家庄村
                    break
            if kind == "村" and base.endswith("村"):
                base = base[:-1]
            return base + kind if base else None
    return None


@dataclass(frozen=True, slots=True)
class ParsedUnit:
    """What a raw unit name says: the resulting unit, and how it was read (for flags and tests)."""

    unit: Unit
    how: str
    """"exact", "fuzzy", "township", "village" or "unknown"."""


@lru_cache(maxsize=200_000)
def parse_unit(raw: str, county: str | None, area: str | None = None) -> ParsedUnit:
    """Read one raw unit name in the context of the filing's county (6-digit code or None), or when that is
    unknown of its city or province (`area`, a 6-digit city or province code: the receiving office's, the
    routing chain's).

    >>> parse_unit("国土资源局", "130102").unit.unit_id
    '130102:natural_resources'
    >>> parse_unit("石家庄市信访局", "130102").unit.unit_id
    '130100:petition_bureau'
    >>> parse_unit("高新区信访局", "370102").unit.unit_id
    '370176:petition_bureau'
    """
    context = _context(county, None if county else area)
    s = normalise_unit_name(raw)
    rest, place = _strip_places(s, context)
    the_county = None if place.untold else place.county or (None if place.city or place.province else county)
    # Where a county-level body goes when its county is unknown: "none", or "none@CITY" when only the
    # filing's city is known, so that two cities' bare 信访局 stay apart.
    unplaced = NO_COUNTY
    if not (place.untold or place.province) and (context.city or context.province):
        unplaced = f"{NO_COUNTY}@{context.city or context.province}"
    hit = _department(rest)
    if hit is None:
        branch = _county_branch(rest, place, context)
        if branch is not None:
            hit, place = branch
            the_county = place.county
    if hit is not None:
        dep, spelling, marker, how = hit
        if dep.scope == "national":
            name = dep.key.removeprefix("national_")
            return ParsedUnit(Unit(f"national:{name}", dep.name, None, "national"), how)
        return ParsedUnit(_department_unit(dep, spelling, place, marker, context, the_county, unplaced), how)
    sub = _hotline_subcentre(rest, place, context, the_county)
    if sub is not None:
        return ParsedUnit(sub, "exact")
    zone = _zone_unit(rest, place, context)
    if zone is not None:
        return zone
    where = the_county or unplaced
    town = _TOWN.match(rest)
    if town and town.group("name") not in _BARE:
        name = town.group("name")
        full = name + ("办事处" if name.endswith("街道") else "人民政府")
        region = place.city or place.province or context.city or context.province
        if the_county is None and not place.untold and region:
            # only the city or province is known: the gazetteer may know the one county with this township
            the_county = township_county(name, region)
            where = the_county or where
        return ParsedUnit(Unit(f"{where}:town:{name}", full, the_county, "township"), "township")
    village = _village(rest)
    if village:
        full = village + ("委员会" if village.endswith("村") else "居民委员会")
        if village.endswith("村"):
            full = village + "民委员会"
        return ParsedUnit(
            Unit(f"{where}:village:{village}", full, the_county, "village_committee"), "village"
        )
    inner = _after_inner_county(s)
    if inner is not None and inner[1]:
        again = parse_unit(inner[1], inner[0])
        if again.unit.known:
            return again  # 堡定市定兴县信访局: a typo in the city, the county named in full after it
    name = rest or s or raw.strip()
    return ParsedUnit(Unit(f"{where}:unknown:{name}", name, the_county, None, known=False), "unknown")


_HOTLINE_WORDS = re.compile(r"12345|政务服务|便民服务|便民|市民|服务|热线|平台|中心|市长|公开电话|电话")
ZONE_COMMITTEE = "zone_committee"
"""The department key of a development zone's own administration (管委会)."""
_COMMITTEE_DEP = Department(ZONE_COMMITTEE, "管理委员会", "county_department", "", ())


def _hotline_subcentre(rest: str, place: _Place, context: _Context, county: str | None) -> Unit | None:
    """A 12345 hotline's county sub-centre (12345热线历城分中心, 历城区12345分中心): that county's hotline,
    not the city's. The county is the one named inside the name, else before it, else the filing's."""
    if not rest.endswith("分中心") or not ("12345" in rest or "热线" in rest):
        return None
    inner = _HOTLINE_WORDS.sub("", rest[: -len("分中心")])
    if inner:
        t = _tables()
        cands = [
            x
            for x in t.places.get(inner, ()) or t.places.get(inner[:-1], ())
            if x[0] == 2 and not _foreign(x[1], x[2], place, context)
        ]
        pick = _pick(cands, place, context) if cands else None
        if pick is None:
            return None
        county = pick[1]
    if county is None:
        return None
    c = county_by_code(county)
    name = (c.name if c else "") + "12345热线分中心"
    return Unit(f"{county}:hotline", name, county, "hotline")


def _zone_unit(rest: str, place: _Place, context: _Context) -> ParsedUnit | None:
    """A development zone's own body (高新区管委会) or one of its departments (经开区信访局), as a unit of the
    zone, the zone placed in its city (see ingest.resolve.zones)."""
    parts = split_zone(rest)
    if parts is None:
        return None
    specific, kind, after = parts
    dep, how = _COMMITTEE_DEP, "exact"
    if after not in COMMITTEE:
        hit = _department(after)
        if hit is None or hit[0].scope == "national":
            return None
        dep, how = hit[0], hit[3]
    city = place.city
    if place.county:
        c = county_by_code(place.county)
        city = c.city_code if c else None
    elif not place.province and not place.untold:
        city = context.city
    if city is None and (place.province or context.province) in _MUNI:
        city = place.province or context.province
    where, zone_name = zone_place(city, specific, kind)
    if where.startswith(f"{city}-"):
        zone_name = _city_name(city) + zone_name if city else zone_name
    return ParsedUnit(
        Unit(f"{where}:{dep.key}", zone_name + dep.name, None, dep.level, known=city is not None), how
    )


def _department_unit(
    dep: Department,
    spelling: str,
    place: _Place,
    marker: int | None,
    context: _Context,
    county: str | None,
    unplaced: str = NO_COUNTY,
) -> Unit:
    """Place a department at county, city or province level and build its unit."""
    level = 2
    if place.county:
        level = 2
    elif place.city:
        level = 1
    elif place.province:
        level = 0
    if marker is not None and not place.county:
        level = min(level, marker) if (place.city or place.province) else marker
    scope = {"city": 1, "province": 0}.get(dep.scope)
    if scope is None and spelling.endswith("厅"):
        scope = 0
    if scope is not None:
        level = min(level, scope)
    province = place.province or context.province
    city = place.city or context.city
    if place.county and (level < 2):
        c = county_by_code(place.county)
        city = c.city_code if c else city
    if level == 2:
        return Unit(f"{county or unplaced}:{dep.key}", dep.name, county, dep.level)
    if level == 1:
        if province in _MUNI:
            level = 0
        elif city is None:
            # a county-level city governed by its province (济源市): its own 市 bodies are county bodies
            return Unit(f"{county or unplaced}:{dep.key}", dep.name, county, dep.level)
        else:
            c_name = _city_name(city)
            return Unit(f"{city}:{dep.key}", c_name + dep.name, None, "city")
    p_name = _province_name(province) if province else ""
    return Unit(f"{province or NO_COUNTY}:{dep.key}", p_name + dep.name, None, "province")


@cache
def _city_name(code: str) -> str:
    return next((c.city_name or "" for c in all_counties() if c.city_code == code), "")


@cache
def _province_name(code: str) -> str:
    return next((c.province_name for c in all_counties() if c.province_code == code), "")


@dataclass(slots=True)
class UnitInputs:
    """What unit resolution reads of the filings and transfers, as plain lists (one item per filing, per
    transfer): what a helper process is sent instead of the records (ingest.background)."""

    filing_ids: list[str]
    counties: list[str | None]
    """The filing's county (place of the matter, else address)."""
    receiving_orgs: list[str]
    issue_places: list[str]
    addresses: list[str]
    responsible_units: list[str]
    transfer_filings: list[str]
    from_units: list[str]
    to_units: list[str]

    @classmethod
    def of(cls, filings: list[Filing], transfers: list[Transfer]) -> UnitInputs:
        return cls(
            [f.filing_id for f in filings],
            [f.county for f in filings],
            [f.receiving_org for f in filings],
            [f.issue_place for f in filings],
            [f.address for f in filings],
            [f.responsible_unit for f in filings],
            [t.filing_id for t in transfers],
            [t.from_unit for t in transfers],
            [t.to_unit for t in transfers],
        )


@dataclass(slots=True)
class UnitIds:
    """The unit id of every unit name of the inputs ("" where there is none), and the units."""

    responsible: list[str]
    """Per filing."""
    from_units: list[str]
    """Per transfer."""
    to_units: list[str]
    units: dict[str, Unit]


def _filing_places(inp: UnitInputs) -> tuple[list[str | None], list[str | None]]:
    """The county each filing's unit names are read in, and for a filing whose county stays unknown the city
    or province it is in (None when that too is unknown).

    The county is the filing's county, else the one its receiving office, address or place of the matter
    names, else the first county named by one of its unit names (its responsible unit, then its routing
    chain), read within the province the receiving office or the chain's city bodies name."""
    out = _chain_counties(inp)
    areas: list[str | None] = [None] * len(out)
    unknown: dict[str, int] = {}
    for i, county in enumerate(out):
        if county is not None:
            continue
        for text in (inp.receiving_orgs[i], inp.issue_places[i], inp.addresses[i]):
            county = _county_of(text) if text else None
            if county:
                break
        area = _region_of(inp.receiving_orgs[i]) if county is None and inp.receiving_orgs[i] else None
        raw = inp.responsible_units[i]
        if county is None and raw:
            county = parse_unit(raw.strip(), None, area).unit.county
        out[i] = county
        if county is None:
            areas[i] = area
            unknown[inp.filing_ids[i]] = i
    transfers = [k for k, fid in enumerate(inp.transfer_filings) if fid in unknown] if unknown else []
    for k in transfers:  # a city body of the chain (济南市信访局) tells the city before any county is read
        i = unknown[inp.transfer_filings[k]]
        if areas[i] is None:
            for raw in (inp.from_units[k], inp.to_units[k], inp.responsible_units[i]):
                areas[i] = _upper_area(raw.strip()) if raw.strip() else None
                if areas[i]:
                    break
    for k in transfers:
        i = unknown[inp.transfer_filings[k]]
        if out[i] is None:
            for raw in (inp.from_units[k], inp.to_units[k]):
                county = parse_unit(raw.strip(), None, areas[i]).unit.county if raw.strip() else None
                if county:
                    out[i] = county
                    break
    # Left: filings whose every place name is shared by several counties (新华区, 桥西区 …). Read them as
    # the county of that name that this batch of filings is most about.
    left = [i for i in unknown.values() if out[i] is None]
    if not left:
        return out, areas
    seen = Counter(c for c in out if c)
    texts = {
        i: [inp.receiving_orgs[i], inp.issue_places[i], inp.addresses[i], inp.responsible_units[i]]
        for i in left
    }
    for k in transfers:
        i = unknown[inp.transfer_filings[k]]
        if i in texts:
            texts[i] += [inp.from_units[k], inp.to_units[k]]
    for i, names in texts.items():
        out[i] = next((c for c in (_likeliest_county(n, seen) for n in names if n) if c), None)
    return out, areas


def _chain_counties(inp: UnitInputs) -> list[str | None]:
    """The filings' counties, except where a filing's routing chain names, in every unit it places, one
    other county: the chain is handled there (鹿泉区信访局 → 鹿泉自然资源和规划局), so its bare names are
    that county's, whatever the filing's own county (often the petitioner's home) says."""
    out = list(inp.counties)
    named_of = {raw: _named_county(raw) for raw in {*inp.from_units, *inp.to_units} if raw}
    index = {fid: i for i, fid in enumerate(inp.filing_ids)}
    named: dict[int, set[str]] = {}
    for fids, raws in ((inp.transfer_filings, inp.from_units), (inp.transfer_filings, inp.to_units)):
        for fid, county in [(f, c) for f, r in zip(fids, raws, strict=True) if (c := named_of.get(r))]:
            i = index.get(fid)
            if i is not None and out[i] is not None:
                named.setdefault(i, set()).add(county)
    for i, counties in named.items():
        if len(counties) == 1:
            out[i] = counties.pop()
    return out


@lru_cache(maxsize=100_000)
def _named_county(raw: str) -> str | None:
    """The county a unit name begins with (鹿泉区信访局 → 130110), None when it names none: only the place
    prefix is read, which is all a chain's county needs (and a fraction of reading the whole name)."""
    place = _strip_places(normalise_unit_name(raw), _NOWHERE)[1]
    return None if place.untold else place.county


def _upper_area(raw: str) -> str | None:
    """The city (or province) code of a city or province body named in full (济南市信访局), else None."""
    unit = parse_unit(raw, None).unit
    if unit.level in ("city", "province") and not unit.unit_id.startswith(NO_COUNTY):
        return unit.unit_id.split(":", 1)[0]
    return None


@lru_cache(maxsize=100_000)
def _region_of(text: str) -> str | None:
    """The city or province a receiving office names (济南市信访局 → 370100), None for a county or nothing."""
    region = region_of(text)
    return None if region is None or is_county_code(region) else region


def _likeliest_county(text: str, seen: Counter[str]) -> str | None:
    """Among the counties a leading place name may stand for, the one most filings of the batch are in."""
    s = normalise_unit_name(text)
    t = _tables()
    for n in range(min(t.max_place_len, len(s) - 1), 1, -1):
        cands = [c for k, c, _ in t.places.get(s[:n], ()) if k == 2 and seen[c]]
        if cands:
            return max(cands, key=lambda c: (seen[c], c))
    return None


@lru_cache(maxsize=100_000)
def _county_of(text: str) -> str | None:
    return county_of(text)


def resolve_units(
    filings: list[Filing], transfers: list[Transfer]
) -> tuple[list[UnitMention], dict[str, Unit]]:
    """One mention per non-empty responsible_unit / from_unit / to_unit, and the units they resolve to.

    The county of a mention without a place prefix is the filing's county (place of the matter, else
    the petitioner's address). Work is done once per distinct (raw name, county).
    """
    with paused_gc():
        ids = resolve_unit_ids(UnitInputs.of(filings, transfers))
        return unit_mentions(filings, transfers, ids), ids.units


def unit_mentions(filings: list[Filing], transfers: list[Transfer], ids: UnitIds) -> list[UnitMention]:
    """The mentions of `resolve_unit_ids`'s result: responsible units in filing order, then each transfer's
    from and to unit."""
    responsible, from_, to = UnitRole.RESPONSIBLE, UnitRole.FROM, UnitRole.TO
    mentions = [
        UnitMention(f.filing_id, responsible, None, f.responsible_unit, uid)
        for f, uid in zip(filings, ids.responsible, strict=True)
        if uid
    ]
    add = mentions.append
    for t, a, b in zip(transfers, ids.from_units, ids.to_units, strict=True):
        if a:
            add(UnitMention(t.filing_id, from_, t.seq, t.from_unit, a))
        if b:
            add(UnitMention(t.filing_id, to, t.seq, t.to_unit, b))
    return mentions


def resolve_unit_ids(inp: UnitInputs) -> UnitIds:
    """The unit id of every unit name in `inp`, read in its filing's county (see resolve_units)."""
    counties, areas = _filing_places(inp)
    units: dict[str, Unit] = {}
    by_county: dict[tuple[str | None, str | None], dict[str, str]] = {}

    def unit_id(raw: str, county: str | None, area: str | None) -> str:
        seen = by_county.get((county, area))
        if seen is None:
            seen = by_county[county, area] = {}
        uid = seen.get(raw)
        if uid is None:
            if not raw or not normalise_unit_name(raw):
                uid = ""  # empty, or only spaces or punctuation: no mention
            else:
                unit = parse_unit(raw.strip(), county, area).unit
                uid = units.setdefault(unit.unit_id, unit).unit_id
            seen[raw] = uid
        return uid

    responsible = [
        unit_id(raw, c, a) for raw, c, a in zip(inp.responsible_units, counties, areas, strict=True)
    ]
    index = {fid: i for i, fid in enumerate(inp.filing_ids)}
    from_units: list[str] = []
    to_units: list[str] = []
    last, county, area = None, None, None
    for fid, a, b in zip(inp.transfer_filings, inp.from_units, inp.to_units, strict=True):
        if fid is not last:  # a filing's transfers usually come together: one look-up for them all
            i = index.get(fid)
            last, county, area = fid, *((counties[i], areas[i]) if i is not None else (None, None))
        from_units.append(unit_id(a, county, area))
        to_units.append(unit_id(b, county, area))
    moved = _near_known(units)
    if moved:
        responsible, from_units, to_units = (
            [moved.get(u, u) for u in column] for column in (responsible, from_units, to_units)
        )
        for old in moved:
            del units[old]
    return UnitIds(responsible, from_units, to_units, units)


def _near_known(units: dict[str, Unit]) -> dict[str, str]:
    """Unknown units one typo away (two for long names) from exactly one known unit of the same county,
    or of the city or province above it: 葛堡镇人民正府 → 葛堡镇人民政府, 堡定市信访局 → 保定市信访局."""
    near: dict[str | None, list[Unit]] = {}
    for u in units.values():
        if u.known:
            near.setdefault(u.county, []).append(u)
    upper = {
        u.unit_id.split(":")[0]: u for u in units.values() if u.known and u.level in ("city", "province")
    }
    moved: dict[str, str] = {}
    for u in units.values():
        if u.known or len(u.name) < 3:
            continue
        cands = list(near.get(u.county, []))
        c = county_by_code(u.county) if u.county else None
        if c is not None:
            cands += [x for x in upper.values() if x.unit_id.split(":")[0] in (c.city_code, c.province_code)]
        names = [x.name for x in cands]
        limit = 1 if len(u.name) < 8 else 2
        hits = process.extract(u.name, names, scorer=Levenshtein.distance, score_cutoff=limit, limit=4)
        if hits:
            best = min(h[1] for h in hits)
            targets = {cands[h[2]].unit_id for h in hits if h[1] == best}
            if len(targets) == 1:
                moved[u.unit_id] = targets.pop()
    return moved
