"""Query latency: every named query on generated filings, in the embedded store and in Neo4j.

    python bench/queries.py --filings 200000 --backend embedded
    tools/neo4j.sh run -- python bench/queries.py --filings 1000000 --backend neo4j

Latency = wall seconds from calling queries.run.run_query() to holding all its rows in Python (server work +
shipping over Bolt + conversion to Python values). Beside it: the server's own time (Neo4j: the same statement
with its rows discarded), this process's CPU seconds, Neo4j's CPU seconds (/proc of the process listening on
the Bolt port) and the load average. Paged queries are timed as a `page` (limit=100, what a dashboard table
shows first) and `complete` (default parameters: every row, what `caselink query NAME` returns).

The filings come from the project's generator (`caselink demo-data`), are validated
(ingest.read.read_and_validate) and resolved (ingest.resolve.resolve) as an ingest would; issues are
taken from the generator's ground truth (tests/queries/fixtures.py), so these figures do not move with issue
resolution (a graph loaded by `caselink ingest` or `caselink bulk` and timed with --no-load has caselink's
own issues: graph/README.md "Second pass" was measured that way). The data
are then loaded into the store(s) and each query runs --repeat times with its default parameters (lookups
get ids found in the data); the first run and the best of the rest are printed. Goals: at most 1 s per query
on 1M filings in Neo4j; the embedded store is measured at 200k. search is timed for four kinds of text found
in the data (a petitioner id, a name, six digits of an ID number, two characters of a filing's text).

For a complete result over the goal, a `transfer` line follows: receiving that many rows of the same values
(copies of a sample of them, made by the server from a parameter) the way run_query receives rows — the part
of the latency no work on the server can remove. An `input` line gives the time Neo4j takes only to read
what the query starts from (INPUT_READS: its paths and properties, counted, nothing shipped).

Neo4j is taken from CASELINK_NEO4J_URI/USER/PASSWORD, else from CASELINK_TEST_NEO4J_* (tools/neo4j.sh);
the caselink nodes of that database are deleted before the load.

At 1M filings generating and resolving take minutes and several GB: `--data DIR` takes an existing
`caselink demo-data` folder, `--cache FILE` keeps the resolved data in a pickle (read when it exists), and
`--no-load` times a Neo4j that already holds the same data (e.g. loaded by an earlier run):

    caselink demo-data --filings 1000000 --seed 7 --out /tmp/d1m
    python bench/queries.py --filings 1000000 --backend neo4j --data /tmp/d1m --cache /tmp/d1m/res.pickle
        # no Neo4j yet: resolves, writes the cache, stops (keeps the 6.5 GB resolving apart from Neo4j)
    eval "$(tools/neo4j.sh start)"  # CASELINK_NEO4J_JAVA_OPTS=-Xmx3g…, CASELINK_NEO4J_PAGECACHE_MB=2048
    python bench/queries.py --filings 1000000 --backend neo4j --data /tmp/d1m --cache /tmp/d1m/res.pickle \
        --load-only                   # loads, frees the resolved data, stops
    python bench/queries.py --filings 1000000 --backend neo4j --no-load
"""

from __future__ import annotations

import argparse
import csv
import gc
import os
import pickle
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from graph.memory_store import MemoryStore  # noqa: E402
from graph.settings import Settings  # noqa: E402
from graph.store import GraphStore  # noqa: E402
from ingest.load import load  # noqa: E402
from ingest.records import Evidence, Filing, Issue, Resolution  # noqa: E402
from queries.registry import SPECS, get  # noqa: E402
from queries.run import run_query  # noqa: E402
from tests.queries.fixtures import generated_resolution  # noqa: E402

GOAL_SECONDS = 1.0


def resolved_folder(folder: Path) -> Resolution:
    """A demo-data folder validated and resolved as tests.queries.fixtures.generated_resolution does it."""
    from ingest.read import read_and_validate
    from ingest.resolve import resolve

    valid = read_and_validate(folder / "filings.csv", folder / "transfers.csv")
    res = resolve(valid.filings, valid.transfers)
    with (folder / "truth_filings.csv").open(encoding="utf-8-sig", newline="") as fh:
        truth = {row["filing_id"]: row["issue_id"] for row in csv.DictReader(fh)}
    res.issue_of = {f.filing_id: truth[f.filing_id] for f in res.filings if f.filing_id in truth}
    first: dict[str, Filing] = {}
    for f in sorted(res.filings, key=lambda f: (f.received_date, f.filing_id)):
        first.setdefault(res.issue_of.get(f.filing_id, ""), f)
    res.issues = {
        iid: Issue(iid, f.category or f.content[:20], f.county, f.category) for iid, f in first.items() if iid
    }
    res.issue_evidence = {fid: Evidence(0.0) for fid in res.issue_of}
    return res


