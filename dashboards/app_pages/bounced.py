"""Bounced cases (推诿): routing that passes a filing through many units, returns it to a unit it
already left, or sends it back. Time lost while nobody handles the matter; the page shows units
passing cases on."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from dashboards import patterns_data as pdata
from dashboards.i18n import t
from dashboards.tables import show_table

QUERY = "bounced-cases"
PAIRS = "unit-bounce-pairs"
defaults = pdata.defaults(QUERY)
pair_defaults = pdata.defaults(PAIRS)
TIMELINE_MAX = 30
HEAT_UNITS = 20

st.title(t("推诿", "Bounced cases"))
st.markdown(
    t(
        "一件信访件在部门之间转来转去：经过 **3 个及以上**办理单位、**回到已经转出的单位**（A → B → A），"
        "或被**退回**。"
        "这段时间没有人在办理，是重复访和越级访的重要原因。看清楚哪些单位之间反复推诿，便于明确主办和协办"
        "单位。"
        "信访局、热线、领导信箱只负责分派，不算办理单位；协办、督办不算转办。",
        "A filing passed between departments: through **3 or more** handling units, **back to a unit it "
        "already left** "
        "(A → B → A), or **sent back**. Nobody handles the matter meanwhile — a main cause of repeat and "
        "skip-level "
        "petitions. Seeing which units pass cases to each other lets coordinators name a lead unit. Petition "
        "bureaus, hotlines and mailboxes only dispatch and are not counted; 协办 and 督办 are not moves.",
    )
)

c1, c2 = st.columns(2)
min_units = c1.number_input(
    t("最少办理单位数", "Least handling units"),
    min_value=1,
    value=int(defaults["min_units"]),
    step=1,
    key="bounced_min_units",
)
send_back = c2.text_input(
    t("表示退回的流转方式", "Routing action that sends back"),
    value=str(defaults["send_back"]),
    key="bounced_send_back",
)
with st.expander(t("更多参数", "More settings")):
    ignore = st.text_input(
        t("不算转办的流转方式（逗号分隔）", "Actions that are not moves (comma-separated)"),
        value=",".join(defaults["ignore_actions"]),
        key="bounced_ignore",
    )
    markers = st.text_input(
        t("只负责分派的单位名称包含（逗号分隔）", "Names of dispatch-only units contain (comma-separated)"),
        value=",".join(defaults["dispatch_markers"]),
        key="bounced_markers",
    )

df = pdata.pattern(
    QUERY,
    {
        "min_units": int(min_units),
        "send_back": send_back,
        "ignore_actions": ignore,
        "dispatch_markers": markers,
    },
)

reasons = df.explode("reason")["reason"].value_counts() if len(df) else pd.Series(dtype=int)
m = st.columns(4)
m[0].metric(t("推诿信访件", "Bounced filings"), f"{len(df):,}")
m[1].metric(t("经过多个单位", "Through many units"), f"{int(reasons.get('many_units', 0)):,}")
m[2].metric(t("回到已转出单位", "Back to a unit"), f"{int(reasons.get('return', 0)):,}")
m[3].metric(t("有退回", "With a send-back"), f"{int(reasons.get('send_back', 0)):,}")

if df.empty:
    st.info(
        t(
            "没有推诿的信访件。可以调低最少办理单位数；工作区为空时请先运行 `caselink ingest`（带 "
            "--transfers 流转文件）。",
            "No bounced filings. Lower the least handling units; an empty workspace needs "
            "`caselink ingest` (with --transfers) first.",
        )
    )
    st.stop()

table = df.assign(chain=df["chain"].map(" → ".join))
show_table(
    table.sort_values(["days_in_routing", "filing_id"], ascending=[False, True], ignore_index=True), QUERY
)

st.subheader(t("流转时间线", "Routing timeline"))
st.caption(
    t(
        "每行一件信访件，每段是文件在一个单位停留的时间（从转入到下一次流转；最后一段到办结日）。",
        "One row per filing; each segment is the time the file sat with one unit (from its arrival to the "
        "next move; the last one to the conclusion date).",
    )
)
longest = df.sort_values(["days_in_routing", "filing_id"], ascending=[False, True])["filing_id"].tolist()
chosen = st.multiselect(
    t(
        f"信访件（最多 {TIMELINE_MAX} 件，默认流转时间最长的 10 件）",
        f"Filings (at most {TIMELINE_MAX}; the 10 longest in routing by default)",
    ),
    options=longest,
    default=longest[:10],
    max_selections=TIMELINE_MAX,
    key="bounced_timeline",
)
steps = pdata.routing_steps(tuple(chosen))
if steps.empty:
    st.info(t("所选信访件没有流转记录。", "The chosen filings have no routing events."))
else:
    steps = steps.assign(start=pd.to_datetime(steps["start"]), end=pd.to_datetime(steps["end"]))
    # days counted from each filing's first move, so long and short chains of any year line up
    first = steps.groupby("filing_id")["start"].transform("min")
    steps["day"] = (steps["start"] - first).dt.days
    steps["until"] = (steps["end"] - first).dt.days.clip(lower=steps["day"]) + 1  # a same-day move: one day
    wide = (steps["until"] - steps["day"]) >= 0.1 * steps["until"].max()  # room for the unit's name
    steps["label"] = steps["to_unit"].where(wide, "")
    steps["start"] = steps["start"].dt.strftime("%Y-%m-%d")
    steps["end"] = steps["end"].dt.strftime("%Y-%m-%d")
    base = alt.Chart(steps).encode(
        y=alt.Y("filing_id:N", title=t("信访件", "Filing"), sort=chosen),
        x=alt.X("day:Q", title=t("自第一次流转起的天数", "Days since the first move")),
    )
    bars = base.mark_bar(stroke="white", strokeWidth=1, height=20).encode(
        x2="until:Q",
        color=alt.Color("action:N", title=t("流转方式", "Action"), scale=alt.Scale(scheme="tableau10")),
        tooltip=["filing_id", "seq", "action", "from_unit", "to_unit", "start", "end", "note"],
    )
    names = base.mark_text(align="left", dx=3, fontSize=10, color="black").encode(text="label:N")
    chart = (bars + names).properties(height=max(120, 34 * len(chosen)))
    st.altair_chart(chart, width="stretch")

st.subheader(t("相互推诿的单位对", "Units passing filings back and forth"))
st.caption(
    t(
        "一次“推诿”= 同一件信访件先由 A 转到 B，之后又从 B 回到 A。颜色越深，来回越多。",
        "A bounce = a filing that went from A to B and later from B back to A. Darker means more bounces.",
    )
)
min_bounces = st.number_input(
    t("最少来回次数", "Least bounces"),
    min_value=1,
    value=int(pair_defaults["min_bounces"]),
    step=1,
    key="bounced_min_bounces",
)
pairs = pdata.pattern(
    PAIRS, {"min_bounces": int(min_bounces), "ignore_actions": ignore, "dispatch_markers": markers}
)
if pairs.empty:
    st.info(t("没有相互推诿的单位对。", "No pair of units passes filings back and forth."))
else:

    codes = pd.concat([pairs["unit_a"], pairs["unit_b"]]).str.split(":").str[0]
    county = pdata.county_names(tuple(sorted(set(codes))))

    def label(uid: pd.Series, name: pd.Series) -> pd.Series:
        return uid.str.split(":").str[0].map(county) + " " + name

    both = pd.concat(
        [
            pd.DataFrame(
                {
                    "a": label(pairs["unit_a"], pairs["unit_a_name"]),
                    "b": label(pairs["unit_b"], pairs["unit_b_name"]),
                    "bounces": pairs["bounces"],
                    "filings": pairs["filings"],
                }
            ),
            pd.DataFrame(
                {
                    "a": label(pairs["unit_b"], pairs["unit_b_name"]),
                    "b": label(pairs["unit_a"], pairs["unit_a_name"]),
                    "bounces": pairs["bounces"],
                    "filings": pairs["filings"],
                }
            ),
        ],
        ignore_index=True,
    )
    # the units with most bounces, and the pairs among them
    units = both.groupby("a")["bounces"].sum().sort_values(ascending=False).head(HEAT_UNITS).index
    heat = both[both["a"].isin(units) & both["b"].isin(units)]
    hm = (
        alt.Chart(heat)
        .mark_rect()
        .encode(
            x=alt.X("a:N", title=None, sort=list(units), axis=alt.Axis(labelAngle=-45, labelLimit=200)),
            y=alt.Y("b:N", title=None, sort=list(units), axis=alt.Axis(labelLimit=200)),
            color=alt.Color(
                "bounces:Q", title=t("来回次数", "Bounces"), scale=alt.Scale(scheme="orangered", domainMin=0)
            ),
            tooltip=["a", "b", "bounces", "filings"],
        )
        .properties(height=28 * len(units) + 40)
    )
    st.altair_chart(hm, width="stretch")
    st.caption(
        t(
            f"热力图显示来回最多的 {len(units)} 个单位（县区 单位名）之间的推诿；"
            f"全部 {len(pairs)} 对见下表。",
            f"The map shows the {len(units)} units (county, unit) with most bounces; all {len(pairs)} "
            "pairs are in the table.",
        )
    )
    show_table(pairs, PAIRS)
