"""Speed and safety of ingest/resolve/matter_text.py on generated and on real text.

    .venv/bin/python bench/matter_text.py [--filings 20000] [--seed 5] [--repeat 3] [--sample 30]

Prints, for the contents of `caselink demo-data` (present style) and for the 2,816 messages of the real
message-board export (../shared/realdata, 留言详情): texts per second of matter_text, strong_identifiers
and named_objects on one core (CPU time of this process, best of --repeat passes over distinct texts), and
the mean length of the texts before and after. On the hand-labelled real messages
(bench/realdata/labels.csv): pairs of different matters whose texts become equal (must be 0: normalising
must never make two matters one), and pairs of one matter whose texts are equal before and after. With
--sample N, prints N real messages after matter_text, with what the other two functions read from them,
for reading by eye.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from itertools import combinations
from pathlib import Path
from typing import Any

sys.path[0] = str(Path(__file__).resolve().parents[1])  # bench/ingest.py would shadow the ingest package

from python_calamine import CalamineWorkbook  # noqa: E402

from caselink.demo_data import generate  # noqa: E402
from ingest.resolve.matter_text import matter_text, named_objects, strong_identifiers  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
EXPORT = ROOT.parent / "shared" / "realdata" / "message_board_replies.xlsx"
LABELS = ROOT / "bench" / "realdata" / "labels.csv"


def _rate(fn: Callable[[str], Any], texts: list[str], repeat: int) -> float:
    """Texts per CPU second, best of `repeat` passes (the machine is shared; CPU time ignores waiting)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        for t in texts:
            fn(t)
        best = min(best, time.process_time() - start)
    return len(texts) / best if best else float("inf")


def _report(name: str, texts: list[str], repeat: int) -> None:
    matter_text(texts[0])  # reference tables are read once, outside the timing
    out = [matter_text(t) for t in texts]
    mean_in = sum(map(len, texts)) / len(texts)
    mean_out = sum(map(len, out)) / len(out)
    unstable = sum(1 for o in out if matter_text(o) != o)
    print(
        f"{name}: {len(texts):,} distinct texts, mean {mean_in:.0f} characters in, {mean_out:.0f} out; "
        f"{unstable} change when normalised again"
    )
    band = [t for t in texts if 150 <= len(t.strip()) <= 300]
    for fn in (matter_text, strong_identifiers, named_objects):
        line = f"  {fn.__name__:<20} {_rate(fn, texts, repeat):>10,.0f} texts/s"
        if band and fn is matter_text:
            line += f"   ({len(band):,} texts of 150-300 characters: {_rate(fn, band, repeat):,.0f} texts/s)"
        print(line)


def _real() -> dict[str, str]:
    rows = CalamineWorkbook.from_path(str(EXPORT)).get_sheet_by_index(0).to_python()
    head = rows[0]
    i, c = head.index("留言编号"), head.index("留言详情")
    return {str(r[i]).removesuffix(".0"): str(r[c]) for r in rows[1:]}


def _labelled_pairs(messages: dict[str, str]) -> None:
    with LABELS.open(encoding="utf-8", newline="") as fh:
        matter_of = {
            r["message_id"]: r["matter_id"] for r in csv.DictReader(fh) if r["message_id"] in messages
        }
    before = {m: " ".join(messages[m].split()) for m in matter_of}
    after = {m: matter_text(messages[m]) for m in matter_of}
    counts: Counter[str] = Counter()
    for a, b in combinations(sorted(matter_of), 2):
        same = matter_of[a] == matter_of[b]
        if after[a] == after[b]:
            counts["equal after, same matter" if same else "equal after, DIFFERENT matters"] += 1
        if before[a] == before[b]:
            counts["equal before, same matter" if same else "equal before, different matters"] += 1
    by_matter: defaultdict[str, list[str]] = defaultdict(list)
    for m, k in matter_of.items():
        by_matter[k].append(m)
    print(f"hand-labelled real messages: {len(matter_of)} in {len(by_matter)} matters")
    for key in (
        "equal before, same matter",
        "equal after, same matter",
        "equal before, different matters",
        "equal after, DIFFERENT matters",
    ):
        print(f"  pairs {key:<34} {counts[key]}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--filings", type=int, default=20_000)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--sample", type=int, default=0)
    args = ap.parse_args()
    print(
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (figures are CPU time of one core)"
    )

    with tempfile.TemporaryDirectory() as tmp:
        paths = generate(args.filings, args.seed, Path(tmp))
        with paths.filings.open(encoding="utf-8-sig", newline="") as fh:
            demo = sorted({r["content"] for r in csv.DictReader(fh) if r["content"]})
    _report(f"demo-data ({args.filings:,} filings, seed {args.seed})", demo, args.repeat)
    messages = _real()
    _report("real message board (留言详情)", sorted(set(messages.values())), args.repeat)
    _labelled_pairs(messages)
    if args.sample:
        rng = random.Random(1)
        for mid in rng.sample(sorted(messages), args.sample):
            text = messages[mid]
            print(f"\n[{mid}] {matter_text(text)}")
            print(f"    identifiers {strong_identifiers(text)}  objects {named_objects(text)}")


if __name__ == "__main__":
    main()
