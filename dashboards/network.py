"""The network picture: nodes and edges in, a self-contained pyvis HTML page out (no internet needed).

    html = network_html(nodes, edges, lang="zh", centre=("Petitioner", "P1"))
    st.components.v1.html(html, height=620)

Colours follow the node type; labels and tooltips are in the session language; ID numbers and phones in
tooltips are masked unless `reveal` (caselink.privacy). The function neither reads the store nor writes files.
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pyvis.network import Network

from caselink.privacy import mask_text, masked
from dashboards.i18n import Lang

COLOURS: dict[str, str] = {
    "Petitioner": "#e4572e",
    "Filing": "#4c78a8",
    "Issue": "#f2a541",
    "Unit": "#54a24b",
    "County": "#9d7dbd",
    "Org": "#8c8c8c",
}
"""Fill colour per node label."""

SHAPES: dict[str, str] = {
    "Petitioner": "dot",
    "Filing": "square",
    "Issue": "diamond",
    "Unit": "triangle",
    "County": "ellipse",
    "Org": "box",
}

LABEL_NAMES: dict[str, tuple[str, str]] = {
    "Petitioner": ("信访人", "Petitioner"),
    "Filing": ("信访件", "Filing"),
    "Issue": ("事项", "Issue"),
    "Unit": ("单位", "Unit"),
    "County": ("县区", "County"),
    "Org": ("受理机构", "Receiving body"),
}
"""Node labels in Chinese and English."""

REL_NAMES: dict[str, tuple[str, str]] = {
    "FILED": ("提交", "filed"),
    "CO_SIGNED": ("联名", "co-signed"),
    "ABOUT": ("涉及", "about"),
    "ROUTED": ("转送", "routed to"),
    "HANDLED_BY": ("承办", "handled by"),
    "RECEIVED_BY": ("受理", "received by"),
    "LOCATED_IN": ("属地", "located in"),
}
"""Relationship types in Chinese and English."""


@dataclass(frozen=True, slots=True)
class NetNode:
    """One node of the picture: its label and key, and what the label and tooltip show."""

    label: str
    key: str
    name: str | None = None
    received_date: str | None = None
    county: str | None = None
    id_number: str | None = None
    phone: str | None = None
    distance: int | None = None

    @property
    def node_id(self) -> str:
        return f"{self.label}:{self.key}"


@dataclass(frozen=True, slots=True)
class NetEdge:
    """A relationship from one node to another (by (label, key)); `count` edges of this type join them."""

    src: tuple[str, str]
    rel: str
    dst: tuple[str, str]
    count: int = 1


def label_name(label: str, lang: Lang) -> str:
    """A node label ('Petitioner', …) in the language."""
    zh, en = LABEL_NAMES.get(label, (label, label))
    return en if lang == "en" else zh


def rel_name(rel: str, lang: Lang) -> str:
    """A relationship type ('FILED', …) in the language."""
    zh, en = REL_NAMES.get(rel, (rel, rel))
    return en if lang == "en" else zh


def node_caption(node: NetNode, lang: Lang) -> str:
    """The text under a node: a filing's id and date, else the name (or the key when it has none)."""
    if node.label == "Filing":
        return f"{node.key}\n{node.received_date or ''}".strip()
    return node.name or node.key


def node_tooltip(node: NetNode, lang: Lang, *, reveal: bool = False) -> str:
    """The hover text: type, key, name, date, county, and ID number and phone masked unless `reveal`."""
    en = lang == "en"
    lines = [f"{label_name(node.label, lang)} {node.key}"]
    for value, zh, eng in (
        (node.name, "名称", "Name"),
        (node.received_date, "登记日期", "Received"),
        (node.county, "县区", "County"),
        (masked(node.id_number, "id_number", reveal=reveal), "身份证号", "ID number"),
        (masked(node.phone, "phone", reveal=reveal), "电话", "Phone"),
        (None if node.distance is None else str(node.distance), "距离", "Steps away"),
    ):
        if value:
            lines.append(f"{eng if en else zh}: {value}")
    text = "\n".join(lines)
    return text if reveal else mask_text(text)


