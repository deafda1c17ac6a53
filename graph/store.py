"""The narrow interface every graph back end implements: store → batched writer → read-only view.

    store = open_store(Settings.from_env(), workspace)
    with store.writer() as w:
        w.upsert_nodes(Label.FILING, [{"filing_id": "F1", "channel": "来信"}])
        w.replace_edges(model.FILED, [{"owner": "F1", "edges": [{"other": "P1", "props": {"score": 0.0}}]}])
    store.counts()   # {"Filing": 1, "Petitioner": 0, ..., "FILED": 0, ...}

Semantics shared by both back ends (tests/graph/test_store_contract.py holds them to it):
- `upsert_nodes` merges on the label's key and sets the given properties; a property given as None is removed,
  properties not given are kept.
- `replace_edges` takes, per owner node, the complete list of its edges of one kind: the owner's previous
  edges of that kind are removed and the new ones created. Loading the same rows again therefore yields the
  same graph, and a re-run after a crash completes a partial load. Edges whose other end does not exist are
  not written (load nodes first). One owner's edges must be unique by (other, spec.key values).
- `prune` deletes nodes of a label that are no longer the other end of any edge of the given kinds (e.g.
  petitioners left without filings after re-resolution); `delete_nodes` deletes nodes by key, with their
  edges.
- Every writer adds what it sends to its store's `sent` tally, so that an incremental update can be held to
  sending only what changed (tests/graph/test_incremental_contract.py counts through it).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol, TypeVar

from graph.model import EDGE_SPECS, Edge, EdgeSpec, Label, Node, OwnerRow, RelType, Row
from graph.settings import Settings

DEFAULT_BATCH = 10_000
T = TypeVar("T")

Dump = tuple[list[Node], list[Edge]]
"""All nodes and all edges, sorted: equal dumps mean equal graphs."""


def chunks(rows: Iterable[T], size: int) -> Iterator[list[T]]:
    """Consecutive lists of at most `size` items."""
    it = iter(rows)
    while batch := list(islice(it, size)):
        yield batch


@dataclass(slots=True)
class Sent:
    """Rows a store's writers have sent since the store was opened."""

    nodes: int = 0
    """Node rows upserted."""
    owners: int = 0
    """Owner rows whose edges of one kind were replaced (a row without edges removes the owner's)."""
    edges: int = 0
    """Edges written."""
    deleted: int = 0
    """Nodes deleted, by key or by pruning."""

    @property
    def rows(self) -> int:
        """Node rows, owner rows and deletions: what a writer sends, row by row."""
        return self.nodes + self.owners + self.deleted

    def since(self, before: Sent) -> Sent:
        """What was sent after `before` (a copy taken earlier) was taken."""
        return Sent(
            self.nodes - before.nodes,
            self.owners - before.owners,
            self.edges - before.edges,
            self.deleted - before.deleted,
        )

    def copy(self) -> Sent:
        return Sent(self.nodes, self.owners, self.edges, self.deleted)


class GraphWriter(ABC):
    """Writes into a store in batches. Obtained from `GraphStore.writer()`; use it as a context manager."""

    @abstractmethod
    def upsert_nodes(self, label: Label, rows: Iterable[Row], *, new: bool = False) -> int:
        """Merge nodes on `label.key`, set their properties; returns how many rows were written.

        new=True promises that none of these nodes exists yet, so a back end may create instead of merge
        (Neo4j's uniqueness constraint still refuses a duplicate key).
        """

    @abstractmethod
    def replace_edges(self, spec: EdgeSpec, rows: Iterable[OwnerRow], *, new: bool = False) -> int:
        """Replace each owner's edges of this kind by the given ones; returns how many edges were written.

        new=True promises that the owners have no edges of this kind yet (they were just created), so the
        back end may skip looking for old ones.
        """

    @abstractmethod
    def prune(self, label: Label, specs: Sequence[EdgeSpec]) -> int:
        """Delete nodes of `label` that are the other end of no edge of `specs`; returns how many."""

    @abstractmethod
    def delete_nodes(self, label: Label, keys: Iterable[str]) -> int:
        """Delete the nodes of `label` with these keys and every edge at them; returns how many existed."""


class GraphView(ABC):
    """Read-only access for queries. Each back end adds its own way in (memory: `.graph`; Neo4j: `.run()`)."""

    backend: str


class GraphStore(ABC):
    """A graph back end. Close it when done (or use it as a context manager)."""

    backend: str
    sent: Sent
    """What this store's writers have sent (each back end creates it when the store is opened)."""

    def target(self) -> str:
        """Which graph this is, for state kept about it elsewhere (a workspace's digests of what it holds):
        the back end's name, and for a server its address and database."""
        return self.backend

    @abstractmethod
    def writer(self) -> AbstractContextManager[GraphWriter]:
        """A batched writer; the schema exists before the first write; leaving the block persists."""

    @abstractmethod
    def view(self) -> GraphView:
        """Read-only access for queries."""

    @abstractmethod
    def ensure_schema(self) -> None:
        """Create the constraints and indexes of graph.schema if they are missing."""

    @abstractmethod
    def schema_names(self) -> set[str]:
        """Names of the constraints and indexes in force."""

    @abstractmethod
    def node_count(self, label: Label) -> int: ...

    @abstractmethod
    def edge_count(self, rel: RelType) -> int: ...

    @abstractmethod
    def canonical_dump(self) -> Dump:
        """Every node and edge with its properties, sorted; dates as datetime.date, lists as tuples."""

    @abstractmethod
    def clear(self) -> None:
        """Remove every node and edge of the caselink model (the schema stays)."""

    @abstractmethod
    def close(self) -> None: ...

    def prefetch(self, after: float = 0.0) -> None:
        """Start reading, in the background and `after` seconds from now, what the first query would
        otherwise wait for (the embedded store's graph); returns at once. Nothing to do by default."""
        return None

    def counts(self) -> dict[str, int]:
        """Nodes per label and edges per relationship type, e.g. {"Filing": 120, ..., "FILED": 120, ...}."""
        out = {str(label): self.node_count(label) for label in Label}
        out.update({str(rel): self.edge_count(rel) for rel in RelType})
        return out

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class HasGraphDir(Protocol):
    @property
    def graph_dir(self) -> Path: ...


def open_store(settings: Settings, workspace: HasGraphDir) -> GraphStore:
    """The store the settings ask for: Neo4j when configured, else the embedded store in the workspace.

    Raises graph.errors.StoreUnavailable when Neo4j cannot be reached or refuses the credentials.
    """
    if settings.backend == "neo4j":
        from graph.neo4j_store import Neo4jStore

        return Neo4jStore.from_settings(settings)
    from graph.memory_store import MemoryStore

    return MemoryStore(workspace.graph_dir)


def edge_kind_counts(edges: Iterable[Edge]) -> dict[str, int]:
    """Edges per spec name (src-REL->dst), handy in tests and reports."""
    return dict(Counter(f"{e.src_label}-{e.rel}->{e.dst_label}" for e in edges))


def spec_for(rel: str, src: str, dst: str) -> EdgeSpec | None:
    """The edge spec with this type and end labels, or None."""
    for spec in EDGE_SPECS:
        if spec.rel == rel and spec.src == src and spec.dst == dst:
            return spec
    return None


def dump_value(value: Any) -> Any:
    """A property value in dump form: lists become tuples."""
    return tuple(value) if isinstance(value, list) else value
