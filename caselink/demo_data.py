"""Synthetic petition filings with ground truth, for tests, the demo and the accuracy benchmarks.

`generate(n, seed, out_dir)` writes filings.csv and transfers.csv in the canonical input format
(docs/input-format.md) plus the truth behind them: truth_filings.csv (true petitioner, issue,
responsible unit and co-signers of every filing), truth_units.csv (every unit name as written and the unit
it means), truth_people.csv (the clean petitioners), truth_details.csv (each filing's receiving body, and the
varied style's traits) and manifest.json. Same seed → byte-identical files. This module is the standard
style; `style="varied"` runs the same people, units and routing over caselink.demo_varied's matters and
writing habits, and `regions` draws the counties from other provinces.

What the data holds, each controlled by a rate in `Rates`:
- people filing several times with varied names (homophones, a character dropped or added, traditional
  characters, spaces, middle-dot variants), IDs (missing, mistyped, old 15-digit form, lower-case x),
  phones (missing, changed, formatted many ways) and addresses;
- different people with the same name in the same county; families sharing surname, address and phone;
- individual, group (5–60 people of one village) and cross-county issues told in reworded texts. Every
  filing on an issue tells the issue's one grievance (its story: one fact template, the same particulars)
  in its own words — opener, details, demands, order and synonyms vary. Two distinct group or cross-county
  matters always differ in something a clerk reading them would see (village, estate, factory, company,
  cohort year, sums): when fresh particulars keep colliding, the new filers join the matter already
  raised, as they would in life. Cross-county matters are city-wide policy grievances (veterans of one
  enlistment year, teachers dismissed in one year, village doctors, one restructured factory's workers);
  each filer states their own years of service;
- units written many ways (with or without county prefix, abbreviations, pre-2018 names, typos);
- routings with send-backs, returns to a visited unit and long chains; statuses consistent with dates.

Unit ids are "<area code>:<kind>": "130102:human_resources" (a county department), "130102:petition_bureau"
(a petition bureau; also at city "130100:", province "130000:" and "national:"),
"130102:town:柳营镇" (a township government or street office), "130102:village:北王村" (a village
committee) — the same scheme as ingest.resolve.units. Village names are unique within a county.
"""

from __future__ import annotations

import csv
import gc
import json
import multiprocessing
import os
import random
import re
import shutil
from bisect import bisect
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date
from itertools import accumulate
from operator import mul
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from ingest.columns import FILING_COLUMNS, TRANSFER_COLUMNS, Column
from ingest.read.places import County, all_counties

if TYPE_CHECKING:
    from caselink.demo_varied import VariedRates, VariedText

GENERATOR_VERSION = "2"
"""2: one story per issue, distinct matters told apart by their particulars (see `_story_key`)."""

T = TypeVar("T")

ENCODINGS = ("utf-8", "utf-8-sig", "gb18030")


@dataclass(frozen=True)
class Rates:
    """How often each kind of variation occurs (probabilities unless said otherwise)."""

    name_variant: float = 0.22
    """A filing writes the petitioner's name differently from the clean one."""
    id_missing: float = 0.35
    id_mistyped: float = 0.03
    id_old_15: float = 0.02
    id_lower_x: float = 0.5
    """Of IDs ending in X, how many are written with a lower-case x."""
    phone_missing: float = 0.25
    phone_changed: float = 0.12
    """A person switches to a new phone number part-way through their filings."""
    phone_formatted: float = 0.3
    address_missing: float = 0.1
    namesake: float = 0.04
    """A new person takes the name of someone already living in the same county."""
    family_shares_phone: float = 0.6
    bounced: float = 0.1
    """Of filings routed to a county department (most of them): ~8% of all filings are bounced."""
    stuck: float = 0.03
    """A filing is never concluded: still 办理中 long past the 60-day limit."""
    unit_typo: float = 0.01
    alt_date_format: float = 0.02
    """A received/concluded date written YYYY/MM/DD or YYYY年MM月DD日 instead of ISO."""


@dataclass(frozen=True)
class GeneratedPaths:
    """Where `generate` wrote each file."""

    filings: Path
    transfers: Path
    truth_filings: Path
    truth_units: Path
    truth_people: Path
    manifest: Path
    truth_details: Path
    """One row per filing: the receiving body it was written to (its unit id) and, in the varied style, the
    traits the generator gave its text (register entry, repost, boilerplate …)."""


GENERATED_FILING_COLUMNS: tuple[Column, ...] = tuple(
    c for c in FILING_COLUMNS if c.name not in ("title", "account_id", "reply")
)
"""The filing columns the generator fills, in file order (no title, account or reply)."""
VARIED_FILING_COLUMNS: tuple[Column, ...] = tuple(c for c in FILING_COLUMNS if c.name != "reply")
"""The varied style's filing columns: the standard ones, then title and account_id (online filings)."""
TRUTH_FILING_COLUMNS = ("filing_id", "person_id", "issue_id", "responsible_unit_id", "co_signer_person_ids")
TRUTH_UNIT_COLUMNS = ("filing_id", "role", "seq", "raw_name", "unit_id")
TRUTH_PEOPLE_COLUMNS = ("person_id", "name", "id_number", "phone", "county")
"""One row per person who appears in filings (as petitioner or co-signer); phone is their first number."""
TRUTH_DETAIL_COLUMNS = ("filing_id", "receiving_unit_id", "traits")
"""traits: the varied style's marks on a filing, separated by ";" (empty in the standard style)."""
STYLES = ("standard", "varied")
"""standard: the generator's own writing, three Hebei cities; varied: other habits of real records
(caselink.demo_varied), other provinces."""

# ---------------------------------------------------------------------------------------------- geography


def _words(text: str) -> tuple[str, ...]:
    """A vocabulary written as space-separated words."""
    return tuple(text.split())


def _weighted_words(text: str) -> tuple[tuple[str, int], ...]:
    """Words with weights, written "王:71 李:70 …"."""
    return tuple((w, int(n)) for w, n in (t.split(":") for t in text.split()))


def _pairs(text: str) -> dict[str, str]:
    """A character → alternatives table, written "伟:玮炜纬 丽:莉俪力 …"."""
    return dict(t.split(":") for t in text.split())


_CITY_PICK = (("130100", 12), ("130600", 10), ("130500", 8))
"""石家庄, 保定, 邢台 and how many of each city's counties (lowest codes first) the data covers."""

_AREA_CODES = {"130100": "0311", "130600": "0312", "130500": "0319"}

_PLACE_A = "东西南北大小前后上下新高马柳杨李王张刘黄石白龙双孟韩宋赵郭田周苗葛范沙"
_PLACE_B = "庄店营屯城桥河集口寨堡坊里岗湾沟峪头园林台铺家官"

_BRANDS = _words(
    "华兴 宏达 永利 鑫源 恒通 东方 金河 利民 振华 兴隆 长城 天元 瑞丰 新星 广厦 顺达 "
    "博远 凯旋 中联 冀东 富康 万和 金盛 德润"
)
_FACTORY_KINDS = _words("纺织厂 化工厂 机械厂 造纸厂 水泥厂 食品厂 皮革厂 铸造厂 砖厂 农机厂 棉纺厂 塑料厂")
_ESTATE_KINDS = ("花园", "家园", "名苑", "华府", "新城", "嘉园", "雅居", "丽景")
_PROJECTS = _words(
    "高速公路连接线 工业园区 物流园 棚户区改造项目 道路拓宽工程 高铁站前广场 "
    "污水处理厂 光伏电站 产业新城 国道改线工程"
)


@dataclass(slots=True)
class _Town:
    code: str
    name: str
    """e.g. 柳营镇, 北王乡, 东关街道"""
    villages: list[str]
    uid: str
    village_uids: list[str]


@dataclass(slots=True)
class _Place:
    county: County
    area_code: str
    towns: list[_Town]
    factories: list[str]
    estates: list[str]
    residents: dict[tuple[int, int], list[int]]
    """(town index, village index) → person indices living there."""


_REGION_COUNTIES = 30
"""How many counties a run over chosen provinces (`regions`) covers, shared out among the provinces."""


def province_code(code: str) -> str:
    """A province code as given on the command line (37, 370000) in the six-digit form of the code list.

    >>> province_code("45"), province_code("620000")
    ('450000', '620000')
    """
    code = code.strip()
    if not re.fullmatch(r"\d{2}(0000)?", code):
        raise ValueError(f"{code!r} is not a province code: give two digits (37) or six (370000)")
    full = code[:2] + "0000"
    if not any(c.province_code == full for c in all_counties()):
        raise ValueError(f"no province has the code {code!r}")
    return full


