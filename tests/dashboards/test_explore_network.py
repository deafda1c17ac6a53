"""The network picture (dashboards/network.py) and the search-text clean-up, without a running app."""

from __future__ import annotations

import json
import re

import pytest

from dashboards.explore_data import bounced_units, masked_pattern, search_text
from dashboards.network import COLOURS, NetEdge, NetNode, network_html

PERSON = NetNode(
    "Petitioner", "P1", "赵一", county="110101", id_number="110101199003071234", phone="13812345678"
)
FILING = NetNode("Filing", "F1", received_date="2024-01-05")
ISSUE = NetNode("Issue", "I1", "拆迁补偿</script><script>alert(1)</script>")


def _nodes(page: str) -> list[dict[str, object]]:
    found = re.search(r"nodes = new vis\.DataSet\((\[.*?\])\);", page, re.S)
    assert found, "the page should hold the node data"
    return list(json.loads(found.group(1)))


def _edges(page: str) -> list[dict[str, object]]:
    found = re.search(r"edges = new vis\.DataSet\((\[.*?\])\);", page, re.S)
    assert found, "the page should hold the edge data"
    return list(json.loads(found.group(1)))


def test_nodes_coloured_by_type_and_personal_data_masked() -> None:
    page = network_html([PERSON, FILING], [NetEdge(("Petitioner", "P1"), "FILED", ("Filing", "F1"))])
    nodes = {n["id"]: n for n in _nodes(page)}
    assert nodes["Petitioner:P1"]["color"] == COLOURS["Petitioner"]
    assert nodes["Filing:F1"]["color"] == COLOURS["Filing"]
    tip = str(nodes["Petitioner:P1"]["title"])
    assert "110***********1234" in tip and "138****5678" in tip
    assert "110101199003071234" not in page and "13812345678" not in page
    assert nodes["Filing:F1"]["label"] == "F1\n2024-01-05"
    assert [(e["from"], e["to"], e["label"]) for e in _edges(page)] == [
        ("Petitioner:P1", "Filing:F1", "提交")
    ]
    assert "https://" not in re.sub(r"<script[^>]*>.*?</script>", "", page, flags=re.S)  # nothing fetched


def test_reveal_and_english() -> None:
    page = network_html([PERSON], [], lang="en", reveal=True)
    tip = str(_nodes(page)[0]["title"])
    assert "ID number: 110101199003071234" in tip and tip.startswith("Petitioner P1")


def test_edges_to_absent_nodes_are_left_out_and_counts_shown() -> None:
    edges = [
        NetEdge(("Filing", "F1"), "ROUTED", ("Unit", "U1"), count=2),
        NetEdge(("Petitioner", "P1"), "FILED", ("Filing", "F1")),
    ]
    unit = NetNode("Unit", "U1", "住建局")
    page = network_html([FILING, unit], edges, centre=("Unit", "U1"))
    assert [(e["from"], e["label"]) for e in _edges(page)] == [("Filing:F1", "转送 ×2")]
    sizes = {n["id"]: n["size"] for n in _nodes(page)}
    assert sizes["Unit:U1"] > sizes["Filing:F1"]


def test_text_from_the_data_cannot_close_the_script() -> None:
    page = network_html([ISSUE], [])
    assert "</script><script>alert(1)" not in page
    assert _nodes(page)[0]["label"] == "拆迁补偿‹/script›‹script›alert(1)‹/script›"


@pytest.mark.parametrize(
    ("typed", "sent"),
    [
        (" 138 1234-5678 ", "13812345678"),
        ("110101 19900307 123x", "11010119900307123X"),
        ("(010) 6234-5678", "01062345678"),
        ("张 三", "张 三"),
        ("XF20240000099", "XF20240000099"),
        ("12", "12"),
        ("138 **** 5678", "138****5678"),
    ],
)
def test_search_text(typed: str, sent: str) -> None:
    assert search_text(typed) == sent


def test_masked_pattern() -> None:
    pattern = masked_pattern("110***********123X")
    assert pattern is not None
    assert pattern.fullmatch("11010119900307123X") and not pattern.fullmatch("12010119900307123X")
    assert not pattern.fullmatch("1101011990030712X")  # one digit short
    assert masked_pattern("13812345678") is None and masked_pattern("***") is None


def test_bounced_units_leave_dispatch_units_out() -> None:
    rows = [
        {"chain": ["市信访局", "住建局", "自然资源局", "住建局"], "chain_unit_ids": ["U9", "U1", "U2", "U1"]},
        {"chain": ["12345热线", "住建局"], "chain_unit_ids": ["U8", "U1"]},
    ]
    assert bounced_units(rows).values.tolist() == [["U1", "住建局", 2], ["U2", "自然资源局", 1]]
