"""Resolution speed and memory on generated filings: caselink's resolver, and Splink's time beside it.

    python bench/resolve.py [--filings 1000000] [--seed 3] [--work DIR] [--splink-filings 200000]
                            [--no-splink]

Stages, each in its own process so that peak memory belongs to one stage:
  prepare  generate demo data and validate it once; the validated filings are pickled in --work
  resolve  load the pickle and run `ingest.resolve.resolve_with_report` (petitioners + units + issues);
           prints wall and CPU time, peak memory (the PSS of that process and of the helper process that
           reads units and issue particulars meanwhile, sampled by bench/memory.py: the records loaded
           before resolving count too), the per-step seconds of petitioner resolution,
           the load average (the machine is shared) and the accuracy of petitioners and of issues (pairwise
           and B-cubed, issues grouped with the petitioners resolved in the same run)
  splink   Splink (DuckDB) on the first --splink-filings filings, same configuration as bench/accuracy.py
Goal: 1M filings in at most 60 s and 4 GB on 2 cores.
"""

from __future__ import annotations

import argparse
import csv
import os
import pickle
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


_CHUNK = 50_000
"""Records per pickle frame. One frame for everything would keep a memo of every object while loading and
leave the process ~1.3 GB larger at 1M filings than the records are (a bench artefact, not resolution)."""


def _pickle_path(work: Path, n: int, seed: int) -> Path:
    return work / f"validated-v3-{n}-{seed}.pkl"


def save_records(path: Path, filings: list[Any], transfers: list[Any]) -> None:
    """Validated filings and transfers pickled in frames of _CHUNK records."""
    with path.open("wb") as fh:
        for records in (filings, transfers):
            for lo in range(0, len(records), _CHUNK):
                pickle.dump(records[lo : lo + _CHUNK], fh, protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump(None, fh)


def load_records(path: Path) -> tuple[list[Any], list[Any]]:
    """What save_records wrote, as `caselink ingest` holds the records in memory after validation."""
    out: list[list[Any]] = [[], []]
    with path.open("rb") as fh:
        for records in out:
            while (chunk := pickle.load(fh)) is not None:
                records.extend(chunk)
    return out[0], out[1]


def _load_records(work: Path, n: int, seed: int) -> tuple[list[Any], list[Any]]:
    return load_records(_pickle_path(work, n, seed))


def _cpu_seconds() -> float:
    """CPU seconds of this process and of its children that have ended."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def prepare(work: Path, n: int, seed: int) -> None:
    from caselink.demo_data import generate
    from ingest.read import read_and_validate

    data = work / f"data-{n}-{seed}"
    t = time.perf_counter()
    if not (data / "filings.csv").exists():
        generate(n, seed, data)
    g = time.perf_counter() - t
    t = time.perf_counter()
    v = read_and_validate(data / "filings.csv", data / "transfers.csv")
    save_records(_pickle_path(work, n, seed), v.filings, v.transfers)
    print(
        f"prepare: generated in {g:.0f} s, "
        f"validated {len(v.filings):,} filings in {time.perf_counter() - t:.0f} s"
    )


def run_resolve(work: Path, n: int, seed: int) -> None:
    from bench.accuracy_units_issues import issues_scores
    from bench.memory import TreeMemory, tree_pss_mb
    from ingest.resolve import resolve_with_report, score_clusters

    filings, transfers = _load_records(work, n, seed)
    loaded = tree_pss_mb()
    t = time.perf_counter()
    cpu = _cpu_seconds()
    with TreeMemory() as mem:
        resolution, report = resolve_with_report(filings, transfers, None)
    wall = time.perf_counter() - t
    cpu = _cpu_seconds() - cpu
    steps = ", ".join(f"{k} {v:.1f}" for k, v in report.seconds.items())
    print(
        f"caselink resolve: {len(filings):,} filings in {wall:.1f} s wall ({cpu:.1f} s CPU, helper process "
        f"included), peak memory {mem.peak_mb:,.0f} MB (PSS of this process and its helper; records loaded "
        f"before resolving: {loaded:,.0f} MB; ru_maxrss of this process {_peak_mb():,.0f} MB); "
        f"{report.candidate_pairs:,} candidate pairs, {report.clusters:,} petitioners"
    )
    print(f"  petitioner steps (s): {steps}; load average {os.getloadavg()[0]:.1f}")
    truth_path = work / f"data-{n}-{seed}" / "truth_filings.csv"
    with truth_path.open(encoding="utf-8") as fh:
        truth = {r["filing_id"]: r["person_id"] for r in csv.DictReader(fh)}
    s = score_clusters(resolution.petitioner_of, truth)
    print(
        f"  petitioners at this size: P {s.precision:.4f} R {s.recall:.4f} F1 {s.f1:.4f} "
        f"B3 F1 {s.bcubed_f1:.4f}"
    )
    for name, sc in issues_scores(truth_path, resolution.issue_of).items():
        print(f"  issues {name:9s} {sc}")


def run_splink_stage(work: Path, n: int, seed: int, k: int) -> None:
    from bench.splink_petitioners import run_splink

    filings, _ = _load_records(work, n, seed)
    sub = filings[:k]
    if k < n:  # caselink on the same subset, for a like-for-like time
        from ingest.resolve import resolve_petitioners

        t = time.perf_counter()
        resolve_petitioners(sub)
        print(f"caselink petitioners: {len(sub):,} filings in {time.perf_counter() - t:.1f} s wall")
    sp = run_splink(sub)
    print(f"splink: {len(sub):,} filings in {sp.seconds:.1f} s wall, peak memory {_peak_mb():,.0f} MB")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--filings", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--work", type=Path, default=Path("/tmp/caselink-bench-resolve"))
    ap.add_argument("--splink-filings", type=int, default=200_000)
    ap.add_argument("--no-splink", action="store_true")
    ap.add_argument("--stage", choices=["prepare", "resolve", "splink"], help=argparse.SUPPRESS)
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    if args.stage == "prepare":
        return prepare(args.work, args.filings, args.seed)
    if args.stage == "resolve":
        return run_resolve(args.work, args.filings, args.seed)
    if args.stage == "splink":
        return run_splink_stage(args.work, args.filings, args.seed, args.splink_filings)

    base = [
        sys.executable,
        __file__,
        "--filings",
        str(args.filings),
        "--seed",
        str(args.seed),
        "--work",
        str(args.work),
    ]
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    if not _pickle_path(args.work, args.filings, args.seed).exists():
        subprocess.run([*base, "--stage", "prepare"], check=True, env=env)
    print(f"cores available: {len(os.sched_getaffinity(0))}")
    subprocess.run([*base, "--stage", "resolve"], check=True, env=env)
    if not args.no_splink:
        k = min(args.splink_filings, args.filings)
        subprocess.run([*base, "--stage", "splink", "--splink-filings", str(k)], check=True, env=env)


if __name__ == "__main__":
    main()
