"""The embedded back end: a networkx MultiDiGraph kept in the workspace (graph/graph.pickle).

Nodes are identified by (label, key), e.g. ("Filing", "F-0001"); their data are the stored properties (the
key included). Edges are keyed by (relationship type, *spec.key values), e.g. ("ROUTED", 2) or ("FILED",);
their data are the stored properties. The file is written atomically (temporary file, then os.replace) when a
writer block ends without error, and read lazily on first use (then kept out of the garbage collector's
sight with gc.freeze until close()); a failed writer block leaves the file alone.
"""

from __future__ import annotations

import gc
import pickle
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import networkx as nx

from graph.atomic import read_pickle, write_atomically
from graph.errors import GraphError
from graph.model import Edge, EdgeSpec, Label, Node, OwnerRow, RelType, Row, freeze_props
from graph.schema import CONSTRAINTS, INDEXES
from graph.store import Dump, GraphStore, GraphView, GraphWriter

FILE_NAME = "graph.pickle"
FORMAT = 1

NodeId = tuple[str, str]


class MemoryView(GraphView):
    """Read-only access: `graph` is a frozen view of the MultiDiGraph (ids and keys: see the module doc)."""

    backend = "embedded"

    def __init__(self, graph: nx.MultiDiGraph) -> None:
        self.graph: nx.MultiDiGraph = graph.copy(as_view=True)

    def node(self, label: Label, key: str) -> dict[str, Any] | None:
        """The properties of one node, or None."""
        data: dict[str, Any] | None = self.graph.nodes.get((str(label), key))
        return data

    def nodes(self, label: Label) -> Iterator[tuple[str, dict[str, Any]]]:
        """(key, properties) of every node with this label."""
        name = str(label)
        for (lab, key), data in self.graph.nodes(data=True):
            if lab == name:
                yield key, data


class MemoryWriter(GraphWriter):
    def __init__(self, graph: nx.MultiDiGraph) -> None:
        self.g = graph

    def upsert_nodes(self, label: Label, rows: Iterable[Row], *, new: bool = False) -> int:
        g, name, key_prop, n = self.g, str(label), label.key, 0
        nodes = g._node  # direct access: add_node per row is several times slower
        for row in rows:
            nid = (name, str(row[key_prop]))
            data = nodes.get(nid)
            if data is None:
                g.add_node(nid)
                data = nodes[nid]
            for k, v in row.items():
                if v is None:
                    data.pop(k, None)
                else:
                    data[k] = list(v) if isinstance(v, tuple) else v
            n += 1
        return n

    def replace_edges(self, spec: EdgeSpec, rows: Iterable[OwnerRow], *, new: bool = False) -> int:
        g, n = self.g, 0
        owner_label, other_label, rel = str(spec.owner_label), str(spec.other_label), str(spec.rel)
        owner_is_src = spec.owner == "src"
        for row in rows:
            owner = (owner_label, str(row["owner"]))
            if owner not in g:
                continue
            if not new:
                g.remove_edges_from(_edges_at(g, owner, owner_is_src, rel, other_label))
            for e in row["edges"]:
                other = (other_label, str(e["other"]))
                if other not in g:
                    continue
                props = {
                    k: (list(v) if isinstance(v, tuple) else v)
                    for k, v in e["props"].items()
                    if v is not None
                }
                key = (rel, *(props.get(k) for k in spec.key))
                if owner_is_src:
                    g.add_edge(owner, other, key=key, **props)
                else:
                    g.add_edge(other, owner, key=key, **props)
                n += 1
        return n

    def prune(self, label: Label, specs: Sequence[EdgeSpec]) -> int:
        g, name = self.g, str(label)
        doomed = [
            nid
            for nid in g.nodes
            if nid[0] == name
            and not any(_edges_at(g, nid, s.owner != "src", str(s.rel), str(s.owner_label)) for s in specs)
        ]
        g.remove_nodes_from(doomed)
        return len(doomed)


def _edges_at(
    g: nx.MultiDiGraph, node: NodeId, outgoing: bool, rel: str, other_label: str
) -> list[tuple[NodeId, NodeId, tuple[Any, ...]]]:
    """Edges of type `rel` at `node` (outgoing or incoming) whose other end has `other_label`."""
    if outgoing:
        return [(u, v, k) for u, v, k in g.out_edges(node, keys=True) if k[0] == rel and v[0] == other_label]
    return [(u, v, k) for u, v, k in g.in_edges(node, keys=True) if k[0] == rel and u[0] == other_label]


