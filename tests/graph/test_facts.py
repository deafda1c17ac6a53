"""The pattern facts stored on filings at load time (graph/facts.py)."""

from __future__ import annotations

from typing import Any

import pytest

from graph.facts import REVISIT, UNCONCLUDED, revisit
from graph.model import Label
from ingest.load import to_graph
from tests.queries.fixtures import query_fixture


def steps(*moves: tuple[str | None, str]) -> list[dict[str, Any]]:
    """ROUTED edge rows in seq order from (sending unit, receiving unit) pairs."""
    return [{"other": to, "props": {"from_unit_id": frm}} for frm, to in moves]


@pytest.mark.parametrize(
    ("moves", "expected"),
    [
        ((), False),
        ((("A", "B"),), False),
        ((("A", "B"), ("B", "C"), ("C", "D")), False),  # a plain chain never comes back
        ((("A", "B"), ("B", "A")), True),  # back to the first sender
        ((("A", "B"), ("B", "C"), ("C", "B")), True),  # a unit reached twice
        ((("A", "B"), (None, "C"), ("X", "B")), True),
        ((("A", "A"),), True),  # sent to itself: counted, the queries decide
        (((None, "B"), (None, "C")), False),
    ],
)
def test_revisit(moves: tuple[tuple[str | None, str], ...], expected: bool) -> None:
    assert revisit(steps(*moves)) is expected


def test_every_filing_row_carries_the_fact() -> None:
    """The loader writes the fact on every filing, True exactly where the routing comes back to a unit."""
    data = to_graph(query_fixture())
    flags = {row["filing_id"]: row[REVISIT] for row in data.nodes[Label.FILING]}
    assert set(flags.values()) == {True, False}
    routed = {
        r["owner"]: r["edges"] for spec, rows in data.edges.items() if spec.rel == "ROUTED" for r in rows
    }
    assert flags == {fid: revisit(routed.get(fid, [])) for fid in flags}
    # F03 goes U01 → U02 → U01 and F10 A → B → A → B (tests/queries/fixtures.py); F07 is a plain chain
    assert flags["F03"] and flags["F10"] and not flags["F07"]


def test_unconcluded_is_true_exactly_where_there_is_no_concluded_date() -> None:
    rows = to_graph(query_fixture()).nodes[Label.FILING]
    flags = {row["filing_id"]: row[UNCONCLUDED] for row in rows}
    assert set(flags.values()) == {True, False}
    assert flags == {row["filing_id"]: row.get("concluded_date") is None for row in rows}
