"""What a filing's text says of its matter, written one way.

Two filings on one matter are told with different habits of writing: 十四万八千元 / 148000元,
二〇二三年五月三日 / 2023.5.3, 反应 for 反映, traditional characters; one opens 尊敬的领导：您好！ and
closes 此致敬礼, the other is a hotline summary opening 群众来电反映：. `matter_text` removes what says
nothing of the matter and writes each particular one way, so that text similarity measures the matter and
not the writer. `strong_identifiers` (ingest/resolve/identifiers.py) reads what names one matter outright;
`named_objects` (ingest/resolve/named_objects.py) the estates, roads, schools, hospitals and companies it
is about. Both are re-exported here.

The phrases removed (reference/boilerplate.csv) and the misspellings corrected (reference/typos.csv) are
data, so an office adds its own. Everything is a pure function of one text, made of compiled regular
expressions (each starting with a literal or a character class, so the engine skips ahead) and cheap
gates (`in`) that skip a pass when nothing in the text needs it; bench/matter_text.py measures the speed.

Decisions a reader of the output needs:
- sums are written in 元 without separators: 14.48万元 → 144800元, 1,200元 → 1200元, 3000块钱 → 3000元;
  an approximate sum keeps its 余 after the number: 14万余元, 十四万多元 and 140000余元 are all
  140000余元, unequal to the exact 140000元;
- Chinese numerals before a measure word become digits (三十八名 → 38名, 二〇二三年 → 2023年); a lone 一
  only before a counter (一名, 一次; not 一直, 统一); an approximate count (三四十人, 七八个, 几十万元,
  数十名) is left in words: no one number is meant;
- dates are 2023年5月3日 (from 2023-05-03, 2023/5/3, 2023.5.3, 二〇二三年五月三日, 2023年05月03号);
- punctuation folds to ， (within a sentence) and 。 (between sentences), brackets to （）, quotes and
  title marks go; runs collapse; whitespace goes except between two Latin words or two numbers; Latin
  letters are lower case;
- nothing is cut inside a word: removed phrases leave a ， where they stood, so the words around them
  never join.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from ingest.resolve.identifiers import strong_identifiers
from ingest.resolve.named_objects import named_objects
from ingest.resolve.text_fold import fold

__all__ = [
    "BOILERPLATE_PATH",
    "TYPOS_PATH",
    "Boilerplate",
    "Typo",
    "matter_text",
    "named_objects",
    "read_boilerplate",
    "read_typos",
    "strong_identifiers",
]

REFERENCE = Path(__file__).parent / "reference"
BOILERPLATE_PATH = REFERENCE / "boilerplate.csv"
TYPOS_PATH = REFERENCE / "typos.csv"


# ----------------------------------------------------------------------------------------------- typos


@dataclass(frozen=True, slots=True)
class Typo:
    """One row of typos.csv: `wrong` is written `right` unless one of the guard words stands next to it."""

    wrong: str
    right: str
    unless_before: tuple[str, ...] = ()
    unless_after: tuple[str, ...] = ()

    def applies(self, text: str, start: int, end: int) -> bool:
        """Whether the occurrence text[start:end] is this misspelling, not a word its guards name."""
        return not any(
            text.startswith(w, start - len(w), start) for w in self.unless_before if len(w) <= start
        ) and not any(text.startswith(w, end) for w in self.unless_after)


def _rows(path: Path) -> list[dict[str, str]]:
    """A reference CSV's rows; lines starting with # are comments."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [
            {k: (v or "").strip() for k, v in row.items() if k}
            for row in csv.DictReader(line for line in fh if not line.startswith("#"))
        ]


def read_typos(path: Path = TYPOS_PATH) -> list[Typo]:
    """The rows of a typos table; a row without both spellings is refused."""
    out: list[Typo] = []
    for n, row in enumerate(_rows(path), start=2):
        if not row.get("wrong") or not row.get("right"):
            raise ValueError(f"{path.name}: row {n} needs both wrong and right: {row}")
        split = lambda v: tuple(w for w in v.split("|") if w)  # noqa: E731
        out.append(
            Typo(
                fold(row["wrong"]),
                fold(row["right"]),
                split(fold(row.get("unless_before", ""))),
                split(fold(row.get("unless_after", ""))),
            )
        )
    return out


