"""The embedded back end: a networkx MultiDiGraph kept in the workspace (graph/graph.arrow).

Nodes are identified by (label, key), e.g. ("Filing", "F-0001"); their data are the stored properties (the
key included). Edges are keyed by (relationship type, *spec.key values), e.g. ("ROUTED", 2) or ("FILED",);
their data are the stored properties. The file is written atomically (temporary file, then os.replace) when a
writer block ends without error, and read lazily on first use (then kept out of the garbage collector's
sight with gc.freeze until close()); a failed writer block leaves the file alone.

The file is a graph.state file (Arrow tables, no pickle: a pickle runs code when loaded): one table of nodes
per label (`_id` and the properties, typed as graph.model declares them) and one of edges per relationship
type (`_src`, `_dst` as positions in the node order, and the properties), plus the sequences of labels and
types in the graph's own order, so that the graph read back iterates its nodes and edges as the one saved.
"""

from __future__ import annotations

import gc
import json
import operator
import threading
import time
from collections import Counter, deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from itertools import repeat
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pyarrow as pa

from graph.errors import GraphError
from graph.model import (
    EDGE_SPECS,
    NODE_PROPS,
    Edge,
    EdgeSpec,
    Label,
    Node,
    OwnerRow,
    RelType,
    Row,
    freeze_props,
)
from graph.schema import CONSTRAINTS, INDEXES
from graph.state import OldFormat, StateError, column_values, numpy_of, read_state, write_state
from graph.store import Dump, GraphStore, GraphView, GraphWriter, Sent

FILE_NAME = "graph.arrow"
FORMAT = 2
"""2: Arrow tables (graph.state); 1 was a pickle (graph.pickle), never read now."""
OLD_FILE_NAME = "graph.pickle"

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
    def __init__(self, graph: nx.MultiDiGraph, sent: Sent | None = None) -> None:
        self.g = graph
        self.sent = Sent() if sent is None else sent

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
        self.sent.nodes += n
        return n

    def replace_edges(self, spec: EdgeSpec, rows: Iterable[OwnerRow], *, new: bool = False) -> int:
        g, n, owners = self.g, 0, 0
        owner_label, other_label, rel = str(spec.owner_label), str(spec.other_label), str(spec.rel)
        owner_is_src = spec.owner == "src"
        for row in rows:
            owners += 1
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
        self.sent.owners += owners
        self.sent.edges += n
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
        self.sent.deleted += len(doomed)
        return len(doomed)

    def delete_nodes(self, label: Label, keys: Iterable[str]) -> int:
        g, name = self.g, str(label)
        doomed = [nid for nid in ((name, str(k)) for k in keys) if nid in g]
        g.remove_nodes_from(doomed)
        self.sent.deleted += len(doomed)
        return len(doomed)


