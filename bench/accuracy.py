"""Petitioner resolution accuracy on demo data with ground truth: caselink beside Splink.

    python bench/accuracy.py [--filings 5000] [--seed 7] [--data DIR] [--no-splink]

Generates demo data (or reads DIR with filings.csv, transfers.csv, truth_filings.csv), resolves petitioners
with caselink and with Splink (DuckDB) on the same validated filings, and prints pairwise precision,
recall, F1 and B-cubed F1 of both. Goal for caselink: F1 ≥ 0.99 with precision ≥ 0.995.
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from caselink.demo_data import generate  # noqa: E402
from ingest.read import read_and_validate  # noqa: E402
from ingest.resolve import (  # noqa: E402
    ClusterScores,
    resolve_petitioners,  # noqa: E402
    score_clusters,
)


def _row(name: str, s: ClusterScores, seconds: float, clusters: int) -> str:
    return (
        f"{name:<10} {s.precision:>9.4f} {s.recall:>9.4f} {s.f1:>9.4f} "
        f"{s.bcubed_precision:>9.4f} {s.bcubed_recall:>9.4f} {s.bcubed_f1:>9.4f} "
        f"{clusters:>9,} {seconds:>8.1f}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--filings", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--data", type=Path, help="existing demo-data folder instead of generating one")
    ap.add_argument("--no-splink", action="store_true")
    ap.add_argument("--splink-threshold", type=float, default=0.9)
    args = ap.parse_args()

    data = args.data or Path(tempfile.mkdtemp(prefix="caselink-acc-"))
    if args.data is None:
        generate(args.filings, args.seed, data)
    v = read_and_validate(data / "filings.csv", data / "transfers.csv")
    with (data / "truth_filings.csv").open(encoding="utf-8") as fh:
        truth = {r["filing_id"]: r["person_id"] for r in csv.DictReader(fh)}
    people = len(set(truth[f.filing_id] for f in v.filings))
    print(f"data: {data} — {len(v.filings):,} filings, {people:,} true petitioners")

    t = time.perf_counter()
    ours = resolve_petitioners(v.filings)
    our_s = time.perf_counter() - t
    cols = ("P", "R", "F1", "B3 P", "B3 R", "B3 F1", "clusters")
    print(f"{'':<10} " + " ".join(f"{c:>9}" for c in cols) + f" {'seconds':>8}")
    print(_row("caselink", score_clusters(ours.petitioner_of, truth), our_s, ours.report.clusters))
    if not args.no_splink:
        from bench.splink_petitioners import run_splink

        sp = run_splink(v.filings, threshold=args.splink_threshold)
        print(
            _row("splink", score_clusters(sp.cluster_of, truth), sp.seconds, len(set(sp.cluster_of.values())))
        )
    print(f"caselink review queue: {ours.report.review_queue:,} pairs; goal: F1 >= 0.99 with P >= 0.995")


if __name__ == "__main__":
    main()
