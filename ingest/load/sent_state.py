"""What the graph store holds, as digests kept in the workspace: WORKSPACE/graph/digests.arrow.

For each label a table: the node keys, the digest of each node (`node`) and of each of its edge lists by
kind (a column per edge kind the label owns, named as EdgeSpec.name), all from load/digests.py. The header
names the store the digests describe (GraphStore.target) and its node and edge counts after the last
complete update, so that a store changed behind the workspace's back (a database wiped, a graph file
deleted, another workspace loading into it) is noticed and loaded whole again.

A graph update first writes the digests with every row it is about to change marked UNKNOWN and no counts
(`dirty`), then changes the store, then writes the new digests with the store's counts. A run killed in
between leaves dirty digests: the next run sends every UNKNOWN row again (each write is idempotent), which
gives the graph an uninterrupted run gives, whatever the store received before the kill.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from graph.model import EDGE_SPECS, EdgeSpec, Label
from graph.state import StateError, column_values, numpy_of, read_state, write_state

DIGESTS_FILE = "digests.arrow"
KIND = "graph-digests"
FORMAT = 1
NODE = "node"
"""The column of node digests; the others are named after the edge kinds."""

Digests = np.ndarray[Any, np.dtype[np.uint64]]


def owned_specs(label: Label) -> tuple[EdgeSpec, ...]:
    """The edge kinds whose owner end has this label."""
    return tuple(s for s in EDGE_SPECS if s.owner_label == label)


def columns_of(label: Label) -> tuple[str, ...]:
    """The digest columns of a label: its nodes, then each edge kind it owns."""
    return (NODE, *(s.name for s in owned_specs(label)))


@dataclass(slots=True)
class LabelDigests:
    """The digests of one label's nodes: keys[i] has digest columns[c][i]."""

    keys: list[str]
    columns: dict[str, Digests]
    _position: dict[str, int] | None = None

    def position(self) -> dict[str, int]:
        """Key → row (built on first use)."""
        if self._position is None:
            self._position = dict(zip(self.keys, range(len(self.keys)), strict=True))
        return self._position


@dataclass(slots=True)
class SentState:
    """The digests of what a store holds, per label; `counts` None while an update is under way."""

    target: str
    counts: dict[str, int] | None
    labels: dict[Label, LabelDigests] = field(default_factory=dict)

    def __iter__(self) -> Iterator[tuple[Label, LabelDigests]]:
        return iter(self.labels.items())


def read_sent_state(state_dir: Path) -> SentState | None:
    """The digests kept in `state_dir`, or None when there are none or they cannot be read (the graph is
    then loaded whole, which is always right)."""
    path = state_dir / DIGESTS_FILE
    if not path.exists():
        return None
    try:
        meta, tables = read_state(path, KIND, FORMAT)
        state = SentState(str(meta["target"]), meta.get("counts"))
        for label in Label:
            table = tables.get(f"node:{label}")
            if table is None:
                continue
            keys = column_values(table.column("key"))
            cols = {c: numpy_of(table.column(c)).astype(np.uint64) for c in columns_of(label)}
            state.labels[label] = LabelDigests(keys, cols)
    except (OSError, StateError, KeyError, TypeError, ValueError):
        return None
    return state


def write_sent_state(state_dir: Path, state: SentState) -> None:
    """Write the digests atomically (graph.state)."""
    tables = {}
    for label, digests in state:
        columns: dict[str, pa.Array] = {"key": pa.array(digests.keys, pa.string())}
        columns.update({c: pa.array(digests.columns[c], pa.uint64()) for c in columns_of(label)})
        tables[f"node:{label}"] = pa.table(columns)
    write_state(
        state_dir / DIGESTS_FILE, KIND, FORMAT, tables, meta={"target": state.target, "counts": state.counts}
    )


def forget_sent_state(state_dir: Path) -> None:
    """Remove the digests: the next update loads the graph whole (before a full load, or after the graph
    was written another way, e.g. `caselink bulk`)."""
    (state_dir / DIGESTS_FILE).unlink(missing_ok=True)
