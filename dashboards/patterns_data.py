"""What the pattern, review and data-quality pages read, cached per server process.

Pattern results come from the named queries (queries/registry.py) on whichever store is configured, so the
pages work on the embedded store and on Neo4j alike. The routing steps of a filing, the review queue, the
ingest runs and their problem reports are files in the workspace (records/, resolution/, reports/), the same
on both back ends.

    df = pattern("repeat-petitions", {"min_filings": 3})
"""

from __future__ import annotations

import gc
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from dashboards import data, explore_data
from dashboards.pattern_results import Compute, PatternResults
from graph.store import GraphStore
from ingest.read import PROBLEM_COLUMNS
from ingest.records import Filing, Transfer
from ingest.resolve import Decision, DecisionStore, ReviewItem
from ingest.workspace import RECORDS_FILE, RUNS_FILE, Records, load_records
from queries.registry import get
from queries.run import run_query

RUN_COLUMNS = (
    "run",
    "when",
    "filings_file",
    "transfers_file",
    "new",
    "updated",
    "unchanged",
    "backend",
    "seconds",
    "read",
    "loaded",
    "rejected",
    "flagged",
)
SUMMARY_FILE = "summary.txt"
PROBLEMS_FILE = "problems.csv"


# --- named queries -----------------------------------------------------------------------------------------


def defaults(name: str) -> dict[str, Any]:
    """The declared defaults of query `name` (lists as tuples), for the widgets' starting values."""
    return {p.name: p.default for p in get(name).params}


