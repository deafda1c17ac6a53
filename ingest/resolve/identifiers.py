"""Identifiers that name one matter: court case numbers, unified social credit codes, certificate and
contract numbers.

One shared case number is nearly decisive that two filings are one matter; two different ones say they are
two. Each is returned in one written form, whatever brackets, spacing and width the text used.

    >>> strong_identifiers("判决书（2023）桂0225民初4027号，合同编号：HT-2021-0087")
    [('case', '（2023）桂0225民初4027号'), ('document', 'HT-2021-0087')]
"""

from __future__ import annotations

import re
from datetime import date

from ingest.resolve.text_fold import fold

_BRACKETS = tuple((c, "(") for c in "（〔［【[﹝") + tuple((c, ")") for c in "）〕］】]﹞")
"""Every bracket as ASCII; replaced one by one where present (str.translate looks up every character)."""
_SPACE = re.compile(r"\s\s*")
_LETTER = re.compile("[a-z]")

_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼兵"
"""The one-character names courts number their cases with (兵 for the Xinjiang Production and Construction
Corps)."""
_CASE_KIND = "民刑行执财赔司知商破强清认协监审初终申再恢异复保特辖撤催督救委提抗告一二三四五六七八九十"
"""Characters of a case-type code: 民初, 民终, 执恢, 刑申, 行初, 财保, 民一终 (old style) …"""
_CASE = re.compile(
    r"\((\d{4})\)(最高法|[" + _PROVINCES + r"])?(\d{0,6})([" + _CASE_KIND + r"]{1,5}?)字?第?(\d{1,7})号"
    r"|(?<![\d(])((?:19|20)\d\d)(["
    + _PROVINCES
    + r"])(\d{2,6})(["
    + _CASE_KIND
    + r"]{1,5}?)字?第?(\d{1,7})号"
)
"""A case number: (year), court (province and court code), case type, sequence, 号. Without brackets round
the year (2023桂0225民初4027号) the province and court code must follow it, so a date is never read as one.
"""

_CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_CREDIT = re.compile(r"[0-9A-HJ-NPQRTUWXY][0-9A-HJ-NPQRTUWXY]\d{6}[0-9A-HJ-NPQRTUWXY]{10}(?![0-9A-Z])")
"""Starts with a character class, so the engine skips ahead by it; the character before is checked in code.
"""
_CREDIT_CONTEXT = re.compile(r"信用代码|信用码|纳税人识别号|税号|组织机构代码")


def credit_code_valid(code: str) -> bool:
    """The check character of an 18-character unified social credit code (GB 32100-2015: weights 3^i mod 31).

    >>> credit_code_valid("91350100M000100Y43"), credit_code_valid("91350100M000100Y44")
    (True, False)
    """
    if len(code) != 18 or any(c not in _CREDIT_ALPHABET for c in code):
        return False
    total = sum(_CREDIT_ALPHABET.index(c) * w for c, w in zip(code[:17], _CREDIT_WEIGHTS, strict=True))
    return _CREDIT_ALPHABET[(31 - total % 31) % 31] == code[17]


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _looks_like_id_number(code: str) -> bool:
    """An 18-character resident ID number (birth date and mod-11 check), which a credit code pattern also
    fits."""
    if not code[:17].isdigit() or code[17] not in "0123456789X":
        return False
    try:
        date(int(code[6:10]), int(code[10:12]), int(code[12:14]))
    except ValueError:
        return False
    check = "10X98765432"[sum(int(c) * w for c, w in zip(code[:17], _ID_WEIGHTS, strict=True)) % 11]
    return check == code[17]


