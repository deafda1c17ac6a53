"""One petitioner, filing, issue or unit (?kind=petitioner|filing|issue|unit&id=KEY): its card, the
timeline of its filings, the entities linked to it, and its neighbourhood as a network picture. Opening a
petitioner or a filing is written to the audit log."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import pandas as pd
import streamlit as st

from caselink import audit
from caselink.privacy import mask_text, masked
from dashboards import charts, data, explore_data, explore_graph, session
from dashboards import patterns_data as pdata
from dashboards.explore_data import KIND_OF_LABEL, KINDS, LABEL_OF_KIND
from dashboards.i18n import lang, t
from dashboards.markup import md
from dashboards.network import COLOURS, label_name, legend_html, network_html, rel_name
from dashboards.network import show as show_network
from dashboards.tables import show_table

DETAILS = "app_pages/details.py"
PATH = "app_pages/path.py"
KIND_NAMES = {
    "petitioner": ("信访人", "Petitioner"),
    "filing": ("信访件", "Filing"),
    "issue": ("事项", "Issue"),
    "unit": ("单位", "Unit"),
}
PERSONAL = {"id_number": "id_number", "phone": "phone"}
UNIT_LEVELS = {
    "county_department": ("县直部门", "county department"), "township": ("乡镇（街道）", "township"),
    "village_committee": ("村（居）委会", "village committee"), "city": ("市级", "city"),
    "province": ("省级", "province"), "court": ("法院", "court"),
    "procuratorate": ("检察院", "procuratorate"),
    "petition_bureau": ("信访部门", "petition bureau"), "hotline": ("热线、信箱", "hotline or mailbox"),
}


def kind_name(kind: str) -> str:
    zh, en = KIND_NAMES[kind]
    return t(zh, en)


def open_entity(kind: str, key: str) -> None:
    """Show another entity on this page."""
    st.query_params.from_dict({"kind": kind, "id": key})


def entity_links(title: str, nodes: Iterable[tuple[str, str]], names: dict[tuple[str, str], str]) -> None:
    """A titled list of links to entity pages (labels without a page are shown as text)."""
    nodes = list(dict.fromkeys(nodes))
    st.markdown(f"**{md(title)}**（{len(nodes)}）" if lang() == "zh" else f"**{md(title)}** ({len(nodes)})")
    if not nodes:
        st.caption(t("无", "none"))
        return
    cols = st.columns(3)
    for i, (label, key) in enumerate(nodes[:60]):
        name = names.get((label, key))
        text = node_text(label, key, name)
        kind = KIND_OF_LABEL.get(label)
        if kind:
            cols[i % 3].page_link(DETAILS, label=md(text), query_params={"kind": kind, "id": key})
        else:
            cols[i % 3].write(md(text))
    if len(nodes) > 60:
        st.caption(t(f"只列出前 60 个，共 {len(nodes)} 个。", f"The first 60 of {len(nodes)} shown."))


def node_text(label: str, key: str, name: object) -> str:
    """How a node is named on the page: a unit by its county and name (its id, 130624:agriculture_rural, is
    internal), anything else by id and name."""
    if not isinstance(name, str) or not name or name == key:
        return key
    if label == "Unit":
        county = county_name(key.split(":")[0]) if ":" in key else "—"
        return f"{county} {name}" if county != "—" else name
    return f"{key} · {name}"


def names_of(keys: Iterable[str]) -> dict[tuple[str, str], str]:
    keys = sorted({k for k in keys if isinstance(k, str) and k})
    if not keys:
        return {}
    cards = explore_data.frame("entities", keys=keys)
    return {(r.label, r.key): r.name for r in cards.itertuples(index=False) if isinstance(r.name, str)}


def county_name(code: object) -> str:
    """A county's name (its code when the reference has no name for it), or '—'."""
    if not isinstance(code, str) or not code:
        return "—"
    return names_of([code]).get(("County", code), code)


def ids(values: Iterable[object]) -> list[str]:
    """Keys from a column of single keys or lists of keys, in first-seen order."""
    out: list[str] = []
    for v in values:
        items = v if isinstance(v, list | tuple) else [v]
        out += [x for x in items if isinstance(x, str) and x]
    return list(dict.fromkeys(out))


# --- which entity -------------------------------------------------------------------------------------------

kind = st.query_params.get("kind", "")
key = st.query_params.get("id", "").strip()

if kind not in KINDS or not key:
    st.title(t("详情", "Details"))
    st.info(
        t(
            "从“检索”页打开一个信访人、信访件、事项或单位，或在下面输入编号。",
            "Open a petitioner, filing, issue or unit from the Search page, or type its id below.",
        )
    )
    with st.form("open"):
        picked = st.selectbox(t("类型", "Kind"), KINDS, format_func=kind_name)
        typed = st.text_input(t("编号", "Id"))
        if st.form_submit_button(t("打开", "Open")) and typed.strip():
            open_entity(picked, typed.strip())
            st.rerun()
    st.page_link("app_pages/search.py", label=t("去检索 →", "Go to Search →"))
    st.stop()