def _edges_at(
    g: nx.MultiDiGraph, node: NodeId, outgoing: bool, rel: str, other_label: str
) -> list[tuple[NodeId, NodeId, tuple[Any, ...]]]:
    """Edges of type `rel` at `node` (outgoing or incoming) whose other end has `other_label`.

    Read from the graph's adjacency dicts: networkx's edge views cost ~10× more per call, and an update
    asks this once per owner row."""
    if outgoing:
        succ = g._succ[node]
        return [(node, v, k) for v, keys in succ.items() if v[0] == other_label for k in keys if k[0] == rel]
    pred = g._pred[node]
    return [(u, node, k) for u, keys in pred.items() if u[0] == other_label for k in keys if k[0] == rel]


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
        self.sent = Sent()

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
            if (self.graph_dir / OLD_FILE_NAME).exists():
                raise GraphError(old_workspace_message(self.graph_dir / OLD_FILE_NAME))
            return nx.MultiDiGraph()
        collecting = gc.isenabled()
        gc.disable()  # millions of containers are built, none of them garbage (see graph_from_tables)
        try:
            _, tables = read_state(self.path, "graph", FORMAT)
            graph = graph_from_tables(tables)
            del tables
            # The graph lives as long as the store and holds no garbage: frozen out of the collector's sight,
            # no later collection walks its millions of containers (200k filings: ~3M, 1-2 s a walk). Frozen
            # before the collector is enabled again: the first allocation after that would start a walk of
            # everything made while it was off. close() hands them back.
            gc.freeze()
        except OldFormat:
            raise GraphError(old_workspace_message(self.path)) from None
        except (OSError, StateError, KeyError, ValueError, IndexError) as exc:
            raise GraphError(
                f"The embedded graph {self.path} cannot be read ({exc}); "
                "delete it and run `caselink ingest` again."
            ) from exc
        finally:
            if collecting:
                gc.enable()
        return graph

    def save(self) -> None:
        """Write the graph atomically: a reader sees the old file or the new one, never half of one."""
        write_state(self.path, "graph", FORMAT, graph_tables(self.graph))

    @contextmanager
    def writer(self) -> Iterator[GraphWriter]:
        try:
            yield MemoryWriter(self.graph, self.sent)
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
        """One pass over the adjacency dicts (the base class would make one per label and type, and
        networkx's edge views cost several times more per edge)."""
        g = self.graph
        labels = Counter(lab for lab, _ in g._node)
        rels = Counter(k[0] for nbrs in g._succ.values() for keys in nbrs.values() for k in keys)
        out = dict.fromkeys([str(label) for label in Label] + [str(rel) for rel in RelType], 0)
        out.update(labels)
        out.update(rels)
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


def old_workspace_message(path: Path) -> str:
    """What to do with a workspace whose state an older caselink kept as pickles (never loaded now)."""
    return (
        f"{path} 是旧版 caselink 写入的 pickle 文件；为安全起见（pickle 在读取时可以执行代码）不再读取。"
        "请把原始文件重新导入一个新的工作区：caselink ingest FILINGS --transfers TRANSFERS "
        "--workspace 新目录，确认无误后删除旧工作区。 / "
        f"{path} is a pickle written by an older caselink; it is no longer read, because a pickle can run "
        "code when it is loaded. Ingest your input files again into a new workspace (caselink ingest FILINGS "
        "--transfers TRANSFERS --workspace NEW_DIR), check it, then delete the old workspace."
    )


_ARROW_TYPES: dict[str, pa.DataType] = {
    "string": pa.string(),
    "long": pa.int64(),
    "double": pa.float64(),
    "boolean": pa.bool_(),
    "date": pa.date32(),
    "string[]": pa.list_(pa.string()),
}
_STRING_LISTS = pa.list_(pa.dictionary(pa.int32(), pa.string()))
"""Lists of strings are written with their strings dictionary-encoded: the reasons of a match repeat (200k
filings: 2.2M strings, 16k distinct), and reading them back makes each distinct string once."""
_REL_KEYS: dict[str, tuple[str, ...]] = {str(s.rel): s.key for s in EDGE_SPECS}
_JSON_COLUMNS = b"json_columns"


def _typed_column(values: list[Any], declared: str | None) -> tuple[pa.Array, bool]:
    """(array, whether it holds JSON text): of the declared type, else of Arrow's guess, else as JSON.
    Strings and dates are dictionary-encoded: most repeat (units, actions, dates), and reading them back
    makes each distinct value once (see _values)."""
    types = [_ARROW_TYPES[declared]] if declared in _ARROW_TYPES else []
    for type_ in [*types, None]:
        try:
            array = pa.array(values, type=type_)
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, OverflowError):
            continue
        if pa.types.is_string(array.type) or pa.types.is_date32(array.type):
            array = array.dictionary_encode()
        elif pa.types.is_list(array.type) and pa.types.is_string(array.type.value_type):
            array = pa.array(values, _STRING_LISTS)
        return array, False
    text = [None if v is None else json.dumps(v, ensure_ascii=False, default=str) for v in values]
    return pa.array(text, pa.string()), True


