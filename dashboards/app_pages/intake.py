"""Intake: the duplicate-filing check (查重) before a new filing is registered.

The clerk types what the petitioner says; caselink.intake.check looks the person and the matter up on the
workspace's intake index and says what to do. The index is loaded once per server process and reloaded after
an ingest (caselink.intake_index.cached_index, warmed when the page opens). Every check is audit-logged by
`check`; ID numbers and phones come back masked unless this session may reveal them.
"""

from __future__ import annotations

import re
from datetime import date

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitAPIException

from caselink.intake import CheckResult, IntakeError, IntakeQuery, MatchLevel, Recommendation, check
from caselink.intake_index import IndexMissing, cached_index
from dashboards import data, session
from dashboards.i18n import lang, t
from dashboards.i18n import one_language as in_language
from dashboards.markup import md
from dashboards.tables import show_table

_RESULT = "intake_result"
DETAILS = "app_pages/details.py"
# what a filing's date `due` is, by its status (otherwise the end of the 60-day handling time); a comment, not
# a string: Streamlit would draw a bare string on the page
DUE = {"待受理": ("决定是否受理", "decide acceptance"), "已办结": ("申请复查截止", "review request by")}
_WEIGHT = re.compile(r"^(?P<zh>[^/]+?) / (?P<en>[^/]+?)(?: \((?P<w>[+-][0-9.]+)\))?$")
_MATCH = {
    MatchLevel.SAME_PERSON: ("同一人", "same person"),
    MatchLevel.POSSIBLE: ("可能同一人", "possibly the same person"),
    MatchLevel.UNLIKELY: ("不太可能", "unlikely"),
}

st.title(t("来访登记查重", "Duplicate-filing check"))
st.caption(t(
    "登记前先查：此人是否来过、此事是否已在办理或已办结、是否他人已反映同一事项。只有姓名必填，"
    "填写越多越准确。每次查询都会记入审计日志。",
    "Before registering: has this person filed before, is the matter being handled or concluded, have "
    "others raised it already? Only the name is required; more fields give better answers. Every check "
    "is written to the audit log.",
))

ws = data.workspace()
try:
    with st.spinner(t("正在载入查重索引…", "Loading the intake index…")):
        cached_index(ws)
except IndexMissing as exc:
    st.info(md(in_language(str(exc))))
    st.stop()

with st.form("intake"):
    c1, c2, c3 = st.columns(3)
    name = c1.text_input(t("信访人姓名 *", "Petitioner's name *"), max_chars=50)
    id_number = c2.text_input(t("身份证号", "ID number"), max_chars=30)
    phone = c3.text_input(t("联系电话", "Phone"), max_chars=30)
    c4, c5, c6 = st.columns([2, 2, 1])
    address = c4.text_input(t("住址", "Address"), max_chars=200)
    account = c6.text_input(t("平台账号", "Platform account"), max_chars=64,
                            help=t("网上信访、留言板等平台的用户账号；有账号时姓名可不填。",
                                   "The user's account on an online platform; with it the name may be "
                                   "left empty."))
    place = c5.text_input(t("问题属地", "Place of the matter"), max_chars=200,
                          help=t("事情发生在哪个县区、乡镇或村。",
                                 "The county, town or village the matter is about."))
    content = st.text_area(t("反映内容", "What the petition is about"), max_chars=5000, height=120,
                           help=t("填写诉求要点，用于比对是否为同一事项。",
                                  "The gist of the request; used to tell whether it is the same matter."))
    submitted = st.form_submit_button(t("查重", "Check"), type="primary")

if submitted:
    query = IntakeQuery(name=name, id_number=id_number, phone=phone, address=address, place=place,
                        content=content, account_id=account)
    try:
        fresh = check(ws, query, reveal=session.may_reveal(), user=session.user())
    except IntakeError as exc:
        st.session_state.pop(_RESULT, None)
        st.error(md(in_language(str(exc))))
        st.stop()
    st.session_state[_RESULT] = (session.may_reveal(), fresh)

saved = st.session_state.get(_RESULT)
if saved is None or saved[0] != session.may_reveal():  # an unmasked result is dropped when masking returns
    st.session_state.pop(_RESULT, None)
    st.info(t("填写上面的表格并点击“查重”。", "Fill in the form above and press Check."))
    st.stop()
result: CheckResult = saved[1]

def one_language(text: str) -> str:
    """A bilingual line of caselink.intake ('身份证号一致 / same ID number (+10.6)') in the session
    language; other text as it is. The prior weight is named for a clerk (基础分: before any field)."""
    found = _WEIGHT.match(text)
    if not found:
        return in_language(text)
    zh, en, weight = found["zh"], found["en"], found["w"]
    if zh == "先验":
        zh, en = "基础分（未比对任何字段前）", "base score (before any field)"
    return t(zh, en) + (t(f"（{weight}）", f" ({weight})") if weight else "")


