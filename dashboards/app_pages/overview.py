"""Overview: what the workspace holds."""

from __future__ import annotations

import streamlit as st

from dashboards import data

st.title("caselink 信访关联 · 概览 Overview")
st.caption(f"工作区 Workspace: {data.workspace().root}")

counts = data.counts()
cols = st.columns(5)
for col, (label, zh) in zip(
    cols,
    [("Filing", "信访件 Filings"), ("Petitioner", "信访人 Petitioners"), ("Issue", "事项 Issues"),
     ("Unit", "单位 Units"), ("County", "县区 Counties")],
    strict=True,
):
    col.metric(zh, f"{counts.get(label, 0):,}")

if counts.get("Filing", 0) == 0:
    st.info("工作区还没有数据。先运行 `caselink ingest FILINGS --workspace DIR`。 / "
            "The workspace is empty: run `caselink ingest FILINGS --workspace DIR` first.")