def _values(column: pa.ChunkedArray) -> list[Any]:
    """A column as Python values (graph.state.column_values); lists of strings as new lists whose strings,
    dictionary-encoded as graph_tables writes them, are made once per distinct value."""
    if column.num_chunks == 0 or not pa.types.is_list(column.type):
        return column_values(column)
    array = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
    value_type = array.type.value_type
    flat = array.flatten()
    coded = pa.types.is_dictionary(value_type) and pa.types.is_string(value_type.value_type)
    if coded and not flat.null_count:
        lookup = flat.dictionary.to_pylist()
        items = list(map(lookup.__getitem__, numpy_of(flat.indices).tolist()))
    elif pa.types.is_string(value_type):
        items = flat.to_pylist()
    else:
        values: list[Any] = array.to_pylist()
        return values
    offsets = numpy_of(array.offsets)
    if len(offsets) and offsets[0]:  # flatten() starts at the first offset
        offsets = offsets - offsets[0]
    offsets = offsets.tolist()
    lists: list[Any] = list(map(items.__getitem__, map(slice, offsets, offsets[1:])))
    if array.null_count:
        for i in np.flatnonzero(~_valid(column)).tolist():
            lists[i] = None
    return lists


def _table(columns: dict[str, pa.Array], json_names: list[str]) -> pa.Table:
    meta = {_JSON_COLUMNS: json.dumps(json_names).encode()} if json_names else None
    return pa.table(columns, metadata=meta)


def _props_table(
    head: dict[str, pa.Array], datas: list[dict[str, Any]], declared: Mapping[str, str]
) -> pa.Table:
    names = list(declared)
    extra = sorted({k for d in datas for k in d} - set(names))
    columns = dict(head)
    json_names: list[str] = []
    for name in [*names, *extra]:
        values = [d.get(name) for d in datas]
        if name not in declared and all(v is None for v in values):
            continue
        columns[name], is_json = _typed_column(values, declared.get(name))
        if is_json:
            json_names.append(name)
    return _table(columns, json_names)


def graph_tables(g: nx.MultiDiGraph) -> dict[str, pa.Table]:
    """The graph as Arrow tables (see the module doc); graph_from_tables reads them back."""
    nodes = g._node
    position = {nid: i for i, nid in enumerate(nodes)}
    labels = sorted({lab for lab, _ in nodes})
    code = {lab: i for i, lab in enumerate(labels)}
    by_label: dict[str, tuple[list[str], list[dict[str, Any]]]] = {lab: ([], []) for lab in labels}
    for (lab, key), data in nodes.items():
        ids, datas = by_label[lab]
        ids.append(key)
        datas.append(data)
    tables: dict[str, pa.Table] = {}
    for lab, (ids, datas) in by_label.items():
        declared = dict(NODE_PROPS.get(Label(lab), ())) if lab in set(map(str, Label)) else {}
        tables[f"node:{lab}"] = _props_table({"_id": pa.array(ids, pa.string())}, datas, declared)
    node_order = [code[lab] for lab, _ in nodes]
    rels: dict[str, tuple[list[int], list[int], list[Any], list[dict[str, Any]]]] = {}
    edge_order: list[str] = []
    for u, nbrs in g._succ.items():
        pu = position[u]
        for v, keydict in nbrs.items():
            pv = position[v]
            for key, data in keydict.items():
                rel = key[0]
                entry = rels.get(rel)
                if entry is None:
                    entry = rels[rel] = ([], [], [], [])
                entry[0].append(pu)
                entry[1].append(pv)
                entry[2].append(key)
                entry[3].append(data)
                edge_order.append(rel)
    rel_names = sorted(rels)
    rel_code = {rel: i for i, rel in enumerate(rel_names)}
    specs = {str(s.rel): s for s in EDGE_SPECS}
    for rel, (src, dst, keys, datas) in rels.items():
        declared = dict(specs[rel].props) if rel in specs else {}
        head: dict[str, pa.Array] = {"_src": pa.array(src, pa.int32()), "_dst": pa.array(dst, pa.int32())}
        spec_key = _REL_KEYS.get(rel)
        if spec_key is None or any(
            k != (rel, *(d.get(p) for p in spec_key)) for k, d in zip(keys, datas, strict=True)
        ):
            head["_key"] = pa.array([json.dumps(list(k[1:]), default=str) for k in keys], pa.string())
        tables[f"edge:{rel}"] = _props_table(head, datas, declared)
    names = {"labels": [json.dumps(labels)], "rels": [json.dumps(rel_names)]}
    tables["order"] = pa.table({k: pa.array(v, pa.string()) for k, v in names.items()})
    tables["node_order"] = pa.table({"code": pa.array(node_order, pa.uint16())})
    tables["edge_order"] = pa.table({"code": pa.array([rel_code[r] for r in edge_order], pa.uint16())})
    return tables


