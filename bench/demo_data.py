"""Time the demo-data generator on a large run: seconds, filings/s, rows/s (target: 1M filings in ≤ 120 s).

Usage: python bench/demo_data.py [--filings 1000000] [--seed 7] [--out DIR] [--style varied] [--region 37,45]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

# bench/ holds scripts named like the project's packages (bench/ingest.py): keep it off the import path.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from caselink.demo_data import generate  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--filings", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path, default=None, help="keep the files here (default: a temp folder)")
    ap.add_argument("--style", choices=("standard", "varied"), default="standard")
    ap.add_argument("--region", default="", help="province codes (demo-data --region)")
    args = ap.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="caselink-bench-"))
    try:
        load = os.getloadavg()[0]
        started, cpu0 = time.perf_counter(), time.process_time()
        regions = [r for r in args.region.split(",") if r]
        paths = generate(args.filings, args.seed, out, style=args.style, regions=regions)
        wall = time.perf_counter() - started
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        main_cpu = time.process_time() - cpu0
        render_cpu = children.ru_utime + children.ru_stime
        cpu = main_cpu + render_cpu
        counts = json.loads(paths.manifest.read_text(encoding="utf-8"))["counts"]
        rows = counts["filings"] + counts["transfers"]
        size = sum(p.stat().st_size for p in out.iterdir()) / 2**20
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"demo-data --filings {args.filings} --seed {args.seed} --style {args.style} "
            f"--region {args.region or '-'}"
        )
        verdict = "ok" if wall <= 120 else "MISSED"
        print(f"  wall {wall:.1f} s, cpu {cpu:.1f} s (all processes), target 120 s: {verdict}")
        print(f"  load average before the run: {load:.1f} on {os.cpu_count()} cores")
        idle = main_cpu + render_cpu / max(1, min(2, os.cpu_count() or 1))
        print(f"  cpu: {main_cpu:.1f} s main process (build, join), {render_cpu:.1f} s render workers")
        print(f"  on an idle machine that is about {idle:.0f} s wall")
        print(f"  {counts['filings'] / wall:,.0f} filings/s, {rows / wall:,.0f} rows/s (filings + transfers)")
        c = counts
        print(f"  {c['transfers']:,} transfers, {c['people']:,} people, {c['issues']:,} issues")
        print(f"  {size:,.0f} MiB written, peak memory {peak:,.0f} MiB")
    finally:
        if args.out is None:
            shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