class MemoryStore(GraphStore):
    """The embedded store: persisted in `graph_dir`, the default when no Neo4j URI is configured."""

    backend = "embedded"

    def __init__(self, graph_dir: Path) -> None:
        self.graph_dir = Path(graph_dir)
        self.path = self.graph_dir / FILE_NAME
        self._graph: nx.MultiDiGraph | None = None
        self._reading = threading.Lock()
        """Held while the graph is read: a query arriving meanwhile waits for that read, not a second one."""
        self._prefetching = False

    @property
    def graph(self) -> nx.MultiDiGraph:
        """The graph, read from disk on first use (empty when nothing was saved yet)."""
        graph = self._graph
        if graph is None:
            with self._reading:
                if self._graph is None:
                    self._graph = self._read()
                graph = self._graph
        return graph

    def prefetch(self, after: float = 0.0) -> None:
        """Read the graph in a background thread (once), so that the first query finds it in memory. The
        dashboards start it a second after their first page is drawn (reading sooner would hold up the
        sending of that page: the reader holds the interpreter lock for most of its ~5 s at 200k filings)."""
        if self._graph is None and not self._prefetching and self.path.exists():
            self._prefetching = True
            threading.Thread(
                target=self._prefetch, args=(after,), name="caselink-graph-prefetch", daemon=True
            ).start()

    def _prefetch(self, after: float) -> None:
        time.sleep(after)
        with suppress(GraphError):  # the first query reports it
            _ = self.graph

    def _read(self) -> nx.MultiDiGraph:
        if not self.path.exists():
            return nx.MultiDiGraph()
        try:
            saved = read_pickle(self.path)
        except (OSError, pickle.UnpicklingError, EOFError) as exc:
            raise GraphError(
                f"The embedded graph {self.path} cannot be read ({exc}); "
                "delete it and run `caselink ingest` again."
            ) from exc
        if not isinstance(saved, dict) or saved.get("format") != FORMAT:
            raise GraphError(
                f"{self.path} was written by another caselink version; delete it and ingest again."
            )
        graph: nx.MultiDiGraph = saved["graph"]
        # The graph lives as long as the store and holds no garbage: frozen out of the collector's sight, no
        # later collection walks its millions of containers (200k filings: ~3M, 1-1.5 s a walk; the first
        # walks come right after reading). close() hands them back.
        gc.freeze()
        return graph

    def save(self) -> None:
        """Write the graph atomically: a reader sees the old file or the new one, never half of one."""
        saved = {"format": FORMAT, "graph": self.graph}
        write_atomically(self.path, lambda fh: pickle.dump(saved, fh, protocol=pickle.HIGHEST_PROTOCOL))

    @contextmanager
    def writer(self) -> Iterator[GraphWriter]:
        try:
            yield MemoryWriter(self.graph)
        except BaseException:
            self._graph = None  # drop unsaved changes; the file still holds the last good state
            raise
        self.save()

    def view(self) -> MemoryView:
        return MemoryView(self.graph)

    def ensure_schema(self) -> None:
        """Nothing to create: nodes are keyed by (label, key), which makes keys unique by construction."""

    def schema_names(self) -> set[str]:
        return {c.name for c in CONSTRAINTS} | {i.name for i in INDEXES}

    def node_count(self, label: Label) -> int:
        name = str(label)
        return sum(1 for lab, _ in self.graph.nodes if lab == name)

    def edge_count(self, rel: RelType) -> int:
        name = str(rel)
        return sum(1 for _, _, k in self.graph.edges(keys=True) if k[0] == name)

    def counts(self) -> dict[str, int]:
        """One pass over nodes and edges (the base class would make one per label and type)."""
        out = dict.fromkeys([str(label) for label in Label] + [str(rel) for rel in RelType], 0)
        for lab, _ in self.graph.nodes:
            out[lab] = out.get(lab, 0) + 1
        for _, _, k in self.graph.edges(keys=True):
            out[k[0]] = out.get(k[0], 0) + 1
        return out

    def canonical_dump(self) -> Dump:
        g = self.graph
        nodes = sorted(Node(lab, key, freeze_props(data)) for (lab, key), data in g.nodes(data=True))
        edges = sorted(
            Edge(k[0], u[0], u[1], v[0], v[1], freeze_props(data))
            for u, v, k, data in g.edges(keys=True, data=True)
        )
        return nodes, edges

    def clear(self) -> None:
        self._graph = nx.MultiDiGraph()
        self.save()

    def close(self) -> None:
        with self._reading:  # a read in progress finishes first, then its graph is let go too
            if self._graph is not None:
                self._graph = None
                gc.unfreeze()  # what _read() froze (and anything frozen since) can be collected again