def _rows(table: pa.Table, skip: int) -> list[dict[str, Any]]:
    """The property dicts of a table's rows (its first `skip` columns left out, nulls dropped, keys in column
    order).

    Each row is made whole by `dict(zip(names, row))` over the columns (in C, not one cell at a time), then
    the null cells are taken out column by column: rows are read in order, never gathered from all over
    memory, and only the null cells cost a step each.
    """
    meta = table.schema.metadata or {}
    json_names = set(json.loads(meta[_JSON_COLUMNS])) if _JSON_COLUMNS in meta else set()
    names = table.column_names[skip:]
    if not names:
        return [{} for _ in range(table.num_rows)]
    cols: list[list[Any]] = []
    for name in names:
        values = _values(table.column(name))
        if name in json_names:
            values = [None if v is None else json.loads(v) for v in values]
        cols.append(values)
    rows = list(map(dict, map(zip, repeat(names), zip(*cols, strict=True))))
    for name in names:
        column = table.column(name)
        if column.null_count:
            gaps = np.flatnonzero(~_valid(column)).tolist()
            deque(map(operator.delitem, map(rows.__getitem__, gaps), repeat(name)), maxlen=0)
    return rows


def _valid(column: pa.ChunkedArray) -> np.ndarray[Any, Any]:
    """Which rows of a column hold a value (a bool array read from the validity bitmap)."""
    array = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
    bitmap = array.buffers()[0]
    if bitmap is None:
        return np.full(len(array), array.null_count == 0)
    bits = np.unpackbits(np.frombuffer(bitmap, np.uint8), bitorder="little")
    return bits[array.offset : array.offset + len(array)].astype(bool)


def _in_order(codes: np.ndarray[Any, Any], parts: list[list[Any]]) -> list[Any]:
    """The items of `parts` (part c: the items whose code is c, in their order) interleaved as `codes` says:
    item i of the result is the next unused item of part codes[i]."""
    joined = [x for part in parts for x in part]
    order = np.argsort(codes, kind="stable")
    rank = np.empty(len(codes), np.int64)
    rank[order] = np.arange(len(codes))
    return list(map(joined.__getitem__, rank.tolist()))