_DOCUMENT_KEY = (
    "合同编号|合同号|协议编号|协议号|证书编号|证书号|不动产权证书号|不动产权证号|不动产证号|房产证号|房屋所有权证号|"
    "土地证号|土地使用证号|许可证编号|许可证号|营业执照注册号|注册号|备案编号|备案号|批准文号|"
    "证号(?<!身份证号)(?<!驾驶证号)(?<!军官证号)(?<!学生证号)(?<!工作证号)(?<!残疾证号)"
)
_CERTIFICATE = (
    "施工许可证|预售许可证|规划许可证|不动产权证书|不动产权证|不动产证|房产证|房屋所有权证|土地使用证|土地证"
)
"""Names of certificates, which introduce a number after a colon, 为 / 是, or right before it; not a word
(房产证于2014年办理) and not a date (施工许可证2017年12月取得)."""
_VALUE = r"([\u4e00-\u9fff]{0,3}[0-9A-Z(][0-9A-Z()\-_/]{2,39}(?:[年字第:：]{1,5}[0-9A-Z\-]+)?)号?"
_DOCUMENT = re.compile(
    r"(?:"
    + _DOCUMENT_KEY
    + r")(?:是|为|:|：)*"
    + _VALUE
    + r"|(?:"
    + _CERTIFICATE
    + r")(?:(?:是|为|:|：)+|(?=[0-9A-Z]))"
    + _VALUE
)
"""The number after its document's name; an older certificate's year and sequence (国用2014年字第0269号,
预许字(2013)第03号) are read with it."""
_DATE_LIKE = re.compile(r"(?:19|20)\d\d(?:年\d{1,2})?")
_TITLE = re.compile(
    r"[" + _PROVINCES + r"]\(\d{4}\)[\u4e00-\u9fff]{1,12}?不动产权第\d{5,}号"
    r"|(?<![\u4e00-\u9fff])[\u4e00-\u9fff]{1,6}房权证[\u4e00-\u9fff]{0,6}?字?第\d{3,}号"
)
"""A number introduced by the name of its document (合同编号：HT-2021-0087, 证号 0123456), or a property
title number in its own standard form (桂(2020)南宁市不动产权第0123456号, 某房权证某字第123号). Not an
identity card's number: those name a person, not a matter."""


def _fold(text: str) -> str:
    s = fold(text)
    for bracket, ascii_bracket in _BRACKETS:
        if bracket in s:
            s = s.replace(bracket, ascii_bracket)
    if _SPACE.search(s):
        s = _SPACE.sub("", s)
    return s.upper() if _LETTER.search(s) else s


def strong_identifiers(text: str) -> list[tuple[str, str]]:
    """(kind, value) of each identifier naming one matter, in order of appearance, each once: kind "case"
    (court case number, as （2023）桂0225民初4027号), "credit" (unified social credit code whose check
    character holds), "document" (contract, certificate or permit number, upper case, brackets as ASCII).
    """
    if not text:
        return []
    s = _fold(text)
    found: list[tuple[int, str, str]] = []
    if "号" in s:
        for m in _CASE.finditer(s):
            if m.group(1):
                year, province, court, kind, number = m.group(1, 2, 3, 4, 5)
            else:
                year, province, court, kind, number = m.group(6, 7, 8, 9, 10)
            found.append((m.start(), "case", f"（{year}）{province or ''}{court}{kind}{int(number)}号"))
    for m in _CREDIT.finditer(s):
        code = m.group(0)
        if m.start() and s[m.start() - 1].isascii() and s[m.start() - 1].isalnum():
            continue
        if not credit_code_valid(code):
            continue
        if _looks_like_id_number(code) and not _CREDIT_CONTEXT.search(s, max(0, m.start() - 16), m.start()):
            continue
        found.append((m.start(), "credit", code))
    titles = [(m.start(), m.end()) for m in _TITLE.finditer(s)] if "权" in s else []
    found.extend((a, "document", s[a:b]) for a, b in titles)
    for m in _DOCUMENT.finditer(s):
        value = (m.group(1) or m.group(2)).rstrip("-_/").replace(":", "").replace("：", "")
        if value.endswith(")") and value.count(")") > value.count("("):
            value = value[:-1]
        inside_title = any(a <= m.start(m.lastindex or 1) < b for a, b in titles)
        if not inside_title and sum(c.isdigit() for c in value) >= 3 and not _DATE_LIKE.fullmatch(value):
            found.append((m.start(m.lastindex or 1), "document", value))
    out: list[tuple[str, str]] = []
    for _, kind, value in sorted(found):
        if (kind, value) not in out:
            out.append((kind, value))
    return out
