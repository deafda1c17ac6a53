"""The varied style of `caselink demo-data` (`--style varied`): habits of real petition records that the
standard style lacks, each at a rate of `VariedRates`, so that a resolver is measured on more than one
generator's assumptions.

What it adds to the standard style's people, units, routing and statuses (caselink.demo_data):
- category labels that differ by receiving body, channel and year for one matter (family labels, hotline
  labels, pre-2018 names, sub-category paths, empty);
- one-line register entries on visits and hotline calls, online filings that are a title only;
- reposts: an earlier text of the matter posted again with a few characters changed, by the same petitioner
  or by another one (a supporter, possibly from another county);
- boilerplate openers and closers, （重复件） on refilings;
- particulars written many ways (sums, counts, dates), traditional characters, common typos;
- strong identifiers: court case numbers, 统一社会信用代码, contract and certificate numbers, named estates,
  roads with their object (…路口 搅拌站, …路 110kV 高压线), schools;
- hot matters: dozens of residents of one estate each telling one matter in their own words, while
  neighbours in the same estate raise other matters;
- titles and platform accounts on online filings, some without a name;
- Guangxi, Shandong and Gansu instead of Hebei (or the provinces given).

The texts are written in filing order by one random stream (`VariedText`), because a repost copies a text
written earlier; the varied style therefore renders in one process. truth_details.csv lists the traits
each filing was given.
"""

from __future__ import annotations

import random
import re
import zlib
from bisect import bisect
from dataclasses import dataclass
from datetime import date

from caselink.demo_data import Rates, _between, _choice, _Filing, _Generator, _Kind, _Person
from caselink.demo_varied_matters import (
    BRANDS,
    CLOSERS,
    COMPANY_KINDS,
    ESTATE_HEADS,
    ESTATE_TAILS,
    FAMILIES,
    MATTERS,
    NEIGHBOUR_KEYS,
    OPENERS,
    PROJECTS,
    REGISTER_LINES,
    REPEATED,
    ROADS,
    SCHOOLS,
    TYPOS,
    Matter,
)

VARIED_VERSION = "1"
"""Changes when the same seed would write other varied files (benchmarks key their caches on it)."""

DEFAULT_REGIONS = ("450000", "370000", "620000")
"""Guangxi, Shandong, Gansu: far from the standard style's Hebei, with other naming habits."""


@dataclass(frozen=True)
class VariedRates:
    """How often each habit of the varied style occurs (probabilities)."""

    category_empty: float = 0.07
    category_path: float = 0.15
    """Of labelled filings: a sub-category path (城乡建设/房屋征收, 劳动保障-欠薪)."""
    register_entry: float = 0.45
    """Of visits and hotline calls: the content is the register's one line (反映…问题)."""
    title_only: float = 0.12
    """Of online filings with a title: the content is the title alone."""
    repost: float = 0.08
    """A filing repeats an earlier text of its matter with a few characters changed."""
    repost_by_other: float = 0.05
    """Of individual matters: another person (a supporter, maybe of another county) posts its text again."""
    opener: float = 0.45
    closer: float = 0.4
    repeated_mark: float = 0.3
    """Of refilings told in full: （重复件） at the end."""
    particular_forms: float = 0.5
    """A sum, count or date is written otherwise than plainly (14.48万元, 三十八, 2023.5.3)."""
    traditional: float = 0.03
    typo: float = 0.08
    title: float = 0.9
    """Of online filings (网上信访, 领导信箱): a title."""
    account: float = 0.85
    """Of online filings: the platform account."""
    account_without_name: float = 0.35
    """Of online filings with an account: no name."""
    hot_matter: float = 0.012
    """Of matters started: an estate's matter told by 15–70 residents."""
    neighbour_matters: float = 0.7
    """Of hot matters: neighbours in the same estate raise 1–3 other matters."""