def resolution(args: argparse.Namespace, tmp: Path) -> Resolution:
    """The resolved data: from --cache if it exists, else from --data or freshly generated (then cached)."""
    cache = Path(args.cache) if args.cache else None
    if cache is not None and cache.exists():
        with cache.open("rb") as fh:
            res: Resolution = pickle.load(fh)
        return res
    if args.data:
        res = resolved_folder(Path(args.data))
    else:
        res = generated_resolution(args.filings, args.seed, tmp / "demo")
    if cache is not None:
        with cache.open("wb") as fh:
            pickle.dump(res, fh, protocol=pickle.HIGHEST_PROTOCOL)
    return res


def neo4j_settings() -> Settings:
    if os.environ.get("CASELINK_NEO4J_URI"):
        return Settings.from_env(backend="neo4j")
    uri = os.environ.get("CASELINK_TEST_NEO4J_URI")
    if not uri:
        sys.exit(
            "No Neo4j: set CASELINK_NEO4J_URI, or run under `tools/neo4j.sh run -- python bench/queries.py`."
        )
    return Settings(
        backend="neo4j",
        neo4j_uri=uri,
        neo4j_user=os.environ.get("CASELINK_TEST_NEO4J_USER", "neo4j"),
        neo4j_password=os.environ.get("CASELINK_TEST_NEO4J_PASSWORD", ""),
    )


def lookup_params(store: GraphStore) -> dict[str, dict[str, Any]]:
    """Lookup parameters from the data: a repeat petitioner, their first filing, a bounced filing."""
    repeat = run_query("repeat-petitions", store, {}).records()
    bounced = run_query("bounced-cases", store, {}).records()
    if not repeat or not bounced:
        sys.exit("The data have no repeat petitions or no bounced cases: use more filings.")
    first, pid, iid = repeat[0]["filing_ids"][0], repeat[0]["petitioner_id"], repeat[0]["issue_id"]
    return {
        "overdue": {"as_of": "2026-11-01"},
        "petitioner": {"petitioner_id": pid},
        "neighbourhood": {"key": first, "hops": 2},
        "path": {"from_id": first, "to_id": bounced[-1]["filing_id"]},
        "search": {"text": pid},  # and the other kinds of text in SEARCHES
        "entities": {"keys": [first, pid, iid]},
        "links": {"keys": [first, pid, iid]},
        "filing": {"filing_id": bounced[-1]["filing_id"]},
        "entity-filings": {"key": iid, "label": "Issue"},
    }


def search_texts(store: GraphStore, pid: str, filing_id: str) -> dict[str, str]:
    """What clerks type into search, taken from the data: a petitioner's id, their name (2-3 characters:
    many matches), six digits of their ID number, and two characters of a filing's text (many matches)."""
    found = run_query("search", store, {"text": pid}).records()[0]
    content = str(run_query("filing", store, {"filing_id": filing_id}).records()[0]["content"] or "")
    middle = len(content) // 2
    return {
        "key": pid,
        "name": str(found["name"]),
        "id part": str(found["id_number"] or "")[6:12] or pid,
        "word": content[middle : middle + 2] or pid,
    }


def server_pid(uri: str) -> int | None:
    """The process listening on the Bolt port of `uri` on this machine (its CPU time is read from /proc)."""
    port = uri.rsplit(":", 1)[-1].strip("/")
    if not port.isdigit():
        return None
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            f = line.split()
            if int(f[1].rsplit(":", 1)[1], 16) == int(port) and f[3] == "0A":  # LISTEN
                inodes.add(f"socket:[{f[9]}]")
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if any(os.readlink(fd) in inodes for fd in (proc / "fd").iterdir()):
                return int(proc.name)
        except OSError:
            continue
    return None


def process_cpu(pid: int | None) -> float:
    """User + system CPU seconds of process `pid` so far (0 when unknown)."""
    if pid is None:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def server_seconds(store: GraphStore, name: str, params: dict[str, Any]) -> float | None:
    """Neo4j only: the server's own time for the query as run_query sends it, its rows discarded unread
    (result_available_after + result_consumed_after)."""
    if store.backend != "neo4j":
        return None
    from graph.neo4j_store import Neo4jStore, table_cypher
    from queries.run import parse_params

    spec = get(name)
    neo = cast(Neo4jStore, store)
    with neo.driver.session(database=neo.database, notifications_min_severity="OFF") as session:
        summary = session.run(table_cypher(spec.cypher, spec.columns), parse_params(spec, params)).consume()
    return ((summary.result_available_after or 0) + (summary.result_consumed_after or 0)) / 1000


@dataclass(frozen=True)
class Run:
    wall: float
    py_cpu: float
    db_cpu: float
    rows: int


