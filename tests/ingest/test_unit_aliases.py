"""The alias table (ingest/resolve/reference/unit_aliases.csv) is well-formed data."""

from __future__ import annotations

import csv
from collections import defaultdict

from ingest.resolve.units import ALIASES_PATH, LEVELS, normalise_unit_name, read_alias_table


def test_header_and_one_row_per_key() -> None:
    with ALIASES_PATH.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == ["key", "canonical_name", "level", "scope", "spellings"]
        keys = [row["key"] for row in reader]
    assert len(keys) == len(set(keys))


def test_every_key_has_a_known_level_and_scope() -> None:
    for dep in read_alias_table():
        assert dep.level in LEVELS, dep.key
        assert dep.scope in ("", "city", "province", "national"), dep.key
        assert dep.name and dep.spellings, dep.key


def test_no_spelling_maps_to_two_keys() -> None:
    owners: dict[str, set[str]] = defaultdict(set)
    for dep in read_alias_table():
        for spelling in (dep.name, *dep.spellings):
            owners[normalise_unit_name(spelling)].add(dep.key)
    clashes = {s: keys for s, keys in owners.items() if len(keys) > 1}
    assert not clashes


def test_covers_the_common_departments_and_the_2018_renames() -> None:
    by_spelling = {s: dep.key for dep in read_alias_table() for s in dep.spellings}
    assert len(read_alias_table()) >= 30
    assert by_spelling["国土资源局"] == by_spelling["自然资源和规划局"] == "natural_resources"
    for old in ("工商局", "工商行政管理局", "质监局", "质量技术监督局", "食药监局", "食品药品监督管理局"):
        assert by_spelling[old] == "market_regulation"
    assert by_spelling["信访办"] == "petition_bureau"
    assert by_spelling["人事局"] == by_spelling["劳动局"] == by_spelling["人社局"] == "human_resources"
    for name in ("法院", "检察院", "公安局", "12345"):
        assert name in by_spelling