@cache
def _typos() -> tuple[re.Pattern[str] | None, dict[str, Typo]]:
    """One alternation of the misspellings (a literal alternation is scanned fast; the guards are checked on
    a hit)."""
    typos = {t.wrong: t for t in read_typos()}
    if not typos:
        return None, {}
    return re.compile("|".join(re.escape(w) for w in sorted(typos, key=len, reverse=True))), typos


def _fix_typos(text: str) -> str:
    pattern, typos = _typos()
    if pattern is None:
        return text

    def fix(m: re.Match[str]) -> str:
        t = typos[m.group(0)]
        return t.right if t.applies(m.string, m.start(), m.end()) else t.wrong

    return pattern.sub(fix, text)


# --------------------------------------------------------------------------------------------- numbers

_CN_DIGIT = {
    **dict.fromkeys("〇○零", 0),
    **dict(zip("一二三四五六七八九", range(1, 10), strict=True)),
    "两": 2,
    **dict(zip("壹贰叁肆伍陆柒捌玖", range(1, 10), strict=True)),
}
_CN_UNIT = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000, "万": 10**4, "亿": 10**8}
_MEASURE = (
    "名人户位个元块角万亿年月日号天岁亩间套栋幢层楼次家辆台条项件份处座所期批组级届周倍%余多来笔宗张本只头"
)
_STRICT = set("名人户位个元年月日号天岁亩间套栋幢层次家辆台条项件份处座批周倍")
"""What a lone 一 must stand before to be read as 1 (一名, 一年); elsewhere it is a word (一直, 一起)."""
_WORDS_WITH_ONE = frozenset("统唯万划专单同均逐归整")
"""Characters that make a word with a following 一 (统一处理, 唯一1处 would misread)."""
_MEASURE_2 = ("平方", "平米", "公里", "公斤", "小时", "季度", "分钟")
_CN_NUMBER = re.compile(
    "(["
    + "".join(_CN_DIGIT)
    + "".join(_CN_UNIT)
    + "]["
    + "".join(_CN_DIGIT)
    + "".join(_CN_UNIT)
    + "]*)(?=["
    + _MEASURE
    + "米吨斤"
    + "".join(w[0] for w in _MEASURE_2)
    + "])"
)
"""A run of Chinese numerals before a measure word. Not after 几 / 数 / 多 (几十万, 数十名: no one number is
meant)."""


def _cn_value(run: str) -> int | None:
    """The value of a Chinese numeral run, None for an approximate or malformed one (三四十, 七八, 万)."""
    if run[0] not in _CN_DIGIT and run[0] not in "十拾":
        return None  # 万, 千万, 百年: words, not numbers
    if all(ch in _CN_DIGIT for ch in run):  # digit by digit: 二〇二三, 一一〇
        if len(run) == 1 or len(run) >= 3 or any(_CN_DIGIT[ch] == 0 for ch in run):
            return int("".join(str(_CN_DIGIT[ch]) for ch in run))
        return None  # 三四, 七八: an approximate count
    total = section = number = 0
    prev = ""
    for ch in run:
        if ch in _CN_DIGIT:
            if prev in _CN_DIGIT and _CN_DIGIT[prev] and _CN_DIGIT[ch]:
                return None  # 三四十, 十七八: a range
            number = _CN_DIGIT[ch]
        elif _CN_UNIT[ch] < 10**4:
            section += (number or 1) * _CN_UNIT[ch]
            number = 0
        elif ch == "万":
            total += (section + number) * 10**4
            section = number = 0
        else:
            total = (total + section + number) * 10**8
            section = number = 0
        prev = ch
    if number and len(run) >= 2 and run[-2] in "百佰千仟万亿":  # 两万五 = 25000, 一千五 = 1500
        number *= _CN_UNIT[run[-2]] // 10
    return total + section + number


def _cn_number(m: re.Match[str]) -> str:
    run = m.group(1)
    if run == "一" and (
        m.string[m.end() : m.end() + 1] not in _STRICT
        or m.string[m.start() - 1 : m.start()] in _WORDS_WITH_ONE
    ):
        return run
    before = m.string[m.start() - 1] if m.start() else ""
    if (
        before in ("几", "数") or before.isdigit()
    ):  # 几十万, 数十名: no one number; 800一个月 must not become 8001个月
        return run
    nxt = m.string[m.end()]
    if nxt not in _MEASURE and nxt not in "米吨斤" and m.string[m.end() : m.end() + 2] not in _MEASURE_2:
        return run
    value = _cn_value(run)
    return run if value is None else str(value)