label = LABEL_OF_KIND[kind]
cards = explore_data.frame("entities", keys=[key])
cards = cards[cards["label"] == label]
if cards.empty:
    st.title(f"{kind_name(kind)} {md(key)}")
    st.warning(
        t(
            f"没有编号为“{md(key)}”的{kind_name(kind)}。它可能在重新归并后改了编号：请从“检索”页重新查找。",
            f"No {md(kind)} with id '{md(key)}'. Its id may have changed after re-resolution: search for it "
            "again.",
        )
    )
    st.page_link("app_pages/search.py", label=t("去检索 →", "Go to Search →"))
    st.stop()
card = cards.iloc[0]
title_name = card["name"] if isinstance(card["name"], str) and kind != "filing" else key
if kind == "filing":  # a filing is named by its own title (留言主题) where it has one
    own_title = explore_data.frame("filing", filing_id=key)["title"].iloc[0]
    title_name = own_title if isinstance(own_title, str) and own_title else key
if kind == "unit":  # a unit by its county and name; its id (130624:agriculture_rural) is internal
    title_name = node_text("Unit", key, card["name"])
st.title(f"{kind_name(kind)} · {md(title_name)}")
if kind != "unit":
    st.caption(f"{t('编号', 'Id')}: {md(key)}")

if kind in ("petitioner", "filing") and st.session_state.get(f"{kind}_audited") != key:
    audit.record(  # a filing's page shows its petitioner's content and address: a lookup like a profile
        data.workspace().audit_log,
        f"view_{kind}",
        user=session.user(),
        **{f"{kind}_id": key},
        masked=not session.may_reveal(),
    )
    st.session_state[f"{kind}_audited"] = key

header = st.container()  # the card, above the tabs
timeline_tab, linked_tab, graph_tab = st.tabs(
    [t("时间线", "Timeline"), t("关联实体", "Linked entities"), t("关系图", "Network")]
)

# --- the card, timeline and linked entities of each kind ---------------------------------------------------

if kind == "petitioner":
    reveal = session.may_reveal()
    cols = header.columns([3, 2, 2, 1])
    cols[0].metric(t("身份证号", "ID number"),
                   md(masked(card["id_number"], "id_number", reveal=reveal) or "—", mask=False))
    cols[1].metric(t("电话", "Phone"), md(masked(card["phone"], "phone", reveal=reveal) or "—", mask=False))
    cols[2].metric(t("县区", "County"), md(county_name(card["county"])))
    rows = explore_data.frame("petitioner", petitioner_id=key)
    cols[3].metric(t("信访件", "Filings"), f"{rows['filing_id'].nunique():,}")
    accounts = ids(card["account_ids"]) if isinstance(card["account_ids"], list | tuple) else []
    if accounts:  # pseudonymous platform ids: shown as they are, not masked like ID numbers
        header.text(t(f"平台账号 {'、'.join(accounts)}", f"Platform account {', '.join(accounts)}"))
    with timeline_tab:
        if rows.empty:
            st.info(t("这个信访人没有信访件。", "This petitioner has no filings."))
        else:
            issues = names_of(ids(rows["issue_id"]))
            chart = rows.assign(issue=[
                f"{issues.get(('Issue', i), '')} {i}".strip() if isinstance(i, str) else "—"
                for i in rows["issue_id"]
            ])
            charts.timeline(chart, "received_date", "issue", category_title=t("事项", "Issue"),
                            day_title=t("登记日期", "Received"), color="channel",
                            color_title=t("渠道", "Channel"),
                            tooltip=[("filing_id", t("信访件编号", "Filing")),
                                     ("status", t("状态", "Status"))])
            table = rows.drop(columns=["petitioner_id"])
            table = table.assign(role=[rel_name(r, lang()) for r in table["role"]])
            show_table(pdata.with_names(table), f"petitioner-{key}")
    with linked_tab:
        names = names_of(
            ids(rows["issue_id"]) + ids(rows["co_petitioner_ids"]) + ids(rows["issue_petitioner_ids"])
        )
        entity_links(t("信访件", "Filings"), [("Filing", f) for f in ids(rows["filing_id"])], {})
        entity_links(t("事项", "Issues"), [("Issue", i) for i in ids(rows["issue_id"])], names)
        st.markdown(
            f"**{t('涉及单位', 'Units')}**: "
            + ("、".join(md(u) for u in ids(rows["units"])) or t("无", "none"))
        )
        entity_links(
            t("联名人", "Co-signers"), [("Petitioner", p) for p in ids(rows["co_petitioner_ids"])], names
        )
        others = [p for p in ids(rows["issue_petitioner_ids"]) if p not in ids(rows["co_petitioner_ids"])]
        entity_links(
            t("同一事项的其他信访人", "Other petitioners on the same issues"),
            [("Petitioner", p) for p in others],
            names,
        )