def due_text(due: date | None, status: str | None) -> str:
    """'2024-02-08（申请复查截止）': the date and what is due by then."""
    if due is None:
        return ""
    zh, en = DUE.get(status or "", ("办结期限", "conclude by"))
    return f"{due.isoformat()}（{zh}）" if lang() == "zh" else f"{due.isoformat()} ({en})"


st.subheader(t("建议", "Recommendation"))
box = {
    Recommendation.NEW_MATTER: st.success,
    Recommendation.SAME_MATTER_IN_HANDLING: st.warning,
    Recommendation.SAME_MATTER_CONCLUDED: st.warning,
    Recommendation.LIKELY_GROUP_MATTER: st.info,
    Recommendation.POSSIBLE_SAME_MATTER: st.warning,
}[result.recommendation]
box("**" + md(one_language(result.recommendation.label)) + "**  \n"
    + "  \n".join(md(one_language(line)) for line in result.explanation))
for note in result.notes:
    st.caption(md(one_language(note)))

st.subheader(t("可能的同一人", "Possible matches"))
if not result.candidates:
    st.caption(t("没有找到相符的信访人。", "No matching petitioner found."))
else:
    people = pd.DataFrame([{
        t("信访人编号", "Petitioner"): c.petitioner_id,
        t("姓名", "Name"): c.name,
        t("平台账号", "Account"): c.account_id,
        t("身份证号", "ID number"): c.id_number,
        t("电话", "Phone"): c.phone,
        t("县区", "County"): c.county,
        t("判断", "Match"): t(*_MATCH[c.match]),
        t("概率", "Probability"): round(c.probability, 3),
        t("信访件数", "Filings"): c.filings_total,
    } for c in result.candidates])
    # check() already masked ID numbers and phones as this session may see them
    show_table(people, "intake-candidates", key="intake-candidates")
    for i, c in enumerate(result.candidates):
        head = f"{c.name} · {c.petitioner_id} · {t(*_MATCH[c.match])} · p={c.probability:.3f}"
        with st.expander(md(head), expanded=i == 0):
            try:
                st.page_link(DETAILS, label=t("打开信访人页面 →", "Open the petitioner's page →"),
                             query_params={"kind": "petitioner", "id": c.petitioner_id})
            except StreamlitAPIException:  # the details page is not in this app's navigation
                pass
            st.markdown(t("**比对依据**（各字段的得分）", "**Evidence** (score of each field)"))
            st.markdown("\n".join(f"- {md(one_language(line))}" for line in c.evidence))
            st.markdown(t(f"**信访件**（共 {c.filings_total:,} 件，相同事项在前）",
                          f"**Filings** ({c.filings_total:,} in all, the same matter first)"))
            filings = pd.DataFrame([{
                t("信访件编号", "Filing"): f.filing_id,
                t("标题", "Title"): f.title,
                t("登记日期", "Received"): f.received_date.isoformat(),
                t("办理状态", "Status"): f.status,
                t("责任单位", "Responsible unit"): f.unit,
                t("办结日期", "Concluded"): f.concluded_date.isoformat() if f.concluded_date else "",
                t("事项", "Matter"): f.issue_title,
                t("相同事项", "Same matter"): "✓" if f.same_matter else "",
                t("期限", "Due"): due_text(f.due, f.status),
            } for f in sorted(c.filings, key=lambda f: (not f.same_matter, -f.received_date.toordinal()))])
            show_table(filings, f"intake-filings-{c.petitioner_id}", key=f"intake-filings-{i}")

if result.group_issues:
    st.subheader(t("他人已反映的相同事项", "The same matter raised by others"))
    st.caption(t("内容与其他人的事项相同，可能是群体事项。", "The content matches other people's matters: "
                 "possibly a group matter."))
    groups = pd.DataFrame([{
        t("事项编号", "Issue"): g.issue_id,
        t("事项", "Matter"): g.title,
        t("涉及人数", "People"): g.people,
        t("最近信访件", "Latest filing"): g.latest.filing_id,
        t("登记日期", "Received"): g.latest.received_date.isoformat(),
        t("办理状态", "Status"): g.latest.status,
        t("责任单位", "Responsible unit"): g.latest.unit,
        t("依据", "Why"): t("；", "; ").join(one_language(r) for r in g.matter_reasons),
    } for g in result.group_issues])
    show_table(groups, "intake-group-issues", key="intake-group-issues")

if result.index_built_at:
    st.caption(t(f"查重索引更新于 {md(result.index_built_at)}",
                 f"Intake index built {md(result.index_built_at)}"))