_THOUSANDS = re.compile(r"\d\d{0,2}(?:,\d{3})+(?![\d,])")
_MULT = {
    "百": 100,
    "千": 1000,
    "万": 10**4,
    "亿": 10**8,
    "百万": 10**6,
    "千万": 10**7,
    "百亿": 10**10,
    "万亿": 10**12,
}
_TIMES = re.compile(
    r"(\d\d*(?:\.\d+)?)(余|多)?("
    + "|".join(sorted(_MULT, key=len, reverse=True))
    + r")(?![百千万亿])(余|多)?"
)


def _no_commas(m: re.Match[str]) -> str:
    return m.group(0) if _after_number(m) else m.group(0).replace(",", "")


def _after_number(m: re.Match[str]) -> bool:
    """Whether a match starts inside a longer number (a digit or a decimal point before it)."""
    return m.start() > 0 and (m.string[m.start() - 1].isdigit() or m.string[m.start() - 1] == ".")


def _times(m: re.Match[str]) -> str:
    if _after_number(m):
        return m.group(0)
    value = Decimal(m.group(1)) * _MULT[m.group(3)]
    digits = format(value.normalize(), "f")
    return digits + ("余" if m.group(2) or m.group(4) else "")


_YUAN = re.compile(r"块钱|元钱|块人民币|元人民币|元整|人民币(?=\d)|\.0+元|[¥￥](\d+(?:\.\d+)?)")


def _approx(text: str) -> str:
    """300多元 → 300余元: 多 after a number (a loop over the few 多 of a text beats a regex over digits)."""
    parts: list[str] = []
    last = 0
    i = text.find("多")
    while i >= 0:
        if i and text[i - 1].isdigit():
            parts += (text[last:i], "余")
            last = i + 1
        i = text.find("多", i + 1)
    return "".join(parts) + text[last:] if parts else text


"""3000块钱 / 3000元整 / 人民币3000元 / ￥3000 / 3000.00元 → 3000元; 300多元 → 300余元 (after a number only).
"""


_YUAN_HINTS = ("块", "¥", "￥", "元钱", "元整", "元人", "人民币", ".0")


def _yuan(m: re.Match[str]) -> str:
    s = m.group(0)
    after_digit = m.start() > 0 and m.string[m.start() - 1].isdigit()
    if s == "人民币":
        return ""
    if m.group(1):
        return m.group(1) + "元"
    if s[0] == ".":
        return "元" if after_digit else s
    return "元" if after_digit or m.string[m.start() - 1 : m.start()] == "余" else s


_DATE = re.compile(
    r"((?:19|20)\d\d)\s*([-/.])\s*(0?[1-9]|1[0-2])\s*\2\s*(0?[1-9]|[12]\d|3[01])(?:日|号)?(?![\d.])"
    r"|((?:19|20)\d\d)\s*[-/.]\s*(0?[1-9]|1[0-2])(?![\d.%/\-万亿千元亩])"
)
"""2023-05-03, 2023/5/3, 2023.5.3 → 2023年5月3日; 2023-05 → 2023年5月."""
_MONTH = re.compile(r"(\d\d?)月(?:(\d{1,2})[号日](?![楼院栋线室门])|份)?")
"""05月03号 → 5月3日; 5月份 → 5月."""


_KEPT_SEPARATOR = re.compile(r"[.:\-/~, ]")
"""What the punctuation fold kept because it stood between two values (4.23, 0731-8888, 3 400, 144,800)."""


def _still_between(m: re.Match[str]) -> str:
    """A kept separator that, once numbers, sums and dates are written, no longer stands between two values
    (2023-05-03 11:08 → 2023年5月3日11:08, ¥3 4 → 3元4) is folded as any other mark."""
    text, i, j, sep = m.string, m.start(), m.end(), m.group(0)
    before, after = text[i - 1 : i], text[j : j + 1]
    if sep == " ":
        return sep if _apart(before, after) else ""
    if sep == ",":
        return sep if before.isdigit() and after.isdigit() else "，"
    return sep if _is_alnum(before) and _is_alnum(after) else _SEPARATORS[sep]


