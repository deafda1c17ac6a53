"""Field comparisons for petitioner resolution: tiny functions whose docstrings are the reasons users see.

Each `Comparison` turns a pair of filings into a small integer *level* for one field: -1 when either side is
missing (the field then says nothing), 0 when the values disagree, and higher numbers for stronger agreement.
Every level above 0 is one predicate function; its one-line bilingual docstring is the explanation a clerk
reads next to the pair ("姓名同音 / names sound the same (pinyin equal)").

Two ways to compare, which must agree (tests check they do):
- `Comparison.level(a, b)` on two `Filing` objects, for explanations and tests;
- `Comparison.levels_for(table, left, right)` on whole arrays of pairs, for speed: equality is compared on
  integer codes, edit distances with `rapidfuzz.process.cpdist` on the pairs that need them only.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from itertools import count
from typing import Any

import numpy as np
from numpy.typing import NDArray
from rapidfuzz.distance import OSA, Levenshtein
from rapidfuzz.process import cpdist

from ingest.read.places import county_by_code
from ingest.records import Filing

IntArray = NDArray[np.int64]
LevelArray = NDArray[np.int8]
NULL = -1
"""The level of a pair where either value is missing: it adds nothing to the score."""


def _index(values: Iterable[Hashable]) -> tuple[dict[Hashable, int], list[int]]:
    """Each value's number in first-seen order, in one pass at C speed (a defaultdict that numbers what it
    has not seen), and the numbers of the values one by one."""
    index: defaultdict[Hashable, int] = defaultdict(count().__next__)
    return index, list(map(index.__getitem__, values))


def _codes(values: Sequence[str | None]) -> NDArray[np.int32]:
    """Factorise strings into int codes (-1 for None or empty) that keep their first-seen order (numbers
    of later values are not closed up over None and "": only order and equality of codes are used)."""
    index, numbers = _index(values)
    codes = np.array(numbers, dtype=np.int32)
    for missing in (None, ""):
        if missing in index:
            codes[codes == index[missing]] = -1
    return codes


def _birth_int(d: date | None) -> int:
    return d.year * 10000 + d.month * 100 + d.day if d is not None else -1


_HOUSE = re.compile(r"[0-9０-９一二三四五六七八九十百零〇]+号")
"""A house number."""
_HOUSE_NUMBER = re.compile(_HOUSE.pattern + ".*$")
"""A house number and whatever follows it (unit, room)."""


@lru_cache(maxsize=4096)
def _county_names(code: str | None) -> tuple[str, ...]:
    c = county_by_code(code) if code else None
    return (c.name, c.short) if c is not None else ()


def address_tail(address: str, county: str | None) -> str:
    """The address below the county (town, village, house), so that 河北省石家庄市井陉县东岗镇宋里村216号 and
    井陉县东岗镇宋里村216号 compare equal.

    >>> address_tail("河北省石家庄市井陉县东岗镇宋里村216号", "130121")
    '东岗镇宋里村216号'
    >>> address_tail("长安区周店镇张官村", None), address_tail("周店镇新区村5号", None)
    ('周店镇张官村', '周店镇新区村5号')
    """
    text = flat_number("".join(address.split()))
    for name in _county_names(county):
        at = text.find(name)
        if at >= 0:
            return text[at + len(name) :]
    return _ABOVE_TOWN.sub("", text, count=1)


_WIDE_DIGITS = str.maketrans("０１２３４５６７８９－", "0123456789-")
_FLAT = (
    (re.compile(r"(\d+)(?:号楼|号|栋|幢|座|#楼|#)(\d+)单元(\d+)(?:室|号|户)?"), r"\1号\2单元\3"),
    (re.compile(r"(?<![\d-])(\d{1,3})-(\d{1,2})-(\d{2,5})(?:室|号|户)?(?![\d-])"), r"\1号\2单元\3"),
    (re.compile(r"(\d+)(?:号楼|栋|幢|座)(\d+)(?:室|号|户)"), r"\1号\2"),
)
"""Flats as clerks write them — 26-3-1104, 26栋3单元1104室, 26号楼3单元1104 — and their one spelling."""


def flat_number(text: str) -> str:
    """An address with its building, unit and flat written one way (26号3单元1104), so that the forms of one
    flat compare equal and the building reads as the house number.

    >>> flat_number("古泉街道香榭小区22-3-2402"), flat_number("香榭小区22栋3单元2402室")
    ('古泉街道香榭小区22号3单元2402', '香榭小区22号3单元2402')
    >>> flat_number("香榭小区２２号楼３单元２４０２"), flat_number("宋里村216号"), flat_number("5栋302室")
    ('香榭小区22号3单元2402', '宋里村216号', '5号302')
    """
    if not any(ch.isdigit() for ch in text):
        return text
    text = text.translate(_WIDE_DIGITS)
    for pattern, spelling in _FLAT:
        text = pattern.sub(spelling, text)
    return text


_ABOVE_TOWN = re.compile(
    r"^(?:[^镇乡村街]*?(?:省|自治区))?(?:[^镇乡村街]*?市)?(?:[^镇乡村街]*?(?:县|区|旗|市))?"
)
"""Province, city and county (or district) at the start of an address whose county is unknown (长安区 is a
district of two cities, and 长安区周店镇张官村 names neither) or not written by the name we know: what is left
starts at the township, as `address_tail` leaves it when it finds the county."""


def address_house(tail: str) -> str:
    """The house number of an address ("" when none is written).

    >>> address_house("宋里村216号"), address_house("宋里村216号2单元"), address_house("宋里村")
    ('216号', '216号', '')
    """
    found = _HOUSE.search(tail)
    return found.group() if found else ""


def address_village(tail: str) -> str:
    """The tail without the house number: the village or street.

    >>> address_village("东岗镇宋里村216号")
    '东岗镇宋里村'
    """
    return _HOUSE_NUMBER.sub("", tail)


_ABOVE_VILLAGE = re.compile(r"^(?:.*?(?:省|自治区))?(?:.*?市)?(?:.*?(?:县|区|市|旗))?")
_LOCALITY_MARK = re.compile(r"(?:村|街道|社区|镇|乡|庄|屯|营)")


def locality(text: str) -> str | None:
    """The town + village (or street) named in a free-text address, without needing to know the county.

    >>> locality("河北石家庄长安区北营街道新官村80号"), locality("宋铺街道范园村"), locality("长安区")
    ('北营街道新官村', '宋铺街道范园村', None)
    """
    rest = address_village(_ABOVE_VILLAGE.sub("", "".join(text.split()), count=1))
    return rest if len(rest) >= 3 and _LOCALITY_MARK.search(rest) else None


def _locality_codes(filings: Sequence[Filing]) -> NDArray[np.int32]:
    values = _mapped([f.address for f in filings] + [f.issue_place for f in filings], locality)
    codes = _codes(values)
    return np.stack([codes[: len(filings)], codes[len(filings) :]], axis=1)


def _mapped(items: Sequence[Any], fn: Callable[[Any], Any]) -> list[Any]:
    """fn over many items, each distinct item computed once."""
    index, numbers = _index(items)
    done = [fn(k) for k in index]
    return list(map(done.__getitem__, numbers))


def _tails(items: list[tuple[str, str | None]]) -> list[str]:
    """address_tail of many (address, county) pairs, each distinct pair computed once."""
    return _mapped(items, lambda k: address_tail(*k) if k[0] else "")


def _place_of(k: tuple[str, str | None]) -> str | None:
    """County + village-level place of the matter, None when there is nothing below the county."""
    place, county = k
    if not county or not place:
        return None
    tail = address_village(address_tail(place, county))
    return f"{county}|{tail}" if tail else None


def _town_key(place: str | None) -> str | None:
    if not place:
        return None
    county, tail = place.split("|", 1)
    town = town_of(tail)
    return f"{county}|{town}" if town else None


GENERIC_NAMES = 6
"""A phone, account or house address written under this many different names or more is generic (a
village committee's phone, a community's account, a petition bureau's address): a family shares a phone
among fewer people, and one person's name is rarely written more than three ways."""


@dataclass(slots=True)
class FieldTable:
    """The filings' identity fields as arrays, built once per run: what blocking and comparisons read."""

    filing_ids: list[str]
    name: NDArray[np.object_]
    name_code: NDArray[np.int32]
    pinyin_code: NDArray[np.int32]
    id_number: NDArray[np.object_]
    id_code: NDArray[np.int32]
    id_head_code: NDArray[np.int32]
    """Code of the first 14 ID characters (region and birth date)."""
    id_valid: NDArray[np.bool_]
    phone: NDArray[np.object_]
    phone_code: NDArray[np.int32]
    birth: NDArray[np.int32]
    """YYYYMMDD as an int, -1 when unknown."""
    county_code: NDArray[np.int32]
    """Code of the home county: the address county, else the county of the matter (-1 unknown)."""
    address_code: NDArray[np.int32]
    """Code of the address below the county (with house number)."""
    village_code: NDArray[np.int32]
    """Code of the address below the county without the house number."""
    house_code: NDArray[np.int32]
    """Code of the house number of the address (-1 when none is written)."""
    place_county_code: NDArray[np.int32]
    place_code: NDArray[np.int32]
    """Code of county + place of the matter below the county (-1 when there is nothing below the county)."""
    town_code: NDArray[np.int32]
    """Code of county + township of the place of the matter (-1 when no township is written)."""
    category_code: NDArray[np.int32]
    locality_code: NDArray[np.int32]
    """(n, 2) codes of the village or street named in the address and in the place of the matter (-1 none),
    read without needing the county (so "长安区北营街道新官村" meets "石家庄市长安区北营街道新官村80号")."""
    name_ends_code: NDArray[np.int32]
    """Code of the first + last character of names of 3+ characters, or of 2-character names themselves."""
    name_head_code: NDArray[np.int32]
    """Code of the first two characters of the name."""
    account: NDArray[np.object_]
    account_code: NDArray[np.int32]
    generic: dict[str, list[tuple[str, int]]]
    """Values shared by many people with different names (a village committee's phone, a community's
    account, a petition bureau's address), per field, as compared (phone digits, account, the address below
    the county), with their number of people: their codes are -1 above, so they neither block nor count as
    evidence (see `generic_values`)."""

    @classmethod
    def from_filings(cls, filings: Sequence[Filing], generic_names: int = GENERIC_NAMES) -> FieldTable:
        names = [f.name_norm for f in filings]
        ids = [f.id_number for f in filings]
        phones = [f.phone for f in filings]
        tails = _tails([(f.address, f.address_county) for f in filings])
        places = _mapped([(f.issue_place, f.place_county) for f in filings], _place_of)
        towns = _mapped(places, _town_key)
        accounts = [f.account_id for f in filings]
        table = cls(
            filing_ids=[f.filing_id for f in filings],
            name=np.array(names, dtype=object),
            name_code=_codes(names),
            pinyin_code=_codes([f.name_pinyin for f in filings]),
            id_number=np.array(ids, dtype=object),
            id_code=_codes(ids),
            id_head_code=_codes([i[:14] if i else None for i in ids]),
            id_valid=np.array([f.id_valid and f.id_number is not None for f in filings], dtype=bool),
            phone=np.array(phones, dtype=object),
            phone_code=_codes(phones),
            birth=np.array([_birth_int(f.birth_date) for f in filings], dtype=np.int32),
            county_code=_codes([home_county(f) for f in filings]),
            address_code=_codes(tails),
            village_code=_codes(_mapped(tails, address_village)),
            house_code=_codes([h or None for h in _mapped(tails, address_house)]),
            place_county_code=_codes([f.place_county for f in filings]),
            place_code=_codes(places),
            town_code=_codes(towns),
            category_code=_codes([f.category for f in filings]),
            locality_code=_locality_codes(filings),
            name_ends_code=_codes([n[0] + n[-1] if len(n) >= 2 else None for n in names]),
            name_head_code=_codes([n[:2] if len(n) >= 2 else None for n in names]),
            account=np.array(accounts, dtype=object),
            account_code=_codes(accounts),
            generic={},
        )
        if generic_names > 0:
            table.generic = _forget_generic(table, generic_names, np.array(tails, dtype=object))
        return table

    def __len__(self) -> int:
        return len(self.filing_ids)


def name_groups(names: Sequence[str], pinyins: Sequence[int]) -> int:
    """How many people a set of distinct spellings stands for, as far as names tell: spellings that sound
    the same or are one character apart as NameComparison reads it (李伟 / 李玮 / 李伟伟) count once.

    >>> name_groups(["李伟", "李玮", "李伟伟", "李月兰", "李月岚", "王伟", "王芳"], [1, 1, 2, 3, 3, 5, 4])
    4
    """
    parent = list(range(len(names)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(names)):
        for j in range(i):
            a, b = names[i], names[j]
            near = Levenshtein.distance(a, b, score_cutoff=1) <= 1 and min(len(a), len(b)) >= 2
            if pinyins[i] == pinyins[j] or (near and not (len(a) == len(b) < 3)):  # 王伟 / 王芳: two people
                parent[root(i)] = root(j)
    return len({root(i) for i in range(len(names))})


def generic_values(t: FieldTable, codes: NDArray[np.int32], min_names: int) -> dict[int, int]:
    """Codes (of a phone, account or address column) carried by filings of at least `min_names` people as
    names tell them apart (`name_groups`), with that number of people.

    Distinct spellings are counted first (vectorised, a bound from above); only values over the bar with
    them have their spellings grouped.
    """
    ok = (codes >= 0) & (t.name_code >= 0)
    if not ok.any():
        return {}
    pairs = np.unique(codes[ok].astype(np.int64) * (1 << 31) + t.name_code[ok].astype(np.int64))
    spellings = np.bincount(pairs >> 31)
    over = np.flatnonzero(spellings >= min_names)
    if not len(over):
        return {}
    pairs = pairs[np.isin(pairs >> 31, over)]
    wanted = np.unique(pairs & ((1 << 31) - 1))
    named = np.flatnonzero(t.name_code >= 0)[::-1]
    rows_of = np.full(int(t.name_code.max()) + 1, -1, dtype=np.int64)
    rows_of[t.name_code[named]] = named  # the first row of each name (later rows written over first)
    name_row = dict(zip(wanted.tolist(), rows_of[wanted].tolist(), strict=True))
    out: dict[int, int] = {}
    value_codes = (pairs >> 31).tolist()
    name_codes = (pairs & ((1 << 31) - 1)).tolist()
    lo = 0
    while lo < len(value_codes):
        hi = lo
        while hi < len(value_codes) and value_codes[hi] == value_codes[lo]:
            hi += 1
        rows = [name_row[n] for n in name_codes[lo:hi]]
        people = name_groups([str(t.name[r]) for r in rows], [int(t.pinyin_code[r]) for r in rows])
        if people >= min_names:
            out[value_codes[lo]] = people
        lo = hi
    return out


def _forget_generic(
    t: FieldTable, min_names: int, tails: NDArray[np.object_]
) -> dict[str, list[tuple[str, int]]]:
    """Set the codes of generic phones, accounts and house addresses to -1; return what was found."""
    found: dict[str, list[tuple[str, int]]] = {}
    house = np.where(t.house_code >= 0, t.address_code, -1).astype(np.int32)  # a village is not generic
    also: tuple[NDArray[np.int32], ...]
    for field, codes, values, also in (
        ("phone", t.phone_code, t.phone, ()),
        ("account_id", t.account_code, t.account, ()),
        ("address", house, tails, (t.address_code, t.village_code, t.house_code)),
    ):
        generic = generic_values(t, codes, min_names)
        if not generic:
            continue
        hit = np.isin(codes, np.fromiter(generic, dtype=np.int64, count=len(generic)))
        rows = np.flatnonzero(hit)
        first = dict(zip(codes[rows].tolist()[::-1], rows.tolist()[::-1], strict=True))  # earliest filing
        found[field] = sorted(((str(values[first[c]]), k) for c, k in generic.items()), key=lambda x: -x[1])
        for arr in (codes, *also):
            arr[hit] = -1
    return found


# --- the predicates: one line of docstring each, shown to users as the reason ---------------------------


def name_equal(a: str, b: str) -> bool:
    """姓名一致 / same name"""
    return a == b


def name_pinyin_equal(a: str, b: str) -> bool:
    """姓名同音 / names sound the same (pinyin equal)"""
    return a == b


def name_one_char_dropped(a: str, b: str) -> bool:
    """姓名多写或漏写一字 / one name has one character more (魏秀莲 / 魏秀)"""
    return abs(len(a) - len(b)) == 1 and min(len(a), len(b)) >= 2 and Levenshtein.distance(a, b) == 1


_LOOK_ALIKE_GROUPS = (
    "英荚",
    "己已巳",
    "未末",
    "土士",
    "戊戌戍",
    "日曰",
    "王玉",
    "大太犬",
    "人入",
    "干千于",
    "贝见",
    "今令",
    "免兔",
    "冶治",
    "侯候",
    "栗粟",
    "汩汨",
    "拔拨",
    "徽微",
    "辩辨辫",
    "崇祟",
    "凤风",
    "晴睛",
    "秀莠",
    "玲铃",
    "娟绢",
    "琳淋",
    "斌赋",
    "杨扬",
    "洁沽",
    "刚刖",
    "孟盂",
    "苓芩",
    "红虹",
)
"""Characters told apart by one stroke or component, which a clerk's hand or a scan confuses (facts)."""
LOOK_ALIKE = frozenset(
    frozenset((x, y)) for group in _LOOK_ALIKE_GROUPS for x in group for y in group if x != y
)


def name_look_alike(a: str, b: str) -> bool:
    """姓名一字形近且电话、身份证号或村相同 / one look-alike character (英/荚), same phone, ID or village"""
    if len(a) != len(b) or len(a) < 2:
        return False
    diff = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
    return len(diff) == 1 and frozenset(diff[0]) in LOOK_ALIKE


def name_one_char_off(a: str, b: str) -> bool:
    """姓名有一字不同 / names differ in one character (of three or more)"""
    return len(a) == len(b) >= 3 and Levenshtein.distance(a, b, score_cutoff=1) <= 1


def name_differ(a: str, b: str) -> bool:
    """姓名不同 / names differ"""
    return a != b


def id_equal(a: str, b: str) -> bool:
    """身份证号一致 / same ID number"""
    return a == b


def id_one_off(a: str, b: str) -> bool:
    """身份证号仅差一位或两位颠倒 / ID number one digit off or two digits swapped"""
    return OSA.distance(a, b, score_cutoff=1) <= 1


def id_differ(a: str, b: str) -> bool:
    """身份证号不同 / ID numbers differ"""
    return a != b


def phone_equal(a: str, b: str) -> bool:
    """联系电话一致 / same phone number"""
    return a == b


def phone_one_off(a: str, b: str) -> bool:
    """联系电话仅差一位 / phone numbers one digit off"""
    return OSA.distance(a, b, score_cutoff=1) <= 1


def phone_differ(a: str, b: str) -> bool:
    """联系电话不同 / phone numbers differ"""
    return a != b


def birth_equal(a: int, b: int) -> bool:
    """出生日期一致 / same birth date"""
    return a == b


def birth_close(a: int, b: int) -> bool:
    """出生日期年月日仅一项不同 / birth dates differ in one of year, month, day"""
    return sum(x != y for x, y in zip(_ymd(a), _ymd(b), strict=True)) <= 1


def birth_differ(a: int, b: int) -> bool:
    """出生日期不同 / birth dates differ"""
    return a != b


def county_equal(a: str, b: str) -> bool:
    """同一县区 / same county"""
    return a == b


def county_differ(a: str, b: str) -> bool:
    """不在同一县区 / different counties"""
    return a != b


def address_equal(a: str, b: str) -> bool:
    """住址一致 / same address"""
    return a == b


def address_same_village(a: str, b: str) -> bool:
    """住址同村（同街道） / same village or street"""
    ha, hb = address_house(a), address_house(b)
    return address_village(a) == address_village(b) and (not ha or not hb or ha == hb)


def address_same_village_other_house(a: str, b: str) -> bool:
    """住址同村、门牌号不同 / same village or street, different house numbers"""
    return address_village(a) == address_village(b)


def address_differ(a: str, b: str) -> bool:
    """住址不同 / addresses differ"""
    return a != b


def _ymd(v: int) -> tuple[int, int, int]:
    return v // 10000, v // 100 % 100, v % 100


def reason(predicate: Callable[..., bool]) -> str:
    """The user-facing reason of a predicate: the first line of its docstring."""
    return (predicate.__doc__ or predicate.__name__).strip().splitlines()[0]


# --- the comparisons -------------------------------------------------------------------------------------


class Comparison:
    """One field's comparison. `agree` lists the agreement predicates, strongest first.

    Levels: NULL (-1) missing, 0 disagree (`differ`), 1 the weakest agreement … len(agree) the strongest.
    """

    field: str = ""
    label: str = ""
    """Bilingual field label, e.g. "姓名 / name"."""
    agree: tuple[Callable[[Any, Any], bool], ...] = ()
    differ: Callable[[Any, Any], bool] = staticmethod(name_differ)
    neutral_disagreement: bool = False
    """Disagreement (level 0) weighs nothing: it is counted to estimate how rare agreement is, but two
    different values do not by themselves tell two people apart."""

    def value(self, f: Filing) -> Any:
        raise NotImplementedError

    @property
    def n_levels(self) -> int:
        """Number of non-null levels (0 … n_levels-1)."""
        return len(self.agree) + 1

    def reasons(self) -> list[str]:
        """Reason text per level, index = level."""
        return [reason(self.differ)] + [reason(p) for p in reversed(self.agree)]

    def level(self, a: Filing, b: Filing) -> int:
        """The level of one pair, computed from the predicates (the reference implementation)."""
        va, vb = self.value(a), self.value(b)
        if va is None or vb is None or va == "" or vb == "" or va == -1 or vb == -1:
            return NULL
        for k, pred in enumerate(self.agree):
            if pred(va, vb):
                return len(self.agree) - k
        return 0

    def levels_for(self, t: FieldTable, left: IntArray, right: IntArray) -> LevelArray:
        """Levels of many pairs at once; must equal `level` pair by pair."""
        raise NotImplementedError


def _lengths(strings: NDArray[np.object_], idx: IntArray) -> NDArray[np.int64]:
    return np.fromiter((len(x) for x in strings[idx]), dtype=np.int64, count=len(idx))


def _equal_or_null(ca: NDArray[np.int32], cb: NDArray[np.int32], top: int) -> LevelArray:
    out = np.where(ca == cb, np.int8(top), np.int8(0)).astype(np.int8)
    out[(ca < 0) | (cb < 0)] = NULL
    return out


def _edit_level(
    out: LevelArray, strings: NDArray[np.object_], left: IntArray, right: IntArray, scorer: Any, level: int
) -> None:
    """Set `level` where out == 0 and the strings are at most one edit apart."""
    todo = np.flatnonzero(out == 0)
    if len(todo):
        d = cpdist(
            strings[left[todo]],
            strings[right[todo]],
            scorer=scorer,
            score_cutoff=2,
            dtype=np.int8,
            workers=-1,
        )
        out[todo[d <= 1]] = level


class NameComparison(Comparison):
    """姓名 / name — 5 same name; 4 same pinyin (homophone); 3 one character more or less; 2 one look-alike
    character replaced (英 / 荚, 己 / 已), counted only when the same phone, ID number or village backs it;
    1 one character replaced (names of 3+ characters; 王伟 / 王芳 share only a surname); 0 different."""

    field = "name"
    label = "姓名 / name"
    agree = (name_equal, name_pinyin_equal, name_one_char_dropped, name_look_alike, name_one_char_off)
    differ = staticmethod(name_differ)

    def value(self, f: Filing) -> Any:
        return f.name_norm or None

    def level(self, a: Filing, b: Filing) -> int:
        if not a.name_norm or not b.name_norm:
            return NULL
        if name_equal(a.name_norm, b.name_norm):
            return 5
        if a.name_pinyin and name_pinyin_equal(a.name_pinyin, b.name_pinyin):
            return 4
        if name_one_char_dropped(a.name_norm, b.name_norm):
            return 3
        if name_look_alike(a.name_norm, b.name_norm) and _backed(a, b):
            return 2
        return 1 if name_one_char_off(a.name_norm, b.name_norm) else 0

    def levels_for(self, t: FieldTable, left: IntArray, right: IntArray) -> LevelArray:
        out = _equal_or_null(t.name_code[left], t.name_code[right], 5)
        pa, pb = t.pinyin_code[left], t.pinyin_code[right]
        out[(out == 0) & (pa == pb) & (pa >= 0)] = 4
        _edit_level(out, t.name, left, right, Levenshtein.distance, 1)
        one = np.flatnonzero(out == 1)
        la, lb = _lengths(t.name, left[one]), _lengths(t.name, right[one])
        out[one[(la != lb) & (np.minimum(la, lb) >= 2)]] = 3
        out[one[(la == lb) & (la < 3)]] = 0  # 王伟 / 王芳 share only a surname
        out[one[(la != lb) & (np.minimum(la, lb) < 2)]] = 0
        # Look-alike characters: only where another field backs the pair (few pairs, read one by one).
        todo = one[out[one] < 2]
        if len(todo):
            a, b = left[todo], right[todo]
            backed = _backed_codes(t.phone_code[a], t.phone_code[b])
            backed |= _backed_codes(t.id_code[a], t.id_code[b])
            backed |= _backed_codes(t.village_code[a], t.village_code[b]) & _backed_codes(
                t.county_code[a], t.county_code[b]
            )
            for k in np.flatnonzero(backed):
                if name_look_alike(t.name[a[k]], t.name[b[k]]):
                    out[todo[k]] = 2
        return out


def _backed_codes(ca: NDArray[np.int32], cb: NDArray[np.int32]) -> NDArray[np.bool_]:
    return (ca == cb) & (ca >= 0)


def _backed(a: Filing, b: Filing) -> bool:
    """The same phone, ID number, or village of one county (the reference of `_backed_codes`)."""
    if (a.phone and a.phone == b.phone) or (a.id_number and a.id_number == b.id_number):
        return True
    if not a.address or not b.address or home_county(a) != home_county(b) or home_county(a) is None:
        return False
    va = address_village(address_tail(a.address, a.address_county))
    return bool(va) and va == address_village(address_tail(b.address, b.address_county))


class IdComparison(Comparison):
    """身份证号 / ID number — 2 same; 1 one digit off or two adjacent digits swapped; 0 different."""

    field = "id_number"
    label = "身份证号 / ID number"
    agree = (id_equal, id_one_off)
    differ = staticmethod(id_differ)

    def value(self, f: Filing) -> Any:
        return f.id_number

    def levels_for(self, t: FieldTable, left: IntArray, right: IntArray) -> LevelArray:
        out = _equal_or_null(t.id_code[left], t.id_code[right], 2)
        _edit_level(out, t.id_number, left, right, OSA.distance, 1)
        return out


class PhoneComparison(Comparison):
    """联系电话 / phone — 2 same; 1 one digit off or two digits swapped; 0 different."""

    field = "phone"
    label = "联系电话 / phone"
    agree = (phone_equal, phone_one_off)
    differ = staticmethod(phone_differ)

    def value(self, f: Filing) -> Any:
        return f.phone

    def levels_for(self, t: FieldTable, left: IntArray, right: IntArray) -> LevelArray:
        out = _equal_or_null(t.phone_code[left], t.phone_code[right], 2)
        _edit_level(out, t.phone, left, right, OSA.distance, 1)
        return out


class BirthComparison(Comparison):
    """出生日期 / birth date (from the ID number) — 2 same; 1 one of year, month, day differs; 0 different.

    The birth date is read from the ID number, so it is left out (null) when the ID numbers are equal:
    it would count the same evidence twice. It speaks when the IDs differ (a slip outside the birth date).
    """

    field = "birth_date"
    label = "出生日期 / birth date"
    agree = (birth_equal, birth_close)
    differ = staticmethod(birth_differ)

    def value(self, f: Filing) -> Any:
        return _birth_int(f.birth_date) if f.birth_date else None

    def level(self, a: Filing, b: Filing) -> int:
        if a.id_number is not None and a.id_number == b.id_number:
            return NULL
        return super().level(a, b)

    def levels_for(self, t: FieldTable, left: IntArray, right: IntArray) -> LevelArray:
        a, b = t.birth[left], t.birth[right]
        same = (
            (a // 10000 == b // 10000).astype(np.int8)
            + (a // 100 % 100 == b // 100 % 100).astype(np.int8)
            + (a % 100 == b % 100).astype(np.int8)
        )
        out = np.where(same == 3, 2, np.where(same == 2, 1, 0)).astype(np.int8)
        out[(a < 0) | (b < 0)] = NULL
        ia = t.id_code[left]
        out[(ia >= 0) & (ia == t.id_code[right])] = NULL
        return out


def home_county(f: Filing) -> str | None:
    """The county a petitioner lives in: the address county, else the county of the matter."""
    return f.address_county or f.place_county


class CountyComparison(Comparison):
    """县区 / county (of the address, else of the matter) — 1 same county; 0 different counties."""

    field = "county"
    label = "县区 / county"
    agree = (county_equal,)
    differ = staticmethod(county_differ)

    def value(self, f: Filing) -> Any:
        return home_county(f)

    def levels_for(self, t: FieldTable, left: IntArray, right: IntArray) -> LevelArray:
        return _equal_or_null(t.county_code[left], t.county_code[right], 1)


class AddressComparison(Comparison):
    """住址 / address below the county — 3 same address; 2 same village or street (a house number on one side
    only, or the same one); 1 same village or street with two different house numbers (two households of one
    village: neighbours with one name are not one person); 0 different."""

    field = "address"
    label = "住址 / address"
    agree = (address_equal, address_same_village, address_same_village_other_house)
    differ = staticmethod(address_differ)

    def value(self, f: Filing) -> Any:
        return address_tail(f.address, f.address_county) if f.address else None

    def levels_for(self, t: FieldTable, left: IntArray, right: IntArray) -> LevelArray:
        out = _equal_or_null(t.address_code[left], t.address_code[right], 3)
        va, vb = t.village_code[left], t.village_code[right]
        ha, hb = t.house_code[left], t.house_code[right]
        same_village = (out == 0) & (va == vb)
        other_house = (ha >= 0) & (hb >= 0) & (ha != hb)
        out[same_village & ~other_house] = 2
        out[same_village & other_house] = 1
        return out


_TOWN = re.compile(r"^.*?(?:镇|乡|街道|办事处)")


def town_of(tail: str) -> str:
    """The township part of an address below the county ("" when none is written).

    >>> town_of("赵头镇南园村108号")
    '赵头镇'
    """
    m = _TOWN.match(tail)
    return m.group(0) if m else ""


def place_equal(a: str, b: str) -> bool:
    """问题属地同村 / same village or street as the place of the matter"""
    return a == b


def place_same_town(a: str, b: str) -> bool:
    """问题属地同乡镇 / place of the matter in the same township"""
    ca, ta = a.split("|")
    cb, tb = b.split("|")
    return ca == cb and town_of(ta) != "" and town_of(ta) == town_of(tb)


def place_differ(a: str, b: str) -> bool:
    """问题属地不同 / places of the matter differ"""
    return a != b


def _place_key(f: Filing) -> str | None:
    if not f.place_county:
        return None
    tail = address_village(address_tail(f.issue_place, f.place_county)) if f.issue_place else ""
    return f"{f.place_county}|{tail}"


class PlaceComparison(Comparison):
    """问题属地 / place of the matter — 2 same village or street; 1 same township; 0 different or only the
    same county (the county itself is the county comparison's business: counted once).

    A petitioner mostly writes about the place they live in, again and again; two namesakes in one county
    rarely write about the same village.
    """

    field = "place"
    label = "问题属地 / place of the matter"
    agree = (place_equal, place_same_town)
    differ = staticmethod(place_differ)

    def value(self, f: Filing) -> Any:
        return _place_key(f)

    def level(self, a: Filing, b: Filing) -> int:
        va, vb = _place_key(a), _place_key(b)
        if va is None or vb is None:
            return NULL
        if va == vb and not va.endswith("|"):
            return 2
        return 1 if place_same_town(va, vb) else 0

    def levels_for(self, t: FieldTable, left: IntArray, right: IntArray) -> LevelArray:
        out = _equal_or_null(t.place_county_code[left], t.place_county_code[right], 0)
        ta = t.town_code[left]
        out[(out == 0) & (ta >= 0) & (ta == t.town_code[right])] = 1
        pa = t.place_code[left]
        out[(out >= 0) & (pa >= 0) & (pa == t.place_code[right])] = 2
        return out


def category_equal(a: str, b: str) -> bool:
    """内容分类相同 / same category of matter"""
    return a == b


def category_differ(a: str, b: str) -> bool:
    """内容分类不同 / different categories of matter"""
    return a != b


class CategoryComparison(Comparison):
    """内容分类 / category — 1 same category; 0 different. A petitioner tends to keep raising one matter."""

    field = "category"
    label = "内容分类 / category"
    agree = (category_equal,)
    differ = staticmethod(category_differ)

    def value(self, f: Filing) -> Any:
        return f.category or None

    def levels_for(self, t: FieldTable, left: IntArray, right: IntArray) -> LevelArray:
        return _equal_or_null(t.category_code[left], t.category_code[right], 1)


def account_equal(a: str, b: str) -> bool:
    """平台账号相同 / same platform account"""
    return a == b


def account_differ(a: str, b: str) -> bool:
    """平台账号不同 / different platform accounts"""
    return a != b


class AccountComparison(Comparison):
    """平台账号 / platform account — 1 same account; 0 different accounts, which weigh nothing: one person may
    post from several accounts (neutral_disagreement)."""

    field = "account_id"
    label = "平台账号 / platform account"
    agree = (account_equal,)
    differ = staticmethod(account_differ)
    neutral_disagreement = True

    def value(self, f: Filing) -> Any:
        return f.account_id or None

    def levels_for(self, t: FieldTable, left: IntArray, right: IntArray) -> LevelArray:
        return _equal_or_null(t.account_code[left], t.account_code[right], 1)


DEFAULT_COMPARISONS: tuple[Comparison, ...] = (
    NameComparison(),
    IdComparison(),
    PhoneComparison(),
    BirthComparison(),
    CountyComparison(),
    AddressComparison(),
    PlaceComparison(),
    CategoryComparison(),
    AccountComparison(),
)


def compare_pairs(
    t: FieldTable, left: IntArray, right: IntArray, comparisons: Sequence[Comparison] = DEFAULT_COMPARISONS
) -> LevelArray:
    """The level matrix (pairs × comparisons) of many pairs."""
    if len(left) == 0:
        return np.empty((0, len(comparisons)), dtype=np.int8)
    return np.stack([c.levels_for(t, left, right) for c in comparisons], axis=1)