def graph_from_tables(tables: dict[str, pa.Table]) -> nx.MultiDiGraph:
    """The graph that graph_tables wrote (same nodes, edges, keys, properties and order).

    Every per-row step but the last runs over whole columns (numpy, or `map` and `zip` over C functions); only
    placing each pair of nodes into the adjacency dicts is a Python loop (faster than building those dicts
    whole, which gathers from all over memory). 200k filings: ~1.3M property dicts and ~1.7M edges."""
    order = tables["order"]
    labels: list[str] = json.loads(order.column("labels")[0].as_py())
    rel_names: list[str] = json.loads(order.column("rels")[0].as_py())
    g = nx.MultiDiGraph()
    node, succ, pred = g._node, g._succ, g._pred
    node_codes = numpy_of(tables["node_order"].column("code"))
    per_label_ids, per_label_rows = [], []
    for lab in labels:
        t = tables[f"node:{lab}"]
        per_label_ids.append(list(zip(repeat(lab), _values(t.column("_id")))))
        per_label_rows.append(_rows(t, 1))
    ids = _in_order(node_codes, per_label_ids)
    node.update(zip(ids, _in_order(node_codes, per_label_rows), strict=True))
    succ.update(zip(ids, map(dict, repeat((), len(ids))), strict=True))
    pred.update(zip(ids, map(dict, repeat((), len(ids))), strict=True))
    edge_codes = numpy_of(tables["edge_order"].column("code"))
    srcs, dsts, keys, datas = [], [], [], []
    for rel in rel_names:
        t = tables[f"edge:{rel}"]
        srcs.append(numpy_of(t.column("_src")))
        dsts.append(numpy_of(t.column("_dst")))
        if "_key" in t.column_names:
            keys.append([(rel, *json.loads(k)) for k in t.column("_key").to_pylist()])
            datas.append(_rows(t, 3))
            continue
        rows = _rows(t, 2)
        spec_key = _REL_KEYS[rel]
        if spec_key:
            parts = [_key_values(t, p) for p in spec_key]
            keys.append(list(zip(repeat(rel), *parts)))
        else:
            keys.append([(rel,)] * len(rows))
        datas.append(rows)
    if not rel_names or not len(edge_codes):
        return g
    # edges in the order they were written (each type's rows interleaved as edge_order says) ...
    rank = np.empty(len(edge_codes), np.int64)
    rank[np.argsort(edge_codes, kind="stable")] = np.arange(len(edge_codes))
    src, dst = np.concatenate(srcs)[rank], np.concatenate(dsts)[rank]
    order_list = rank.tolist()
    all_keys = [k for part in keys for k in part]
    all_datas = [d for part in datas for d in part]
    edge_keys = list(map(all_keys.__getitem__, order_list))
    edge_datas = list(map(all_datas.__getitem__, order_list))
    del order_list, all_keys, all_datas, keys, datas  # (lower peak memory: ~1.7M items each)
    # ... one key dict per pair of nodes (consecutive edges of one pair share it, as they were written) ...
    first = np.ones(len(src), bool)
    first[1:] = (src[1:] != src[:-1]) | (dst[1:] != dst[:-1])
    starts = np.flatnonzero(first)
    ends = np.append(starts[1:], len(src))
    pairs = zip(zip(edge_keys, edge_datas, strict=True), strict=True)
    keydicts: list[dict[Any, Any]] = list(map(dict, pairs))  # {key: data} each
    if len(starts) != len(src):
        keydicts = list(map(keydicts.__getitem__, starts.tolist()))
        for i in np.flatnonzero(ends - starts > 1).tolist():
            a, b = int(starts[i]), int(ends[i])
            keydicts[i] = dict(zip(edge_keys[a:b], edge_datas[a:b], strict=True))
    del edge_keys, edge_datas
    # ... placed into the adjacency dicts in the order they were written (a pair met again further on, which
    # graph_tables never writes, adds to its key dict)
    ids_of = ids.__getitem__
    last, su = None, succ
    us, vs = map(ids_of, src[starts].tolist()), map(ids_of, dst[starts].tolist())
    for u, v, keydict in zip(us, vs, keydicts, strict=True):
        if u is not last:  # a node's pairs come one after another: one lookup for all of them
            last, su = u, succ[u]
        had = su.setdefault(v, keydict)
        if had is keydict:
            pred[v][u] = keydict
        else:
            had.update(keydict)
    return g


def _key_values(table: pa.Table, prop: str) -> list[Any]:
    """An edge key's property as a list (None where the row has none), as the edge's key holds it."""
    return _values(table.column(prop)) if prop in table.column_names else [None] * table.num_rows