def pattern(name: str, params: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """The rows of named query `name` with `params` (the others at their defaults) as a DataFrame, computed
    once per store state (a pattern query over a 200k workspace takes seconds; an ingest makes new ones)."""
    return results().get(name, params or {}, explore_data.state(), _computer(data.store()))


WARMED = (
    "repeat-petitions",
    "multi-channel",
    "skip-level",
    "cross-county",
    "bounced-cases",
    "unit-bounce-pairs",
    "overdue",
    "concluded-late",
)
"""The pattern pages' queries, in the sidebar's order: computed ahead with their defaults on Neo4j."""


def warm_patterns() -> None:
    """On Neo4j, queue the pattern pages' default results for the current graph (once per graph state; the
    server does the work, this process waits on a socket), so a pattern page visited later finds its result
    ready instead of waiting 8–12 s at 1M filings. The embedded store computes in this process, where the
    background work would hold the interpreter against every session's pages: nothing is queued there."""
    store = data.store()
    if store.backend == "neo4j":
        results().warm(WARMED, explore_data.state(), _computer(store))


def _computer(store: GraphStore) -> Compute:
    """Runs a named query on `store` (taken by the page's thread: no Streamlit call in the background)."""

    def compute(name: str, params: dict[str, Any]) -> pd.DataFrame:
        result = run_query(name, store, params)
        return pd.DataFrame(result.rows, columns=result.columns)

    return compute


def _stop(results: PatternResults) -> None:
    results.close()


@st.cache_resource(show_spinner=False, on_release=_stop)
def results() -> PatternResults:
    """The pattern results of this server process (all sessions)."""
    return PatternResults()


NAMED = {"petitioner_id": "petitioner_name", "issue_id": "issue_title"}
"""Id columns that get a name column beside them in the tables (with_names)."""


def with_names(df: pd.DataFrame) -> pd.DataFrame:
    """`df` with each petitioner's name and each issue's title beside its id (petitioner_name, issue_title):
    an id alone means nothing to a clerk."""
    keys = tuple(sorted({k for c in NAMED if c in df.columns for k in df[c].dropna().unique()}))
    if not keys:
        return df
    names = entity_names(keys)
    out = df.copy()
    for column, named in NAMED.items():
        if column in out.columns and named not in out.columns:
            out.insert(out.columns.get_loc(column) + 1, named, out[column].map(names))
    return out


def entity_names(keys: tuple[str, ...]) -> dict[str, str]:
    """The name of each node with one of these keys (keys are unique across labels), read with the
    `entities` query; nodes without a name are left out."""
    return _entity_names(keys, explore_data.state())


@st.cache_data(max_entries=64, show_spinner=False)
def _entity_names(keys: tuple[str, ...], state_token: str) -> dict[str, str]:
    rows = run_query("entities", data.store(), {"keys": list(keys)}).records()
    return {r["key"]: r["name"] for r in rows if isinstance(r["name"], str) and r["name"]}


@st.cache_data(max_entries=64, ttl=60, show_spinner=False)
def counties_of(petitioner_ids: tuple[str, ...]) -> dict[str, list[str]]:
    """Each petitioner's home counties (codes), read through the `neighbourhood` query."""
    store = data.store()
    out: dict[str, list[str]] = {}
    for pid in petitioner_ids:
        rows = run_query("neighbourhood", store, {"key": pid, "label": "Petitioner", "hops": 1}).records()
        out[pid] = sorted(r["key"] for r in rows if r["label"] == "County")
    return out


def county_names(codes: tuple[str, ...]) -> dict[str, str]:
    """The names of the counties with these codes (the code itself when the graph has no name)."""
    names = entity_names(codes)
    return {c: names.get(c, c) for c in codes}


# --- workspace records -------------------------------------------------------------------------------------


def _mtime(path: Path) -> float:
    return path.stat().st_mtime if path.exists() else 0.0


def _thaw(_records: Records) -> None:
    gc.unfreeze()


@st.cache_resource(max_entries=2, show_spinner=False, on_release=_thaw)
def _records(root: str, mtime: float) -> Records:
    records = load_records(data.workspace())
    gc.freeze()  # kept for the process: out of the collector's walks, as the embedded graph (memory_store)
    return records


def records() -> Records:
    """The workspace's validated filings and transfers (reloaded when an ingest rewrote them)."""
    ws = data.workspace()
    return _records(str(ws.root), _mtime(ws.records_dir / RECORDS_FILE))


def filing(filing_id: str) -> Filing | None:
    """One filing as the workspace holds it, or None."""
    return records().filings.get(filing_id)


@st.cache_resource(max_entries=2, show_spinner=False)
def _transfers_by_filing(root: str, mtime: float) -> dict[str, list[Transfer]]:
    out: dict[str, list[Transfer]] = {}
    for (fid, _seq), tr in sorted(_records(root, mtime).transfers.items()):
        out.setdefault(fid, []).append(tr)
    return out


@st.cache_data(max_entries=16, ttl=60, show_spinner=False)
def routing_steps(filing_ids: tuple[str, ...]) -> pd.DataFrame:
    """Every routing event (流转) of these filings in order: one row per move with its unit and dates.

    Columns: filing_id, seq, action, from_unit, to_unit, start, end (the next event's date, else the
    filing's conclusion, else the last event's date), note.
    """
    ws = data.workspace()
    mtime = _mtime(ws.records_dir / RECORDS_FILE)
    recs = _records(str(ws.root), mtime)
    by_filing = _transfers_by_filing(str(ws.root), mtime)
    rows: list[dict[str, Any]] = []
    for fid in filing_ids:
        steps = by_filing.get(fid, [])
        f = recs.filings.get(fid)
        for k, tr in enumerate(steps):
            if k + 1 < len(steps):
                end = steps[k + 1].date
            elif f is not None and f.concluded_date is not None and f.concluded_date > tr.date:
                end = f.concluded_date
            else:
                end = tr.date
            rows.append(
                {
                    "filing_id": fid,
                    "seq": tr.seq,
                    "action": str(tr.action),
                    "from_unit": tr.from_unit,
                    "to_unit": tr.to_unit,
                    "start": tr.date.isoformat(),
                    "end": end.isoformat(),
                    "note": tr.note,
                }
            )
    cols = ["filing_id", "seq", "action", "from_unit", "to_unit", "start", "end", "note"]
    return pd.DataFrame(rows, columns=cols)


# --- review queue ------------------------------------------------------------------------------------------


def decision_store() -> DecisionStore:
    return DecisionStore(data.workspace().resolution_dir)


def review_queue() -> list[ReviewItem]:
    """The uncertain pairs of the last resolve (not cached: decisions are taken on the page)."""
    return decision_store().review_queue()


def decisions() -> dict[tuple[str, str], Decision]:
    """The decision in force for each decided pair."""
    return decision_store().current()


def evidence_lines(item: ReviewItem) -> pd.DataFrame:
    """The item's reasons split into their Chinese text, English text and weight:
    '同一县区 / same county (+4.7)' → ('同一县区', 'same county', 4.7)."""
    rows = []
    for reason in item.reasons:
        text, weight = reason, None
        if reason.endswith(")") and " (" in reason:
            head, _, tail = reason.rpartition(" (")
            try:
                weight = float(tail[:-1])
                text = head
            except ValueError:
                pass
        zh, _, en = text.partition(" / ")
        rows.append({"zh": zh, "en": en or zh, "weight": weight})
    return pd.DataFrame(rows, columns=["zh", "en", "weight"])


# --- ingest runs and their reports -------------------------------------------------------------------------


def _parse_summary(path: Path) -> dict[str, dict[str, int]]:
    """Per input file (filings, transfers): read / loaded / rejected / flagged, from a run's summary.txt."""
    out: dict[str, dict[str, int]] = {}
    if not path.exists():
        return out
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    for line in lines[1:]:
        if not line.strip() or line.startswith("  "):
            continue
        parts = line.rsplit(maxsplit=4)
        if len(parts) != 5 or not all(p.isdigit() for p in parts[1:]):
            continue
        out[parts[0].strip()] = dict(
            zip(("read", "loaded", "rejected", "flagged"), map(int, parts[1:]), strict=True)
        )
    return out


def _run_when(run_id: str) -> str:
    """'20261124T123308605793Z' → '2026-11-24 12:33:08 UTC'."""
    if len(run_id) >= 15 and run_id[8] == "T":
        return f"{run_id[:4]}-{run_id[4:6]}-{run_id[6:8]} {run_id[9:11]}:{run_id[11:13]}:{run_id[13:15]} UTC"
    return run_id


@st.cache_data(max_entries=4, ttl=30, show_spinner=False)
def ingest_runs(root: str) -> pd.DataFrame:
    """One row per ingest run, newest first, with the figures of its filings file (read / loaded /
    rejected / flagged) beside the merge counts; runs whose report is missing show blanks."""
    ws = data.workspace()
    path = ws.records_dir / RUNS_FILE
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                run = json.loads(line)
                seen.add(run["run"])
                rows.append(run)
    # a run whose report was written but whose resolve or load failed has no line in runs.jsonl
    for d in sorted(ws.reports_dir.iterdir()) if ws.reports_dir.exists() else []:
        if d.is_dir() and d.name not in seen:
            rows.append({"run": d.name})
    for run in rows:
        run["when"] = _run_when(run["run"])
        summary = _parse_summary(ws.reports_dir / run["run"] / SUMMARY_FILE)
        for key in ("read", "loaded", "rejected", "flagged"):
            run[key] = sum(s[key] for s in summary.values()) if summary else None
    df = pd.DataFrame(rows, columns=list(RUN_COLUMNS))
    return df.sort_values("run", ascending=False, ignore_index=True)


@st.cache_data(max_entries=4, ttl=30, show_spinner=False)
def file_summaries(root: str) -> pd.DataFrame:
    """Per run and input file: read / loaded / rejected / flagged."""
    ws = data.workspace()
    rows = []
    for d in sorted(ws.reports_dir.iterdir(), reverse=True) if ws.reports_dir.exists() else []:
        for file, figures in _parse_summary(d / SUMMARY_FILE).items():
            rows.append({"run": d.name, "file": file, **figures})
    return pd.DataFrame(rows, columns=["run", "file", "read", "loaded", "rejected", "flagged"])


@st.cache_data(max_entries=4, ttl=30, show_spinner=False)
def problems(root: str) -> pd.DataFrame:
    """Every rejected or flagged cell of every run (problems.csv), with the run it belongs to."""
    ws = data.workspace()
    frames = []
    for d in sorted(ws.reports_dir.iterdir(), reverse=True) if ws.reports_dir.exists() else []:
        path = d / PROBLEMS_FILE
        if path.exists():
            df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
            df.insert(0, "run", d.name)
            frames.append(df)
    if not frames:
        return pd.DataFrame(columns=["run", *PROBLEM_COLUMNS])
    out = pd.concat(frames, ignore_index=True)
    out["row"] = pd.to_numeric(out["row"], errors="coerce").astype("Int64")
    return out
