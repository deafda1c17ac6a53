"""Workspace open/load time: each piece of state a command reads, timed in a fresh child process.

    caselink demo-data --filings 200000 --seed 7 --out /tmp/d200k
    caselink ingest /tmp/d200k/filings.csv --transfers /tmp/d200k/transfers.csv --workspace /tmp/ws200k
    python bench/workspace.py --workspace /tmp/ws200k [--rounds 3]

Per piece: the records (`caselink ingest` merges into them), the embedded graph (`caselink query`, the
dashboards' first query), the intake index (`caselink check`) and the saved overview (the dashboards' first
page); seconds of wall and CPU time for the load alone (imports excluded), and the child's peak RSS.

Measured 2026-12-07, 200,000 filings (seed 7), 2 cores shared (load average 5.7-7.3: compare CPU seconds),
pickles (db57dea, run from a copy of that commit) against graph.state files, before and after alternating:
  records       CPU 2.35-3.36 s, 812 MB   ->  3.31-3.48 s, 579 MB   (one process, alternating: 2.50-2.67 s
                                                                     -> 2.61-2.65 s)
  graph         CPU 7.50-8.85 s, 1693 MB  ->  9.76-11.37 s, 2005 MB (one process, alternating: 7.78 s
                                                                     -> 6.41-6.77 s)
  intake index  CPU 0.14 s, 225 MB       ->  0.08 s, 208 MB
  overview      CPU 0.00 s               ->  0.01 s
Read in a fresh process the graph is slower than its pickle was (it decodes every column of a table into
lists, 3.7 s, and only then builds the dicts: 2.0 GB at the peak); the files are smaller (graph 220 -> 215
MB, records 123 -> 94 MB, index 75 MB).

Measured 2026-12-08, same workspace, graph only, fresh processes alternating pickle (db57dea) / graph.state
as of 9d35135 / graph.state now (rows made whole by dict(zip()) with nulls taken out, one key dict per node
pair, lists of strings dictionary-encoded: the file re-saved, 225 -> 140 MB). The machine was shared by six
agents (load average 2.6-11): CPU seconds moved by up to 50% between rounds, so only rounds run back to
back compare:
  load 2.8   pickle 6.67, 8.26 s   9d35135  9.13, 11.22 s   now  9.26, 10.66 s
  load 6-11  pickle 7.98-10.45 s   9d35135 10.26-13.36 s    now  9.70-12.66 s
  load 4.7   pickle 7.01-7.34 s    9d35135  8.25-8.94 s     now  8.05-9.22 s  (gc frozen before re-enabled)
  peak RSS   pickle 1693 MB        9d35135 2024 MB          now  1759 MB
Building the graph alone (graph_from_tables, one fresh process each, load 2.8-5): 9d35135 5.77-6.28 s, now
5.67-6.32 s; re-enabling the collector before freezing the graph cost a walk of everything built, 0.8-1.6 s
(now frozen first). The graph reads in about the time it did at 9d35135, still ~1 s slower than its pickle;
it takes 265 MB less memory and a file 38% smaller.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_PIECES = {
    "records": (
        "from ingest.workspace import load_records",
        "r = load_records(ws); n = len(r.filings)",
    ),
    "graph": (
        "from graph.memory_store import MemoryStore",
        "n = MemoryStore(ws.graph_dir).graph.number_of_nodes()",
    ),
    "intake index": (
        "from caselink.intake_index import load_index",
        "index = load_index(ws); n = 1",
    ),
    "overview": (
        "from graph.memory_store import MemoryStore\n"
        "from queries.overview import OVERVIEW_FILE, load_overview, store_state\n"
        "import datetime",
        "st = MemoryStore(ws.graph_dir)\n"
        "day = datetime.date.today().isoformat()\n"
        "ov = load_overview(ws.index_dir / OVERVIEW_FILE, store_state(st), day)\n"
        "n = -1 if ov is None else ov.bounced_filings",
    ),
}

_TEMPLATE = """
import os, sys, time
from caselink.workspace import Workspace
{imports}
ws = Workspace(__import__('pathlib').Path(sys.argv[1]))
t0, c0 = time.perf_counter(), time.process_time()
{work}
print(time.perf_counter() - t0, time.process_time() - c0, n)
"""


def measure(name: str, workspace: Path) -> None:
    imports, work = _PIECES[name]
    code = _TEMPLATE.format(imports=imports, work=work)
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(workspace)],
        stdout=subprocess.PIPE,
        env={"PYTHONPATH": str(ROOT), **os.environ},
    )
    assert proc.stdout is not None
    out = proc.stdout.read().decode().split()
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0 or len(out) != 3:
        print(f"{name:13s} failed")
        return
    wall, cpu, n = float(out[0]), float(out[1]), out[2]
    print(
        f"{name:13s} wall {wall:6.2f} s  CPU {cpu:6.2f} s  peak RSS {usage.ru_maxrss / 1024:6.0f} MB  ({n})"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workspace", type=Path, required=True)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f}")
    for _ in range(args.rounds):
        for name in _PIECES:
            measure(name, args.workspace)


if __name__ == "__main__":
    main()
