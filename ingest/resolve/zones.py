"""Development zones (高新区, 经开区, 临港经济开发区, 新区, 工业园区 …) as places of their city.

A zone is not in the county code list, yet it has its own petition bureau and departments (高新区信访局,
经开区公安分局). Such a name is read as [zone name][zone kind][rest]: 临港 + 经济开发区 + 信访局. The zone is
placed in its city (named before it, else the city of the filing's county); the reference list
(reference/development_zones.csv, the statistics office's functional-zone codes) gives it its code when the
city has one listed zone that fits, and otherwise it is keyed by its city and what it is called
(``370100-高新区``), so that two cities' 高新区 stay two places.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ZONES_PATH = Path(__file__).parent / "reference" / "development_zones.csv"

_KINDS: tuple[tuple[str, str], ...] = (
    # written kind → the kind it is keyed by (经开区 stands for both national and provincial ones)
    ("高新技术产业开发区", "高新区"),
    ("高新技术产业园区", "高新区"),
    ("高新技术开发区", "高新区"),
    ("高技术产业开发区", "高新区"),
    ("高新开发区", "高新区"),
    ("高新园区", "高新区"),
    ("高新区", "高新区"),
    ("经济技术开发区", "经开区"),
    ("经济开发区", "经开区"),
    ("经开区", "经开区"),
    ("开发区", "开发区"),
    ("工业园区", "工业园区"),
    ("工业园", "工业园区"),
    ("产业园区", "产业园区"),
    ("综合实验区", "综合实验区"),
    ("示范区", "示范区"),
    ("管理区", "管理区"),
    ("新区", "新区"),
)
_KIND_OF = dict(_KINDS)
ZONE_RE = re.compile(
    r"^(?P<name>[\u4e00-\u9fff]{0,8}?)(?P<kind>"
    + "|".join(sorted({k for k, _ in _KINDS}, key=len, reverse=True))
    + r")(?P<rest>.*)$"
)
COMMITTEE = frozenset(
    {"", "管委会", "管理委员会", "管委", "党工委", "工委", "党工委管委会", "管理办公室", "管理局"}
)
"""What may follow a zone's name when the zone's own administration is meant."""
_NOT_IN_NAME = frozenset("局委院厅办所队站镇乡村街社路号楼")


@dataclass(frozen=True, slots=True)
class Zone:
    """One zone of the reference list: Zone("370176", "济南高新技术产业开发区", "370100", "", "高新区")."""

    code: str
    name: str
    city_code: str
    specific: str
    """What distinguishes it among its city's zones of one kind (临港, 净月), "" when nothing does."""
    kind: str


def split_zone(s: str) -> tuple[str, str, str] | None:
    """A normalised name (place prefixes already removed) as (zone name, keyed kind, what follows), or None.

    >>> split_zone("临港经济开发区信访局")
    ('临港', '经开区', '信访局')
    >>> split_zone("高新技术产业开发区管委会")
    ('', '高新区', '管委会')
    """
    m = ZONE_RE.match(s)
    if m is None:
        return None
    name = m.group("name")
    if any(ch in _NOT_IN_NAME for ch in name):
        return None
    return name, _KIND_OF[m.group("kind")], m.group("rest")


@cache
def reference_zones() -> dict[str, list[Zone]]:
    """The listed zones by city code, each name read with everything up to its city's name removed
    (河北唐山芦台经济开发区 → 芦台 + 经开区)."""
    from ingest.read.places import short_name

    out: dict[str, list[Zone]] = defaultdict(list)
    with ZONES_PATH.open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(line for line in fh if not line.startswith("#")):
            name, city, city_name = r["name"].strip(), r["city_code"].strip(), r["city_name"].strip()
            text = name
            for head in (city_name, short_name(city_name, ("自治州", "地区", "盟", "市"))):
                i = text.find(head) if head else -1
                if i >= 0:
                    text = text[i + len(head) :].removeprefix("市")
                    break
            parts = split_zone(text)
            if parts is None or parts[2]:
                continue  # not read as a zone name (豫东综合物流产业聚集区): left to city context
            out[city].append(Zone(r["code"].strip(), name, city, parts[0], parts[1]))
    return dict(out)


def zone_place(city: str | None, specific: str, kind: str) -> tuple[str, str]:
    """The place key of a zone and its display name: the listed code when exactly one listed zone of the
    city fits, else ``CITY-NAME`` (``none-高新区`` when the city is unknown)."""
    listed = reference_zones().get(city, []) if city else []
    same_kind = [z for z in listed if z.kind == kind]
    fits = [z for z in same_kind if z.specific == specific]
    if not fits and not specific and len(same_kind) == 1:
        fits = same_kind  # 威海 has one 高新区, listed as 火炬高技术产业开发区
    if len(fits) == 1:
        return fits[0].code, fits[0].name
    return f"{city or 'none'}-{specific}{kind}", specific + kind