elif kind == "filing":
    rows = explore_data.frame("filing", filing_id=key)
    f = rows.iloc[0]
    cols = header.columns(4)
    cols[0].metric(t("登记日期", "Received"), md(f["received_date"] or "—"))
    cols[1].metric(t("渠道", "Channel"), md(f["channel"] or "—"))
    cols[2].metric(t("状态", "Status"), md(f["status"] or "—"))
    cols[3].metric(t("办结日期", "Concluded"), md(f["concluded_date"] or "—"))
    header.markdown(
        f"**{t('受理机构', 'Received by')}**: {md(f['receiving_org'] or '—')}"
        f"（{md(f['receiving_level'] or '—')}）"
        f" · **{t('类别', 'Category')}**: {md(f['category'] or '—')}"
        f" · **{t('人数', 'Headcount')}**: {md(f['headcount'])}"
    )
    if isinstance(f["account_id"], str) and f["account_id"]:
        header.text(t(f"平台账号 {f['account_id']}", f"Platform account {f['account_id']}"))
    shown = (lambda text: text) if session.may_reveal() else mask_text  # IDs and phones inside the text
    header.markdown(f"**{t('诉求内容', 'Content')}**")
    header.container(border=True).text(shown(f["content"] or "—"))  # in full, wrapped, never as Markdown
    if isinstance(f["reply"], str) and f["reply"]:
        header.markdown(f"**{t('答复意见', 'Reply')}**")
        header.container(border=True).text(shown(f["reply"]))
    with timeline_tab:
        routed = rows[rows["seq"].notna()].astype({"seq": "Int64"})
        if routed.empty:
            st.info(t("这件信访件没有转办记录。", "This filing has no routing events."))
        else:
            st.caption(t("转办经过（按顺序）", "Routing events, in order"))
            show_table(
                (routed[["seq", "route_date", "action", "from_unit", "to_unit", "note"]]),
                f"filing-{key}-routing",
            )
    with linked_tab:
        names = names_of(
            [f["petitioner_id"], f["issue_id"], f["responsible_unit_id"], *ids(f["co_petitioner_ids"])]
        )
        entity_links(t("信访人", "Petitioner"), [("Petitioner", p) for p in ids([f["petitioner_id"]])], names)
        entity_links(
            t("联名人", "Co-signers"), [("Petitioner", p) for p in ids(f["co_petitioner_ids"])], names
        )
        entity_links(t("事项", "Issue"), [("Issue", i) for i in ids([f["issue_id"]])], names)
        entity_links(
            t("承办单位", "Responsible unit"), [("Unit", u) for u in ids([f["responsible_unit_id"]])], names
        )
        entity_links(
            t("转办经过的单位", "Units it was routed to"),
            [("Unit", u) for u in ids(rows["to_unit_id"])],
            {("Unit", r.to_unit_id): r.to_unit for r in rows.itertuples() if isinstance(r.to_unit, str)},
        )

else:  # issue or unit
    rows = explore_data.frame("entity-filings", key=key, label=label)
    cols = header.columns(4)
    cols[0].metric(t("信访件", "Filings"), f"{len(rows):,}")
    cols[1].metric(t("信访人", "Petitioners"), f"{len(ids(rows['petitioner_id'])):,}")
    cols[2].metric(t("县区", "County"), md(county_name(card["county"])))
    cols[3].metric(
        t("类别" if kind == "issue" else "层级", "Category" if kind == "issue" else "Level"),
        md((t(*UNIT_LEVELS.get(card["category"], (card["category"], card["category"]))) if kind == "unit"
            else card["category"]) or "—"),
    )
    with timeline_tab:
        if rows.empty:
            st.info(t("没有相关信访件。", "No filings."))
        else:
            per_month = rows.assign(month=rows["received_date"].str[:7]).groupby("month").size()
            charts.bars(charts.months_filled(per_month.reset_index(name="filings"), "month", ["filings"]),
                        "month", "filings",
                        category_title=t("月份", "Month"), value_title=t("件数", "Filings"),
                        horizontal=False, height=240)
            listed = rows.assign(relation=[rel_name(r, lang()) if isinstance(r, str) else ""
                                           for r in rows["relation"]])
            if "first_line" in listed.columns:  # what each filing is about, beside its number
                listed.insert(1, "first_line", listed.pop("first_line").fillna("").str.strip())
            listed.insert(1, "title", listed.pop("title"))  # a filing's own title first, where it has one
            show_table(listed, f"{kind}-{key}-filings")
    with linked_tab:
        names = names_of(ids(rows["petitioner_id"]) + ids(rows["issue_id"]))
        entity_links(
            t("信访人", "Petitioners"), [("Petitioner", p) for p in ids(rows["petitioner_id"])], names
        )
        if kind == "unit":
            entity_links(t("涉及事项", "Issues"), [("Issue", i) for i in ids(rows["issue_id"])], names)
            pairs = explore_data.frame("unit-bounce-pairs")
            mine = pairs[(pairs["unit_a"] == key) | (pairs["unit_b"] == key)]
            st.markdown(f"**{t('与其他单位来回推诿', 'Bounces with other units')}**")
            if mine.empty:
                st.caption(t("无", "none"))
            else:
                show_table((mine), f"unit-{key}-bounces")
        entity_links(t("信访件", "Filings"), [("Filing", x) for x in ids(rows["filing_id"])], {})