def runs_of(work: Callable[[], int], repeat: int, pid: int | None) -> tuple[Run, Run]:
    """Call `work` (returns its row count) `repeat` times: the first run and the best of the others, each
    with this process's CPU seconds and the server's (process `pid`, Neo4j) spent on it."""
    runs = []
    for _ in range(repeat):
        cpu, server, start = time.process_time(), process_cpu(pid), time.perf_counter()
        rows = work()
        wall = time.perf_counter() - start
        runs.append(Run(wall, time.process_time() - cpu, process_cpu(pid) - server, rows))
    return runs[0], min(runs[1:] or runs, key=lambda r: r.wall)


def timed(
    store: GraphStore, name: str, params: dict[str, Any], repeat: int, pid: int | None
) -> tuple[str, float, list[list[Any]]]:
    """Run the query `repeat` times: its line (rows, first and best wall seconds, and for the best run this
    process's CPU seconds, the server's CPU seconds (Neo4j) and the load average), the best wall seconds,
    and the rows."""
    rows: list[list[Any]] = []

    def work() -> int:
        nonlocal rows
        rows = run_query(name, store, params).rows
        return len(rows)

    first, best = runs_of(work, repeat, pid)
    srv = server_seconds(store, name, params)
    line = (
        f"{best.rows:>9,} {first.wall:>8.3f} {best.wall:>8.3f} "
        f"{'' if srv is None else f'{srv:.3f}':>8} {best.py_cpu:>7.2f} {best.db_cpu:>7.2f} "
        f"{os.getloadavg()[0]:>5.1f}{'' if best.wall <= GOAL_SECONDS else '  > 1 s'}"
    )
    return line, best.wall, rows


TRANSFER_SAMPLE = 2_000

FILED_ABOUT = "MATCH (:Petitioner)-[:FILED]->(f:Filing)-[:ABOUT]->(:Issue) "
INPUT_READS = {
    "repeat-petitions": FILED_ABOUT + "RETURN count(f.received_date)",
    "multi-channel": FILED_ABOUT + "RETURN count(f.received_date)",
    "skip-level": FILED_ABOUT + "RETURN count(f.receiving_level)",
    "bounced-cases": "MATCH (:Filing)-[r:ROUTED]->(:Unit) RETURN count(r.seq)",
    "cross-county": "MATCH (i:Issue) WHERE i.signer_counties >= 2 "
    "MATCH (i)<-[:ABOUT]-(:Filing)<-[:FILED|CO_SIGNED]-(p:Petitioner) RETURN count(p.petitioner_id)",
    "unit-bounce-pairs": "MATCH (f:Filing) WHERE f.revisit = true "
    "MATCH (f)-[r:ROUTED]->(:Unit) RETURN count(r.seq)",
    "overview-trends": "MATCH (f:Filing) "
    "RETURN count(f.received_date), count(f.channel), count(f.category), count(f.county), count(f.status)",
}
"""Per whole-graph query, a statement that only reads what the query must read at the least (the paths and
properties it starts from, counted: nothing is shipped). Constants, no input."""


def input_read(store: GraphStore, name: str, repeat: int) -> str:
    """Neo4j only: the wall seconds of INPUT_READS[name] — reading the query's input, nothing else."""
    neo = cast(Any, store)
    with neo.driver.session(database=neo.database, notifications_min_severity="OFF") as session:
        first, best = runs_of(lambda: len(session.run(INPUT_READS[name]).values()), repeat, None)
    return f"{'':>9} {first.wall:>8.3f} {best.wall:>8.3f}"


