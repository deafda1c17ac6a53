"""What the overview, search, entity and path pages read: named queries, cached per store state.

Every reader takes the store's state token (`state()`), so a re-ingest (a new graph file, or new counts in
Neo4j) makes fresh results while repeated views of an unchanged store are served from the cache.

    frame("petitioner", petitioner_id="P1")     # a DataFrame with the query's columns
    overview(state(), date.today().isoformat())  # every aggregate of the overview page, one pass per query
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from dashboards import data
from queries.registry import DISPATCH_MARKERS
from queries.run import run_query

KINDS = ("petitioner", "filing", "issue", "unit")
"""Entity pages, by the `kind` query parameter of the details page."""

LABEL_OF_KIND = {"petitioner": "Petitioner", "filing": "Filing", "issue": "Issue", "unit": "Unit"}
KIND_OF_LABEL = {v: k for k, v in LABEL_OF_KIND.items()}

_SEPARATORS = re.compile(r"[\s\-‐–—_.()（）]+")
_DIGITS_LIKE = re.compile(r"[0-9xX*＊]+")


def state() -> str:
    """A token that changes whenever the store's data does (graph file stamp, or Neo4j counts)."""
    store = data.store()
    path = getattr(store, "path", None)
    if path is not None:
        try:
            st_ = path.stat()
        except FileNotFoundError:
            return f"{store.backend}:empty"
        return f"{store.backend}:{path}:{st_.st_mtime_ns}:{st_.st_size}"
    counts = data.counts()
    return f"{store.backend}:" + ",".join(f"{k}={v}" for k, v in sorted(counts.items()))


def search_text(raw: str) -> str:
    """What a clerk typed, ready for the search query: trimmed; an ID number or phone written with spaces,
    dashes or brackets loses them (IDs end in upper-case X), so '138 1234-5678' finds 13812345678.

    >>> search_text(" 138 1234-5678 "), search_text("110101 19900307 123x"), search_text("138 **** 5678")
    ('13812345678', '11010119900307123X', '138****5678')
    """
    text = raw.strip()
    compact = _SEPARATORS.sub("", text)
    if len(compact) >= 4 and _DIGITS_LIKE.fullmatch(compact) and any(c.isdigit() for c in compact):
        return compact.upper()
    return text


_MASKED = re.compile(r"([0-9]*)[*＊]+([0-9xX]{4,})")


def masked_pattern(text: str) -> re.Pattern[str] | None:
    """For a masked ID number or phone as shown on screens and exports ('138****5678',
    '110***********1234'), a pattern the full number must match; None for any other text.

    >>> bool(masked_pattern("138****5678").fullmatch("13812345678")), masked_pattern("张三")
    (True, None)
    """
    found = _MASKED.fullmatch(text)
    if not found:
        return None
    head, tail = found.groups()
    stars = len(text) - len(head) - len(tail)
    return re.compile(re.escape(head) + rf"[0-9]{{{stars}}}" + re.escape(tail.upper()))


def search(raw: str, limit: int) -> pd.DataFrame:
    """The search query's rows for what a clerk typed; a masked number searches by its last digits and keeps
    the petitioners whose full ID number or phone fits the mask."""
    text = search_text(raw)
    pattern = masked_pattern(text)
    if pattern is None:
        return frame("search", text=text, limit=limit)
    tail = _MASKED.fullmatch(text).group(2).upper()  # type: ignore[union-attr]
    found = frame("search", text=tail, limit=max(limit, 1000))
    fits = [
        any(isinstance(v, str) and pattern.fullmatch(v) for v in (idn, phone))
        for idn, phone in zip(found["id_number"], found["phone"], strict=True)
    ]
    return found[fits].assign(rank=1).head(limit).reset_index(drop=True)


def frame(name: str, **params: Any) -> pd.DataFrame:
    """The result of a named query as a DataFrame (cached for this store state)."""
    items = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in params.items()))
    return _frame(name, items, state())


@st.cache_data(max_entries=256, show_spinner=False)
def _frame(name: str, items: tuple[tuple[str, Any], ...], state_token: str) -> pd.DataFrame:
    params = {k: list(v) if isinstance(v, tuple) else v for k, v in items}
    result = run_query(name, data.store(), params)
    return pd.DataFrame(result.rows, columns=result.columns)


# --- overview -----------------------------------------------------------------------------------------------


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


def overview(as_of: str | None = None) -> Overview:
    """The overview aggregates for today (or `as_of`), cached per store state and day."""
    return _overview(state(), as_of or date.today().isoformat(), _LAYOUT)


@st.cache_data(max_entries=4, show_spinner=False, persist="disk")
def _overview(state_token: str, as_of: str, layout: str) -> Overview:
    # kept on disk too: after a server restart the first page needs neither the graph nor the queries;
    # `layout` (the field names) keeps a saved Overview of an older caselink from being read back
    store = data.store()
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
    )


_LAYOUT = ",".join(f.name for f in fields(Overview))


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


def _county_label(trends: pd.DataFrame) -> pd.Series:
    names = trends["county_name"].where(trends["county_name"].notna(), trends["county"])
    return names.fillna("(空)")
