"""Pure normalisation functions for one cell each: names, pinyin keys, ID numbers, phones, dates, enums.

Nothing here raises on bad input: a function returns None (or a result carrying a problem text in
Chinese and English) and the validator decides what to do with it. Every function that sees repeating
values is cached, because the same names, places and codes come back on many rows.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from operator import mul
from typing import Literal, TypeVar

import opencc
from pypinyin import Style, lazy_pinyin
from pypinyin.phrases_dict import phrases_dict as PHRASES_DICT
from pypinyin.pinyin_dict import pinyin_dict as PINYIN_DICT

from ingest.columns import Action, Channel, Level, Status

_CACHE = 2**18

_T2S = opencc.OpenCC("t2s")
_SURROGATE_RE = re.compile("([\ud800-\udfff]+)")


def _in_gb2312(ch: str) -> bool:
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


@lru_cache(maxsize=_CACHE)
def to_simplified(text: str) -> str:
    """Traditional → simplified Chinese with OpenCC's t2s table: 張偉 → 张伟, 臺灣 → 台湾.

    A character that is itself standard simplified (in GB 2312) is kept even where OpenCC would map it,
    so names and places keep 乾, 於, 著: 李乾 stays 李乾, 乾安县 stays 乾安县. Applied until nothing
    changes (OpenCC alone takes two steps for 薴 → 苧 → 苎), so the result is a fixed point.
    """
    out = _t2s_once(text)
    while out != text:
        text, out = out, _t2s_once(out)
    return out


def _t2s_once(text: str) -> str:
    if not text:
        return text
    try:
        out = str(_T2S.convert(text))
    except UnicodeEncodeError:  # lone surrogates (broken input) cannot reach the C++ converter
        out = "".join(
            p if _SURROGATE_RE.fullmatch(p) else str(_T2S.convert(p)) for p in _SURROGATE_RE.split(text) if p
        )
    if out == text or len(out) != len(text):
        return out
    return "".join(o if o == t or not _in_gb2312(t) else t for o, t in zip(out, text, strict=True))


# --- names --------------------------------------------------------------------------------------

_DOTS = "·•‧・･∙⋅●・․‐‑-.。"
"""Characters written as the separator of a transliterated minority name (阿卜杜·热合曼); NFKC runs first,
so full-width forms (．) arrive here as their ASCII twins."""

_DOT_RE = re.compile("[" + re.escape(_DOTS) + "]+")
_NOTE_RE = re.compile(r"[(\[{【〔<《][^)\]}】〕>》]*[)\]}】〕>》]")
"""A bracketed note after or inside a name: 李娜（女）, 王五(代), 张三【已故】."""
_NOTE_OPEN_RE = re.compile(r"[(\[{【〔<《]")
_PLAIN_HAN_RE = re.compile("[\u4e00-\u9fff]+")


def _name_char_kept(ch: str) -> bool:
    """Letters, digits and marks stay; punctuation, symbols, spaces and invisible format characters go."""
    return unicodedata.category(ch)[0] in "LNM"


@lru_cache(maxsize=_CACHE)
def normalise_name(raw: str) -> str:
    """NFKC, simplified, no whitespace or stray punctuation, one "·" between parts of a minority name.

    >>> normalise_name(" 張　偉 "), normalise_name("阿卜杜•热合曼"), normalise_name("“李娜”")
    ('张伟', '阿卜杜·热合曼', '李娜')
    """
    if not raw:
        return ""
    if _PLAIN_HAN_RE.fullmatch(raw):  # the usual case: nothing to fold or strip, NFKC leaves it alone
        plain = to_simplified(raw)
        if _PLAIN_HAN_RE.fullmatch(plain):
            return plain
    text = to_simplified(unicodedata.normalize("NFKC", raw))
    if _NOTE_OPEN_RE.search(text):
        without_notes = _NOTE_RE.sub("", text)
        if any(_name_char_kept(ch) for ch in without_notes):
            text = without_notes
    cleaned = ["".join(ch for ch in p if _name_char_kept(ch)) for p in _DOT_RE.split(text)]
    result = "·".join(p for p in cleaned if p)
    # t2s may map a character to a sequence NFKC would fold again; make the function idempotent.
    return result if result == unicodedata.normalize("NFKC", result) else normalise_name(result)


# fmt: off
_COMPOUND_SURNAMES: dict[str, str] = {
    "欧阳": "ou yang", "司马": "si ma", "上官": "shang guan", "诸葛": "zhu ge", "东方": "dong fang",
    "皇甫": "huang fu", "尉迟": "yu chi", "公孙": "gong sun", "慕容": "mu rong", "长孙": "zhang sun",
    "宇文": "yu wen", "司徒": "si tu", "夏侯": "xia hou", "令狐": "ling hu", "端木": "duan mu",
    "呼延": "hu yan", "单于": "chan yu", "澹台": "tan tai", "万俟": "mo qi", "闻人": "wen ren",
    "轩辕": "xuan yuan", "钟离": "zhong li", "宗政": "zong zheng", "濮阳": "pu yang", "太叔": "tai shu",
    "申屠": "shen tu", "公冶": "gong ye", "赫连": "he lian", "拓跋": "tuo ba", "司空": "si kong",
    "百里": "bai li", "南宫": "nan gong", "西门": "xi men", "第五": "di wu", "独孤": "du gu",
}
"""Two-character surnames, read as a unit when the name has at least three characters."""

_SURNAME_READINGS: dict[str, str] = {
    "单": "shan", "曾": "zeng", "解": "xie", "仇": "qiu", "朴": "piao", "区": "ou", "查": "zha",
    "盖": "ge", "乐": "yue", "种": "chong", "覃": "qin", "尉": "wei", "秘": "bi", "缪": "miao",
    "繁": "po", "召": "shao", "员": "yun", "长": "chang", "朝": "chao", "重": "chong", "翟": "zhai",
    "祭": "zhai", "隗": "wei", "句": "gou", "能": "nai", "宓": "fu", "恽": "yun", "莘": "shen",
    "卜": "bu", "牟": "mou", "隽": "juan", "褚": "chu", "那": "na", "阿": "a", "柏": "bai",
    "薄": "bo", "沈": "shen", "任": "ren", "华": "hua", "纪": "ji", "燕": "yan", "宁": "ning",
    "石": "shi", "黑": "he", "葛": "ge", "贲": "ben", "费": "fei", "藏": "zang", "曲": "qu",
    "过": "guo", "都": "du", "冼": "xian", "洗": "xian", "折": "she", "佴": "nai", "眭": "sui",
    "哈": "ha", "相": "xiang", "适": "kuo", "逄": "pang", "蕃": "pi",
}
"""Single characters whose reading as a surname differs from pypinyin's most common reading."""
# fmt: on