def _date(m: re.Match[str]) -> str:
    if _after_number(m):
        return m.group(0)
    if m.group(1):
        return f"{m.group(1)}年{int(m.group(3))}月{int(m.group(4))}日"
    return f"{m.group(5)}年{int(m.group(6))}月"


def _month(m: re.Match[str]) -> str:
    if _after_number(m):
        return m.group(0)
    return f"{int(m.group(1))}月" + (f"{int(m.group(2))}日" if m.group(2) else "")


# ---------------------------------------------------------------------------------------- punctuation

_PUNCT: dict[str, str] = (
    dict.fromkeys("，、：；", "，")
    | dict.fromkeys("。！？!?;…", "。")
    | dict.fromkeys("(（[［【〔｛{", "（")
    | dict.fromkeys(")）]］】〕｝}", "）")
    | dict.fromkeys("—–―", "，")
    | dict.fromkeys("\"'“”‘’「」『』《》〈〉<>`·•・", "")
)
"""Clause marks to ，, sentence marks to 。, brackets to （）, quotes and title marks dropped."""
_SEPARATORS = {".": "。", ":": "，", "-": "，", "/": "，", "~": "，", ",": "，"}
"""Kept between two digits or letters, where they are part of a value (4.23, 9:30, 0731-8888, 3/4, 3~5)."""
_SPACES = " \t\n\r\f\v\u3000\u00a0\u2002\u2003"
_KEPT = "，。（）"
_PUNCT_RUN = re.compile(
    "[{all}](?:[{all}]+|(?<=[{changed}]))".format(
        all=re.escape("".join(_PUNCT) + "".join(_SEPARATORS) + _SPACES),
        changed=re.escape("".join(c for c in _PUNCT if c not in _KEPT) + "".join(_SEPARATORS) + _SPACES),
    )
)
"""Runs of two or more marks, and single marks that change; a lone ，。（） is already folded and costs no
call.
"""


def _is_alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _apart(before: str, after: str) -> bool:
    if not (before.isascii() and after.isascii()):
        return False
    return (before.isalpha() and after.isalpha()) or (before.isdigit() and after.isdigit())


def _fold_run(m: re.Match[str]) -> str:
    """One run of punctuation and whitespace, folded: the strongest mark of the run, brackets kept (empty
    ones dropped, no mark just inside them), a separator or space kept only where it stands alone between
    two values."""
    run = m.group(0)
    if len(run) == 1 and (one := _PUNCT.get(run)) is not None:
        return one
    text, i, j = m.string, m.start(), m.end()
    if len(run) == 1 or run.isspace():
        before, after = text[i - 1 : i], text[j : j + 1]
        if run == ",":  # a thousands separator (144,800) until the sums are read; a clause mark elsewhere
            return run if before.isdigit() and after.isdigit() else "，"
        if run in _SEPARATORS:
            return run if _is_alnum(before) and _is_alnum(after) else _SEPARATORS[run]
        return " " if _apart(before, after) else ""
    out, mark = "", ""
    for ch in run:
        c = _PUNCT.get(ch) or _SEPARATORS.get(ch, "")
        if c in ("，", "。"):
            if not out.endswith("（"):
                mark = "。" if "。" in (mark, c) else "，"
        elif c == "（":
            out, mark = out + mark + c, ""
        elif c == "）":
            out, mark = (out[:-1] if out.endswith("（") else out + c), ""
    return out + mark


# ---------------------------------------------------------------------------------------- boilerplate

_WILD = "[^，。（）]{0,4}?"
"""What … in a boilerplate phrase matches: up to 4 characters of one clause (a surname and a title)."""


@dataclass(frozen=True, slots=True)
class Boilerplate:
    """The compiled phrases of boilerplate.csv: openers, closers and markers anywhere."""

    start: re.Pattern[str] | None
    end: re.Pattern[str] | None
    anywhere: re.Pattern[str] | None