def network_html(
    nodes: Sequence[NetNode],
    edges: Iterable[NetEdge],
    *,
    lang: Lang = "zh",
    reveal: bool = False,
    centre: tuple[str, str] | None = None,
    height: int = 600,
) -> str:
    """A self-contained HTML page (vis-network inlined) drawing `nodes` and the `edges` between them.

    Edges whose ends are not among `nodes` are left out; the `centre` node is drawn larger with a border.
    """
    net = Network(height=f"{height}px", width="100%", directed=True, cdn_resources="in_line")
    net.set_options(_OPTIONS)
    ids = set()
    for n in nodes:
        is_centre = centre is not None and (n.label, n.key) == centre
        net.add_node(
            _inert(n.node_id),
            label=_inert(node_caption(n, lang)),
            title=_inert(node_tooltip(n, lang, reveal=reveal)),
            color=COLOURS.get(n.label, "#999999"),
            shape=SHAPES.get(n.label, "dot"),
            size=28 if is_centre else 16,
            borderWidth=4 if is_centre else 1,
        )
        ids.add(_inert(n.node_id))
    for e in edges:
        a, b = _inert(f"{e.src[0]}:{e.src[1]}"), _inert(f"{e.dst[0]}:{e.dst[1]}")
        if a in ids and b in ids:
            text = _inert(rel_name(e.rel, lang) + (f" ×{e.count}" if e.count > 1 else ""))
            net.add_edge(
                a,
                b,
                title=text,
                label=text if e.rel not in ("LOCATED_IN", "RECEIVED_BY") else "",
                width=1 + min(e.count, 4),
                color="#aaaaaa",
            )
    return _offline(net.generate_html(notebook=False)).replace("</body>", _REFIT + "</body>", 1)


_REFIT = """<script>
window.addEventListener("resize", function () { if (window.network) { window.network.fit(); } });
</script>
"""
"""Fit the picture to its frame again when the frame changes size: drawn in a hidden tab, the frame had no
width and the picture stayed zoomed on a corner once the tab was opened."""


_EXTERNAL = re.compile(r"<(link|script)\b[^>]*(?:href|src)=\"https?://[^\"]*\"[^>]*>(?:\s*</script>)?", re.S)


def _offline(page: str) -> str:
    """The page without pyvis's CDN links (Bootstrap, used only by menus we do not show)."""
    return _EXTERNAL.sub("", page)


def show(page: str, height: int = 600) -> None:
    """Embed a page made by network_html in the Streamlit page."""
    import streamlit as st

    if hasattr(st, "iframe"):
        st.iframe(page, height=height)
    else:  # Streamlit before st.iframe
        import streamlit.components.v1 as components

        components.html(page, height=height)


def _inert(text: str) -> str:
    """Text from the data made harmless inside the page's script: no tag can open or close.

    >>> _inert("</script><b>x")
    '‹/script›‹b›x'
    """
    return text.replace("<", "‹").replace(">", "›")


def legend_html(lang: Lang, labels: Iterable[str] = COLOURS) -> str:
    """A one-line colour key for the labels, as HTML for st.markdown(unsafe_allow_html=True)."""
    parts = [
        f'<span style="color:{COLOURS[lab]}">●</span> {html_lib.escape(label_name(lab, lang))}'
        for lab in labels
        if lab in COLOURS
    ]
    return " &nbsp; ".join(parts)


_OPTIONS = """
{
  "physics": {"solver": "forceAtlas2Based", "stabilization": {"iterations": 150},
              "forceAtlas2Based": {"gravitationalConstant": -60, "springLength": 110}},
  "edges": {"arrows": {"to": {"enabled": true, "scaleFactor": 0.5}}, "font": {"size": 10, "align": "middle"},
            "smooth": {"type": "continuous"}},
  "nodes": {"font": {"size": 13}},
  "interaction": {"hover": true, "navigationButtons": true}
}
"""