_PROVINCE_CODES = (
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65"
)
_PROVINCE_ABBR = dict(
    zip(
        _PROVINCE_CODES.split(), "京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川黔滇藏陕甘青宁新", strict=True
    )
)
"""Province code → the one-character name court case numbers use (（2023）桂0225民初4027号)."""
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_CN_DIGITS = "零一二三四五六七八九"
_CASE_KINDS = ("民初", "民初", "民终", "执", "行初")


def uscc_check(first17: str) -> str:
    """The check character of a 统一社会信用代码 (GB 32100-2015) from its first 17 characters."""
    total = sum(_USCC_CHARS.index(ch) * w for ch, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_CHARS[(31 - total % 31) % 31]


def chinese_number(n: int) -> str:
    """1 ≤ n < 10000 in Chinese numerals as counts are written (三十八, 一百零五, 十二).

    >>> chinese_number(38), chinese_number(105), chinese_number(12)
    ('三十八', '一百零五', '十二')
    """
    parts: list[str] = []
    zero = False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d, n = divmod(n, value)
        if d:
            if zero:
                parts.append("零")
            parts.append(("" if (unit == "十" and not parts and d == 1) else _CN_DIGITS[d]) + unit)
            zero = False
        elif parts:
            zero = True
    return "".join(parts)


def _money(rng: random.Random, amount: int, plain: bool) -> str:
    if plain:
        return f"{amount}元"
    r = rng.random()
    if r < 0.35:
        return f"{amount / 10000:.2f}".rstrip("0").rstrip(".") + "万元"
    if r < 0.6 and amount >= 20000:
        return f"{amount // 10000}万余元"
    if r < 0.8:
        return f"{amount:,}元"
    return f"人民币{amount}元"


def _count(rng: random.Random, n: int, plain: bool) -> str:
    if plain:
        return str(n)
    if n >= 20 and rng.random() < 0.3:
        return chinese_number(n // 10 * 10) + "多"
    return chinese_number(n)


def _day(rng: random.Random, ordinal: int, plain: bool) -> str:
    d = date.fromordinal(ordinal)
    if plain:
        return f"{d.year}年{d.month}月{d.day}日"
    return _choice(
        rng, (d.isoformat(), f"{d.year}.{d.month}.{d.day}", f"{d.month}月{d.day}日", f"{d.year}年{d.month}月")
    )


@dataclass(slots=True)
class _Local:
    """The varied style's named things of one county."""

    estates: list[str]
    estate_home: list[tuple[int, int]]
    """(town, village) each estate's residents are drawn from."""
    roads: list[str]
    schools: list[str]


def _as_kind(m: Matter) -> _Kind:
    """The standard generator's view of a varied matter: its unit, scope and what keys one matter."""
    scope = {"hot": "group", "individual": "individual", "group": "group", "cross": "cross", "any": "any"}
    return _Kind(m.key, FAMILIES[m.family].labels[0], m.unit, scope[m.scope], (m.decisive,), (), ())


class _VariedGenerator(_Generator):
    """The standard generator's people, units and routing over varied matters, hot matters and supporters."""

    def __init__(
        self, seed: int, today: date, rates: Rates, vrates: VariedRates, regions: tuple[str, ...]
    ) -> None:
        super().__init__(seed, today, rates, regions or DEFAULT_REGIONS)
        self.start = self.today - 10 * 365  # reaches back before the 2018 renaming of departments
        self.vrates = vrates
        kinds = {m.key: _as_kind(m) for m in MATTERS}
        by_scope = {
            "individual": tuple(kinds[m.key] for m in MATTERS if m.scope in ("individual", "any")),
            "group": tuple(kinds[m.key] for m in MATTERS if m.scope in ("group", "any")),
            "cross": tuple(kinds[m.key] for m in MATTERS if m.scope == "cross"),
            "hot": tuple(kinds[m.key] for m in MATTERS if m.scope == "hot"),
        }
        self.kinds_by_scope = by_scope
        self.neighbour_kinds = tuple(kinds[k] for k in NEIGHBOUR_KEYS)
        self.hot_issues: set[int] = set()
        self.forced_reposts: set[int] = set()
        """id() of the supporters' filings, whose text is a repost of the matter's."""
        self.pin: dict[str, str] = {}
        """Particulars a new matter must name (the estate of a hot matter and of its neighbours' matters)."""
        self.uscc: dict[str, str] = {}
        self.taken_ids: set[str] = set()
        self.local = [self._local(i) for i in range(len(self.places))]

    def _local(self, place: int) -> _Local:
        rng = self.rng
        pl = self.places[place]
        heads = rng.sample(ESTATE_HEADS.split(), 6)
        estates = [h + _choice(rng, ESTATE_TAILS) for h in heads]
        homes = []
        for _ in estates:
            t = _between(rng, 0, len(pl.towns))
            homes.append((t, _between(rng, 0, len(pl.towns[t].villages))))
        roads = [r + "路" for r in rng.sample(ROADS.split(), 8)]
        city = (pl.county.city_name or pl.county.name).removesuffix("市")
        schools = [pl.county.short + SCHOOLS[0], city + _choice(rng, BRANDS.split()) + SCHOOLS[2]]
        schools.append(pl.county.short + _choice(rng, SCHOOLS))
        return _Local(estates, homes, roads, list(dict.fromkeys(schools)))

    def _unique(self, make: str) -> str:
        """A case, contract or certificate number no other matter has."""
        rng = self.rng
        while True:
            value = make.format(seq=_between(rng, 1, 100000))
            if value not in self.taken_ids:
                self.taken_ids.add(value)
                return value

    def _slots(self, place: int, town: int, village: int, first: int) -> dict[str, str]:
        rng = self.rng
        pl = self.places[place]
        c = pl.county
        loc = self.local[place]
        year = date.fromordinal(first).year
        abbr = _PROVINCE_ABBR.get(c.code[:2], "")
        company = f"{c.short}{_choice(rng, BRANDS.split())}{_choice(rng, COMPANY_KINDS)}"
        if company not in self.uscc:
            body = "".join(_choice(rng, _USCC_CHARS[:10] if i < 8 else _USCC_CHARS) for i in range(9))
            first17 = "91" + c.code + body
            self.uscc[company] = first17 + uscc_check(first17)
        road, road2 = rng.sample(loc.roads, 2)
        case_year = _between(rng, max(2012, year - 4), year + 1)
        slots = {
            "county": c.name,
            "town": pl.towns[town].name,
            "village": pl.towns[town].villages[village],
            "estate": _choice(rng, loc.estates),
            "road": road,
            "road2": road2,
            "school": _choice(rng, loc.schools),
            "project": c.short + _choice(rng, PROJECTS.split()),
            "company": company,
            "uscc": self.uscc[company],
            "case": self._unique(f"（{case_year}）{abbr}{c.code[2:]}{_choice(rng, _CASE_KINDS)}{{seq}}号"),
            "contract": self._unique(f"HT{case_year}-{{seq:05d}}"),
            "cert": self._unique(f"{abbr}（{case_year}）{c.short}不动产权第{{seq:07d}}号"),
            "amount": str(_between(rng, 30, 3000) * 100 + _choice(rng, (0, 0, 0, _between(rng, 1, 100)))),
            "count": str(_between(rng, 12, 180)),
            "when": str(first - _between(rng, 20, 700)),
            "year": str(_between(rng, 1998, 2016)),
        }
        slots.update(self.pin)
        return slots

    def individual(self) -> None:
        n0 = len(self.filings)
        super().individual()
        rng = self.rng
        if len(self.filings) == n0 or rng.random() >= self.vrates.repost_by_other:
            return
        orig = self.filings[n0]
        day = orig.day + _between(rng, 1, 90)
        if day > self.today:
            return
        home = orig.place if rng.random() < 0.5 else self._place_index()
        supporter = self.people.household(home)[0]
        self._add_filings(orig.issue, supporter, [day], orig.place)
        self.forced_reposts.add(id(self.filings[-1]))

    def hot(self) -> None:
        rng = self.rng
        place = self._place_index()
        loc = self.local[place]
        e = _between(rng, 0, len(loc.estates))
        town, village = loc.estate_home[e]
        kind = _choice(rng, self.kinds_by_scope["hot"])
        first = _between(rng, self.start, self.today - 5)
        self.pin = {"estate": loc.estates[e]}
        issue = self._new_issue(kind, place, town, village, [place], first, True)
        self.hot_issues.add(issue)
        first = max(first, self.issues[issue].first)
        members = self.people.in_village(place, town, village, _between(rng, 15, 71), set())
        span = _between(rng, 20, 240)
        for m in members:
            day = min(self.today, first + _between(rng, 0, span))
            self._add_filings(issue, m, self._days(day, 1 + bisect((60, 85, 100), rng.random() * 100)), place)
        for _ in range(_between(rng, 0, 3)):
            rep = _choice(rng, members)
            co = tuple(rng.sample([m for m in members if m != rep], _between(rng, 4, 12)))
            day = min(self.today, first + _between(rng, 0, span))
            self._add_filings(issue, rep, [day], place, True, co, len(co) + 1 + _between(rng, 0, 20))
        if rng.random() < self.vrates.neighbour_matters:
            others = [k for k in self.neighbour_kinds if k.key != kind.key]
            for k in rng.sample(others, _between(rng, 1, len(others) + 1)):
                start = _between(rng, self.start, self.today - 5)
                n_issue = self._new_issue(k, place, town, village, [place], start, True)
                start = max(start, self.issues[n_issue].first)
                for m in self.people.in_village(place, town, village, _between(rng, 1, 7), set()):
                    day = min(self.today, start + _between(rng, 0, 200))
                    self._add_filings(n_issue, m, self._days(day, _between(rng, 1, 4)), place)
        self.pin = {}

    def build(self, n: int) -> None:
        rng = self.rng
        hot = self.vrates.hot_matter
        while len(self.filings) < n:
            r = rng.random()
            if r < hot:
                self.hot()
            elif r < hot + 0.84:
                self.individual()
            elif r < hot + 0.965:
                self.group()
            else:
                self.cross()
        del self.filings[n:]
        self.filings.sort(key=lambda f: f.day)


_SLOT = re.compile(r"\{(\w+)\}")
_ONLINE = ("网上信访", "领导信箱")
_ACCOUNT_CHARS = "abcdefghijkmnpqrstuvwxyz0123456789"


class VariedText:
    """Writes each filing's category, content, title and account in filing order (reposts copy earlier
    texts of their matter), from its own random stream."""

    def __init__(self, g: _VariedGenerator, rates: VariedRates) -> None:
        self.g = g
        self.rates = rates
        self.rng = random.Random(f"{g.seed}-varied")
        self.matters = {m.key: m for m in MATTERS}
        self.told: dict[int, list[tuple[int, str]]] = {}
        """issue → (person, text) of its latest full tellings."""
        self.accounts: dict[int, list[str]] = {}
        self.taken_accounts: set[str] = set()
        self._s2t: object | None = None

    # -- channel
    def channel(self, f: _Filing, channel: str) -> str:
        """Hot matters and supporters' reposts come mostly through the online board."""
        g, rng = self.g, self.rng
        if id(f) in g.forced_reposts:
            return "网上信访"
        if f.issue in g.hot_issues and not f.group:
            r = rng.random()
            return "网上信访" if r < 0.55 else "领导信箱" if r < 0.65 else "电话" if r < 0.85 else "来访"
        return channel

    # -- the row
    def fill(self, row: list[str], f: _Filing, p: _Person, channel: str, recv_uid: str) -> str:
        """Rewrite the standard row's name, category and content; append title and account; return traits."""
        g, rng, rates = self.g, self.rng, self.rates
        iss = g.issues[f.issue]
        m = self.matters[iss.kind.key]
        traits: list[str] = []
        year = date.fromordinal(f.day).year
        row[12] = self._category(m, recv_uid, channel, year, traits)
        online = channel in _ONLINE
        title = self._title(m, iss.slots) if online and rng.random() < rates.title else ""
        told = self.told.get(f.issue)
        forced = id(f) in g.forced_reposts
        if told and (forced or rng.random() < rates.repost):
            others = [t for t in told if t[0] != f.person]
            src_person, src = _choice(rng, others) if others and (forced or rng.random() < 0.5) else told[-1]
            content = _nudge(rng, src)
            traits.append("repost" if src_person == f.person else "repost_other")
        elif channel in ("来访", "电话") and rng.random() < rates.register_entry:
            content = self._register(m, iss.slots, row[5], f.nth)
            traits.append("register")
        elif title and rng.random() < rates.title_only:
            content = title
            traits.append("title_only")
        else:
            content = self._telling(m, iss.slots, f, p, channel, traits)
            self.told.setdefault(f.issue, []).append((f.person, content))
            if len(self.told[f.issue]) > 4:
                del self.told[f.issue][0]
        row[13] = content
        if (
            row[9] and "{estate}" in m.decisive and rng.random() < 0.5
        ):  # the place of the matter is the estate
            row[9] = g.places[f.place].county.name + iss.slots["estate"]
        account = ""
        if online and rng.random() < rates.account:
            account = self._account(f.person)
            if rng.random() < rates.account_without_name:
                row[5] = ""
                traits.append("account_only")
        if f.issue in g.hot_issues:
            traits.append("hot")
        row.append(title)
        row.append(account)
        return ";".join(traits)

    def _category(self, m: Matter, recv_uid: str, channel: str, year: int, traits: list[str]) -> str:
        rng = self.rng
        if rng.random() < self.rates.category_empty:
            traits.append("category_empty")
            return ""
        fam = FAMILIES[m.family]
        scheme = zlib.crc32(f"{self.g.seed}:{recv_uid}".encode())
        early = year < 2018 and bool(fam.before_2018)
        if channel == "电话":
            return fam.before_2018[min(1, len(fam.before_2018) - 1)] if early else fam.hotline
        if rng.random() < self.rates.category_path:
            paths = tuple(x for x in fam.before_2018 if "/" in x) if early else fam.paths
            if paths:
                traits.append("category_path")
                return paths[scheme % len(paths)]
        labels = fam.before_2018 if early else fam.labels
        return labels[scheme % len(labels)]

    def _values(self, slots: dict[str, str], used: set[str], traits: list[str] | None) -> dict[str, str]:
        """The matter's particulars as this filing writes them."""
        rng = self.rng
        plain_rate = 1 - self.rates.particular_forms
        out = dict(slots)
        odd = False
        for key, write, value in (
            ("amount", _money, int(slots["amount"])),
            ("count", _count, int(slots["count"])),
            ("when", _day, int(slots["when"])),
        ):
            plain = traits is None or rng.random() < plain_rate
            out[key] = write(rng, value, plain)
            odd = odd or (not plain and key in used)
        if odd and traits is not None:
            traits.append("particular_forms")
        return out

    def _title(self, m: Matter, slots: dict[str, str]) -> str:
        template = _choice(self.rng, m.titles)
        return template.format_map(self._values(slots, set(), None))

    def _register(self, m: Matter, slots: dict[str, str], name: str, nth: int) -> str:
        rng = self.rng
        line = _choice(rng, REGISTER_LINES if name else REGISTER_LINES[:4])
        short = _choice(rng, m.short).format_map(self._values(slots, set(), None))
        text = line.format(short=short, name=name)
        if nth > 0 and rng.random() < 0.5:
            text += REPEATED
        return text

    def _telling(
        self, m: Matter, slots: dict[str, str], f: _Filing, p: _Person, channel: str, traits: list[str]
    ) -> str:
        rng, rates = self.rng, self.rates
        beats = [_choice(rng, m.what)]
        for options in m.more:
            if rng.random() < 0.6:
                beats.append(_choice(rng, options))
        if len(beats) > 2 and rng.random() < 0.3:
            beats[1:] = reversed(beats[1:])
        beats.append(_choice(rng, m.demand))
        used = {s for b in beats for s in _SLOT.findall(b)}
        values = self._values(slots, used, traits)
        h = p.house_no
        values["unitno"] = f"{h % 30 + 1}栋{h % 4 + 1}单元{h * 7 % 28 + 1}0{h % 4 + 1}室"
        values["years"] = str(h % 28 + 5)  # the filer's own years of service, not the matter's
        sep = "，" if rng.random() < 0.6 else "。"
        text = sep.join(b.format_map(values) for b in beats) + "。"
        if rng.random() < rates.opener:
            text = _choice(rng, OPENERS[channel]) + text
            traits.append("opener")
        if rng.random() < rates.closer:
            text += _choice(rng, CLOSERS)
            traits.append("closer")
        if f.nth > 0 and rng.random() < rates.repeated_mark:
            text += REPEATED
            traits.append("repeated_mark")
        if rng.random() < rates.typo:
            for right, wrong in rng.sample(TYPOS, len(TYPOS)):
                if right in text:
                    text = text.replace(right, wrong, 1)
                    traits.append("typo")
                    break
        if rng.random() < rates.traditional:
            text = self._traditional(text)
            traits.append("traditional")
        return text

    def _traditional(self, text: str) -> str:
        if self._s2t is None:
            from opencc import OpenCC

            self._s2t = OpenCC("s2t")
        return str(self._s2t.convert(text))  # type: ignore[attr-defined]

    def _account(self, person: int) -> str:
        rng = self.rng
        own = self.accounts.get(person)
        if own is None:
            own = [self._new_account() for _ in range(2 if rng.random() < 0.1 else 1)]
            self.accounts[person] = own
        return _choice(rng, own)

    def _new_account(self) -> str:
        rng = self.rng
        while True:
            r = rng.random()
            if r < 0.4:
                acc = "wx_" + "".join(_choice(rng, _ACCOUNT_CHARS) for _ in range(10))
            elif r < 0.8:
                acc = f"U{_between(rng, 10**8, 10**9)}"
            else:
                acc = f"网友{_between(rng, 10**6, 10**7)}"
            if acc not in self.taken_accounts:
                self.taken_accounts.add(acc)
                return acc


def _nudge(rng: random.Random, text: str) -> str:
    """The same text posted again: one to three characters changed, dropped or added."""
    for _ in range(_between(rng, 1, 4)):
        r = rng.random()
        if r < 0.35 and ("，" in text or "。" in text):
            spots = [i for i, ch in enumerate(text) if ch in "，。"]
            i = _choice(rng, spots)
            text = text[:i] + ("。" if text[i] == "，" else "，") + text[i + 1 :]
        elif r < 0.6:
            spots = [i for i, ch in enumerate(text) if ch in "的了都也很"]
            if spots:
                i = _choice(rng, spots)
                text = text[:i] + text[i + 1 :]
        elif r < 0.85:
            spots = [i for i, ch in enumerate(text) if ch == "，"]
            if spots:
                i = _choice(rng, spots) + 1
                text = text[:i] + _choice(rng, ("真的", "实在", "一直", "还是")) + text[i:]
        else:
            text = text.rstrip("。！") + _choice(rng, ("！", "！！", "。", "？"))
    return text


def varied_generator(
    seed: int, today: date, rates: Rates, vrates: VariedRates, regions: tuple[str, ...]
) -> _Generator:
    """The generator of the varied style, its text writer attached."""
    g = _VariedGenerator(seed, today, rates, vrates, regions)
    g.varied = VariedText(g, vrates)
    return g
