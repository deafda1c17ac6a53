"""What the overview, search, entity and path pages read: named queries, cached per store state.

Every reader takes the store's state token (`state()`), so a re-ingest (a new graph file, or new counts in
Neo4j) makes fresh results while repeated views of an unchanged store are served from the cache.

    frame("petitioner", petitioner_id="P1")     # a DataFrame with the query's columns
    overview(state(), date.today().isoformat())  # every aggregate of the overview page, one pass per query
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from dashboards import data
from queries.overview import (  # noqa: F401  (trend_by etc. re-exported for the pages)
    OVERVIEW_FILE,
    Overview,
    bounced_units,
    compute_overview,
    load_overview,
    month_by_channel,
    save_overview,
    store_state,
    trend_by,
)
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
    if getattr(store, "path", None) is None:
        counts = data.counts()  # cached briefly: Neo4j is not asked on every rerun
        return f"{store.backend}:" + ",".join(f"{k}={v}" for k, v in sorted(counts.items()))
    return store_state(store)


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
    if pattern is None:  # a person before their filings (a name or number finds both, at the same rank)
        found = frame("search", text=text, limit=limit)
        first = found.assign(later=found["label"] != "Petitioner")
        first = first.sort_values(["rank", "later"], kind="stable")
        return first.drop(columns="later").reset_index(drop=True)
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


def overview(as_of: str | None = None) -> Overview:
    """The overview aggregates for today (or `as_of`): those `caselink ingest` saved in the workspace if
    the graph has not changed since, else computed once per store state and day (and saved)."""
    day = as_of or date.today().isoformat()
    token = state()
    path = data.workspace().index_dir / OVERVIEW_FILE
    return load_overview(path, token, day) or _overview(token, day, str(path))


@st.cache_data(max_entries=4, show_spinner=False)
def _overview(state_token: str, as_of: str, path: str) -> Overview:
    result = compute_overview(data.store(), as_of)
    save_overview(Path(path), state_token, as_of, result)
    return result
