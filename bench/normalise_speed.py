"""Speed of ingest.read.normalise / ingest.read.places on realistic cells, and county matching accuracy.

Generates demo data (caselink.demo_data) and times each public function, from an empty cache, three ways:
one pass over the column's cells as generated ("file"), CALLS calls cycling over them ("mixed"), and
each distinct value once ("cold": the cost when nothing repeats). Times are CPU time of this process.
Then county_of(address) is checked against the generator's ground truth, with and without the
receiving office as context.

    /tmp/seedvenv/bin/python bench/normalise_speed.py [--filings 50000] [--calls 1000000]
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from collections.abc import Callable
from itertools import cycle, islice
from pathlib import Path
from typing import Any

# Run as a script, bench/ is sys.path[0] and bench/ingest.py would shadow the ingest package.
sys.path[0] = str(Path(__file__).resolve().parents[1])

from caselink.demo_data import generate  # noqa: E402
from ingest.read import normalise, places  # noqa: E402


def _time(fn: Callable[[str], Any], values: list[str]) -> float:
    """CPU seconds of this process for calling fn once on each value (the machine is shared)."""
    start = time.process_time()
    for v in values:
        fn(v)
    return time.process_time() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--filings", type=int, default=50_000)
    ap.add_argument("--calls", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=11)
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        paths = generate(args.filings, args.seed, Path(tmp))
        with paths.filings.open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
        with paths.transfers.open(encoding="utf-8-sig", newline="") as fh:
            actions = [r["action"] for r in csv.DictReader(fh)]
        with paths.truth_filings.open(encoding="utf-8", newline="") as fh:
            person_of = {r["filing_id"]: r["person_id"] for r in csv.DictReader(fh)}
        with paths.truth_people.open(encoding="utf-8", newline="") as fh:
            county_of_person = {r["person_id"]: r["county"] for r in csv.DictReader(fh)}

    def col(name: str) -> list[str]:
        return [r[name] for r in rows if r[name]]

    names = col("petitioner_name")
    cases: list[tuple[str, Callable[[str], Any], list[str]]] = [
        ("normalise_name", normalise.normalise_name, names),
        ("name_pinyin", normalise.name_pinyin, [normalise.normalise_name(n) for n in names]),
        ("parse_id_number", normalise.parse_id_number, col("id_number")),
        ("normalise_phone", normalise.normalise_phone, col("phone")),
        ("parse_date", normalise.parse_date, col("received_date") + col("concluded_date")),
        ("parse_channel", normalise.parse_channel, col("channel")),
        ("parse_level", normalise.parse_level, col("receiving_level")),
        ("parse_status", normalise.parse_status, col("status")),
        ("parse_action", normalise.parse_action, actions),
        ("split_co_petitioners", normalise.split_co_petitioners, col("co_petitioners")),
        ("county_of", places.county_of, col("address") + col("issue_place")),
    ]
    places.all_counties()
    places.county_of("河北省")  # build the name index outside the timings
    normalise.name_pinyin("张三")  # load pypinyin's dictionaries outside the timings
    print(f"{args.filings} demo filings, {args.calls:,} calls per function, cache emptied before each run")
    print("µs per call: 'file' = one pass over the column as generated, 'mixed' = --calls calls cycling")
    print("over it, 'cold' = each distinct value once (nothing repeats)")
    print(f"{'function':<22}{'cells':>9}{'distinct':>10}{'file':>10}{'mixed':>10}{'cold':>10}")
    for label, fn, values in cases:
        cache_clear = getattr(fn, "cache_clear", None)
        distinct = list(dict.fromkeys(values))
        if cache_clear:
            cache_clear()
        one_pass = _time(fn, values) / len(values) * 1e6
        if cache_clear:
            cache_clear()
        mixed = _time(fn, list(islice(cycle(values), args.calls))) / args.calls * 1e6
        if cache_clear:
            cache_clear()
        cold = f"{_time(fn, distinct) / len(distinct) * 1e6:.2f}" if len(distinct) >= 1000 else "-"
        print(f"{label:<22}{len(values):>9,}{len(distinct):>10,}{one_pass:>10.2f}{mixed:>10.2f}{cold:>10}")

    for label, with_context in (("county_of(address)", False), ("county_of(address, region_of(org))", True)):
        right = wrong = none = 0
        for r in rows:
            if not r["address"]:
                continue
            truth = county_of_person[person_of[r["filing_id"]]]
            context = places.region_of(r["receiving_org"]) if with_context else None
            got = places.county_of(r["address"], context)
            if got is None:
                none += 1
            elif got == truth:
                right += 1
            else:
                wrong += 1
        total = right + wrong + none
        print(
            f"{label} vs truth: {right / total:.4f} right, {wrong / total:.4f} wrong, "
            f"{none / total:.4f} none ({total:,} addresses)"
        )


if __name__ == "__main__":
    main()
