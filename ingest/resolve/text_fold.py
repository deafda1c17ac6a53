"""The light fold every reading of a filing's text starts from: full-width forms to ASCII, traditional
characters to simplified, ASCII letters to lower case. Cheap enough to run on every text (a
`str.translate` and, only where a traditional character occurs, OpenCC).
"""

from __future__ import annotations

import re
from functools import cache

from ingest.read.normalise import to_simplified

WIDTH = str.maketrans(
    {0xFF10 + i: chr(ord("0") + i) for i in range(10)}
    | {0xFF21 + i: chr(ord("a") + i) for i in range(26)}
    | {0xFF41 + i: chr(ord("a") + i) for i in range(26)}
    | {ord("A") + i: chr(ord("a") + i) for i in range(26)}
    | {
        0xFF0E: ".",  # １４．４８万元: the full stop of full-width numbers is their decimal point
        0xFF0D: "-",
        0xFF0F: "/",
        0xFF05: "%",
        0xFF5E: "~",
        0xFF0B: "+",
        0xFF03: "#",
        0x200B: "",
        0xFEFF: "",
    }
)
"""Full-width digits and letters to ASCII and all letters to lower case (110KV = 110kV = １１０ｋＶ);
full-width spaces to spaces. Full-width punctuation that is also Chinese punctuation (，：；！？（）) is
left to the punctuation fold, so that a full-width comma never becomes a thousands separator (3，400人 is
not 3400人)."""


@cache
def _traditional() -> str:
    """Every character t2s changes on its own (about 3,700; found once in ~0.1 s)."""
    ranges = (range(0x3400, 0x4DC0), range(0x4E00, 0xA000), range(0xF900, 0xFB00))
    return "".join(ch for r in ranges for c in r if to_simplified(ch := chr(c)) != ch)


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Any character fold changes (one scan tells that most texts need nothing), and the traditional ones."""
    wide = "".join(chr(c) for c in WIDTH if c > 0x7F)
    trad = _traditional()
    return re.compile("[" + re.escape(wide + trad) + "A-Z]"), re.compile("[" + re.escape(trad) + "]")


_WIDE = re.compile("[" + re.escape("".join(chr(c) for c in WIDTH if c > 0x7F)) + "]")
"""The characters WIDTH changes beyond ASCII (not the full-width ，：（）, which are Chinese punctuation).
"""
_UPPER = re.compile("[A-Z]")


def _wide(m: re.Match[str]) -> str:
    return m.group(0).translate(WIDTH)


def fold(text: str) -> str:
    """Full-width to ASCII, letters lower case, traditional to simplified (what OpenCC t2s does, keeping
    standard simplified characters such as 乾 and 於, as names are read).

    >>> fold("ＡＢＣ１２３ 國土資源")
    'abc123 国土资源'
    """
    changed, traditional = _patterns()
    if not changed.search(text):
        return text
    # str.translate looks every character up in a dict (~0.1 µs each): only the rare matches go through it
    if _WIDE.search(text):
        text = _WIDE.sub(_wide, text)
    if _UPPER.search(text):
        text = text.lower()
    if traditional.search(text):
        text = to_simplified(text)
    return text
