"""The shortest connection between two filings or petitioners, as a list of steps and a picture."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import explore_data, session
from dashboards.explore_data import KIND_OF_LABEL
from dashboards.i18n import lang, t
from dashboards.markup import md
from dashboards.network import NetEdge, NetNode, label_name, network_html, rel_name
from dashboards.network import show as show_network
from dashboards.tables import show_table

DETAILS = "app_pages/details.py"

st.title(t("最短关联", "Shortest connection"))
st.caption(
    t(
        "输入两个信访人编号或信访件编号，查找它们之间最短的关联（经过信访件、事项、单位；不经过县区、受理机构，"
        "默认也不经过信访局、热线等只做分派的单位）。",
        "Give two petitioner or filing ids to find the shortest connection between them (through filings, "
        "issues and units; not through counties, receiving bodies or, unless allowed, dispatch hubs).",
    )
)

with st.form("path"):
    c1, c2, c3 = st.columns([2, 2, 1])
    start = c1.text_input(t("从", "From"), value=st.query_params.get("from", ""), key="path_from")
    end = c2.text_input(t("到", "To"), value=st.query_params.get("to", ""), key="path_to")
    max_hops = c3.number_input(t("最多步数", "At most steps"), 1, 20, 8, key="path_hops")
    hubs = st.checkbox(
        t("允许经过信访局、热线、领导信箱等分派单位",
          "Allow dispatch hubs (petition bureaus, hotlines, mailboxes)"),
        key="path_hubs",
        help=t("大多数信访件都经过这些单位，经过它们的关联通常说明不了什么。",
               "Most filings pass through them: a connection through one usually says little."),
    )
    st.form_submit_button(t("查找", "Find"), type="primary")

start, end = start.strip(), end.strip()
if not start or not end:
    st.info(
        t(
            "输入两个编号后点“查找”。编号可在“检索”页找到。",
            "Type two ids and press Find. The Search page finds ids.",
        )
    )
    st.stop()
if start == end:
    st.warning(
        t("两个编号相同：请输入两个不同的信访人或信访件。", "Both ids are the same: give two different ones.")
    )
    st.stop()

steps = explore_data.frame("path", from_id=start, to_id=end, max_hops=int(max_hops),
                           **({"avoid_units": []} if hubs else {}))
if steps.empty:
    st.warning(
        t(
            f"在 {int(max_hops)} 步之内没有找到 {md(start)} 与 {md(end)} 之间的关联（或编号不存在）。",
            f"No connection between {md(start)} and {md(end)} within {int(max_hops)} steps "
            "(or an id does not exist).",
        )
    )
    st.stop()

cards = explore_data.frame("entities", keys=steps["key"].tolist())
found = {(r.label, r.key): r for r in cards.itertuples(index=False)}


def _name(label: str, key: str) -> str | None:
    card = found.get((label, key))
    return card.name if card is not None and isinstance(card.name, str) else None


st.subheader(t(f"{len(steps) - 1} 步", f"{len(steps) - 1} steps"))
nodes = [
    NetNode(
        r.label,
        r.key,
        name=_name(r.label, r.key),
        received_date=getattr(found.get((r.label, r.key)), "received_date", None),
        distance=int(r.step),
    )
    for r in steps.itertuples(index=False)
]
edges = [
    NetEdge((a.label, a.key), b.rel, (b.label, b.key))
    for a, b in zip(steps.itertuples(index=False), steps.iloc[1:].itertuples(index=False), strict=False)
]
show_network(
    network_html(
        nodes,
        edges,
        lang=lang(),
        reveal=session.may_reveal(),
        centre=(steps.iloc[0]["label"], start),
        height=420,
    ),
    height=440,
)

table = pd.DataFrame(
    [
        (
            int(r.step),
            label_name(r.label, lang()),
            r.key,
            _name(r.label, r.key) or "",
            rel_name(r.rel, lang()) if isinstance(r.rel, str) else "",
        )
        for r in steps.itertuples(index=False)
    ],
    columns=[t("步", "step"), t("类型", "type"), t("编号", "id"), t("名称", "name"), t("关系", "link")],
)
show_table(table, f"path-{start}-{end}")
cols = st.columns(3)
for i, r in enumerate(steps.itertuples(index=False)):
    kind = KIND_OF_LABEL.get(r.label)
    if kind:
        name = _name(r.label, r.key)
        text = f"{int(r.step)}. {label_name(r.label, lang())} {r.key}" + (
            f" · {name}" if name and kind != "filing" else ""
        )
        cols[i % 3].page_link(DETAILS, label=md(text), query_params={"kind": kind, "id": r.key})