_GIVEN_READINGS: dict[str, str] = {"卜": "bu"}
"""Readings fixed anywhere in a name (卜 is bo only in 萝卜)."""


_MAX_PHRASE = 4


@lru_cache(maxsize=2**16)
def _token_syllables(token: str) -> tuple[str, ...]:
    """pypinyin's toneless reading of one character or one phrase of its dictionary, ASCII only."""
    return tuple(
        word
        for piece in lazy_pinyin(token, style=Style.NORMAL, errors="default")
        if (word := "".join(c for c in piece.lower() if c.isascii() and c.isalnum()))
    )


def _syllables(text: str) -> list[str]:
    """Toneless syllables of text: Han characters by forward longest match on pypinyin's phrase table
    (what lazy_pinyin does, minus its per-call overhead), other runs as one lower-case ASCII word."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in _GIVEN_READINGS:
            out.append(_GIVEN_READINGS[ch])
            i += 1
        elif ord(ch) in PINYIN_DICT:
            for size in range(min(_MAX_PHRASE, n - i), 1, -1):
                if text[i : i + size] in PHRASES_DICT:
                    out.extend(_token_syllables(text[i : i + size]))
                    i += size
                    break
            else:
                out.extend(_token_syllables(ch))
                i += 1
        else:
            j = i + 1
            while j < n and ord(text[j]) not in PINYIN_DICT and text[j] not in _GIVEN_READINGS:
                j += 1
            word = "".join(c for c in text[i:j].lower() if c.isascii() and c.isalnum())
            if word:
                out.append(word)
            i = j
    return out


@lru_cache(maxsize=_CACHE)
def name_pinyin(name_norm: str) -> str:
    """Toneless pinyin of a normalised name, first character(s) read as a surname, syllables space-joined.

    >>> name_pinyin("单雄信"), name_pinyin("曾国藩"), name_pinyin("尉迟恭"), name_pinyin("吕布")
    ('shan xiong xin', 'zeng guo fan', 'yu chi gong', 'lv bu')
    """
    if not name_norm:
        return ""
    text = name_norm
    head: list[str] = []
    if "·" not in text and len(text) >= 2 and ord(text[0]) in PINYIN_DICT:
        if len(text) >= 3 and text[:2] in _COMPOUND_SURNAMES:
            head, text = _COMPOUND_SURNAMES[text[:2]].split(), text[2:]
        else:  # the surname is read on its own, never as the start of a phrase
            first = _SURNAME_READINGS.get(text[0]) or _GIVEN_READINGS.get(text[0])
            head = [first] if first else list(_token_syllables(text[0]))
            text = text[1:]
    return " ".join(head + _syllables(text))


_CO_SPLIT_RE = re.compile(r"[、，,；;]+")
"""The list separators of the input contract (after NFKC ， is , and ； is ;). Never whitespace: "程 强" and
"吴　辉" are one name each, written with a space inside."""


def normalise_account(raw: str) -> str:
    """A platform account id as compared: NFKC (full-width letters and digits folded), without spaces.

    Case is kept: platforms differ on whether it matters, and two ids differing in case only are rare.

    >>> normalise_account(" Ａ０００１２ ")
    'A00012'
    """
    if not raw:
        return ""
    return "".join(unicodedata.normalize("NFKC", raw).split())


@lru_cache(maxsize=_CACHE)
def split_co_petitioners(raw: str) -> tuple[str, ...]:
    """Co-signer names split on 、 ， , ； ; only, each normalised (spaces inside a name dropped), empties
    dropped.

    >>> split_co_petitioners("張三、李四； 王五"), split_co_petitioners("程 强、吴　辉")
    (('张三', '李四', '王五'), ('程强', '吴辉'))
    """
    if not raw:
        return ()
    names = (normalise_name(p) for p in _CO_SPLIT_RE.split(unicodedata.normalize("NFKC", raw)))
    return tuple(n for n in names if n)


# --- ID numbers (GB 11643-1999) -----------------------------------------------------------------

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"
"""Check character indexed by (weighted sum of the first 17 digits) mod 11."""


_ZERO_OFFSET = ord("0") * sum(ID_WEIGHTS)


def id_check_char(first17: str) -> str:
    """The GB 11643 check character of 17 ASCII digits: id_check_char("11010519491231002") == "X"."""
    return ID_CHECK_CHARS[(sum(map(mul, first17.encode("ascii"), ID_WEIGHTS)) - _ZERO_OFFSET) % 11]


@dataclass(frozen=True, slots=True)
class IdInfo:
    number: str | None
    """18 characters, X upper-case, 15-digit numbers upgraded; None when the input cannot be an ID."""
    valid: bool
    """Checksum correct and birth date a real past date from 1900 on."""
    birth_date: date | None
    sex: Literal["M", "F"] | None
    region: str | None
    """The 6-digit region code at the head of the number (the region at issue, not necessarily today's)."""
    problem_zh: str | None = None
    problem_en: str | None = None


_ID_STRIP_RE = re.compile(r"[\s\-_.·]+")
_ID18_RE = re.compile(r"\d{17}[\dX]", re.ASCII)
_ID15_RE = re.compile(r"\d{15}", re.ASCII)


@lru_cache(maxsize=2**16)
def _calendar_date(digits8: str) -> date | None:
    """YYYYMMDD as a date from 1900 on, or None (cached: birthdays repeat)."""
    try:
        born = date(int(digits8[:4]), int(digits8[4:6]), int(digits8[6:8]))
    except ValueError:
        return None
    return born if born.year >= 1900 else None


def _birth(digits8: str) -> date | None:
    born = _calendar_date(digits8)
    return born if born is not None and born <= date.today() else None


@lru_cache(maxsize=_CACHE)
def parse_id_number(raw: str) -> IdInfo:
    """Read a resident ID number: 18 characters (or an old 15-digit one, upgraded), checksum, birth, sex.

    A wrong checksum or impossible birth date keeps the number (valid=False, problem said); anything
    that is not 15 or 18 characters of digits (last may be X) gives number=None.

    >>> parse_id_number("11010519491231002x").number, parse_id_number("11010519491231002X").valid
    ('11010519491231002X', True)
    """
    if len(raw) == 18 and raw.isascii() and raw.isalnum():  # the usual case: clean, maybe a lower-case x
        text = raw.upper()
    else:
        text = _ID_STRIP_RE.sub("", unicodedata.normalize("NFKC", raw or "")).upper()
    if not text:
        return IdInfo(None, False, None, None, None, "身份证号为空", "ID number is empty")
    upgraded = False
    if _ID15_RE.fullmatch(text):
        first17 = text[:6] + "19" + text[6:]
        text = first17 + id_check_char(first17)
        upgraded = True
    if not _ID18_RE.fullmatch(text):
        return IdInfo(
            None,
            False,
            None,
            None,
            None,
            f"身份证号应为18位（或旧15位）数字，最后一位可为X，实际为“{raw.strip()}”",
            f"an ID number has 18 digits (or 15 for old ones), the last may be X; got '{raw.strip()}'",
        )
    born = _birth(text[6:14])
    sex: Literal["M", "F"] = "M" if int(text[16]) % 2 else "F"
    checksum_ok = upgraded or id_check_char(text[:17]) == text[17]
    problem_zh = problem_en = None
    if not checksum_ok:
        problem_zh = f"身份证号校验位不符（应为{id_check_char(text[:17])}），请核对号码"
        problem_en = f"ID number checksum wrong (expected {id_check_char(text[:17])}); check the number"
    elif born is None:
        problem_zh = f"身份证号中的出生日期“{text[6:14]}”不是有效日期"
        problem_en = f"the birth date '{text[6:14]}' in the ID number is not a real past date"
    return IdInfo(text, checksum_ok and born is not None, born, sex, text[:6], problem_zh, problem_en)


# --- phones ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PhoneInfo:
    number: str | None
    """Digits only: 11-digit mobile, or area code (with its 0) + local number for a landline."""
    kind: Literal["mobile", "landline"] | None
    problem_zh: str | None = None
    problem_en: str | None = None


_PHONE_ALT_SPLIT_RE = re.compile(r"[/，,；;、]|或")
_PHONE_EXT_RE = re.compile(r"转|分机|ext|x|#", re.IGNORECASE)
_PHONE_EDGES_RE = re.compile(r"^[^\d+]+|\D+$", re.ASCII)
_PHONE_JUNK = str.maketrans("", "", " \t\r\n\u3000-‐–—()（）[]【】.·")
_MOBILE_RE = re.compile(r"1[3-9]\d{9}", re.ASCII)
_LANDLINE_RE = re.compile(r"(?:010|02\d|0[3-9]\d\d)[1-9]\d{6,7}", re.ASCII)


def _one_phone(part: str) -> tuple[str, Literal["mobile", "landline"]] | None:
    text = part.translate(_PHONE_JUNK)
    if not text.isdigit():
        ext = _PHONE_EXT_RE.search(text)
        if ext is not None:
            text = text[: ext.start()]
        text = _PHONE_EDGES_RE.sub("", text)  # labels and notes: 手机:138…, 138…(本人)
    international = False
    if text.startswith("+"):
        text, international = text[1:], True
    if text.startswith("0086"):
        text, international = text[4:], True
    elif text.startswith("86") and len(text) >= 12:
        text, international = text[2:], True
    if not text.isdigit() or not text.isascii():
        return None
    if _MOBILE_RE.fullmatch(text):
        return text, "mobile"
    if len(text) == 12 and text[0] == "0" and _MOBILE_RE.fullmatch(text[1:]):
        return text[1:], "mobile"
    if international and not text.startswith("0"):
        text = "0" + text
    if _LANDLINE_RE.fullmatch(text):
        return text, "landline"
    return None


@lru_cache(maxsize=_CACHE)
def normalise_phone(raw: str) -> PhoneInfo:
    """Mobile or landline as digits only: "+86 138-0013-8000" → 13800138000, "(0311)8765432转8" → 03118765432.

    Country code, separators, brackets and extensions are dropped; when several numbers are given the
    first usable one is kept. A landline needs its area code.
    """
    if len(raw) == 11 and raw.isascii() and _MOBILE_RE.fullmatch(raw):  # the usual case: a clean mobile
        return PhoneInfo(raw, "mobile")
    text = unicodedata.normalize("NFKC", raw or "").strip()
    if not text:
        return PhoneInfo(None, None, "联系电话为空", "phone is empty")
    for part in _PHONE_ALT_SPLIT_RE.split(text):
        found = _one_phone(part)
        if found is not None:
            return PhoneInfo(found[0], found[1])
    digits = "".join(ch for ch in text if ch.isdigit())
    if 7 <= len(digits) <= 8 and digits[0] not in "01":
        return PhoneInfo(None, None, f"固定电话“{text}”缺少区号", f"landline '{text}' lacks its area code")
    return PhoneInfo(
        None,
        None,
        f"无法识别的电话号码“{text}”：手机应为1开头的11位，固话应带区号",
        f"unreadable phone '{text}': a mobile has 11 digits starting with 1, a landline needs its area code",
    )


# --- dates ------------------------------------------------------------------------------------

_DATE_RE = re.compile(
    r"(\d{4})(?:(-)|(/)|(年))(\d{1,2})(?(2)-|(?(3)/|月))(\d{1,2})(?(4)日?|)"
    r"(?:(?<!日)[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?",
    re.ASCII,
)

MIN_YEAR, MAX_YEAR = 1900, 2100


@lru_cache(maxsize=_CACHE)
def parse_date(raw: str) -> date | None:
    """YYYY-MM-DD, YYYY/MM/DD or YYYY年MM月DD日 (one-digit month/day allowed; also Excel's
    "YYYY-MM-DD 00:00:00"); None for anything else, impossible dates, or years outside 1900–2100.

    >>> parse_date("2023年3月5日"), parse_date("2023-02-30")
    (datetime.date(2023, 3, 5), None)
    """
    if not raw:
        return None
    m = _DATE_RE.fullmatch(unicodedata.normalize("NFKC", raw).strip())
    if m is None:
        return None
    year = int(m.group(1))
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return date(year, int(m.group(5)), int(m.group(6)))
    except ValueError:
        return None


# --- enums ------------------------------------------------------------------------------------

_KEY_DROP_RE = re.compile(r"[\s()（）\[\]【】、,，/／·.。:：\-]+")


def _key(raw: str) -> str:
    """Lookup key of an enum cell: NFKC, lower case, without spaces, brackets and separators."""
    return _KEY_DROP_RE.sub("", unicodedata.normalize("NFKC", raw)).lower()


# fmt: off
CHANNEL_ALIASES: dict[str, Channel] = {
    "信件": Channel.LETTER, "书信": Channel.LETTER, "写信": Channel.LETTER, "信函": Channel.LETTER,
    "来函": Channel.LETTER, "邮寄": Channel.LETTER, "群众来信": Channel.LETTER,
    "走访": Channel.VISIT, "上访": Channel.VISIT, "来人": Channel.VISIT, "接访": Channel.VISIT,
    "面访": Channel.VISIT, "当面": Channel.VISIT, "集体访": Channel.VISIT, "集体来访": Channel.VISIT,
    "群众来访": Channel.VISIT, "个人来访": Channel.VISIT,
    "网信": Channel.ONLINE, "网上投诉": Channel.ONLINE, "网上": Channel.ONLINE, "网络": Channel.ONLINE,
    "网络信访": Channel.ONLINE, "网上来信": Channel.ONLINE, "网上信访平台": Channel.ONLINE,
    "网上信访信息系统": Channel.ONLINE, "手机信访": Channel.ONLINE, "微信": Channel.ONLINE,
    "网站": Channel.ONLINE, "电子邮件": Channel.ONLINE, "互联网": Channel.ONLINE,
    "12345热线": Channel.PHONE, "12345": Channel.PHONE, "来电": Channel.PHONE, "热线": Channel.PHONE,
    "热线电话": Channel.PHONE, "电话信访": Channel.PHONE, "致电": Channel.PHONE, "市长热线": Channel.PHONE,
    "书记信箱": Channel.MAILBOX, "市长信箱": Channel.MAILBOX, "县长信箱": Channel.MAILBOX,
    "区长信箱": Channel.MAILBOX, "省长信箱": Channel.MAILBOX, "局长信箱": Channel.MAILBOX,
    "主任信箱": Channel.MAILBOX, "领导邮箱": Channel.MAILBOX, "书记市长信箱": Channel.MAILBOX,
    "其它": Channel.OTHER, "其他形式": Channel.OTHER,
}

LEVEL_ALIASES: dict[str, Level] = {
    "乡": Level.TOWNSHIP, "镇": Level.TOWNSHIP, "街道": Level.TOWNSHIP, "乡级": Level.TOWNSHIP,
    "镇级": Level.TOWNSHIP, "乡镇级": Level.TOWNSHIP, "乡(镇)": Level.TOWNSHIP, "乡镇(街道)": Level.TOWNSHIP,
    "乡镇街道": Level.TOWNSHIP, "街道办": Level.TOWNSHIP, "街道办事处": Level.TOWNSHIP,
    "县级": Level.COUNTY, "区": Level.COUNTY, "县(区)": Level.COUNTY, "县区": Level.COUNTY,
    "区县": Level.COUNTY, "区级": Level.COUNTY, "县(市、区)": Level.COUNTY, "县市区": Level.COUNTY,
    "县(市)": Level.COUNTY, "县级市": Level.COUNTY, "旗": Level.COUNTY,
    "市级": Level.CITY, "地市": Level.CITY, "地级": Level.CITY, "地级市": Level.CITY, "地区": Level.CITY,
    "州": Level.CITY, "盟": Level.CITY, "市(州)": Level.CITY, "设区的市": Level.CITY,
    "省级": Level.PROVINCE, "自治区": Level.PROVINCE, "直辖市": Level.PROVINCE,
    "省(区、市)": Level.PROVINCE, "省区市": Level.PROVINCE,
    "国家级": Level.NATIONAL, "国家信访局": Level.NATIONAL, "中央": Level.NATIONAL,
    "中央级": Level.NATIONAL, "国家局": Level.NATIONAL, "全国": Level.NATIONAL, "部委": Level.NATIONAL,
}

STATUS_ALIASES: dict[str, Status] = {
    "未受理": Status.PENDING, "待处理": Status.PENDING, "待办": Status.PENDING, "登记": Status.PENDING,
    "已登记": Status.PENDING, "新登记": Status.PENDING,
    "受理": Status.HANDLING, "已受理": Status.HANDLING, "在办": Status.HANDLING, "办理": Status.HANDLING,
    "正在办理": Status.HANDLING, "处理中": Status.HANDLING,
    "办结": Status.CONCLUDED, "结案": Status.CONCLUDED, "已结案": Status.CONCLUDED, "完结": Status.CONCLUDED,
    "已完结": Status.CONCLUDED, "已处理": Status.CONCLUDED, "处理完毕": Status.CONCLUDED,
    "不受理": Status.REJECTED, "不予办理": Status.REJECTED,
    "复查": Status.REVIEW, "申请复查": Status.REVIEW,
    "复核": Status.RE_REVIEW, "申请复核": Status.RE_REVIEW,
    "终结": Status.FINAL, "信访终结": Status.FINAL, "终结备案": Status.FINAL,
}

ACTION_ALIASES: dict[str, Action] = {
    "转办": Action.SEND_ON, "转交": Action.SEND_ON, "转": Action.SEND_ON,
    "退办": Action.SEND_BACK, "回退": Action.SEND_BACK, "退": Action.SEND_BACK,
    "协助": Action.ASSIST, "协查": Action.ASSIST, "协助办理": Action.ASSIST,
    "督查": Action.SUPERVISE, "催办": Action.SUPERVISE, "督促": Action.SUPERVISE,
}
# fmt: on


_E = TypeVar("_E", Channel, Level, Status, Action)


def _lookup_table(enum: type[_E], aliases: dict[str, _E]) -> dict[str, _E]:
    table: dict[str, _E] = {}
    for member in enum:
        table[_key(member.value)] = member
        table[_key(member.name)] = member
    for alias, member in aliases.items():
        table[_key(alias)] = member
    return table


_CHANNELS = _lookup_table(Channel, CHANNEL_ALIASES)
_LEVELS = _lookup_table(Level, LEVEL_ALIASES)
_STATUSES = _lookup_table(Status, STATUS_ALIASES)
_ACTIONS = _lookup_table(Action, ACTION_ALIASES)


@lru_cache(maxsize=4096)
def parse_channel(raw: str) -> Channel | None:
    """信访形式: canonical value, member name or alias (走访 → 来访, 12345热线 → 电话); else None."""
    return _CHANNELS.get(_key(raw)) if raw else None


@lru_cache(maxsize=4096)
def parse_level(raw: str) -> Level | None:
    """登记层级: canonical value or an alias (街道 → 乡镇, 县（区） → 县, 国家信访局 → 国家); else None."""
    return _LEVELS.get(_key(raw)) if raw else None


@lru_cache(maxsize=4096)
def parse_status(raw: str) -> Status | None:
    """办理状态: canonical value or an alias (办结 → 已办结, 终结 → 已终结); else None."""
    return _STATUSES.get(_key(raw)) if raw else None


@lru_cache(maxsize=4096)
def parse_action(raw: str) -> Action | None:
    """流转类型: canonical value or an alias (转办 → 转送, 催办 → 督办); else None."""
    return _ACTIONS.get(_key(raw)) if raw else None
