"""Page text in Simplified Chinese by default, English on request (the switch sits in the sidebar).

    st.title(t("概览", "Overview"))
"""

from __future__ import annotations

from typing import Literal

import streamlit as st

Lang = Literal["zh", "en"]
_KEY = "lang"


def lang() -> Lang:
    """The language the user chose for this session ('zh' until they switch)."""
    return "en" if st.session_state.get(_KEY) == "en" else "zh"


def t(zh: str, en: str) -> str:
    """The text in the session's language."""
    return en if lang() == "en" else zh


def language_switch() -> None:
    """The sidebar control that switches the session between 中文 and English."""
    st.sidebar.radio(
        "语言 / Language", options=["zh", "en"], key=_KEY, horizontal=True,
        format_func=lambda code: "中文" if code == "zh" else "English",
    )
