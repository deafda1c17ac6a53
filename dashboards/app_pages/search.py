"""Search: petitioners, filings, issues and units by name, ID number, phone, filing number or text; each
result opens its page. Every search is written to the audit log (who looked for what, which petitioners it
found)."""

from __future__ import annotations

import streamlit as st

from caselink import audit
from caselink.privacy import mask_lookup
from dashboards import data, explore_data, session
from dashboards import patterns_data as pdata
from dashboards.i18n import lang, t
from dashboards.markup import md
from dashboards.network import label_name
from dashboards.tables import show_table

DETAILS = "app_pages/details.py"
MAX_LINKS = 20

st.title(t("检索", "Search"))
st.caption(
    t(
        "输入姓名、身份证号、电话、平台账号、信访件编号、事项或单位名称、信访件标题，或诉求内容中的词语。"
        "证件号和电话可带空格或横线，也可以照抄遮蔽后的号码（如 138****5678）；平台账号须完整输入。",
        "Type a name, ID number, phone, platform account, filing number, issue or unit name, filing title, "
        "or words from a filing's text. ID numbers and phones may contain spaces or dashes, or be copied "
        "masked (e.g. 138****5678); an account id must be typed whole.",
    )
)

with st.form("search"):
    raw = st.text_input(t("检索内容", "Look for"), value=st.query_params.get("q", ""), key="search_text")
    limit = st.select_slider(t("最多显示", "Show at most"), options=[20, 50, 100, 200], value=50)
    st.form_submit_button(t("检索", "Search"), type="primary")

text = explore_data.search_text(raw or "")
if not text:
    st.info(t("输入内容后点“检索”。", "Type something and press Search."))
    st.stop()

found = explore_data.search(text, limit)

# one audit entry per new search in this session (a rerun of the page is not a new lookup)
looked_up = (text, limit)
if st.session_state.get("search_audited") != looked_up:
    audit.record(
        data.workspace().audit_log,
        "search",
        user=session.user(),
        text=mask_lookup(text),  # only what is personal: keys stay readable
        results=len(found),
        petitioner_ids=found.loc[found["label"] == "Petitioner", "key"].tolist(),
    )
    st.session_state["search_audited"] = looked_up

if found.empty:
    st.warning(
        t(
            f"没有找到“{md(raw.strip())}”。试试更短的词，或只输入证件号、电话的后几位。",
            f"Nothing found for '{md(raw.strip())}'. Try a shorter word, or the last digits of an ID or "
            "phone.",
        )
    )
    st.stop()

RANKS = {
    0: t("编号", "key"),
    1: t("证件号/电话/账号", "ID/phone/account"),
    2: t("名称/标题", "name/title"),
    3: t("编号/证件号/电话片段", "part of key/ID/phone"),
    4: t("名称/标题片段", "part of name/title"),
    5: t("诉求内容", "text"),
}
def own_account(accounts: object) -> bool:
    """The filing's own platform account is the text searched (else it was found through its petitioner)."""
    return isinstance(accounts, list | tuple) and text in accounts


# a filing found through its petitioner
OWNER_RANKS = {1: t("信访人的证件号/电话", "the petitioner's ID/phone"),
               2: t("信访人姓名", "the petitioner's name")}
st.subheader(t(f"结果（{len(found)}）", f"Results ({len(found)})"))
HEADERS = {
    "label": ("类型", "type"), "key": ("编号", "id"), "name": ("名称", "name"),
    "category": ("类别", "category"), "received_date": ("登记日期", "received"), "county": ("县区", "county"),
    "id_number": ("身份证号", "id_number"), "phone": ("电话", "phone"), "rank": ("匹配", "matched on"),
    "title": ("标题", "title"), "account_ids": ("平台账号", "account"),
}  # fmt: skip
headers = {column: t(zh, en) for column, (zh, en) in HEADERS.items()}
counties = pdata.county_names(tuple(sorted({c for c in found["county"] if isinstance(c, str) and c})))
shown = found.assign(
    label=[label_name(v, lang()) for v in found["label"]],
    county=[counties.get(c, c) if isinstance(c, str) else c for c in found["county"]],
    rank=[OWNER_RANKS[int(v)] if label == "Filing" and int(v) in OWNER_RANKS and not own_account(accounts)
          else RANKS.get(int(v), str(v))
          for label, v, accounts in zip(found["label"], found["rank"], found["account_ids"], strict=True)],
).rename(columns=headers)
show_table(shown, "search", personal={headers["id_number"]: "id_number", headers["phone"]: "phone"})

st.caption(t("打开详情：", "Open a page:"))
cols = st.columns(2)
for i, row in enumerate(found.head(MAX_LINKS).itertuples(index=False)):
    kind = explore_data.KIND_OF_LABEL[row.label]
    name = f" · {row.name}" if isinstance(row.name, str) and row.name else ""
    if isinstance(row.title, str) and row.title:  # a filing's own title names it better than a person
        name = f" · {row.title}"
    cols[i % 2].page_link(
        DETAILS,
        label=md(f"{label_name(row.label, lang())} {row.key}{name}"),
        query_params={"kind": kind, "id": row.key},
    )
if len(found) > MAX_LINKS:
    st.caption(
        t(
            f"只列出前 {MAX_LINKS} 个链接；请缩小检索范围。",
            f"Links for the first {MAX_LINKS} only: narrow the search.",
        )
    )