def transfer_floor(store: GraphStore, name: str, rows: list[list[Any]], repeat: int, pid: int | None) -> str:
    """Neo4j only: the time to receive `rows` alone. The server makes as many rows of the same values
    (copies of an even sample of them, sent as a parameter) and they come back the way run_query's rows do
    (`Neo4jView.table`): what any query returning this result would pay on top of its own work."""
    from graph.neo4j_store import Neo4jView

    columns = list(get(name).columns)
    step = max(1, len(rows) // TRANSFER_SAMPLE)
    sample = rows[::step][:TRANSFER_SAMPLE]
    picks = ", ".join(f"r[{i}] AS `{c}`" for i, c in enumerate(columns))
    cypher = f"UNWIND range(0, $n - 1) AS k WITH $sample[k % size($sample)] AS r RETURN {picks}"
    view = cast(Neo4jView, store.view())
    first, best = runs_of(
        lambda: len(view.table(cypher, {"n": len(rows), "sample": sample}, columns)), repeat, pid
    )
    return (
        f"{best.rows:>9,} {first.wall:>8.3f} {best.wall:>8.3f} {'':>8} {best.py_cpu:>7.2f} "
        f"{best.db_cpu:>7.2f} {os.getloadavg()[0]:>5.1f}"
    )


HEADER = (
    f"{'query':<20} {'kind':<8} {'rows':>9} {'first s':>8} {'best s':>8} {'server s':>8} "
    f"{'py cpu':>7} {'db cpu':>7} {'load':>5}"
)


def time_queries(
    store: GraphStore, name: str, repeat: int, only: frozenset[str] = frozenset(), page_rows: int = 100
) -> None:
    """Per query: `complete` = run_query with its defaults (what `caselink query NAME` returns); `page` =
    the first `page_rows` rows of a paged query (limit=page_rows, what a dashboard page needs)."""
    pid = server_pid(cast(Any, store).uri) if store.backend == "neo4j" else None
    params = lookup_params(store)
    work = "server + shipping + conversion" if store.backend == "neo4j" else "the networkx twin + conversion"
    print(
        f"({name}; latency = wall seconds from run_query() called to its rows in Python as lists of result "
        f"values: {work})",
        flush=True,
    )
    print(HEADER, flush=True)
    for spec in SPECS:
        if only and spec.name not in only:
            continue
        given = params.get(spec.name, {})
        if spec.name == "search":
            texts = search_texts(store, given["text"], params["filing"]["filing_id"])
            for kind, text in texts.items():
                line = timed(store, spec.name, {"text": text}, repeat, pid)[0]
                print(f"{spec.name:<20} {kind[:8]:<8} {line}", flush=True)
            continue
        missing = [p.name for p in spec.params if p.required and p.name not in given]
        if missing:
            print(f"{spec.name:<20} skipped: no value for {', '.join(missing)}", flush=True)
            continue
        if spec.paged:
            page = {**given, "limit": page_rows}
            print(f"{spec.name:<20} {'page':<8} {timed(store, spec.name, page, repeat, pid)[0]}", flush=True)
        line, best, rows = timed(store, spec.name, given, repeat, pid)
        print(f"{spec.name:<20} {'complete':<8} {line}", flush=True)
        if store.backend == "neo4j" and best > GOAL_SECONDS and len(rows) >= TRANSFER_SAMPLE:
            floor = transfer_floor(store, spec.name, rows, repeat, pid)
            print(f"{spec.name:<20} {'transfer':<8} {floor}", flush=True)
        if store.backend == "neo4j" and best > GOAL_SECONDS and spec.name in INPUT_READS:
            print(f"{spec.name:<20} {'input':<8} {input_read(store, spec.name, repeat)}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--filings", type=int, default=200_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--backend", choices=("both", "embedded", "neo4j"), default="both")
    ap.add_argument("--repeat", type=int, default=3, help="runs per query (the first warms caches)")
    ap.add_argument("--data", help="an existing `caselink demo-data` folder instead of generating")
    ap.add_argument("--cache", help="pickle of the resolved data: read when it exists, else written")
    ap.add_argument("--no-load", action="store_true", help="Neo4j already holds these data: do not reload")
    ap.add_argument("--only", default="", help="comma-separated query names to time (default: all)")
    ap.add_argument("--load-only", action="store_true", help="load Neo4j and stop (time it with --no-load)")
    args = ap.parse_args()
    only = frozenset(n for n in args.only.split(",") if n)

    with tempfile.TemporaryDirectory(prefix="caselink-bench-queries-") as tmp:
        start = time.perf_counter()
        res = None
        if not (args.no_load and args.backend == "neo4j"):
            res = resolution(args, Path(tmp))
            print(
                f"generated, validated and resolved {len(res.filings):,} filings "
                f"({len(set(res.petitioner_of.values())):,} petitioners, {len(res.issues):,} issues) "
                f"in {time.perf_counter() - start:.1f} s",
                flush=True,
            )
        if args.backend in ("both", "embedded"):
            assert res is not None
            store: GraphStore = MemoryStore(Path(tmp) / "graph")
            stats = load(res, store)
            print(f"embedded: loaded in {stats.seconds:.1f} s", flush=True)
            time_queries(store, f"embedded, {args.filings:,} filings", args.repeat, only)
            store.close()
        if args.backend in ("both", "neo4j"):
            from graph.neo4j_store import Neo4jStore

            neo = Neo4jStore.from_settings(neo4j_settings())
            try:
                if res is not None:
                    neo.clear()
                    stats = load(res, neo, progress=True)
                    print(
                        f"neo4j: loaded in {stats.seconds:.1f} s ({stats.rows_per_second:,.0f} rows/s)",
                        flush=True,
                    )
                del res  # the resolved data are not needed to time the queries: give their memory back
                gc.collect()
                if args.load_only:
                    return
                time_queries(neo, f"neo4j, {args.filings:,} filings", args.repeat, only)
            finally:
                neo.close()


if __name__ == "__main__":
    main()
