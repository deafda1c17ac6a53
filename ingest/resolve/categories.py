"""Petition categories onto one taxonomy, so that a category is one comparison among others, not a gate.

One matter is filed under 城乡建设 by a letter, 住房城乡建设/房屋征收 by the hotline and 国土资源 or 自然资
源depending on the year. The taxonomy (ingest/resolve/reference/categories.csv, data an office can extend)
maps each label as written to a canonical category and a family of neighbouring categories;
`Taxonomy.relation` turns two labels into a comparison level: same category, same family, unrelated, or
unknown (a label empty, unmapped or saying nothing).

    >>> t = Taxonomy.load()
    >>> t.canonical("國土資源類"), t.canonical("城乡建设/房屋征收"), t.family("劳动社保")
    ('自然资源', '房屋征收', '劳动社保')
    >>> t.relation("劳动和社会保障", "人社"), t.relation("城乡建设", "物业"), t.relation("教育", "环保")
    (<CategoryRelation.SAME: 3>, <CategoryRelation.FAMILY: 2>, <CategoryRelation.UNRELATED: 1>)
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path

from ingest.read.normalise import to_simplified

CATEGORIES_PATH = Path(__file__).parent / "reference" / "categories.csv"


class CategoryRelation(IntEnum):
    """How two category labels relate, as a comparison level (higher is closer)."""

    UNKNOWN = 0
    """Either label is empty, unmapped, or says nothing of the matter (其他, 投诉)."""
    UNRELATED = 1
    """Both mapped, different families and no overlap between them."""
    FAMILY = 2
    """Different categories of one family (城乡建设 and 物业管理), or of families that overlap (征地拆迁 and
    征地)."""
    SAME = 3
    """One canonical category (劳动保障 and 人社)."""


@dataclass(frozen=True, slots=True)
class _Entry:
    category: str
    family: str | None
    related: frozenset[str]


_PATH_SEP = re.compile(r"[/\\|>→»》:\-—－－~]+")
"""Separators of a sub-category path (城乡建设/房屋征收, 城乡建设-房屋征收, 城乡建设>房屋征收); NFKC has
folded their full-width forms. The bracket of 城乡建设（房屋征收） is turned into one before splitting."""
_BRACKET = re.compile(r"[(\[【〔<《]([^)\]】〕>》]*)[)\]】〕>》]")
_DROP = re.compile(r"[\s\"'“”‘’「」『』,，、;；.。!！?？·•・_*#和与及]+")
"""Whitespace, quotes, list punctuation and the conjunctions (住房和城乡建设 = 住房城乡建设, 文化、旅游 = 文化
旅游)."""
_LEADING_CODE = re.compile(r"^[0-9A-Za-z.]+(?=[^0-9A-Za-z.])")
"""A class code before the label (01城乡建设, A0102 房屋征收)."""
_TRAILING = re.compile(r"(?:类|问题|方面|事项|领域|相关)+$")
_OFFICE_TAIL = re.compile(r"(?:委员会|管理局|办公室|局|厅|委|办|部门|中心)$")
"""A department written for its category (市人社局, 住建委): tried only when the label itself is unknown.
"""
_LEVEL_HEAD = re.compile(r"^(?:中共|省|市|县|区|州|旗|乡|镇)")
_ALTERNATIVES = re.compile(r"[,，、;；和与及]")


def _fold(label: str) -> str:
    """NFKC, simplified, brackets as a path step, no whitespace, quotes or conjunctions (path separators
    kept)."""
    s = to_simplified(unicodedata.normalize("NFKC", label)).strip()
    s = _BRACKET.sub(lambda m: "/" + m.group(1) + "/" if m.group(1) else "", s)
    return _DROP.sub("", s)


def _bare(part: str) -> str:
    """One path step without its class code and its trailing 类 / 问题 / 方面 (kept when nothing else
    remains)."""
    part = _LEADING_CODE.sub("", part)
    bare = _TRAILING.sub("", part)
    return bare or part


class Taxonomy:
    """The category table: label → canonical category and family. Pure lookups, cached per distinct label."""

    def __init__(self, entries: dict[str, _Entry]) -> None:
        self._entries = entries
        self._cache: dict[str, _Entry | None] = {}

    @classmethod
    def load(cls, path: Path | None = None) -> Taxonomy:
        """The taxonomy in `path`, or the packaged one (read once and shared)."""
        global _DEFAULT
        if path is None:
            if _DEFAULT is None:
                _DEFAULT = cls(_read(CATEGORIES_PATH))
            return _DEFAULT
        return cls(_read(path))

    @property
    def families(self) -> frozenset[str]:
        """Every family the table names."""
        return frozenset(e.family for e in self._entries.values() if e.family)

    @property
    def categories(self) -> frozenset[str]:
        """Every canonical category the table names."""
        return frozenset(e.category for e in self._entries.values())

    def canonical(self, label: str) -> str | None:
        """The canonical category of a label, None when it is empty or unknown.

        A sub-category path gives its most specific known step: 城乡建设/房屋征收 → 房屋征收, 城乡建设/小区
        配套 → 住房城乡建设.
        """
        e = self._entry(label)
        return e.category if e else None

    def family(self, label: str) -> str | None:
        """The family of a label's category, None when unknown or when the label says nothing (其他)."""
        e = self._entry(label)
        return e.family if e else None

    def relation(self, a: str, b: str) -> CategoryRelation:
        """Same category, same (or overlapping) family, unrelated, or unknown when either says nothing."""
        ea, eb = self._entry(a), self._entry(b)
        if ea is None or eb is None or ea.family is None or eb.family is None:
            return CategoryRelation.UNKNOWN
        if ea.category == eb.category:
            return CategoryRelation.SAME
        if ea.family == eb.family or ea.family in eb.related or eb.family in ea.related:
            return CategoryRelation.FAMILY
        return CategoryRelation.UNRELATED

    def _entry(self, label: str) -> _Entry | None:
        if not label:
            return None
        try:
            return self._cache[label]
        except KeyError:
            pass
        found = self._lookup(label)
        if (
            len(self._cache) < 100_000
        ):  # category columns hold few distinct labels; free text must not grow it
            self._cache[label] = found
        return found

    def _lookup(self, label: str) -> _Entry | None:
        steps = [s for s in (_bare(p) for p in _PATH_SEP.split(_fold(label))) if s]
        found = [e for e in (self._step(s) for s in steps) if e is not None]
        informative = [e for e in found if e.family is not None]
        if informative:
            return informative[-1]
        return found[-1] if found else None

    def _step(self, step: str) -> _Entry | None:
        """One path step: as written, then as a department (市人社局), then as a list (城乡建设、房屋征收)."""
        e = self._entries.get(step)
        if e is not None:
            return e
        office = _bare(_OFFICE_TAIL.sub("", step))
        for key in (office, _bare(_LEVEL_HEAD.sub("", office))):
            if key and (e := self._entries.get(key)) is not None:
                return e
        parts = [p for p in _ALTERNATIVES.split(step) if p]
        if len(parts) > 1:
            found = [e for e in (self._entries.get(_bare(p)) for p in parts) if e is not None]
            return found[-1] if found else None
        return None


