"""A day's batch into a large workspace: seconds per stage, rows sent to the graph, peak memory (issue 18).

    python bench/incremental.py                          # 200,000 filings, then a batch of 1,000
    python bench/incremental.py --filings 1000000        # the issue's 1M-filing workspace
    python bench/incremental.py --filings 20000 --batches 3
    tools/neo4j.sh run -- python bench/incremental.py --neo4j     # over Bolt (a private Neo4j)

`caselink demo-data` makes N + batches × 1,000 filings with one seed (cached under /tmp/caselink-bench); the
first N (and their transfers) are ingested into a new workspace, then each batch of the following filings
as its own file, the way a day's export arrives. Every stage is the code `caselink ingest` runs: read
(read + validate the file, merge into the records, save them), resolve, graph update, intake index,
overview precompute. The workspace build and each batch run in a child process of their own, so that the
peak resident memory printed is that run's.

Honest limits: resolution is still the full re-resolution of everything the workspace holds (incremental
resolution needs the issue's new resolution model), and its re-estimated match weights change the score of
most FILED and ABOUT edges, which the graph update then sends; the intake index is rebuilt whole. Neo4j is
taken from CASELINK_NEO4J_URI/USER/PASSWORD, else CASELINK_TEST_NEO4J_* (tools/neo4j.sh); its caselink
nodes are deleted before the workspace is built.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

CACHE = Path("/tmp/caselink-bench")
STAGES = ("read", "resolve", "graph", "intake", "overview")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--filings", type=int, default=200_000, help="filings in the workspace (1000000: 1M)")
    ap.add_argument("--batch", type=int, default=1_000, help="new filings per batch")
    ap.add_argument("--batches", type=int, default=1)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--neo4j", action="store_true", help="the graph in Neo4j over Bolt (else embedded)")
    ap.add_argument("--workspace", type=Path, help="where to build the workspace (default: a temporary one)")
    ap.add_argument("--child", nargs=3, metavar=("WS", "FILINGS", "TRANSFERS"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        ws, filings, transfers = (Path(p) for p in args.child)
        print(json.dumps(run_stages(ws, filings, transfers, args.neo4j)))
        return

    total = args.filings + args.batches * args.batch
    data = demo_data(total, args.seed)
    parts = split(data, args.filings, args.batch, args.batches)
    if args.neo4j:
        clear_neo4j()
    work = args.workspace or Path(tempfile.mkdtemp(prefix="caselink-incremental-"))
    ws = work / "ws"
    backend = "neo4j (Bolt)" if args.neo4j else "embedded"
    print(f"data       {data} ({total:,} filings, seed {args.seed}); graph store: {backend}")
    try:
        base = child(ws, parts[0], args.neo4j)
        show(f"workspace  {args.filings:,} filings (first ingest)", base)
        for i, part in enumerate(parts[1:], 1):
            figures = child(ws, part, args.neo4j)
            show(f"batch {i}    {args.batch:,} new filings → {args.filings + i * args.batch:,}", figures)
    finally:
        if args.workspace is None:
            shutil.rmtree(work, ignore_errors=True)
    print(
        "goals (issue 18): 1,000 new filings into 1M in <= 15 s embedded, <= 30 s Neo4j, peak <= 2 GB.\n"
        "resolve is still the full re-resolution of every filing held (incremental resolution is not written"
        " yet);\nthe intake index is rebuilt whole."
    )


def demo_data(filings: int, seed: int) -> Path:
    """`caselink demo-data` output for this many filings and seed (made once, cached)."""
    out = CACHE / f"demo-{filings}-{seed}"
    if not (out / "transfers.csv").exists():
        print(f"generating {filings:,} filings with caselink demo-data …", file=sys.stderr)
        caselink = str(Path(sys.executable).parent / "caselink")
        subprocess.run(
            [caselink, "demo-data", "--filings", str(filings), "--seed", str(seed), "--out", str(out)],
            check=True,
            stdout=sys.stderr,
        )
    return out


def split(data: Path, first: int, batch: int, batches: int) -> list[tuple[Path, Path]]:
    """The first `first` filings, then each batch of the following ones, as files with their transfers."""
    sizes = [first] + [batch] * batches
    folder = data / f"parts-{first}-{batch}-{batches}"
    names = [(folder / f"filings_{i}.csv", folder / f"transfers_{i}.csv") for i in range(len(sizes))]
    if all(t.exists() for _, t in names):
        return names
    folder.mkdir(exist_ok=True)
    with (data / "filings.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    with (data / "transfers.csv").open(encoding="utf-8-sig", newline="") as fh:
        steps = list(csv.DictReader(fh))
    by_filing: dict[str, list[dict[str, str]]] = {}
    for s in steps:
        by_filing.setdefault(s["filing_id"], []).append(s)
    start = 0
    for (f_path, t_path), size in zip(names, sizes, strict=True):
        chosen = rows[start : start + size]
        start += size
        write_csv(f_path, list(rows[0]), chosen)
        write_csv(t_path, list(steps[0]), [s for r in chosen for s in by_filing.get(r["filing_id"], [])])
    return names


def write_csv(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=header)
        w.writeheader()
        w.writerows(rows)


def child(ws: Path, part: tuple[Path, Path], neo4j: bool) -> dict[str, Any]:
    """Run one ingest's stages in a fresh process; its figures."""
    cmd = [sys.executable, __file__, "--child", str(ws), str(part[0]), str(part[1])]
    done = subprocess.run(cmd + (["--neo4j"] if neo4j else []), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(done.stderr[-4000:])
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def show(title: str, f: dict[str, Any]) -> None:
    seconds = f["seconds"]
    sent = f["sent"]
    how = "only what changed" if f["incremental"] else f"whole graph: {f['why']}"
    print(title)
    print(f"  read       {seconds['read']:7.1f} s   {f['records']:,} filings held after the merge")
    print(f"  resolve    {seconds['resolve']:7.1f} s   all {f['records']:,} filings re-resolved")
    print(
        f"  graph      {seconds['graph']:7.1f} s   {how}; sent {sent['nodes']:,} nodes, {sent['edges']:,} "
        f"edges in {sent['owners']:,} edge lists, {sent['deleted']:,} nodes removed "
        f"({sent['nodes'] + sent['owners'] + sent['deleted']:,} rows)"
    )
    print(f"  intake     {seconds['intake']:7.1f} s   index rebuilt")
    print(f"  overview   {seconds['overview']:7.1f} s")
    print(f"  total      {sum(seconds.values()):7.1f} s   peak RSS {f['max_rss_mb']:,.0f} MB")


def neo4j_settings() -> Any:
    from graph.settings import Settings

    if os.environ.get("CASELINK_NEO4J_URI"):
        return Settings.from_env(backend="neo4j")
    uri = os.environ.get("CASELINK_TEST_NEO4J_URI")
    if not uri:
        sys.exit("No Neo4j: set CASELINK_NEO4J_URI, or run under `tools/neo4j.sh run -- python bench/...`.")
    return Settings(
        backend="neo4j",
        neo4j_uri=uri,
        neo4j_user=os.environ.get("CASELINK_TEST_NEO4J_USER", "neo4j"),
        neo4j_password=os.environ.get("CASELINK_TEST_NEO4J_PASSWORD", ""),
    )


def clear_neo4j() -> None:
    from graph.neo4j_store import Neo4jStore

    with Neo4jStore.from_settings(neo4j_settings()) as store:
        store.clear()


def run_stages(ws_root: Path, filings: Path, transfers: Path, neo4j: bool) -> dict[str, Any]:
    """One `caselink ingest` of the files, stage by stage (the code the command runs); its figures."""
    from caselink.intake_index import update_index
    from caselink.workspace import Workspace
    from graph.memory_store import MemoryStore
    from graph.neo4j_store import Neo4jStore
    from graph.store import GraphStore
    from ingest.load import update_graph
    from ingest.read import read_and_validate, write_report
    from ingest.resolve import resolve_with_report
    from ingest.workspace import load_records, merge_records, save_records
    from queries.overview import OVERVIEW_FILE, compute_overview, save_overview, store_state

    ws = Workspace.open(ws_root)
    store: GraphStore = Neo4jStore.from_settings(neo4j_settings()) if neo4j else MemoryStore(ws.graph_dir)
    seconds: dict[str, float] = {}
    t = time.perf_counter()
    records = load_records(ws)
    result = read_and_validate(filings, transfers, known_filing_ids=records.filings.keys())
    write_report(result, ws.reports_dir / f"bench-{time.time_ns()}")
    merge_records(records, result.filings, result.transfers)
    save_records(ws, records)
    all_filings = [records.filings[k] for k in sorted(records.filings)]
    all_transfers = [records.transfers[k] for k in sorted(records.transfers)]
    del records, result
    seconds["read"] = time.perf_counter() - t

    t = time.perf_counter()
    res, report = resolve_with_report(all_filings, all_transfers, state_dir=ws.resolution_dir)
    seconds["resolve"] = time.perf_counter() - t

    t = time.perf_counter()
    stats = update_graph(res, store, ws.graph_dir)
    seconds["graph"] = time.perf_counter() - t

    t = time.perf_counter()
    update_index(ws, res, report.model)
    seconds["intake"] = time.perf_counter() - t

    t = time.perf_counter()
    as_of = date.today().isoformat()
    save_overview(ws.index_dir / OVERVIEW_FILE, store_state(store), as_of, compute_overview(store, as_of))
    seconds["overview"] = time.perf_counter() - t
    store.close()

    own = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "seconds": seconds,
        "records": len(all_filings),
        "incremental": stats.incremental,
        "why": stats.why,
        "sent": {k: getattr(stats.sent, k) for k in ("nodes", "owners", "edges", "deleted")},
        "max_rss_mb": own.ru_maxrss / 1024,
    }


if __name__ == "__main__":
    main()
