"""Review queue (人工核对): pairs of filings the resolver could not decide, side by side with the evidence;
a person says whether the same petitioner filed both. Decisions are appended to the workspace's
resolution/decisions.csv (ingest/resolve/decisions.py) and applied by the next `caselink ingest`."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from caselink import audit
from caselink.privacy import masked
from dashboards import data, session
from dashboards import patterns_data as pdata
from dashboards.i18n import t
from dashboards.markup import md
from dashboards.tables import show_table
from ingest.records import Filing
from ingest.resolve import ResolveSettings, ReviewItem, Verdict, pair_key

SEXES = {"F": ("女", "female"), "M": ("男", "male")}
ACCEPT = ResolveSettings().accept
SKIPPED = "review_skipped"
VIEWED = "review_viewed"
FIELDS: tuple[tuple[str, str, str], ...] = (
    ("filing_id", "信访件编号", "Filing"),
    ("petitioner_name", "姓名", "Name"),
    ("id_number", "身份证号", "ID number"),
    ("phone", "联系电话", "Phone"),
    ("birth_date", "出生日期", "Birth date"),
    ("sex", "性别", "Sex"),
    ("address", "住址", "Address"),
    ("issue_place", "问题属地", "Place of the matter"),
    ("received_date", "登记日期", "Received"),
    ("channel", "信访形式", "Channel"),
    ("receiving_org", "受理机关", "Receiving body"),
    ("category", "内容分类", "Category"),
    ("co_petitioners", "联名人", "Co-signers"),
    ("headcount", "人数", "Headcount"),
    ("responsible_unit", "责任单位", "Responsible unit"),
    ("status", "办理状态", "Status"),
    ("content", "信访内容", "Content"),
)


def _value(f: Filing | None, name: str) -> str:
    if f is None:
        return t("（工作区中没有这件）", "(not in the workspace)") if name == "filing_id" else ""
    value: Any = getattr(f, name)
    if name in ("id_number", "phone"):
        return masked(value, name, reveal=session.may_reveal())
    if isinstance(value, tuple | list):
        return "、".join(str(v) for v in value)
    if name == "sex" and value in SEXES:
        return t(*SEXES[value])
    return "" if value is None else str(value)


def side_by_side(item: ReviewItem) -> pd.DataFrame:
    """The two filings' fields in two columns (ID numbers and phones masked unless revealed)."""
    a, b = pdata.filing(item.filing_a), pdata.filing(item.filing_b)
    rows = []
    for name, zh, en in FIELDS:
        va, vb = _value(a, name), _value(b, name)
        if name == "filing_id":
            va, vb = item.filing_a, item.filing_b
        same = "" if not va or not vb or name == "filing_id" else ("＝" if va == vb else "≠")
        rows.append({t("字段", "Field"): t(zh, en), "A": va, "B": vb, t("比较", "Compare"): same})
    return pd.DataFrame(rows)


def why_in_queue(item: ReviewItem) -> str:
    """Why the resolver left this pair to a person (a high probability alone can look like a sure match)."""
    if item.probability >= ACCEPT:
        return t(
            f"为什么要人工核对：模型分数很高（{item.probability:.1%}），但一致的只是电话、住址等同一户人家也"
            "会相同的信息，没有身份证号、姓名或出生日期能证明是同一个人（可能是家人），所以不能自动归并。",
            f"Why it needs a person: the model's score is high ({item.probability:.1%}), but what agrees "
            "(phone, address …) is shared by a household; no ID number, name or birth date shows it is the "
            "same person (family members?), so it is not linked automatically.",
        )
    return t(
        f"为什么要人工核对：概率低于自动归并的 {ACCEPT:.0%}，又不够低到可以判定为不同的人。",
        f"Why it needs a person: the probability is below the {ACCEPT:.0%} of an automatic link, yet not "
        "low enough to call them different people.",
    )


def queue_figure(item: ReviewItem) -> tuple[str, str]:
    """The label and figure that put the pair in the queue: its probability when that lies between the
    review and accept thresholds; otherwise (a high score from household facts alone) the missing identity
    evidence — never a "100%" that reads like a sure match."""
    if item.probability >= ACCEPT:
        return t("进入核对的原因", "Why in the queue"), t("缺少本人身份依据", "No identity evidence")
    return t("同一人的概率（模型估计）", "Probability of same (model)"), f"{item.probability:.1%}"


def _decide(item: ReviewItem, verdict: Verdict | None) -> None:
    if verdict is None:
        st.session_state.setdefault(SKIPPED, set()).add(pair_key(item.filing_a, item.filing_b))
        return
    note = str(st.session_state.get("review_note") or "")
    d = pdata.decision_store().record(item.filing_a, item.filing_b, verdict, who=session.user(), note=note)
    audit.record(
        data.workspace().audit_log,
        "review-decision",
        user=session.user(),
        filing_a=d.filing_a,
        filing_b=d.filing_b,
        verdict=d.verdict.value,
    )
    st.session_state["review_note"] = ""
    st.session_state["review_last"] = (d.filing_a, d.filing_b, d.verdict.value)