# --- the network picture -----------------------------------------------------------------------------------

with graph_tab:
    st.caption(
        t(
            "以当前实体为中心的关系图。选择节点类型、步数和日期范围；选一个节点可以以它为中心重新展开。",
            "The network around this entity. Choose node types, steps and dates; pick a node to re-centre on "
            "it.",
        )
    )
    all_types = list(COLOURS)
    c1, c2 = st.columns([1, 2])
    hops = c1.slider(t("步数", "Steps"), 1, 3, 2 if kind in ("petitioner", "filing") else 1, key="net_hops")
    types = c2.multiselect(
        t("节点类型", "Node types"),
        all_types,
        default=["Petitioner", "Filing", "Issue", "Unit"],
        format_func=lambda lab: label_name(lab, lang()),
        key="net_types",
    )
    d1, d2 = st.columns(2)
    bounds = {"value": None, "min_value": date(1949, 10, 1), "max_value": date(2100, 12, 31)}
    date_from = d1.date_input(t("信访件登记日期从", "Filings received from"), key="net_from", **bounds)
    date_to = d2.date_input(t("到", "to"), key="net_to", **bounds)
    picture = explore_graph.neighbourhood(
        (label, key),
        hops,
        set(types) | {label},
        date_from.isoformat() if date_from else None,
        date_to.isoformat() if date_to else None,
    )
    st.markdown(legend_html(lang(), [lab for lab in all_types if lab in types]), unsafe_allow_html=True)
    if picture.cut:
        st.caption(
            t(
                f"关联太多，图中只画出一部分：每个节点最多 {explore_graph.PER_NODE} 个邻居，"
                f"全图最多 {explore_graph.MAX_NODES} 个节点。减少步数或节点类型可以看得更清楚。",
                f"Too many links to draw them all: at most {explore_graph.PER_NODE} neighbours per node and "
                f"{explore_graph.MAX_NODES} nodes in all. Fewer steps or node types give a clearer picture.",
            )
        )
    show_network(
        network_html(
            picture.nodes,
            picture.edges,
            lang=lang(),
            reveal=session.may_reveal(),
            centre=(label, key),
            height=560,
        ),
        height=580,
    )
    st.caption(
        t(
            f"{len(picture.nodes)} 个节点，{len(picture.edges)} 条关系。",
            f"{len(picture.nodes)} nodes, {len(picture.edges)} links.",
        )
    )
    others = [
        n for n in picture.nodes if n.label in LABEL_OF_KIND.values() and (n.label, n.key) != (label, key)
    ]
    if others:
        c1, c2 = st.columns([3, 1])
        target = c1.selectbox(
            t("以这个节点为中心", "Re-centre on"),
            others,
            format_func=lambda n: f"{label_name(n.label, lang())} "
            + (n.key if n.label == "Filing" else node_text(n.label, n.key, n.name)),
            key="net_target",
        )
        if c2.button(t("重新展开", "Re-centre"), key="net_recentre"):
            open_entity(KIND_OF_LABEL[target.label], target.key)
            st.rerun()
    with st.expander(t("图中的关系列表", "The links in the picture")):
        named = {(n.label, n.key): n.name for n in picture.nodes}

        def end(node: tuple[str, str]) -> str:
            text = node[1] if node[0] == "Filing" else node_text(node[0], node[1], named.get(node))
            return f"{label_name(node[0], lang())} {text}"

        edge_rows = pd.DataFrame(
            [(end(e.src), rel_name(e.rel, lang()), end(e.dst), e.count) for e in picture.edges],
            columns=[t("从", "from"), t("关系", "link"), t("到", "to"), t("条数", "count")],
        )
        show_table(edge_rows, f"network-{kind}-{key}")
    if kind in ("petitioner", "filing"):
        st.page_link(
            PATH,
            label=t("查找与另一个信访人或信访件的最短关联 →", "Find the shortest connection to another →"),
            query_params={"from": key},
        )