def _pick_counties(regions: tuple[str, ...] = (), seed: int = 0) -> list[County]:
    """The counties the data covers: three Hebei cities, or (regions) whole cities drawn from those provinces.

    Cities are drawn (by seed) among each province's cities, and each city brings up to ten counties (lowest
    codes first, as the default does), so cross-county matters find neighbours in their own city."""
    by_city: dict[str, list[County]] = {}
    for c in all_counties():
        if c.city_code is not None:
            by_city.setdefault(c.city_code, []).append(c)
    picked: list[County] = []
    if not regions:
        for city, k in _CITY_PICK:
            picked.extend(sorted(by_city[city], key=lambda c: c.code)[:k])
        return picked
    rng = random.Random(f"{seed}-regions")
    share = -(-_REGION_COUNTIES // len(regions))
    for prov in regions:
        cities = sorted(city for city, cs in by_city.items() if cs[0].province_code == prov and len(cs) >= 2)
        cities = cities or sorted(city for city, cs in by_city.items() if cs[0].province_code == prov)
        rng.shuffle(cities)
        got = 0
        for city in cities:
            if got >= share:
                break
            take = sorted(by_city[city], key=lambda c: c.code)[: min(10, share - got)]
            picked.extend(take)
            got += len(take)
    return picked


def _area_code(city_code: str | None) -> str:
    """The telephone area code of a city: the three Hebei cities' own, a made-up but steady one elsewhere."""
    if city_code in _AREA_CODES:
        return _AREA_CODES[city_code]
    if city_code is None:
        return "0310"
    return f"0{(int(city_code[:4]) * 37) % 600 + 350}"


def _place_name(rng: random.Random, taken: set[str]) -> str:
    while True:
        name = _choice(rng, _PLACE_A) + _choice(rng, _PLACE_B)
        if name not in taken:
            taken.add(name)
            return name


def _build_places(rng: random.Random, counties: list[County]) -> list[_Place]:
    places: list[_Place] = []
    for county in counties:
        is_district = county.name.endswith("区")
        taken: set[str] = set()
        vtaken: set[str] = set()
        towns: list[_Town] = []
        for t in range(8):
            suffix = (
                ("街道" if t < 4 else "镇") if is_district else ("镇" if t < 5 else "乡" if t < 7 else "街道")
            )
            tname = _place_name(rng, taken) + suffix
            villages = [_place_name(rng, vtaken) + "村" for _ in range(6)]
            towns.append(
                _Town(
                    f"{county.code}{t + 1:03d}",
                    tname,
                    villages,
                    f"{county.code}:town:{tname}",
                    [f"{county.code}:village:{v}" for v in villages],
                )
            )
        short = county.short
        factories = [
            f"{short}{b}{k}"
            for b, k in zip(rng.sample(_BRANDS, 6), rng.sample(_FACTORY_KINDS, 6), strict=True)
        ]
        estates = [
            f"{b}{k}" for b, k in zip(rng.sample(_BRANDS, 5), rng.sample(_ESTATE_KINDS, 5), strict=True)
        ]
        area = _area_code(county.city_code)
        places.append(_Place(county, area, towns, factories, estates, {}))
    return places


# ---------------------------------------------------------------------------------------------- people

_SURNAMES = _weighted_words(
    "王:71 李:70 张:67 刘:54 陈:45 杨:31 黄:22 赵:22 吴:20 周:19 徐:16 孙:15 马:14 "
    "朱:13 胡:13 郭:11 何:11 高:10 林:10 罗:9 郑:8 梁:8 谢:7 宋:7 唐:6 许:6 韩:6 冯:6 "
    "邓:6 曹:5 彭:5 曾:5 肖:5 田:5 董:5 袁:4 潘:4 于:4 蒋:4 蔡:4 余:4 杜:4 叶:4 程:4 "
    "苏:3 魏:3 吕:3 丁:3 任:3 沈:3 姚:3 卢:3 姜:3 崔:3 钟:3 谭:3 陆:3 汪:3 范:3 金:3 "
    "石:3 贾:2 付:2 方:2 白:2 孟:2 秦:2 尹:2 薛:2 闫:2 段:2 雷:2 侯:2 史:2 郝:2 邵:2 "
    "武:2 常:2 康:2 耿:1 欧阳:1 司马:1"
)
_POPULAR_M = _weighted_words(
    "伟:30 强:14 磊:12 军:12 勇:10 杰:9 涛:8 明:8 超:8 刚:7 平:7 辉:6 鹏:6 华:6 "
    "建国:6 建军:5 志强:5 国庆:4 海涛:3 建华:4 斌:4 波:4 飞:4"
)
_POPULAR_F = _weighted_words(
    "芳:28 娜:26 敏:18 静:18 丽:16 艳:12 娟:10 霞:9 秀英:12 桂英:8 秀兰:6 玉兰:6 "
    "桂兰:5 丽娟:4 红:6 燕:6 玲:5 婷:5 慧:4 淑珍:3 凤英:3 海燕:3"
)
_GIVEN_M1 = "建志国海永俊文德振晓东明宏立新学子春金庆世兆家"
_GIVEN_M2 = "军华强平明林峰辉刚亮鹏飞龙斌涛波杰宇浩磊成伟生山"
_GIVEN_F1 = "秀桂玉丽淑海春晓美雪红彩凤翠金慧月小素静丹"
_GIVEN_F2 = "英兰芳珍霞云梅娟玲燕红华琴萍莲香丽敏洁婷花芬"
_MINORITY = _words(
    "阿依古丽 买买提 艾买提 古丽娜尔 热合曼 吐尔逊 阿不都 努尔 帕提古丽 艾力 依明 "
    "哈斯木 布合力其 米热古丽 阿里木"
)

_HOMOPHONES = _pairs(
    "伟:玮炜纬 丽:莉俪力 明:鸣铭 华:桦骅 军:君均 芳:方舫 娜:那纳 静:晶敬靖 敏:民珉 "
    "强:蔷墙 磊:蕾雷 杰:洁捷 涛:滔韬 刚:钢岗 平:萍苹 辉:晖徽 鹏:朋彭 飞:菲非 斌:彬滨 "
    "波:博 英:瑛莹 兰:岚蓝 红:虹宏洪 燕:艳雁 玲:琳铃 霞:侠 艳:燕 娟:涓鹃 秀:绣 桂:贵 "
    "珍:贞 国:果 建:健 志:智 庆:清青 玉:钰 凤:风峰 婷:亭庭 雪:学 慧:惠蕙 宇:雨语 "
    "浩:皓昊 俊:骏峻 梅:美媚 云:芸运 春:椿 林:琳霖 峰:锋丰 龙:隆 海:凯 文:雯 德:得 "
    "东:冬 新:欣鑫 金:锦 亮:良 生:升 山:珊 萍:平 晓:小 小:晓 淑:书 美:梅 月:悦 素:苏 "
    "丹:单 香:湘 琴:芹勤 洁:杰 花:华 芬:分 敬:静 子:紫 立:力 学:雪 张:章 王:汪 李:黎 "
    "刘:柳"
)

_MOBILE_PREFIXES = _words(
    "130 131 132 133 135 136 137 138 139 150 151 152 155 156 157 158 159 166 176 177 "
    "180 181 182 183 185 186 187 188 189 199"
)

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_checksum(first17: str) -> str:
    """GB 11643 check character of the first 17 digits of an ID number."""
    s = sum(map(mul, map(int, first17), _ID_WEIGHTS))
    return _ID_CHECK[s % 11]


@dataclass(slots=True)
class _Person:
    pid: str
    name: str
    sex: str
    id_number: str
    phones: list[str]
    place: int
    town: int
    village: int
    house_no: int
    minority: bool
    variants: list[str] | None = None


_S2T: dict[str, str] | None = None
_KEEP_IN_TRADITIONAL = "余于范沈"
"""Surnames written the same in traditional characters (OpenCC would turn 余 into 餘, 于 into 於)."""


def _s2t_map() -> dict[str, str]:
    """Simplified → traditional for the characters names are made of (built once with OpenCC)."""
    global _S2T
    if _S2T is None:
        from opencc import OpenCC

        conv = OpenCC("s2t")
        chars = "".join(s for s, _ in _SURNAMES) + "".join(g for g, _ in _POPULAR_M + _POPULAR_F)
        chars += _GIVEN_M1 + _GIVEN_M2 + _GIVEN_F1 + _GIVEN_F2
        table: dict[str, str] = {}
        for ch in sorted(set(chars) - set(_KEEP_IN_TRADITIONAL)):
            t = conv.convert(ch)
            if len(t) == 1 and t != ch:
                table[ch] = t
        _S2T = table
    return _S2T


class _Weighted:
    """rng-driven weighted choice over a fixed list, via cumulative weights (fast for repeated draws)."""

    __slots__ = ("items", "cum", "total")

    def __init__(self, pairs: tuple[tuple[str, int], ...] | list[tuple[str, int]]) -> None:
        self.items = [p[0] for p in pairs]
        self.cum = list(accumulate(p[1] for p in pairs))
        self.total = self.cum[-1]

    def pick(self, rng: random.Random) -> str:
        return self.items[bisect(self.cum, rng.random() * self.total)]


_SURNAME_W = _Weighted(_SURNAMES)
_POP_M_W = _Weighted(_POPULAR_M)
_POP_F_W = _Weighted(_POPULAR_F)


def _name_variants(name: str, minority: bool) -> list[str]:
    """The ways a clerk or the petitioner may write this name (without the clean form)."""
    out: list[str] = []
    if minority:
        a, b = name.split("·")
        out += [f"{a}•{b}", f"{a}・{b}", f"{a}.{b}", f"{a}{b}", f"{a} {b}", f"{a}－{b}"]
        return out
    surname_len = 2 if len(name) >= 3 and name[:2] in ("欧阳", "司马") else 1
    sur, given = name[:surname_len], name[surname_len:]
    for i, ch in enumerate(given):
        for alt in _HOMOPHONES.get(ch, ""):
            out.append(sur + given[:i] + alt + given[i + 1 :])
    t = _s2t_map()
    trad = "".join(t.get(ch, ch) for ch in name)
    if trad != name:
        out += [trad, trad]
    out += [f"{sur} {given}", f"{sur}　{given}", " ".join(name)]
    if len(given) == 2:
        out += [sur + given[0], sur + given[1]]
    else:
        out += [sur + given + given, sur + "小" + given]
    if sur in _HOMOPHONES:
        out.append(_HOMOPHONES[sur][0] + given)
    return out


class _People:
    """All generated people; households share surname, address and often phone."""

    def __init__(self, rng: random.Random, places: list[_Place], rates: Rates, birth_end: int) -> None:
        self.rng = rng
        self.places = places
        self.rates = rates
        self.birth_end = birth_end
        self.people: list[_Person] = []
        self.ids: set[str] = set()
        self.phones: set[str] = set()
        self.names_by_county: list[list[tuple[str, str]]] = [[] for _ in places]
        self.spare_members: list[int] = []
        """Household members who have not filed yet (drawn when a family member files too)."""

    def _mobile(self) -> str:
        rng = self.rng
        while True:
            p = _choice(rng, _MOBILE_PREFIXES) + f"{_between(rng, 0, 10**8):08d}"
            if p not in self.phones:
                self.phones.add(p)
                return p

    def _landline(self, area: str) -> str:
        rng = self.rng
        while True:
            p = area + str(_between(rng, 2, 9)) + f"{_between(rng, 0, 10**7):07d}"
            if p not in self.phones:
                self.phones.add(p)
                return p

    def new_phone(self, place: int) -> str:
        return self._landline(self.places[place].area_code) if self.rng.random() < 0.12 else self._mobile()

    def _id(self, county_code: str, birth: str, sex: str) -> str:
        """A unique valid ID: region, birth date (YYYYMMDD), sequence (odd for men), check character."""
        rng = self.rng
        while True:
            seq = _between(rng, 0, 500) * 2 + (1 if sex == "M" else 0)
            first17 = f"{county_code}{birth}{seq:03d}"
            if first17 not in self.ids:
                self.ids.add(first17)
                return first17 + id_checksum(first17)

    def _given(self, sex: str) -> str:
        rng = self.rng
        if rng.random() < 0.45:
            return (_POP_M_W if sex == "M" else _POP_F_W).pick(rng)
        a, b = (_GIVEN_M1, _GIVEN_M2) if sex == "M" else (_GIVEN_F1, _GIVEN_F2)
        if rng.random() < 0.25:
            return _choice(rng, b)
        return _choice(rng, a) + _choice(rng, b)

    def household(self, place: int, town: int | None = None, village: int | None = None) -> list[int]:
        """Create a household of 1–4 people in a village (random if not given); return their indices."""
        rng = self.rng
        pl = self.places[place]
        if town is None:
            town = _between(rng, 0, len(pl.towns))
        if village is None:
            village = _between(rng, 0, len(pl.towns[town].villages))
        size = 1 + bisect((35, 65, 85, 100), rng.random() * 100)
        minority = rng.random() < 0.005
        surname = _SURNAME_W.pick(rng)
        house_no = _between(rng, 1, 300)
        shared_phone = self.new_phone(place) if rng.random() < self.rates.family_shares_phone else None
        made: list[int] = []
        for k in range(size):
            sex = _choice(rng, "MF")
            if minority:
                name = f"{_choice(rng, _MINORITY)}·{_choice(rng, _MINORITY)}"
            elif k == 0 and self.names_by_county[place] and rng.random() < self.rates.namesake:
                name, sex = _choice(rng, self.names_by_county[place])
            else:
                name = surname + self._given(sex)
            year = _between(rng, 1942, self.birth_end)
            birth = f"{year}{_between(rng, 1, 13):02d}{_between(rng, 1, 29):02d}"
            idn = self._id(pl.county.code, birth, sex)
            own = self.new_phone(place) if shared_phone is None or rng.random() < 0.3 else shared_phone
            phones = [own]
            if rng.random() < self.rates.phone_changed:
                phones.append(self._mobile())
            idx = len(self.people)
            self.people.append(
                _Person(f"P{idx + 1:07d}", name, sex, idn, phones, place, town, village, house_no, minority)
            )
            if not minority:
                self.names_by_county[place].append((name, sex))
            pl.residents.setdefault((town, village), []).append(idx)
            made.append(idx)
        self.spare_members.extend(made[1:])
        return made

    def in_village(self, place: int, town: int, village: int, k: int, used: set[int]) -> list[int]:
        """k distinct people of one village, creating households there when too few live there."""
        pool = [i for i in self.places[place].residents.get((town, village), []) if i not in used]
        self.rng.shuffle(pool)
        while len(pool) < k:
            pool.extend(self.household(place, town, village))
        return pool[:k]


# ---------------------------------------------------------------------------------------------- units

_DEPTS: dict[str, tuple[tuple[str, int], ...]] = {
    # key: (written form, weight) — first is the current official name
    "petition_bureau": (("信访局", 8), ("信访办", 2), ("信访办公室", 1)),
    "human_resources": (
        ("人力资源和社会保障局", 6),
        ("人社局", 6),
        ("人力社保局", 2),
        ("劳动和社会保障局", 1),
        ("劳动局", 1),
    ),
    "housing_construction": (("住房和城乡建设局", 6), ("住建局", 6), ("建设局", 2), ("住房城乡建设局", 1)),
    "natural_resources": (
        ("自然资源和规划局", 5),
        ("自然资源局", 5),
        ("国土资源局", 2),
        ("国土局", 2),
        ("资规局", 1),
    ),
    "market_regulation": (
        ("市场监督管理局", 6),
        ("市场监管局", 6),
        ("工商局", 1),
        ("质监局", 1),
        ("食药监局", 1),
    ),
    "public_security": (("公安局", 10),),
    "education": (("教育局", 6), ("教育和体育局", 2), ("教体局", 2)),
    "health": (("卫生健康局", 5), ("卫健局", 5), ("卫生和计划生育局", 1), ("卫计局", 1)),
    "ecology_environment": (("生态环境分局", 4), ("生态环境局", 4), ("环保局", 3), ("环境保护局", 1)),
    "agriculture_rural": (("农业农村局", 6), ("农业局", 2), ("农业农村和水利局", 1)),
    "civil_affairs": (("民政局", 10),),
    "medical_security": (("医疗保障局", 5), ("医保局", 5)),
    "urban_management": (
        ("城市管理综合行政执法局", 3),
        ("城管局", 5),
        ("城管执法局", 2),
        ("综合行政执法局", 2),
    ),
    "veterans_affairs": (("退役军人事务局", 6), ("退役军人局", 3)),
    "court": (("人民法院", 6), ("法院", 4)),
    "procuratorate": (("人民检察院", 6), ("检察院", 4)),
}
_CONFUSABLE = {
    "natural_resources": ("housing_construction", "agriculture_rural"),
    "housing_construction": ("natural_resources", "urban_management"),
    "human_resources": ("market_regulation", "housing_construction", "medical_security"),
    "market_regulation": ("human_resources", "health"),
    "education": ("human_resources",),
    "health": ("medical_security", "market_regulation"),
    "ecology_environment": ("natural_resources", "agriculture_rural"),
    "agriculture_rural": ("natural_resources",),
    "civil_affairs": ("human_resources", "medical_security"),
    "medical_security": ("human_resources", "health"),
    "urban_management": ("housing_construction", "market_regulation"),
    "veterans_affairs": ("human_resources", "civil_affairs"),
    "court": ("public_security",),
    "public_security": ("court",),
    "procuratorate": ("court",),
}
_TYPOS = {
    "资": "姿",
    "障": "章",
    "督": "都",
    "管": "馆",
    "建": "健",
    "镇": "真",
    "源": "原",
    "保": "堡",
    "政": "正",
    "局": "居",
    "委": "季",
    "卫": "为",
    "法": "发",
}


@dataclass(slots=True)
class _Unit:
    uid: str
    forms: list[str]
    cum: list[int]


class _Units:
    """Every unit of the covered area, each with its weighted written forms."""

    def __init__(self, places: list[_Place]) -> None:
        self.units: dict[str, _Unit] = {}
        self.town_of: dict[str, str] = {}
        """village committee id → its township government id"""
        self.places = places
        seen_city: set[str] = set()
        for pl in places:
            c = pl.county
            if c.province_code not in self.units:
                prov = c.province_name
                if prov.endswith("省"):
                    prov_forms = [
                        (prov + "信访局", 6),
                        ("省信访局", 2),
                        (prov.removesuffix("省") + "省信访局", 1),
                    ]
                else:  # 广西壮族自治区信访局 / 自治区信访局 / 广西信访局; 北京市信访局 / 北京信访局
                    short = re.sub(r"(壮族|回族|维吾尔)?(自治区|市)$", "", prov)
                    prov_forms = [(prov + "信访局", 6), (short + "信访局", 1)]
                    if prov.endswith("自治区"):
                        prov_forms.append(("自治区信访局", 2))
                self._add(f"{c.province_code}:petition_bureau", prov_forms)
            if c.city_code and c.city_code not in seen_city:
                seen_city.add(c.city_code)
                city = c.city_name or ""
                self._add(
                    f"{c.city_code}:petition_bureau",
                    [
                        (city + "信访局", 6),
                        ("市信访局", 2),
                        (city + "信访办", 1),
                        (city.removesuffix("市") + "市信访局", 1),
                    ],
                )
            for key, forms in _DEPTS.items():
                self._add(f"{c.code}:{key}", self._dept_forms(pl, key, forms))
            for town in pl.towns:
                self._add(town.uid, self._town_forms(pl, town))
                for vuid, vname in zip(town.village_uids, town.villages, strict=True):
                    self._add(vuid, self._village_forms(pl, town, vname))
                    self.town_of[vuid] = town.uid
        self._add("national:petition_bureau", [("国家信访局", 1)])

    def _add(self, uid: str, pairs: list[tuple[str, int]]) -> None:
        merged: dict[str, int] = {}
        for form, w in pairs:
            merged[form] = merged.get(form, 0) + w
        forms = list(merged)
        self.units[uid] = _Unit(uid, forms, list(accumulate(merged[f] for f in forms)))

    @staticmethod
    def _dept_forms(pl: _Place, key: str, forms: tuple[tuple[str, int], ...]) -> list[tuple[str, int]]:
        c = pl.county
        city = c.city_name or ""
        out: list[tuple[str, int]] = []
        for i, (form, w) in enumerate(forms):
            if key == "ecology_environment" and form == "生态环境分局":
                out.append((f"{city}生态环境局{c.name}分局", w * 3))
                out.append((f"{city.removesuffix('市')}市生态环境局{c.short}分局", w))
                continue
            full = i == 0
            out.append((c.name + form, w * 4))
            if full:
                out.append((city + c.name + form, w * 3))
                out.append((form, w))
            if c.short != c.name:
                out.append((c.short + form, w))
        return out

    @staticmethod
    def _town_forms(pl: _Place, town: _Town) -> list[tuple[str, int]]:
        c, t = pl.county, town.name
        if t.endswith("街道"):
            return [(t + "办事处", 6), (t + "办", 3), (c.name + t + "办事处", 4), (t, 1), (t + "办事处", 0)]
        return [
            (t + "人民政府", 6),
            (t + "政府", 4),
            (c.name + t + "人民政府", 4),
            (c.name + t + "政府", 1),
            (t, 1),
        ]

    @staticmethod
    def _village_forms(pl: _Place, town: _Town, v: str) -> list[tuple[str, int]]:
        stem = v.removesuffix("村")
        return [
            (v + "民委员会", 4),
            (v + "委会", 4),
            (v + "村委会", 1),
            (town.name + v + "委会", 3),
            (town.name + v + "民委员会", 2),
            (f"{stem}村两委", 1),
        ]

    def write(self, uid: str, rng: random.Random, typo: float) -> str:
        u = self.units[uid]
        form = u.forms[bisect(u.cum, rng.random() * u.cum[-1])]
        if rng.random() < typo:
            spots = [i for i, ch in enumerate(form) if ch in _TYPOS]
            if spots:
                i = _choice(rng, spots)
                form = form[:i] + _TYPOS[form[i]] + form[i + 1 :]
        return form


# ---------------------------------------------------------------------------------------------- issues

_SYNONYMS = (
    ("反映", ("反映", "反应", "投诉")),
    ("一直", ("一直", "始终", "一直都")),
    ("至今", ("至今", "到现在", "直到现在")),
    ("补偿款", ("补偿款", "补偿金", "补偿费")),
    ("请求", ("请求", "恳请", "要求", "希望")),
    ("多次", ("多次", "好几次", "屡次")),
    ("村委会", ("村委会", "村委", "村里")),
    ("镇政府", ("镇政府", "镇里", "乡镇政府")),
    ("拖欠", ("拖欠", "欠")),
    ("工资", ("工资", "工钱", "劳动报酬")),
    ("领导", ("领导", "上级领导", "有关领导")),
    ("解决", ("解决", "处理", "落实")),
    ("答复", ("答复", "回复", "答复意见")),
    ("困难", ("困难", "很困难", "十分困难")),
    ("相关部门", ("相关部门", "有关部门", "主管部门")),
    ("尽快", ("尽快", "早日", "及时")),
    ("依法", ("依法", "按照政策", "依规")),
    ("严重", ("严重", "十分严重", "非常严重")),
    ("职工", ("职工", "工人", "员工")),
)

_OPENERS_ONE = (
    "",
    "",
    "本人{name}，{village}村民，",
    "我是{town}{village}村民{name}，",
    "反映人{name}反映：",
    "{name}来信反映：",
    "我叫{name}，家住{town}{village}。",
)
_OPENERS_GROUP = (
    "我们是{village}村民共{headcount}人，",
    "{village}村民{name}等{headcount}人联名反映：",
    "{town}{village}{headcount}名村民集体反映：",
    "{name}等{headcount}人反映：",
)
_OPENERS_CROSS = ("", "本人{name}，", "反映人{name}反映：", "{name}来信反映：")


@dataclass(frozen=True)
class _Kind:
    key: str
    category: str
    unit: str
    """A department key, "township" or "village"."""
    scope: str
    """individual / group / cross / any"""
    facts: tuple[str, ...]
    details: tuple[str, ...]
    demands: tuple[str, ...]
    group_openers: tuple[str, ...] = ()
    """Openers of joint filings when the village ones do not fit (owners of an estate, workers …)."""


_KINDS = (
    _Kind(
        "land_compensation",
        "征地拆迁",
        "natural_resources",
        "group",
        (
            "{year}年{town}{village}的{area}亩集体土地被征收用于{project}，征地补偿款每亩{price}元至今没有足额发放",
            "{year}年{project}征用我们{village}耕地{area}亩，承诺每亩补偿{price}元，到现在大部分没有到位",
            "{town}{village}{area}亩耕地{year}年被{project}占用，补偿款被层层截留，村民实际拿到的远低于每亩{price}元的标准",
        ),
        (
            "多次找村委会和镇政府反映，一直没有答复",
            "村干部不公开补偿款分配明细",
            "地上附着物也没有给予补偿",
            "青苗补偿费没有发放",
            "现在没有地可种，生活困难",
            "征地时没有召开村民代表大会",
        ),
        (
            "请求上级部门督促尽快足额发放补偿款",
            "要求公开征地补偿款发放明细并依法补偿",
            "希望领导重视，解决我们的实际困难",
        ),
    ),
    _Kind(
        "demolition",
        "征地拆迁",
        "township",
        "any",
        (
            "{recent}年{town}{village}实施{project}，我家{area}平方米房屋被拆除，补偿标准明显低于周边",
            "{village}房屋拆迁时约定{recent}年底交付安置房，至今安置房没有交付，过渡费也停发了",
            "{project}拆迁中我家房屋被强制拆除，评估面积少算了{area}平方米",
        ),
        (
            "多次到镇政府反映没有结果",
            "一家人现在租房居住，生活困难",
            "拆迁协议是在被威胁的情况下签的",
            "同村其他户的补偿比我家高很多",
        ),
        ("请求按照政策重新核定补偿", "要求尽快交付安置房并补发过渡费", "请求相关部门依法处理"),
    ),
    _Kind(
        "wage_arrears",
        "劳动保障",
        "human_resources",
        "any",
        (
            "{recent}年在{company}承建的{project}工地务工，被拖欠工资{amount}元至今没有结清",
            "{company}拖欠我们{headcount}名农民工{recent}年工资共计{amount}元，包工头失联",
            "本人在{company}打工，老板以各种理由拖欠工资{amount}元",
        ),
        (
            "多次找公司讨要没有结果",
            "劳动监察大队说正在处理，但一直没有下文",
            "临近年底家里急等用钱",
            "有工资条和考勤记录为证",
        ),
        ("请求劳动部门督促尽快支付工资", "要求依法追讨拖欠的工资", "希望政府帮助农民工讨薪"),
        (
            "我们{headcount}名农民工集体反映：",
            "{name}等{headcount}名工人反映：",
            "农民工{name}等{headcount}人反映，",
        ),
    ),
    _Kind(
        "social_insurance",
        "劳动保障",
        "human_resources",
        "individual",
        (
            "本人在{company}工作{years}年，单位一直没有为我缴纳社会保险",
            "{company}自{year}年起停缴职工养老保险，现在本人到了退休年龄无法办理退休",
            "单位在{year}年解除劳动合同时没有支付经济补偿金{amount}元",
        ),
        ("向单位反映多次没有答复", "仲裁委说超过时效不予受理", "现在看病没有医保，困难"),
        ("请求责令单位补缴社保", "要求依法支付经济补偿", "请求相关部门依法处理"),
    ),
    _Kind(
        "developer_delay",
        "城乡建设",
        "housing_construction",
        "group",
        (
            "{estate}小区开发商承诺{recent}年交房，至今逾期两年多没有交付",
            "{estate}小区业主交房{years}年了一直办不下来房产证，开发商推说手续不全",
            "{estate}小区存在严重质量问题，墙体开裂、漏水，开发商拒不维修",
        ),
        (
            "业主们多次找开发商和住建局，一直没有答复",
            "房贷每月照还，房子却住不进去",
            "物业和开发商互相推诿",
            "已有业主因此生活困难",
        ),
        ("请求相关部门督促开发商尽快交房", "要求尽快为业主办理不动产权证", "请求依法查处并督促整改"),
        (
            "{estate}小区业主{name}等{headcount}人联名反映：",
            "我们是{estate}小区的{headcount}户业主，",
            "{estate}业主代表{name}反映：",
        ),
    ),
    _Kind(
        "illegal_building",
        "城乡建设",
        "urban_management",
        "individual",
        (
            "{town}{village}邻居违规加盖{area}平方米房屋，挡住我家采光",
            "{estate}小区一楼住户私自扩建，占用公共绿地{area}平方米",
            "{town}主街商户长期占道经营，影响通行",
        ),
        ("多次向城管反映，一直没有处理", "双方因此发生过争执", "社区说管不了"),
        ("请求依法拆除违建", "要求相关部门尽快处理", "希望有关部门管一管"),
    ),
    _Kind(
        "land_contract",
        "农村农业",
        "village",
        "individual",
        (
            "{village}村委会{year}年把我家{area}亩承包地调整给他人耕种，没有经过本人同意",
            "我家在{village}的{area}亩承包地确权时面积少登记了，至今没有更正",
            "{village}村干部私自将集体土地{area}亩对外出租，租金去向不明",
        ),
        ("找村委会多次，一直没有答复", "镇政府说让自己协商", "承包合同还在我手里"),
        ("请求依法归还承包地", "请求更正确权面积", "要求公开集体土地租金收支"),
    ),
    _Kind(
        "farm_subsidy",
        "农村农业",
        "agriculture_rural",
        "any",
        (
            "{recent}年至今没有领到耕地地力保护补贴，共{area}亩",
            "{village}的种粮补贴被村干部冒领，本人{area}亩地的补贴一分没拿到",
        ),
        ("问了村里说名单报上去了", "别的村民都领到了"),
        ("请求核实并补发补贴", "要求查处冒领补贴的人员"),
    ),
    _Kind(
        "substitute_teacher",
        "教育",
        "education",
        "cross",
        (
            "本人是{city}原民办代课教师，从教{years}年，{year}年全市统一清退时没有得到任何补偿",
            "我们是{year}年被清退的原{city}各县民办代课教师，教龄{years}年以上，待遇至今没有落实",
            "{year}年{city}清退民办代课教师时承诺的养老保险至今没有落实，本人教龄{years}年",
        ),
        (
            "邻县已经给代课教师发放了生活补助",
            "多次找教育局反映，说要等上级政策",
            "现在年纪大了没有收入，生活困难",
            "有当年的任教证明和工资表",
        ),
        ("请求落实代课教师补偿政策", "要求参照邻县标准发放生活补助", "请求解决养老保险问题"),
        ("我们{headcount}名原代课教师联名反映：", "{name}等{headcount}名代课教师反映："),
    ),
    _Kind(
        "school_fee",
        "教育",
        "education",
        "individual",
        (
            "{town}中心小学违规收取补课费每人{price}元",
            "孩子在{county}第二中学被违规收取资料费{price}元",
        ),
        ("家长们都不敢说", "学校说是自愿的"),
        ("请求查处违规收费并退还", "要求规范学校收费"),
    ),
    _Kind(
        "medical_dispute",
        "卫生健康",
        "health",
        "individual",
        (
            "{recent}年本人家属在{county}人民医院手术后出现严重并发症，医院拒不承担责任",
            "{county}中医院收费不透明，住院{years}周花费{amount}元，明细对不上",
        ),
        ("找医院协商没有结果", "医疗鉴定费用太高承担不起"),
        ("请求卫健部门调查处理", "要求医院给个说法并赔偿"),
    ),
    _Kind(
        "village_doctor",
        "卫生健康",
        "health",
        "cross",
        (
            "本人当了{years}年乡村医生，{year}年按{city}统一要求退出后养老补助没有落实",
            "我们是{city}各县{year}年退出的老乡村医生，从医{years}年以上，至今没有享受到养老补助",
        ),
        ("其他省份早就落实了", "多次反映都说等文件"),
        ("请求落实乡村医生养老补助", "要求参照政策解决老年乡医待遇"),
        ("我们{headcount}名老乡村医生联名反映：",),
    ),
    _Kind(
        "pollution",
        "环境保护",
        "ecology_environment",
        "group",
        (
            "{village}附近的{factory}长期夜间排放刺鼻废气，村民头晕恶心",
            "{factory}向{village}旁边的河道偷排污水，河水发黑发臭，庄稼减产",
            "{factory}粉尘污染严重，{village}家家户户的窗台上都是灰",
        ),
        ("多次向环保部门举报，查完没几天又开始排", "村里好几个人得了呼吸道疾病", "晚上噪音大得睡不着觉"),
        ("请求依法查处并责令停产整改", "要求环保部门彻底治理", "请求关停污染企业"),
    ),
    _Kind(
        "enforcement",
        "涉法涉诉",
        "court",
        "individual",
        (
            "{year}年法院判决{company}支付本人{amount}元，至今没有执行到位",
            "本人与{company}合同纠纷一案判决已生效{years}年，对方有财产却一直执行不了",
            "对{year}年{county}人民法院的判决不服，认为事实认定错误",
        ),
        ("找执行法官多次，一直说在执行中", "对方转移了财产", "已申请再审没有结果"),
        ("请求法院加大执行力度", "要求依法纠正错误判决", "请求督促尽快执行"),
    ),
    _Kind(
        "police_case",
        "涉法涉诉",
        "public_security",
        "individual",
        (
            "{recent}年本人被人打伤，派出所至今没有立案",
            "本人被骗{amount}元报案后一直没有进展",
        ),
        ("多次到派出所询问都说在查", "嫌疑人还在村里"),
        ("请求依法立案侦查", "要求公安机关尽快破案追赃"),
    ),
    _Kind(
        "pension_restructure",
        "社会保障",
        "human_resources",
        "cross",
        (
            "原{factory}{year}年改制后，职工养老保险欠缴{years}年，我们退休后养老金很低",
            "我们是原{factory}职工，改制时承诺的身份置换金{amount}元至今没有兑现",
            "{factory}改制时没有给职工接续养老保险，现在到了退休年龄无法领取养老金",
        ),
        ("厂子已经破产，找不到负责人", "各县职工情况都一样", "一些老职工看病都没钱", "有当年的改制文件为证"),
        ("请求政府解决改制遗留问题", "要求补缴养老保险", "请求兑现身份置换金"),
        ("我们是原{factory}的{headcount}名退休职工，", "原{factory}职工{name}等{headcount}人联名反映："),
    ),
    _Kind(
        "dibao",
        "社会保障",
        "civil_affairs",
        "individual",
        (
            "本人家庭困难，{recent}年被取消低保，理由不清楚",
            "{village}村干部的亲属吃低保，真正困难的户却评不上",
        ),
        ("找村里和镇民政所都没有答复", "家里有重病人"),
        ("请求重新核定低保资格", "要求查处优亲厚友"),
    ),
    _Kind(
        "medical_insurance",
        "社会保障",
        "medical_security",
        "individual",
        ("{recent}年在外地住院花费{amount}元，医保一直报销不了",),
        ("医保局说材料不全，补了还是不行",),
        ("请求尽快按政策报销",),
    ),
    _Kind(
        "veteran",
        "社会保障",
        "veterans_affairs",
        "cross",
        (
            "我们是{year}年入伍的{city}籍退役士兵，安置待遇至今没有落实",
            "本人{year}年从{city}入伍，服役{years}年退伍，当年承诺的工作安置没有兑现",
        ),
        ("多次到退役军人事务局反映", "其他县的战友已经落实了"),
        ("请求落实退役士兵安置政策", "要求解决社保接续问题"),
        ("我们{headcount}名退役士兵联名反映：", "退役士兵{name}等{headcount}人反映："),
    ),
    _Kind(
        "food_safety",
        "市场监管",
        "market_regulation",
        "individual",
        (
            "在{town}一家超市买到过期食品，商家拒绝赔偿",
            "{company}销售的电动车质量有问题，商家不给退换",
        ),
        ("打12345后说转给了市场监管局",),
        ("请求依法查处并赔偿", "要求商家退换"),
    ),
)
_KINDS_BY_SCOPE = {
    "individual": tuple(k for k in _KINDS if k.scope in ("individual", "any")),
    "group": tuple(k for k in _KINDS if k.scope in ("group", "any")),
    "cross": tuple(k for k in _KINDS if k.scope == "cross"),
}
_PERSONAL_YEARS = frozenset({"substitute_teacher", "village_doctor", "veteran"})
"""Kinds whose {years} is each filer's own service (教龄, 从医, 服役), not a particular of the matter."""
_COMPANY_KINDS = ("建筑工程有限公司", "建设集团有限公司", "商贸有限公司", "实业有限公司", "劳务有限公司")


@dataclass(slots=True)
class _Issue:
    iid: str
    kind: _Kind
    place: int
    town: int
    village: int
    slots: dict[str, str]
    units: dict[int, str]
    """place index → responsible unit id in that county."""
    fact: int = 0
    """The grievance (index into kind.facts): every filing on the issue tells this one, in its own words."""
    first: int = 0
    """Day ordinal of the issue's first filing."""


_SLOT = re.compile(r"\{(\w+)\}")


def _story_key(
    kind: _Kind, fact: int, place: int, town: int, village: int, slots: dict[str, str]
) -> tuple[str | int, ...]:
    """What tells this matter apart from another of its kind, as a clerk reading the filings would see it.

    A cross-county matter is one policy grievance of a city (a cohort of veterans, of dismissed teachers, of
    village doctors) or of one restructured factory: its key is the particulars every telling names (city and
    year; the factory). A group matter is keyed by its village, its grievance and the particulars it names.
    Two distinct matters never share a key: the generator redraws particulars, or lets the new filers join
    the matter already raised (realism: the same village complaining of the same factory is one matter)."""
    if kind.scope == "cross":
        common = set.intersection(*(set(_SLOT.findall(f)) for f in kind.facts)) - {"years"}
        return (kind.key, *(slots[x] for x in sorted(common)))
    if kind.key in _ONE_MATTER_PER_BODY:
        return (kind.key, place, town, village, slots[_ONE_MATTER_PER_BODY[kind.key]])
    named = sorted(set(_SLOT.findall(kind.facts[fact])) - {"name", "headcount", "years"})
    return (kind.key, fact, place, town, village, *(slots[x] for x in named))


_ONE_MATTER_PER_BODY = {"pollution": "factory"}
"""Kinds where a village has one matter per body whatever is told of it (a factory's smoke, dust and sewage
are one pollution matter to the village)."""


# ---------------------------------------------------------------------------------------------- dates/status

_ST_PENDING, _ST_HANDLING, _ST_CONCLUDED, _ST_REJECTED, _ST_REVIEW, _ST_REREVIEW, _ST_FINAL = range(7)
_STATUS_TEXT = ("待受理", "办理中", "已办结", "不予受理", "复查中", "复核中", "已终结")


def _status(rng: random.Random, d: int, today: int, prior_done: int, stuck: float) -> tuple[int, int]:
    """(status, concluded ordinal or 0) for a filing received on day d; prior_done counts earlier
    concluded filings of the same person on the same issue."""
    age = today - d
    if age < 15:
        return (_ST_PENDING if rng.random() < 0.6 else _ST_HANDLING), 0
    if prior_done and rng.random() < 0.35:
        r = rng.random()
        if prior_done == 1 and r < 0.5:
            return _ST_REVIEW, 0
        if prior_done >= 2 and r < 0.4:
            return _ST_REREVIEW, 0
        if r < 0.75:
            return _ST_REJECTED, d + _between(rng, 3, 15)
        lag = _between(rng, 20, 60)
        return (_ST_FINAL, d + lag) if d + lag <= today else (_ST_HANDLING, 0)
    r = rng.random()
    if r < 0.05:
        return _ST_REJECTED, d + _between(rng, 3, 15)
    if r < 0.05 + stuck:
        return _ST_HANDLING, 0
    lag = _between(rng, 15, 59) if rng.random() < 0.85 else _between(rng, 61, 130)
    if d + lag <= today:
        return _ST_CONCLUDED, d + lag
    return _ST_HANDLING, 0


# ---------------------------------------------------------------------------------------------- generator


@dataclass(slots=True)
class _Filing:
    day: int
    issue: int
    person: int
    group: bool
    co: tuple[int, ...]
    headcount: int
    status: int
    concluded: int
    nth: int
    """0 for the person's first filing on this issue."""
    place: int
    """The county the filing concerns (the filer's county for cross-county issues)."""


class _Generator:
    def __init__(self, seed: int, today: date, rates: Rates, regions: tuple[str, ...] = ()) -> None:
        self.seed = seed
        self.rng = random.Random(seed)
        self.rates = rates
        self.today = today.toordinal()
        self.start = self.today - 3 * 365
        self.places = _build_places(self.rng, _pick_counties(regions, seed))
        self.kinds_by_scope: dict[str, tuple[_Kind, ...]] = _KINDS_BY_SCOPE
        """The matters each scope draws from (the varied style has its own)."""
        self.varied: VariedText | None = None
        """The varied style's writer of texts, categories, titles and accounts (None: the standard style)."""
        self.units = _Units(self.places)
        self.people = _People(self.rng, self.places, rates, today.year - 18)
        self.issues: list[_Issue] = []
        self.issue_by_key: dict[tuple[str | int, ...], int] = {}
        """Story key → issue, for group and cross-county matters (see `_story_key`)."""
        self.filings: list[_Filing] = []
        self.filers: list[int] = []
        self.kinds_raised: dict[int, set[str]] = {}
        """Kinds of individual matters each person has raised (a second matter is of another kind)."""
        """People who have filed at least once (for people raising a second issue)."""
        self.county_weights = list(accumulate(3 if p.county.name.endswith("县") else 2 for p in self.places))

    # -- issues
    def _place_index(self) -> int:
        return bisect(self.county_weights, self.rng.random() * self.county_weights[-1])

    def _unit_for(self, kind: _Kind, place: int, town: int, village: int) -> str:
        pl = self.places[place]
        if kind.unit == "township":
            return pl.towns[town].uid
        if kind.unit == "village":
            return pl.towns[town].village_uids[village]
        return f"{pl.county.code}:{kind.unit}"

    def _slots(self, place: int, town: int, village: int, first: int) -> dict[str, str]:
        """The specifics of one issue; years lie before its first filing (day ordinal `first`)."""
        first_year = date.fromordinal(first).year
        rng = self.rng
        pl = self.places[place]
        return {
            "county": pl.county.name,
            "city": pl.county.city_name or "",
            "town": pl.towns[town].name,
            "village": pl.towns[town].villages[village],
            "year": str(_between(rng, 1995, first_year)),
            "area": str(_choice(rng, (_between(rng, 2, 30), _between(rng, 30, 900)))),
            "price": str(_between(rng, 8, 120) * 1000 if rng.random() < 0.7 else _between(rng, 2, 20) * 50),
            "amount": str(_between(rng, 3000, 300000)),  # two people's sums seldom agree to the yuan
            "years": str(_between(rng, 2, 25)),
            "recent": str(_between(rng, first_year - 4, first_year + 1)),
            "project": f"{pl.county.short}{_choice(rng, _PROJECTS)}",
            "factory": _choice(rng, pl.factories),
            "estate": _choice(rng, pl.estates),
            "company": f"{pl.county.short}{_choice(rng, _BRANDS)}{_choice(rng, _COMPANY_KINDS)}",
        }

    def _new_issue(
        self, kind: _Kind, place: int, town: int, village: int, places: list[int], first: int, keyed: bool
    ) -> int:
        """A new issue, or (keyed: group and cross-county matters) the issue already raised with the same
        story key when fresh particulars keep landing on one (then the new filers join it)."""
        rng = self.rng
        fact = _between(rng, 0, len(kind.facts))
        slots = self._slots(place, town, village, first)
        if keyed:
            for _ in range(6):
                key = _story_key(kind, fact, place, town, village, slots)
                if key not in self.issue_by_key:
                    break
                slots = self._slots(place, town, village, first)
            else:
                idx = self.issue_by_key[key]
                iss = self.issues[idx]
                for p in places:
                    if p not in iss.units:
                        iss.units[p] = self._unit_for(kind, p, 0, 0)
                return idx
        idx = len(self.issues)
        units = {
            p: self._unit_for(kind, p, town if p == place else 0, village if p == place else 0)
            for p in places
        }
        self.issues.append(_Issue(f"I{idx + 1:07d}", kind, place, town, village, slots, units, fact, first))
        if keyed:
            self.issue_by_key[key] = idx
        return idx

    def _days(self, first: int, k: int, burst: float = 0.3) -> list[int]:
        rng = self.rng
        out = [first]
        d = first
        for _ in range(k - 1):
            d += _between(rng, 2, 30) if rng.random() < burst else _between(rng, 30, 330)
            if d > self.today:
                break
            out.append(d)
        return out

    def _add_filings(
        self,
        issue: int,
        person: int,
        days: list[int],
        place: int,
        group: bool = False,
        co: tuple[int, ...] = (),
        headcount: int = 1,
        nth0: int = 0,
    ) -> None:
        done = 0
        for n, d in enumerate(days):
            st, concl = _status(self.rng, d, self.today, done, self.rates.stuck)
            if concl:
                concl = min(concl, self.today)
                done += 1
            self.filings.append(_Filing(d, issue, person, group, co, headcount, st, concl, nth0 + n, place))
        if days and (not self.filers or self.filers[-1] != person):
            self.filers.append(person)

    def individual(self) -> None:
        rng, people = self.rng, self.people
        r = rng.random()
        if r < 0.12 and self.filers:
            person = _choice(rng, self.filers)
        elif r < 0.3 and people.spare_members:
            spare = people.spare_members
            i = _between(rng, 0, len(spare))
            spare[i], spare[-1] = spare[-1], spare[i]
            person = spare.pop()
        else:
            person = people.household(self._place_index())[0]
        p = people.people[person]
        kind = _choice(rng, self.kinds_by_scope["individual"])
        raised = self.kinds_raised.setdefault(person, set())
        for _ in range(3):  # a second matter of one person is of another kind, or told apart by a clerk
            if kind.key not in raised:
                break
            kind = _choice(rng, self.kinds_by_scope["individual"])
        raised.add(kind.key)
        first = _between(rng, self.start, self.today - 5)
        issue = self._new_issue(kind, p.place, p.town, p.village, [p.place], first, False)
        k = 1 + bisect((35, 60, 78, 88, 95, 100), rng.random() * 100)
        self._add_filings(issue, person, self._days(first, k), p.place)
        if rng.random() < 0.1:
            hh = [
                i
                for i in self.places[p.place].residents[(p.town, p.village)]
                if i != person and people.people[i].house_no == p.house_no
            ]
            if hh:
                other = _choice(rng, hh)
                more = _between(rng, 0, self.today - 5 - first) + first if self.today - 5 > first else first
                self._add_filings(issue, other, self._days(more, _between(rng, 1, 3)), p.place)

    def group(self) -> None:
        rng, people = self.rng, self.people
        place = self._place_index()
        pl = self.places[place]
        town = _between(rng, 0, len(pl.towns))
        village = _between(rng, 0, len(pl.towns[town].villages))
        size = min(60, 5 + int(rng.expovariate(1 / 10)))
        members = people.in_village(place, town, village, size, set())
        kind = _choice(rng, self.kinds_by_scope["group"])
        first = _between(rng, self.start, self.today - 5)
        issue = self._new_issue(kind, place, town, village, [place], first, True)
        first = max(first, self.issues[issue].first)
        span = _between(rng, 30, 600)
        n_group = 1 + size // 12 + _between(rng, 0, 3)
        for _ in range(n_group):
            rep = _choice(rng, members)
            others = [m for m in members if m != rep]
            co = tuple(rng.sample(others, min(len(others), _between(rng, 3, 12))))
            head = _between(rng, max(5, len(co) + 1), size + 1) if size > 5 else 5
            day = min(self.today, first + _between(rng, 0, span))
            self._add_filings(issue, rep, [day], place, True, co, head)
        for m in members:
            if rng.random() < 0.3:
                day = min(self.today, first + _between(rng, 0, span))
                self._add_filings(issue, m, self._days(day, _between(rng, 1, 4)), place)

    def cross(self) -> None:
        rng, people = self.rng, self.people
        home = self._place_index()
        city = self.places[home].county.city_code
        same_city = [i for i, p in enumerate(self.places) if p.county.city_code == city and i != home]
        pool = same_city if rng.random() < 0.7 else [i for i in range(len(self.places)) if i != home]
        pool = pool or [i for i in range(len(self.places)) if i != home]  # a city of few counties (regions)
        counties = [home] + rng.sample(pool, min(len(pool), _between(rng, 1, 4)))
        kind = _choice(rng, self.kinds_by_scope["cross"])
        first = _between(rng, self.start, self.today - 5)
        issue = self._new_issue(kind, home, 0, 0, counties, first, True)
        first = max(first, self.issues[issue].first)
        span = _between(rng, 60, 700)
        everyone: list[tuple[int, int]] = []
        for place in counties:
            for _ in range(_between(rng, 2, 9)):
                person = people.household(place)[0]
                everyone.append((person, place))
                if rng.random() < 0.6:
                    day = min(self.today, first + _between(rng, 0, span))
                    self._add_filings(issue, person, self._days(day, _between(rng, 1, 4)), place)
        for _ in range(1 + _between(rng, 0, 3)):
            rep, place = _choice(rng, everyone)
            others = [p for p, _ in everyone if p != rep]
            co = tuple(rng.sample(others, min(len(others), _between(rng, 4, 12))))
            self._add_filings(
                issue,
                rep,
                [min(self.today, first + _between(rng, 0, span))],
                place,
                True,
                co,
                max(5, len(co) + 1),
            )

    def build(self, n: int) -> None:
        rng = self.rng
        while len(self.filings) < n:
            r = rng.random()
            if r < 0.86:
                self.individual()
            elif r < 0.975:
                self.group()
            else:
                self.cross()
        del self.filings[n:]
        self.filings.sort(key=lambda f: f.day)


# ---------------------------------------------------------------------------------------------- rendering

_FULLWIDTH = str.maketrans("0123456789Xx", "０１２３４５６７８９Ｘｘ")
_CHANNELS = _Weighted(
    (("网上信访", 45), ("来访", 20), ("来信", 15), ("电话", 12), ("领导信箱", 6), ("其他", 2))
)
_LEVELS_FIRST = _Weighted((("乡镇", 20), ("县", 52), ("市", 18), ("省", 8), ("国家", 2)))
_LEVELS_AGAIN = _Weighted((("乡镇", 8), ("县", 45), ("市", 28), ("省", 15), ("国家", 4)))
_LEVELS_GROUP = _Weighted((("县", 45), ("市", 35), ("省", 17), ("国家", 3)))
_NOTES = {
    "交办": ("", "", "请于15日内办理并反馈", "请依法依规办理", "请按时限办结并答复信访人"),
    "转送": ("", "", "转请依法处理", "属你单位职责范围"),
    "退回": ("不属于我单位职责", "非我单位管辖，请重新交办", "请转有关部门办理", ""),
    "协办": ("请配合主办单位办理", ""),
    "督办": ("请加快办理进度", "已超期，请尽快办结", ""),
}


def _choice(rng: random.Random, seq: Sequence[T]) -> T:
    """rng.choice without its overhead (the generator draws millions of these)."""
    return seq[int(rng.random() * len(seq))]


def _between(rng: random.Random, a: int, b: int) -> int:
    """An int in [a, b), like _between(rng, a, b) but cheaper."""
    return a + int(rng.random() * (b - a))


class _Renderer:
    def __init__(self, g: _Generator, rng: random.Random) -> None:
        self.g = g
        self.rng = rng
        self.rates = g.rates
        self.units = g.units
        self.date_text: dict[int, str] = {}

    def iso(self, d: int) -> str:
        s = self.date_text.get(d)
        if s is None:
            s = date.fromordinal(d).isoformat()
            self.date_text[d] = s
        return s

    def day(self, d: int) -> str:
        """The date as a clerk wrote it: ISO mostly, sometimes YYYY/MM/DD or YYYY年MM月DD日."""
        s = self.iso(d)
        if self.rng.random() < self.rates.alt_date_format:
            y, m, dd = s.split("-")
            return f"{y}/{m}/{dd}" if self.rng.random() < 0.5 else f"{y}年{m}月{dd}日"
        return s

    def name(self, p: _Person) -> str:
        if self.rng.random() >= self.rates.name_variant:
            return p.name
        if p.variants is None:
            p.variants = _name_variants(p.name, p.minority)
        return _choice(self.rng, p.variants)

    def id_number(self, p: _Person) -> str:
        rng, rates = self.rng, self.rates
        r = rng.random()
        if r < rates.id_missing:
            return ""
        idn = p.id_number
        r = rng.random()
        if r < rates.id_mistyped:
            i = _between(rng, 0, 17)
            if rng.random() < 0.5 and idn[i] != idn[i + 1]:
                idn = idn[:i] + idn[i + 1] + idn[i] + idn[i + 2 :]
            else:
                idn = idn[:i] + str((int(idn[i]) + _between(rng, 1, 10)) % 10) + idn[i + 1 :]
        elif r < rates.id_mistyped + rates.id_old_15 and idn[6:8] == "19":
            idn = idn[:6] + idn[8:17]
        if idn.endswith("X") and rng.random() < rates.id_lower_x:
            idn = idn[:-1] + "x"
        r = rng.random()
        if r < 0.005:
            idn = idn.translate(_FULLWIDTH)
        elif r < 0.015:
            idn = f"{idn[:6]} {idn[6:14]} {idn[14:]}"
        return idn

    def phone(self, p: _Person, nth: int) -> str:
        rng = self.rng
        if rng.random() < self.rates.phone_missing:
            return ""
        ph = p.phones[-1] if len(p.phones) > 1 and nth >= 1 and rng.random() < 0.7 else p.phones[0]
        if rng.random() >= self.rates.phone_formatted:
            return ph
        if ph[0] == "0":
            area, num = (ph[:4], ph[4:])
            return _choice(rng, (f"{area}-{num}", f"({area}){num}", f"{area} {num}", num, f"{area}－{num}"))
        return _choice(
            rng,
            (
                f"+86 {ph[:3]} {ph[3:7]} {ph[7:]}",
                f"{ph[:3]}-{ph[3:7]}-{ph[7:]}",
                f"{ph[:3]} {ph[3:7]} {ph[7:]}",
                f"86-{ph}",
                f"+86{ph}",
                ph.translate(_FULLWIDTH),
            ),
        )

    def address(self, p: _Person) -> str:
        rng = self.rng
        if rng.random() < self.rates.address_missing:
            return ""
        pl = self.g.places[p.place]
        c = pl.county
        town = pl.towns[p.town]
        tail = f"{town.name}{town.villages[p.village]}{p.house_no}号"
        r = rng.random()
        if r < 0.3:
            return f"{c.province_name}{c.city_name}{c.name}{tail}"
        if r < 0.55:
            return f"{c.city_name}{c.name}{tail}"
        if r < 0.8:
            return f"{c.name}{tail}"
        if r < 0.9:
            return (
                f"{c.province_name.removesuffix('省')}{(c.city_name or '').removesuffix('市')}{c.name}{tail}"
            )
        return f"{c.name}{town.name}{town.villages[p.village]}"

    def issue_place(self, iss: _Issue, place: int) -> str:
        rng = self.rng
        r = rng.random()
        pl = self.g.places[place]
        if r < 0.15:
            return ""
        if iss.kind.scope == "cross" and place == iss.place and r < 0.3:
            return pl.county.city_name or pl.county.name
        if place != iss.place or iss.kind.scope == "cross":
            return pl.county.name
        town = pl.towns[iss.town]
        if r < 0.45:
            return f"{pl.county.name}{town.name}{town.villages[iss.village]}"
        if r < 0.7:
            return f"{pl.county.city_name}{pl.county.name}{town.name}"
        if r < 0.85:
            return f"{town.name}{town.villages[iss.village]}"
        return pl.county.name

    def content(self, iss: _Issue, f: _Filing, written_name: str) -> str:
        rng = self.rng
        k = iss.kind
        slots = iss.slots
        fact = k.facts[iss.fact]
        details = [d for d in k.details if rng.random() < 0.35]
        if rng.random() < 0.5:
            details.reverse()
        parts = [fact, *details] if rng.random() < 0.8 else [*details, fact]
        parts.append(_choice(rng, k.demands))
        if f.group:
            opener = _choice(
                rng, k.group_openers or (_OPENERS_CROSS if k.scope == "cross" else _OPENERS_GROUP)
            )
        elif k.scope == "cross":
            opener = _choice(rng, _OPENERS_CROSS)
        else:
            opener = _choice(rng, _OPENERS_ONE)
        sep = "，" if rng.random() < 0.5 else "。"
        text = opener + sep.join(parts) + "。"
        own = {"name": written_name, "headcount": str(f.headcount)}
        if k.key in _PERSONAL_YEARS:  # years of service are each filer's own, not the matter's
            own["years"] = str(_between(rng, 8, 30))
        text = text.format_map({**slots, **own})
        for word, alts in _SYNONYMS:
            if word in text and rng.random() < 0.4:
                text = text.replace(word, _choice(rng, alts))
        return text

    def receiving(self, f: _Filing, p: _Person) -> tuple[str, str, str]:
        """(level, org as written, unit id of the receiving body)."""
        rng = self.rng
        if f.group:
            level = _LEVELS_GROUP.pick(rng)
        else:
            level = (_LEVELS_FIRST if f.nth == 0 else _LEVELS_AGAIN).pick(rng)
        pl = self.g.places[f.place]
        c = pl.county
        if level == "乡镇":
            town = pl.towns[p.town if p.place == f.place else 0]
            uid = town.uid
        elif level == "县":
            uid = f"{c.code}:petition_bureau"
        elif level == "市":
            uid = f"{c.city_code}:petition_bureau"
        elif level == "省":
            uid = f"{c.province_code}:petition_bureau"
        else:
            uid = "national:petition_bureau"
        return level, self.units.write(uid, rng, 0.0), uid

    def routing(self, f: _Filing, recv: str, resp: str) -> list[tuple[str, str, str]]:
        """Routing events (from id, to id, action) from the receiving body down to the responsible unit.

        Bounced filings (rates.bounced) get a send-back, a return to a visited unit or a long chain.
        """
        rng = self.rng
        pl = self.g.places[f.place]
        c = pl.county
        county_b, city_b, prov_b = (
            f"{c.code}:petition_bureau",
            f"{c.city_code}:petition_bureau",
            f"{c.province_code}:petition_bureau",
        )
        ev: list[tuple[str, str, str]] = []
        cur = recv
        if cur == "national:petition_bureau":
            ev.append((cur, prov_b, "转送"))
            cur = prov_b
        if cur == prov_b:
            nxt = city_b if rng.random() < 0.7 else county_b
            ev.append((cur, nxt, "转送"))
            cur = nxt
        if cur == city_b:
            if rng.random() < 0.55 or ":town:" in resp or ":village:" in resp:
                ev.append((cur, county_b, "交办" if rng.random() < 0.6 else "转送"))
                cur = county_b
        town_gov = self.units.town_of.get(resp, "")
        if ":town:" in cur:
            if cur == resp:
                return ev
            if cur == town_gov:
                ev.append((cur, resp, "交办"))
                return ev
            ev.append((cur, county_b, "转送"))
            cur = county_b
        if town_gov:
            ev.append((cur, town_gov, "交办"))
            cur = town_gov
        dispatcher = cur
        dept = resp.split(":")[1]
        if rng.random() < self.rates.bounced and dept in _CONFUSABLE:
            wrong = [f"{c.code}:{d}" for d in _CONFUSABLE[dept]]
            w = _choice(rng, wrong)
            r = rng.random()
            if r < 0.4:
                ev += [(dispatcher, w, "交办"), (w, dispatcher, "退回"), (dispatcher, resp, "交办")]
            elif r < 0.75:
                ev += [
                    (dispatcher, resp, "交办"),
                    (resp, w, "转送"),
                    (w, resp, "退回" if rng.random() < 0.5 else "转送"),
                ]
            else:
                others = [
                    f"{c.code}:{d}"
                    for d in _DEPTS
                    if d not in ("petition_bureau", dept) and f"{c.code}:{d}" != w
                ]
                w2 = _choice(rng, others)
                ev += [(dispatcher, w, "交办"), (w, w2, "转送"), (w2, resp, "转送")]
        elif cur != resp:
            ev.append((dispatcher, resp, "交办" if rng.random() < 0.7 else "转送"))
        if rng.random() < 0.04 and dept in _CONFUSABLE:
            ev.append((dispatcher, f"{c.code}:{_choice(rng, _CONFUSABLE[dept])}", "协办"))
        return ev


def _default_workers(n: int) -> int:
    if n <= 2 * _CHUNK:
        return 1
    return max(1, min(2, len(os.sched_getaffinity(0))))


def _header(columns: tuple[Column, ...], chinese: bool) -> list[str]:
    return [c.alias_zh if chinese else c.name for c in columns]


def generate(
    n_filings: int,
    seed: int,
    out_dir: Path,
    *,
    today: date = date(2026, 11, 1),
    chinese_headers: bool = False,
    encoding: str = "utf-8-sig",
    rates: Rates | None = None,
    workers: int = 0,
    style: str = "standard",
    regions: Sequence[str] = (),
    varied_rates: VariedRates | None = None,
) -> GeneratedPaths:
    """Write n_filings synthetic filings, their transfers and the ground truth into out_dir.

    Deterministic per (n_filings, seed, today, rates, style, regions), whatever the number of render workers
    (0: one per available core, up to 2, for large runs; 1 for small ones; the varied style writes its
    texts in filing order, so it renders in one process). Input files use `encoding` (utf-8-sig by default)
    and canonical or Chinese headers; truth files are UTF-8 with English headers. regions: province codes
    (37 or 370000) whose counties the data covers instead of the style's own (standard: three Hebei cities;
    varied: Guangxi, Shandong and Gansu).
    """
    if encoding not in ENCODINGS:
        raise ValueError(f"encoding must be one of {', '.join(ENCODINGS)}")
    if n_filings < 1:
        raise ValueError("n_filings must be at least 1")
    if style not in STYLES:
        raise ValueError(f"style must be one of {', '.join(STYLES)}")
    provinces = tuple(dict.fromkeys(province_code(r) for r in regions))
    rates = rates or Rates()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    gc_was_enabled = gc.isenabled()
    gc.disable()  # millions of long-lived acyclic objects: collection passes only cost time (~25%)
    try:
        if style == "varied":
            from caselink.demo_varied import VariedRates, varied_generator

            g = varied_generator(seed, today, rates, varied_rates or VariedRates(), provinces)
            workers = 1
        else:
            g = _Generator(seed, today, rates, provinces)
        g.build(n_filings)
        paths = GeneratedPaths(
            out_dir / "filings.csv",
            out_dir / "transfers.csv",
            out_dir / "truth_filings.csv",
            out_dir / "truth_units.csv",
            out_dir / "truth_people.csv",
            out_dir / "manifest.json",
            out_dir / "truth_details.csv",
        )
        counts = _render(g, paths, chinese_headers, encoding, workers or _default_workers(n_filings))
        counts["people"] = _write_people(g, paths.truth_people)
        counts["issues"] = len(g.issues)
    finally:
        if gc_was_enabled:
            gc.enable()
    manifest = {
        "generator": "caselink.demo_data",
        "version": GENERATOR_VERSION,
        "seed": seed,
        "n": n_filings,
        "style": style,
        "regions": list(provinces),
        "today": today.isoformat(),
        "encoding": encoding,
        "chinese_headers": chinese_headers,
        "counts": counts,
        "rates": asdict(rates),
        **({"varied_rates": asdict(g.varied.rates)} if g.varied is not None else {}),
        "files": {k: v.name for k, v in asdict(paths).items()},
    }
    paths.manifest.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return paths


_CHUNK = 50_000
"""Filings rendered per chunk; each chunk has its own random stream, so output does not depend on workers."""

_COUNT_KEYS = ("filings", "transfers", "group_filings", "bounced_filings", "skip_level_first")


def _filing_ids(g: _Generator) -> list[str]:
    """XF + year + a running number within the year, in order of receipt."""
    per_year: dict[int, int] = {}
    out: list[str] = []
    for f in g.filings:
        year = date.fromordinal(f.day).year
        k = per_year[year] = per_year.get(year, 0) + 1
        out.append(f"XF{year}{k:07d}")
    return out


_JOB: tuple[_Generator, list[str], Path, str] | None = None
"""What forked render workers inherit: generator, filing ids, parts folder, encoding of the parts."""


def _render_job(chunk: int) -> list[int]:
    assert _JOB is not None
    g, fids, parts, encoding = _JOB
    return _render_chunk(g, fids, parts, encoding, chunk)


def _render(
    g: _Generator, paths: GeneratedPaths, chinese: bool, encoding: str, workers: int
) -> dict[str, int]:
    """Render the filings in chunks (in parallel when workers > 1), then join the parts into the outputs."""
    global _JOB
    fids = _filing_ids(g)
    n_chunks = (len(g.filings) + _CHUNK - 1) // _CHUNK
    parts = paths.filings.parent / ".demo_data_parts"
    parts.mkdir(exist_ok=True)
    part_encoding = "utf-8" if encoding == "utf-8-sig" else encoding
    try:
        if workers > 1 and n_chunks > 1:
            _JOB = (g, fids, parts, part_encoding)
            try:
                with multiprocessing.get_context("fork").Pool(min(workers, n_chunks)) as pool:
                    results = pool.map(_render_job, range(n_chunks), chunksize=1)
            finally:
                _JOB = None
        else:
            results = [_render_chunk(g, fids, parts, part_encoding, c) for c in range(n_chunks)]
        columns = GENERATED_FILING_COLUMNS if g.varied is None else VARIED_FILING_COLUMNS
        heads = {
            paths.filings: (_header(columns, chinese), encoding, "filings"),
            paths.transfers: (_header(TRANSFER_COLUMNS, chinese), encoding, "transfers"),
            paths.truth_filings: (list(TRUTH_FILING_COLUMNS), "utf-8", "truth_filings"),
            paths.truth_units: (list(TRUTH_UNIT_COLUMNS), "utf-8", "truth_units"),
            paths.truth_details: (list(TRUTH_DETAIL_COLUMNS), "utf-8", "truth_details"),
        }
        for path, (header, enc, kind) in heads.items():
            with path.open("wb") as out:
                out.write((",".join(header) + "\n").encode(enc))
                for c in range(n_chunks):
                    part = parts / f"{c:05d}.{kind}"
                    with part.open("rb") as src:
                        shutil.copyfileobj(src, out, 1 << 20)
                    part.unlink()
    finally:
        shutil.rmtree(parts, ignore_errors=True)
    return {k: sum(r[i] for r in results) for i, k in enumerate(_COUNT_KEYS)}


def _render_chunk(g: _Generator, fids: list[str], parts: Path, encoding: str, chunk: int) -> list[int]:
    """Write filings [chunk * _CHUNK, …) and everything that hangs off them into four part files."""
    r = _Renderer(g, random.Random(f"{g.seed}-render-{chunk}"))
    rng = r.rng
    rates = g.rates
    units = g.units
    people = g.people.people
    issues = g.issues
    n_group = n_bounced = n_skip = n_transfers = 0
    lo, hi = chunk * _CHUNK, min(len(g.filings), (chunk + 1) * _CHUNK)
    frows: list[list[str]] = []
    trows: list[list[str]] = []
    tfrows: list[list[str]] = []
    turows: list[list[str]] = []
    tdrows: list[list[str]] = []
    vt = g.varied
    for fid, f in zip(fids[lo:hi], g.filings[lo:hi], strict=True):
        p = people[f.person]
        iss = issues[f.issue]
        received = r.day(f.day)
        written = r.name(p)
        level, org, recv_uid = r.receiving(f, p)
        channel = _CHANNELS.pick(rng)
        if vt is not None:
            channel = vt.channel(f, channel)
        if f.group and rng.random() < 0.6:
            channel = "来访" if rng.random() < 0.6 else "来信"
        elif channel == "领导信箱" and level in ("乡镇", "县"):
            level, org, recv_uid = (
                "市",
                units.write(f"{g.places[f.place].county.city_code}:petition_bureau", rng, 0),
                f"{g.places[f.place].county.city_code}:petition_bureau",
            )
        resp = iss.units[f.place]
        resp_written = (
            units.write(resp, rng, rates.unit_typo) if f.status != _ST_PENDING or rng.random() < 0.3 else ""
        )
        co_names = ""
        if f.co:
            sep = _choice(rng, ("、", "、", "；", ";"))
            co_names = sep.join(r.name(people[c]) for c in f.co)
            n_group += 1
        if f.nth == 0 and level in ("市", "省", "国家"):
            n_skip += 1
        frows.append(
            [
                fid,
                received,
                channel,
                level,
                org,
                written,
                r.id_number(p),
                r.phone(p, f.nth),
                r.address(p),
                r.issue_place(iss, f.place),
                str(f.headcount) if f.headcount > 1 or rng.random() < 0.5 else "",
                co_names,
                iss.kind.category,
                r.content(iss, f, written) if vt is None else "",
                resp_written,
                _STATUS_TEXT[f.status],
                r.day(f.concluded) if f.concluded else "",
            ]
        )
        traits = "" if vt is None else vt.fill(frows[-1], f, p, channel, recv_uid)
        tdrows.append([fid, recv_uid, traits])
        tfrows.append([fid, p.pid, iss.iid, resp, ";".join(people[c].pid for c in f.co)])
        if resp_written:
            turows.append([fid, "responsible_unit", "", resp_written, resp])
        if f.status == _ST_PENDING and rng.random() < 0.7:
            events: list[tuple[str, str, str]] = []
        else:
            events = r.routing(f, recv_uid, resp)
        if f.status in (_ST_HANDLING, _ST_REVIEW) and g.today - f.day > 60 and rng.random() < 0.3:
            events.append((f"{g.places[f.place].county.city_code}:petition_bureau", resp, "督办"))
        if any(a == "退回" for _, _, a in events) or len({u for _, u, _ in events}) < len(events):
            n_bounced += 1
        d = f.day
        end = f.concluded or g.today
        for seq, (a, b, action) in enumerate(events, 1):
            step = d + _between(rng, 0, 6) if action != "督办" else g.today - _between(rng, 1, 20)
            d = max(d, min(end, step))
            wa, wb = units.write(a, rng, rates.unit_typo), units.write(b, rng, rates.unit_typo)
            s = str(seq)
            trows.append([fid, s, r.iso(d), wa, wb, action, _choice(rng, _NOTES[action])])
            turows.append([fid, "from_unit", s, wa, a])
            turows.append([fid, "to_unit", s, wb, b])
        n_transfers += len(events)
    for kind, rows in (
        ("filings", frows),
        ("transfers", trows),
        ("truth_filings", tfrows),
        ("truth_units", turows),
        ("truth_details", tdrows),
    ):
        enc = encoding if kind in ("filings", "transfers") else "utf-8"
        with (parts / f"{chunk:05d}.{kind}").open("w", encoding=enc, newline="") as fh:
            csv.writer(fh, lineterminator="\n").writerows(rows)
    return [hi - lo, n_transfers, n_group, n_bounced, n_skip]


def _write_people(g: _Generator, path: Path) -> int:
    """Write the people who appear in the filings (as petitioner or co-signer); return how many."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(TRUTH_PEOPLE_COLUMNS)
        places = g.places
        seen = bytearray(len(g.people.people))
        for f in g.filings:
            seen[f.person] = 1
            for c in f.co:
                seen[c] = 1
        w.writerows(
            [p.pid, p.name, p.id_number, p.phones[0], places[p.place].county.code]
            for p, s in zip(g.people.people, seen, strict=True)
            if s
        )
        return sum(seen)