_DEFAULT: Taxonomy | None = None


def _read(path: Path) -> dict[str, _Entry]:
    """The rows of a category table (lines starting with # are comments); a bad table is refused whole."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(line for line in fh if not line.startswith("#")))
    entries: dict[str, _Entry] = {}
    for n, row in enumerate(rows, start=2):
        label, category = (row.get("label") or "").strip(), (row.get("category") or "").strip()
        if not label or not category:
            raise ValueError(f"{path.name}: row {n} needs a label and a category: {row}")
        family = (row.get("family") or "").strip() or None
        related = frozenset(r.strip() for r in (row.get("related") or "").split("|") if r.strip())
        entry = _Entry(category, family, related)
        key = _bare(_fold(label))
        if key in entries and entries[key] != entry:
            raise ValueError(
                f"{path.name}: row {n}: label {label!r} is already mapped otherwise ({entries[key]})"
            )
        entries[key] = entry
    # One family per category, and the overlaps of all its rows: relation() must not depend on which alias
    # was written.
    family_of: dict[str, str | None] = {}
    related_of: dict[str, frozenset[str]] = {}
    for key, e in entries.items():
        if family_of.setdefault(e.category, e.family) != e.family:
            raise ValueError(f"{path.name}: category {e.category!r} is given two families ({key!r})")
        related_of[e.category] = related_of.get(e.category, frozenset()) | e.related
    families = {f for f in family_of.values() if f}
    for category, related in related_of.items():
        if unknown := related - families:
            raise ValueError(
                f"{path.name}: category {category!r} names related families no row has: {sorted(unknown)}"
            )
        if category in entries and entries[category].category != category:
            raise ValueError(f"{path.name}: category {category!r} is itself a label of another category")
    return {k: _Entry(e.category, e.family, related_of[e.category]) for k, e in entries.items()}
