"""Content digests of graph tables: one per node and one per owner's edge list of each kind.

An incremental graph update (load/update.py) compares the digests of the new tables with those of what the
store holds, kept in the workspace, and sends the store only what differs. A digest is 64 bits of BLAKE2b
over an unambiguous text of the row: every value written as its length, ':' and its text ('-' when absent),
lists as their item count and items so written; an owner's edges are sorted by that text, so the digest does
not depend on the order they came in. The texts are built by Arrow kernels over whole columns; only the
hashing visits each row in Python: about 1 µs a row on an idle core (6 s per million rows measured on the
loaded 2-core machine), i.e. several seconds per million filings with their edge lists — the place to look
if the digest pass ever dominates.

    digests = node_digests(table)          # numpy uint64, one per node
    digests = edge_digests(edge_table)     # numpy uint64, one per owner in edge_table.owners (EMPTY: none)

Real digests have the top bit set, so that EMPTY (no edges) and UNKNOWN (the store may hold anything there:
a graph update was under way) are never mistaken for one.
"""

from __future__ import annotations

from hashlib import blake2b
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from graph.model import NODE_PROPS, PropType
from graph.state import numpy_of
from graph.tables import Column, EdgeTable, NodeTable

EMPTY = np.uint64(0)
"""The digest of an owner without edges of a kind."""
UNKNOWN = np.uint64(1)
"""What the store holds for this node or edge list is not known (it is sent again)."""
_TOP = np.uint64(1 << 63)

_TYPES: dict[str, pa.DataType] = {
    "string": pa.large_string(),
    "long": pa.int64(),
    "double": pa.float64(),
    "boolean": pa.bool_(),
    "date": pa.date32(),
    "string[]": pa.list_(pa.large_string()),
}


def _array(values: Column, declared: PropType) -> pa.Array:
    """A column as an Arrow array of its declared type (as text when a value does not fit that type)."""
    try:
        return pa.array(values, _TYPES[declared])
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, OverflowError):
        return pa.array([None if v is None else repr(v) for v in values], pa.large_string())


def _text(value: str) -> pa.Scalar:
    return pa.scalar(value, pa.large_string())


def _framed(text: pa.Array) -> pa.Array:
    """Each string as 'LENGTH:TEXT', a null as '-': texts joined end to end can be split only one way."""
    length = pc.cast(pc.binary_length(text), pa.large_string())
    framed = pc.binary_join_element_wise(length, text, _text(":"))
    return pc.fill_null(framed, "-")


def value_text(array: pa.Array) -> pa.Array:
    """An unambiguous text of each value of a column (see the module doc)."""
    if pa.types.is_list(array.type) or pa.types.is_large_list(array.type):
        items = _framed(pc.cast(array.flatten(), pa.large_string()))
        lists = pa.LargeListArray.from_arrays(pc.cast(array.offsets, pa.int64()), items, mask=array.is_null())
        joined = pc.binary_join(lists, _text(""))
        count = pc.cast(pc.list_value_length(array), pa.large_string())
        hash_sign = pa.array(["#"] * len(array), pa.large_string())
        return pc.fill_null(pc.binary_join_element_wise(hash_sign, count, joined, _text("")), "-")
    return _framed(pc.cast(array, pa.large_string()))


def row_texts(columns: list[pa.Array]) -> pa.Array:
    """The texts of each row's values, joined."""
    texts = [value_text(c) for c in columns]
    if len(texts) == 1:
        return texts[0]
    return pc.binary_join_element_wise(*texts, _text(""))


def hashes(texts: pa.Array) -> np.ndarray[Any, np.dtype[np.uint64]]:
    """64 bits of BLAKE2b of each text (no nulls), top bit set."""
    texts = pc.cast(texts, pa.large_binary())
    if len(texts) == 0:
        return np.empty(0, np.uint64)
    _, offsets_buffer, data_buffer = texts.buffers()
    offsets = np.frombuffer(offsets_buffer, np.int64, len(texts) + 1, texts.offset * 8).tolist()
    data = memoryview(data_buffer) if data_buffer is not None else memoryview(b"")
    joined = b"".join(
        [blake2b(data[a:b], digest_size=8).digest() for a, b in zip(offsets, offsets[1:], strict=False)]
    )
    return np.frombuffer(joined, "<u8").astype(np.uint64) | _TOP


def node_digests(table: NodeTable) -> np.ndarray[Any, np.dtype[np.uint64]]:
    """One digest per node of the table (every property, the key included)."""
    declared = dict(NODE_PROPS[table.label])
    return hashes(row_texts([_array(values, declared[name]) for name, values in table.columns.items()]))


def owner_positions(table: EdgeTable) -> np.ndarray[Any, np.dtype[np.int64]]:
    """For each edge, the position of its owner in `table.owners`."""
    if table.owner_index is not None:
        return np.asarray(table.owner_index, dtype=np.int64)
    own = table.src if table.spec.owner == "src" else table.dst
    found = pc.index_in(pa.array(own, pa.large_string()), value_set=pa.array(table.owners, pa.large_string()))
    if found.null_count:
        raise ValueError(f"{table.spec.name}: an edge's owner is not among the table's owners")
    return numpy_of(found).astype(np.int64)


def edge_digests(table: EdgeTable) -> np.ndarray[Any, np.dtype[np.uint64]]:
    """One digest per owner in `table.owners`: of its edges of this kind (their other ends and properties,
    in any order); EMPTY for an owner without any."""
    out = np.zeros(len(table.owners), np.uint64)
    if len(table) == 0:
        return out
    other = table.dst if table.spec.owner == "src" else table.src
    columns = [pa.array(other, pa.large_string())]
    columns += [_array(table.columns[name], kind) for name, kind in table.spec.props]
    texts = row_texts(columns)
    owner = owner_positions(table)
    order = pa.table({"o": owner, "t": texts}).sort_by([("o", "ascending"), ("t", "ascending")])
    counts = np.bincount(owner, minlength=len(table.owners))
    offsets = np.concatenate(([0], np.cumsum(counts[counts > 0])))
    lists = pa.LargeListArray.from_arrays(pa.array(offsets, pa.int64()), order.column("t").combine_chunks())
    out[counts > 0] = hashes(pc.binary_join(lists, _text("")))
    return out
