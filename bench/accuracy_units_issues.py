"""Accuracy of unit and issue resolution against the generator's truth: pairwise and B-cubed P/R/F1.

Importable (``units_scores``, ``issues_scores``, ``pairwise``, ``bcubed``) by bench/accuracy.py, or run alone:

    python bench/accuracy_units_issues.py --filings 20000 --seed 7     # generated once into --cache, reused
    python bench/accuracy_units_issues.py --filings 20000 --style varied --region 37,45,62
    python bench/accuracy_units_issues.py --data DIR          # a folder written by `caselink demo-data`
    python bench/accuracy_units_issues.py --data /tmp/caselink-bench-resolve/data-1000000-3 \
        --pickle /tmp/caselink-bench-resolve/validated-v3-1000000-3.pkl  # what bench/resolve.py prepared

Petitioner ids for issue resolution come from the truth's person_id (so the issue figures measure issues
alone) unless --resolved-petitioners is given, which runs ingest.resolve.resolver.resolve_petitioners first.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import sys
import time
from collections import Counter
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ingest.records import UnitMention


@dataclass(frozen=True, slots=True)
class Scores:
    precision: float
    recall: float
    f1: float

    def __str__(self) -> str:
        return f"P {self.precision:.4f}  R {self.recall:.4f}  F1 {self.f1:.4f}"


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def pairwise(truth: Mapping[Hashable, Hashable], pred: Mapping[Hashable, Hashable]) -> Scores:
    """Precision and recall over all pairs of items put together, counted from cluster sizes (no n² loop).

    >>> str(pairwise({1: "a", 2: "a", 3: "b"}, {1: "x", 2: "x", 3: "x"}))
    'P 0.3333  R 1.0000  F1 0.5000'
    """
    items = [k for k in truth if k in pred]
    cells = Counter((truth[k], pred[k]) for k in items)
    t_sizes = Counter(truth[k] for k in items)
    p_sizes = Counter(pred[k] for k in items)
    both = sum(n * (n - 1) // 2 for n in cells.values())
    t_pairs = sum(n * (n - 1) // 2 for n in t_sizes.values())
    p_pairs = sum(n * (n - 1) // 2 for n in p_sizes.values())
    p = both / p_pairs if p_pairs else 1.0
    r = both / t_pairs if t_pairs else 1.0
    return Scores(p, r, _f1(p, r))


def bcubed(truth: Mapping[Hashable, Hashable], pred: Mapping[Hashable, Hashable]) -> Scores:
    """B-cubed: per item, the share of its predicted cluster that is truly with it (precision) and the share
    of its true cluster that was found with it (recall), averaged over items.

    >>> str(bcubed({1: "a", 2: "a", 3: "b"}, {1: "x", 2: "x", 3: "x"}))
    'P 0.5556  R 1.0000  F1 0.7143'
    """
    items = [k for k in truth if k in pred]
    if not items:
        return Scores(1.0, 1.0, 1.0)
    cells = Counter((truth[k], pred[k]) for k in items)
    t_sizes = Counter(truth[k] for k in items)
    p_sizes = Counter(pred[k] for k in items)
    p = sum(n * n / p_sizes[pk] for (_, pk), n in cells.items()) / len(items)
    r = sum(n * n / t_sizes[tk] for (tk, _), n in cells.items()) / len(items)
    return Scores(p, r, _f1(p, r))


def read_truth_units(path: Path) -> dict[tuple[str, str, str], str]:
    """(filing_id, role, seq) → true unit id, from truth_units.csv."""
    with path.open(encoding="utf-8", newline="") as fh:
        return {(r["filing_id"], r["role"], r["seq"]): r["unit_id"] for r in csv.DictReader(fh)}


def read_truth_filings(path: Path) -> tuple[dict[str, str], dict[str, str]]:
    """filing_id → true issue id, and filing_id → true person id, from truth_filings.csv."""
    issue: dict[str, str] = {}
    person: dict[str, str] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            issue[r["filing_id"]] = r["issue_id"]
            person[r["filing_id"]] = r["person_id"]
    return issue, person


def units_scores(truth_units_csv: Path, mentions: list[UnitMention]) -> dict[str, Scores]:
    """Pairwise and B-cubed scores of unit mentions against the truth (one item per filing, role and seq)."""
    truth = read_truth_units(truth_units_csv)
    pred = {(m.filing_id, str(m.role), "" if m.seq is None else str(m.seq)): m.unit_id for m in mentions}
    return {"pairwise": pairwise(truth, pred), "bcubed": bcubed(truth, pred)}


def issues_scores(truth_filings_csv: Path, issue_of: Mapping[str, str]) -> dict[str, Scores]:
    """Pairwise and B-cubed scores of filing → issue against the truth."""
    truth, _ = read_truth_filings(truth_filings_csv)
    return {"pairwise": pairwise(truth, issue_of), "bcubed": bcubed(truth, issue_of)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    ap.add_argument("--data", type=Path, help="folder with filings.csv, transfers.csv and truth files")
    ap.add_argument("--pickle", type=Path, help="validated (filings, transfers) pickled by bench/resolve.py")
    ap.add_argument("--filings", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument(
        "--cache",
        type=Path,
        default=Path("/tmp/caselink-acc-cache"),
        help="where generated data (and its validated filings, pickled) are kept between runs",
    )
    ap.add_argument("--resolved-petitioners", action="store_true")
    ap.add_argument("--style", choices=("standard", "varied"), default="standard", help="demo-data style")
    ap.add_argument("--region", default="", help="province codes for demo-data --region (e.g. 37,45,62)")
    args = ap.parse_args(argv)

    from bench.resolve import load_records, save_records
    from ingest.read import read_and_validate
    from ingest.resolve import resolve_issues, resolve_units

    data, cached = args.data, args.pickle
    if data is None:
        from caselink.demo_data import GENERATOR_VERSION, generate

        regions = [r for r in args.region.split(",") if r]
        from caselink.demo_varied import VARIED_VERSION

        style = "" if args.style == "standard" else f"-{args.style}{VARIED_VERSION}"
        tail = style + "".join(f"-r{r}" for r in regions)
        data = args.cache / f"data-v{GENERATOR_VERSION}-{args.filings}-{args.seed}{tail}"
        cached = data / "validated-v2.pkl"
        if not cached.exists():
            generate(args.filings, args.seed, data, style=args.style, regions=regions)
            v = read_and_validate(data / "filings.csv", data / "transfers.csv")
            save_records(cached, v.filings, v.transfers)
    t0 = time.perf_counter()
    if cached:
        filings, transfers = load_records(cached)
    else:
        v = read_and_validate(data / "filings.csv", data / "transfers.csv")
        filings, transfers = v.filings, v.transfers
    print(
        f"read {len(filings):,} filings, {len(transfers):,} transfers in {time.perf_counter() - t0:.1f} s "
        f"(load average {os.getloadavg()[0]:.1f} on {len(os.sched_getaffinity(0))} cores)"
    )

    c0, t0 = time.process_time(), time.perf_counter()
    mentions, units = resolve_units(filings, transfers)
    cpu, wall = time.process_time() - c0, time.perf_counter() - t0
    unknown = sum(1 for u in units.values() if not u.known)
    print(
        f"units: {len(mentions):,} mentions → {len(units):,} units ({unknown} unknown); "
        f"cpu {cpu:.1f} s, wall {wall:.1f} s"
    )
    for name, sc in units_scores(data / "truth_units.csv", mentions).items():
        print(f"  units   {name:9s} {sc}")

    _, person = read_truth_filings(data / "truth_filings.csv")
    petitioner_of = person
    if args.resolved_petitioners:
        from ingest.resolve import resolve_petitioners

        petitioner_of = resolve_petitioners(filings).petitioner_of
    c0, t0 = time.process_time(), time.perf_counter()
    issue_of, _, issues = resolve_issues(filings, petitioner_of)
    cpu, wall = time.process_time() - c0, time.perf_counter() - t0
    print(
        f"issues: {len(issue_of):,} filings → {len(issues):,} issues; cpu {cpu:.1f} s, wall {wall:.1f} s "
        f"(peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6:.2f} GB)"
    )
    for name, sc in issues_scores(data / "truth_filings.csv", issue_of).items():
        print(f"  issues  {name:9s} {sc}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    sys.exit(main())
