"""Data and URL values inside Streamlit Markdown, shown as the text they are.

Titles, headers, captions, `st.markdown`, alerts, toasts, tab, expander, metric and page_link labels all
render Markdown. A name like `![x](http://host/p.png)` would make every viewer's browser fetch that URL, a
link or a bare URL would become clickable on an official page, and `**…**`, `:red[…]` or `$…$` would restyle
it.
Every value from the data (or from the address bar) goes through `md` before it meets one of those calls:

    st.title(f"{kind_name(kind)} · {md(name)}")
    st.warning(t(f"没有找到“{md(raw)}”。", f"Nothing found for '{md(raw)}'."))

tests/dashboards/test_markup.py reads every page and fails when such a call receives a value that is not a
constant, `t(...)` of constants, or `md(...)`.
"""

from __future__ import annotations

import re

from caselink.privacy import mask_text
from queries.run import escape_controls

_PUNCT = re.compile(r"([!-/:-@\[-`{-~])")
"""Every ASCII punctuation character: CommonMark lets each be escaped with a backslash, and escaped it starts
no image, link, autolink (http:, www., e-mail), HTML tag, emphasis, code, heading, list, table, math ($) or
Streamlit directive (:red[…])."""
_AUTOLINK = re.compile(r"(?i)(?<![a-z])(https?|ftp|www)(?=[:.])|(?<=[\w.+-])(?=@)")
"""Where GitHub-flavoured Markdown finds bare links (http://, https://, www., name@host): Streamlit links
them by a search over the parsed text, after escapes are resolved, so a word joiner (U+2060, invisible) is
put before the ':' / '.' / '@' to break the match."""
_SHORTCODE = re.compile(r":(?=[\w/+-]+:)")
"""`:word:` and `:material/icon:`: Streamlit replaces these in the text after Markdown is parsed, so escaping
does not stop them; their first colon is shown as a full-width colon (：) instead."""


def md(value: object, *, mask: bool = True) -> str:
    """`value` as literal text inside Streamlit Markdown: control and bidi characters shown escaped, line
    breaks as \\n, every Markdown character backslash-escaped, emoji and icon shortcodes (:word:) broken,
    bare links (http://, www., e-mail) broken by an invisible word joiner, and ID numbers and phones
    inside it masked (caselink.privacy.mask_text): a title or label is never where
    a number is to be read in full. `mask=False` for a field already masked as the session may see it
    (caselink.privacy.masked).

    >>> print(md("![x](http://e.example/p.png) **b** $x$ :red[r]").replace("\\u2060", "|"))
    \\!\\[x\\]\\(http|\\:\\/\\/e\\.example\\/p\\.png\\) \\*\\*b\\*\\* \\$x\\$ \\:red\\[r\\]
    """
    if value is None:
        return ""
    text = str(value)
    text = escape_controls(mask_text(text) if mask else text)
    text = _AUTOLINK.sub(lambda m: (m.group(1) or "") + "\u2060", _SHORTCODE.sub("：", text))
    return _PUNCT.sub(r"\\\1", text)
