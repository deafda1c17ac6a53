"""The overview's aggregates (trends, bounced units and pairs, overdue count) from the named queries.

Computing them reads the whole graph, which on a large workspace takes long enough that the dashboards'
first page would wait for it; so `caselink ingest` computes them once after loading and saves them in the
workspace (`save_overview`), and the overview page reads them back (`load_overview`) as long as the graph
has not changed since (`store_state`) and the day is the same (the overdue count depends on the day). The
file is a graph.state file: the tables as Arrow tables, the rest as JSON (no pickle, which runs code).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from graph.state import StateError, read_state, write_state
from graph.store import GraphStore
from queries.registry import DISPATCH_MARKERS
from queries.run import run_query

OVERVIEW_FILE = "overview.arrow"
"""Where the saved aggregates live, in the workspace's index folder (overview.pickle before: never read)."""
_FORMAT = 1


@dataclass(frozen=True, slots=True)
class Overview:
    """The overview page's aggregates: trend rows, bounced-case units and pairs, the overdue count."""

    counts: dict[str, int]
    """Nodes per label and edges per type, as GraphStore.counts() gives them."""
    by_month: pd.DataFrame
    """month, filings, concluded: in time order."""
    by_channel: pd.DataFrame
    by_category: pd.DataFrame
    by_county: pd.DataFrame
    """channel / category / county (its name), filings, concluded: largest first."""
    month_channel: pd.DataFrame
    """Filings per month (rows) and channel (columns)."""
    bounced_units: pd.DataFrame
    """unit_id, unit, bounced_filings: handling units on the most bounced routing chains, most first."""
    bounce_pairs: pd.DataFrame
    """unit-bounce-pairs rows, most bounces first."""
    bounced_filings: int
    overdue: int
    county_names: dict[str, str]
    """County code -> name of the counties in the trend rows (labels units: their ids start with the code)."""


def compute_overview(store: GraphStore, as_of: str) -> Overview:
    """Every aggregate of the overview page for the day `as_of` (ISO date), one pass per query."""
    trends = run_query("overview-trends", store, {})
    bounced = run_query("bounced-cases", store, {}).records()
    pairs = run_query("unit-bounce-pairs", store, {})
    overdue = run_query("overdue", store, {"as_of": as_of})
    rows = pd.DataFrame(trends.rows, columns=trends.columns)
    return Overview(
        counts=store.counts(),
        by_month=trend_by(rows, "month"),
        by_channel=trend_by(rows, "channel"),
        by_category=trend_by(rows, "category"),
        by_county=trend_by(rows, "county"),
        month_channel=month_by_channel(rows),
        bounced_units=bounced_units(bounced),
        bounce_pairs=pd.DataFrame(pairs.rows, columns=pairs.columns),
        bounced_filings=len(bounced),
        overdue=len(overdue.rows),
        county_names=county_names(rows),
    )


_LAYOUT = ",".join(f.name for f in fields(Overview))
"""The field names: keeps a saved Overview of an older caselink from being read back."""


def store_state(store: GraphStore) -> str:
    """A token that changes whenever the store's data does (embedded graph file stamp, or Neo4j counts)."""
    path = getattr(store, "path", None)
    if path is not None:
        try:
            stat = Path(path).stat()
        except FileNotFoundError:
            return f"{store.backend}:empty"
        return f"{store.backend}:{Path(path).resolve()}:{stat.st_mtime_ns}:{stat.st_size}"
    return f"{store.backend}:" + ",".join(f"{k}={v}" for k, v in sorted(store.counts().items()))


def save_overview(path: Path, state: str, as_of: str, overview: Overview) -> None:
    """Keep `overview` for the store state and day it was computed for (written atomically)."""
    tables: dict[str, pa.Table] = {}
    meta: dict[str, Any] = {"layout": _LAYOUT, "state": state, "as_of": as_of}
    for f in fields(Overview):
        value = getattr(overview, f.name)
        if isinstance(value, pd.DataFrame):
            tables[f.name] = pa.Table.from_pandas(value, preserve_index=f.name == "month_channel")
        else:
            meta[f.name] = value
    write_state(path, "overview", _FORMAT, tables, meta)


def load_overview(path: Path, state: str, as_of: str) -> Overview | None:
    """The saved overview if it was computed for this store state and day, else None."""
    try:
        meta, tables = read_state(path, "overview", _FORMAT)
    except (OSError, StateError):
        return None
    if (meta.get("layout"), meta.get("state"), meta.get("as_of")) != (_LAYOUT, state, as_of):
        return None
    try:
        values = {
            f.name: tables[f.name].to_pandas() if f.name in tables else meta[f.name] for f in fields(Overview)
        }
        return Overview(**values)
    except (KeyError, TypeError, ValueError, pa.ArrowException):
        return None


def bounced_units(bounced: list[dict[str, Any]], markers: tuple[str, ...] = DISPATCH_MARKERS) -> pd.DataFrame:
    """Handling units by the number of bounced filings whose chain visits them (dispatch-only units left out).

    >>> rows = [{"chain": ["信访局", "A局", "B局"], "chain_unit_ids": ["U0", "U1", "U2"]},
    ...         {"chain": ["A局", "C局", "A局"], "chain_unit_ids": ["U1", "U3", "U1"]}]
    >>> bounced_units(rows).values.tolist()
    [['U1', 'A局', 2], ['U2', 'B局', 1], ['U3', 'C局', 1]]
    """
    counts: Counter[str] = Counter()
    names: dict[str, str] = {}
    for row in bounced:
        seen = set()
        for uid, name in zip(row["chain_unit_ids"], row["chain"], strict=True):
            if uid is None or any(m in (name or "") for m in markers):
                continue
            names[uid] = name or uid
            seen.add(uid)
        counts.update(seen)
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return pd.DataFrame(
        [(uid, names[uid], n) for uid, n in ranked], columns=["unit_id", "unit", "bounced_filings"]
    )


def trend_by(trends: pd.DataFrame, column: str) -> pd.DataFrame:
    """Filings summed by one column of the trend rows ('(空)' for empty values), largest first
    (month: in time order)."""
    if trends.empty:
        return pd.DataFrame(columns=[column, "filings", "concluded"])
    key = trends[column].fillna("(空)") if column != "county" else _county_label(trends)
    out = trends.assign(**{column: key}).groupby(column, as_index=False)[["filings", "concluded"]].sum()
    if column == "month":
        return out.sort_values(column).reset_index(drop=True)
    return out.sort_values(["filings", column], ascending=[False, True]).reset_index(drop=True)


def month_by_channel(trends: pd.DataFrame) -> pd.DataFrame:
    """Filings per month (index, in time order) and channel (one column each, '(空)' for none)."""
    if trends.empty:
        return pd.DataFrame()
    return trends.assign(channel=trends["channel"].fillna("(空)")).pivot_table(
        index="month", columns="channel", values="filings", aggfunc="sum", fill_value=0
    )


def county_names(trends: pd.DataFrame) -> dict[str, str]:
    """County code -> name from the trend rows (counties without a name left out).

    >>> trends = pd.DataFrame({"county": ["130623", "130624", None], "county_name": ["涞水县", None, None]})
    >>> county_names(trends)
    {'130623': '涞水县'}
    """
    if trends.empty:
        return {}
    named = trends[trends["county"].notna() & trends["county_name"].notna()]
    return dict(zip(named["county"], named["county_name"], strict=True))


def _county_label(trends: pd.DataFrame) -> pd.Series:
    names = trends["county_name"].where(trends["county_name"].notna(), trends["county"])
    return names.fillna("(空)")
