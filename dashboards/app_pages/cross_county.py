"""Cross-county linkage (跨地区): people in two or more counties joined by one issue or one co-signed filing.
A matter that crosses county lines needs one body above them to coordinate; the page is about matters."""

from __future__ import annotations

import streamlit as st

from dashboards import patterns_data as pdata
from dashboards import session
from dashboards.i18n import lang, t
from dashboards.network import NetEdge, NetNode, label_name, legend_html, network_html, show
from dashboards.tables import show_table

QUERY = "cross-county"
defaults = pdata.defaults(QUERY)
PICTURE_MAX = 60

st.title(t("跨地区", "Cross-county linkage"))
st.markdown(
    t(
        "同一事项或同一封联名信把**两个及以上县区**的信访人联系在一起（例如几个县的代课教师、同一企业改制"
        "涉及的职工）。"
        "这类事项单靠一个县难以解决，需要上一级统筹、明确主办单位。",
        "One issue or one co-signed filing joining petitioners from **two or more counties** (substitute "
        "teachers of "
        "several counties, workers of one restructured factory). No single county can settle such a matter"
        ": the "
        "level above needs to coordinate and name a lead unit.",
    )
)

min_counties = st.number_input(
    t("最少县区数", "Least counties"),
    min_value=1,
    value=int(defaults["min_counties"]),
    step=1,
    key="cross_min_counties",
)
df = pdata.pattern(QUERY, {"min_counties": int(min_counties)})

m = st.columns(4)
m[0].metric(t("跨地区群体", "Groups"), f"{len(df):,}")
m[1].metric(t("按事项", "By issue"), f"{int((df['kind'] == 'Issue').sum()) if len(df) else 0:,}")
m[2].metric(
    t("按联名信", "By co-signed filing"), f"{int((df['kind'] == 'Filing').sum()) if len(df) else 0:,}"
)
m[3].metric(t("最大群体人数", "Largest group"), f"{int(df['size'].max()) if len(df) else 0:,}")

if df.empty:
    st.info(
        t(
            "没有跨地区的群体。可以调低最少县区数；工作区为空时请先运行 `caselink ingest`。",
            "No cross-county group. Lower the least counties; an empty workspace needs `caselink ingest` "
            "first.",
        )
    )
    st.stop()

df = df.assign(n_counties=df["counties"].map(len)).sort_values(
    ["n_counties", "size", "group_id"], ascending=[False, False, True], ignore_index=True
)
all_names = pdata.county_names(tuple(sorted({c for cs in df["counties"] for c in cs})))
keys = {k for ks in df["petitioner_ids"] for k in ks} | set(df["group_id"])
names = pdata.entity_names(tuple(sorted(keys)))
df = df.assign(county_names=[[all_names[c] for c in cs] for cs in df["counties"]])
shown = df.assign(kind=[label_name(k, lang()) for k in df["kind"]])
shown.insert(int(shown.columns.get_loc("petitioner_ids")) + 1, "petitioner_names",
             [[names.get(p, p) for p in ps] for ps in df["petitioner_ids"]])
show_table(shown, QUERY)

st.subheader(t("群体关系图", "Group picture"))
st.caption(
    t(
        "中心是把大家联系起来的事项或联名信；每位信访人连到其所在县区。",
        "In the middle the issue or co-signed filing that joins them; each petitioner is linked to their "
        "county.",
    )
)


def _label(i: int) -> str:
    row = df.iloc[i]
    kind = t("事项", "issue") if row["kind"] == "Issue" else t("联名信", "co-signed filing")
    people, counties = t("人", "people"), t("县区", "counties")
    return f"{row['group_id']} · {kind} · {row['size']} {people} · {len(row['counties'])} {counties}"


pick = st.selectbox(t("选择群体", "Group"), options=range(len(df)), format_func=_label, key="cross_group")
group = df.iloc[int(pick)]
people = tuple(group["petitioner_ids"][:PICTURE_MAX])
homes = pdata.counties_of(people)

centre = ("Filing" if group["kind"] == "Filing" else "Issue", str(group["group_id"]))
names = {**names, **pdata.entity_names(tuple(str(i) for i in group["issue_ids"]))}
nodes = [NetNode(centre[0], centre[1], name=names.get(centre[1]))]
edges: list[NetEdge] = []
if group["kind"] == "Filing":
    nodes += [NetNode("Issue", str(i), name=names.get(str(i))) for i in group["issue_ids"]]
    edges += [NetEdge(centre, "ABOUT", ("Issue", str(i))) for i in group["issue_ids"]]
for pid in people:
    nodes.append(NetNode("Petitioner", pid, name=names.get(pid)))
    edges.append(NetEdge(("Petitioner", pid), "FILED" if group["kind"] == "Filing" else "ABOUT", centre))
    edges += [NetEdge(("Petitioner", pid), "LOCATED_IN", ("County", c)) for c in homes.get(pid, [])]
county_codes = tuple(sorted({c for cs in homes.values() for c in cs}))
home_names = pdata.county_names(county_codes)
for c in county_codes:
    nodes.append(NetNode("County", c, name=home_names[c]))
show(
    network_html(nodes, edges, lang=lang(), reveal=session.may_reveal(), centre=centre, height=560),
    height=580,
)
st.markdown(legend_html(lang(), ["Issue", "Filing", "Petitioner", "County"]), unsafe_allow_html=True)
if len(group["petitioner_ids"]) > PICTURE_MAX:
    st.caption(t(f"图中只画出前 {PICTURE_MAX} 人。", f"Only the first {PICTURE_MAX} people are drawn."))