st.title(t("人工核对", "Review queue"))
st.markdown(
    t(
        "系统无法确定下面两件信访件是否为**同一信访人**所提。请对照两件的信息和各项依据（正数支持“同一人”"
        "，负数反对），"
        "选择“同一人”或“不是同一人”；拿不准就跳过。决定会记录操作人和时间，可以随时更改，"
        "在下一次运行 `caselink ingest` 时生效。",
        "The resolver could not tell whether these two filings come from **the same petitioner**. Compare "
        "the two "
        "and the evidence (positive weights speak for “same”, negative against), then choose “same” or "
        "“different”; skip when unsure. Each decision is kept with who and when, can be changed later, and"
        " takes "
        "effect at the next `caselink ingest`.",
    )
)

queue = pdata.review_queue()
decided = pdata.decisions()
skipped: set[tuple[str, str]] = st.session_state.get(SKIPPED, set())
pending = [it for it in queue if pair_key(it.filing_a, it.filing_b) not in decided]
waiting = [it for it in pending if pair_key(it.filing_a, it.filing_b) not in skipped]

m = st.columns(4)
m[0].metric(t("待核对", "In the queue"), f"{len(pending):,}",
            help=t(f"上次导入时共 {len(queue):,} 对；已决定的不再计入。",
                   f"{len(queue):,} pairs at the last ingest; decided pairs no longer count."))
m[1].metric(
    t("已决定（待下次导入生效）", "Decided (applied at next ingest)"), f"{len(queue) - len(pending):,}"
)
m[2].metric(t("本次跳过", "Skipped this session"), f"{len(pending) - len(waiting):,}")
m[3].metric(t("全部决定记录", "Decisions ever taken"), f"{len(decided):,}")

last = st.session_state.get("review_last")
if last:
    verdict_text = t("同一人", "same") if last[2] == Verdict.SAME.value else t("不是同一人", "different")
    st.success(
        t(
            f"已记录：{md(last[0])} 与 {md(last[1])} → {md(verdict_text)}。下一次 `caselink ingest` 时生效。",
            f"Saved: {md(last[0])} and {md(last[1])} → {md(verdict_text)}. Applied at the next "
            "`caselink ingest`.",
        )
    )

if not queue:
    st.info(
        t(
            "核对队列为空。运行 `caselink ingest` 后，系统拿不准的配对会出现在这里。",
            "The review queue is empty. After `caselink ingest`, pairs the resolver is unsure of appear "
            "here.",
        )
    )
elif not waiting:
    st.info(
        t(
            "队列中的配对都已处理或跳过。新的决定在下一次 `caselink ingest` 时生效。",
            "Every pair in the queue is decided or skipped. New decisions apply at the next `caselink "
            "ingest`.",
        )
    )
    if skipped and st.button(t("重新显示跳过的配对", "Show skipped pairs again"), key="review_unskip"):
        st.session_state[SKIPPED] = set()
        st.rerun()
else:
    item = waiting[0]
    key = pair_key(item.filing_a, item.filing_b)
    viewed: set[tuple[str, str]] = st.session_state.setdefault(VIEWED, set())
    if key not in viewed:  # showing two people's records is a lookup: logged once per pair and session
        audit.record(
            data.workspace().audit_log,
            "review-view",
            user=session.user(),
            filing_a=item.filing_a,
            filing_b=item.filing_b,
            masked=not session.may_reveal(),
        )
        viewed.add(key)

    st.subheader(
        t(f"配对 {pending.index(item) + 1:d} / {len(pending)}",
          f"Pair {pending.index(item) + 1:d} of {len(pending)}")
    )
    s = st.columns(2)
    s[0].metric(t("总权重", "Total weight"), f"{item.weight:+.2f}")
    label, figure = queue_figure(item)
    s[1].metric(md(label), md(figure))
    st.caption(why_in_queue(item))
    show_table(side_by_side(item), "review-pair", key="review-pair")

    st.markdown(t("**依据**（每一项比较及其权重）", "**Evidence** (each comparison and its weight)"))
    ev = pdata.evidence_lines(item)
    ev_shown = pd.DataFrame(
        {
            t("依据", "Evidence"): ev["zh"] if t("zh", "en") == "zh" else ev["en"],
            t("权重", "Weight"): ev["weight"],
        }
    )
    show_table(ev_shown, "review-evidence", key="review-evidence")

    st.text_input(t("备注（可选）", "Note (optional)"), key="review_note")
    b = st.columns(3)
    b[0].button(
        t("同一人", "Same person"),
        key="review_same",
        on_click=_decide,
        args=(item, Verdict.SAME),
        width="stretch",
    )
    b[1].button(
        t("不是同一人", "Different people"),
        key="review_different",
        on_click=_decide,
        args=(item, Verdict.DIFFERENT),
        width="stretch",
    )
    b[2].button(t("跳过", "Skip"), key="review_skip", on_click=_decide, args=(item, None), width="stretch")

history = pdata.decision_store().history()
if history:
    st.subheader(t("最近的决定", "Latest decisions"))
    verdicts = {Verdict.SAME: t("同一人", "same person"),
                Verdict.DIFFERENT: t("不是同一人", "different people")}
    hist = pd.DataFrame(
        [
            {
                t("信访件 A", "Filing A"): d.filing_a,
                t("信访件 B", "Filing B"): d.filing_b,
                t("决定", "Decision"): verdicts.get(d.verdict, d.verdict.value),
                t("操作人", "Who"): d.who,
                t("时间", "When"): d.when,
                t("备注", "Note"): d.note,
            }
            for d in reversed(history[-200:])
        ]
    )
    show_table(hist, "review-decisions", key="review-decisions")
