"""Page text in Simplified Chinese by default, English on request (the switch sits in the sidebar).

    st.title(t("概览", "Overview"))
"""

from __future__ import annotations

import re
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


_CJK = re.compile(r"[\u3400-\u9fff]+")
_WHOLE = re.compile(r"^(?P<zh>.*?[\u3400-\u9fff）。；：”].*?)\s?/ (?P<en>[A-Za-z“\"'(].*)$", re.S)
_INLINE = re.compile(r"(?P<zh>[\u3400-\u9fff]+) / (?P<en>[a-z][a-z ]*[a-z])")


def one_language(text: str) -> str:
    """A line written "中文 / English" (as caselink.intake and the resolver write theirs) in the session's
    language; inline pairs ("状态不明 / status unknown") too; other text as it is.

    The whole line is taken as a pair only when every Chinese run of its English half (names, units, the
    data it quotes) also appears in its Chinese half; otherwise only the short inline pairs are replaced, so
    that no data is lost. The language switch stays bilingual, as it must.
    """
    whole = _WHOLE.match(text)
    if whole and all(run in whole["zh"] for run in _CJK.findall(whole["en"])):
        return t(whole["zh"].strip(), whole["en"].strip())
    return _INLINE.sub(lambda m: t(m["zh"], m["en"]), text)