def _normal(text: str, strip: bool = True) -> str:
    """Every step of matter_text but the boilerplate: what a phrase of boilerplate.csv is compared in (there
    with its marks at either end kept: 领导： is an opener only with its colon)."""
    # punctuation and whitespace first, so the numbers read whole: 一 个 is 一个, 5 000元 is two numbers
    text = folded = _PUNCT_RUN.sub(_fold_run, fold(text))
    text = _fix_typos(text)
    text = _CN_NUMBER.sub(_cn_number, text)
    if "," in text:
        text = _THOUSANDS.sub(_no_commas, text).replace(",", "，")
    if "万" in text or "亿" in text or "千" in text or "百" in text:
        text = _TIMES.sub(_times, text)
    if "多" in text:
        text = _approx(text)
    if any(h in text for h in _YUAN_HINTS):
        for _ in range(3):  # 5块钱钱 → 5元钱 → 5元: until nothing changes, so the result is a fixed point
            text, before = _YUAN.sub(_yuan, text), text
            if text == before:
                break
    if "-" in text or "/" in text or "." in text:
        text = _DATE.sub(_date, text)
    if "月" in text:
        text = _MONTH.sub(_month, text)
    if text != folded and _KEPT_SEPARATOR.search(text):
        text = _KEPT_SEPARATOR.sub(_still_between, text)
    return text.strip("，。 ") if strip else text


def _phrase(raw: str, reverse: bool) -> tuple[str, bool]:
    """A phrase as a regex (pieces folded as texts are, … as `_WILD`), and whether it holds a wildcard."""
    pieces = [
        re.escape(_normal(p, strip=False)[::-1] if reverse else _normal(p, strip=False))
        for p in raw.split("…")
    ]
    return (_WILD.join(pieces[::-1]) if reverse else _WILD.join(pieces)), len(pieces) > 1


def read_boilerplate(path: Path = BOILERPLATE_PATH) -> Boilerplate:
    """The phrases of a boilerplate table, compiled: start and end phrases anchored (end ones run on the
    reversed text, so no scan of the whole text is needed), `any` ones as one alternation."""
    by_place: dict[str, list[str]] = {"start": [], "end": [], "any": []}
    for n, row in enumerate(_rows(path), start=2):
        place = row.get("place") or "any"
        if not row.get("phrase") or place not in by_place:
            raise ValueError(f"{path.name}: row {n} needs a phrase and a place of start, end or any: {row}")
        by_place[place].append(row["phrase"])

    def anchored(phrases: list[str], reverse: bool) -> re.Pattern[str] | None:
        if not phrases:
            return None
        plain: list[str] = []
        wild: list[str] = []
        for p in sorted(phrases, key=len, reverse=True):
            rx, is_wild = _phrase(p, reverse)
            (wild if is_wild else plain).append(rx)
        alternatives = []
        if plain:
            alternatives.append("(?:" + "|".join(plain) + ")[，。]*")
        if wild:  # a wildcard phrase ends where its clause ends, or where a plain phrase begins (…领导你们好)
            follow = "|(?=" + "|".join(plain) + ")" if plain else ""
            ends = [w + "[，。]*" for w in wild if w.endswith(("，", "。"))]
            open_ = [w for w in wild if not w.endswith(("，", "。"))]
            if ends:
                alternatives.append("(?:" + "|".join(ends) + ")")
            if open_:
                alternatives.append("(?:" + "|".join(open_) + ")(?:[，。]+|$" + follow + ")")
        return re.compile("^[，。]*(?:" + "|".join(alternatives) + ")+")

    anywhere = [_phrase(p, False)[0] for p in sorted(by_place["any"], key=len, reverse=True)]
    return Boilerplate(
        anchored(by_place["start"], False),
        anchored(by_place["end"], True),
        re.compile("|".join(anywhere)) if anywhere else None,
    )


@cache
def _boilerplate() -> Boilerplate:
    return read_boilerplate()


_MARKS = re.compile("[，。（）][，。（）]+")


def _strip_boilerplate(text: str, b: Boilerplate) -> str:
    if b.anywhere is not None:
        text, n = b.anywhere.subn("，", text)
        if n:
            text = _MARKS.sub(_fold_run, text).strip("，。")
    if b.start is not None and (m := b.start.match(text)):
        text = text[m.end() :].lstrip("，。")
    if b.end is not None and (m := b.end.match(text[::-1])):
        text = text[: len(text) - m.end()].rstrip("，。")
    return text


# ----------------------------------------------------------------------------------------------- public


def matter_text(text: str) -> str:
    """The text with what says nothing of the matter removed and each particular written one way.

    >>> matter_text("尊敬的領導：您好！二〇二三年五月三日，三十八名村民反应14.48万元補償款未發放。此致敬礼！")
    '2023年5月3日，38名村民反映144800元补偿款未发放'
    """
    if not text:
        return ""
    return _strip_boilerplate(_normal(text), _boilerplate())
