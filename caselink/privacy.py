"""Masking of personal data for display and export: ID numbers and phones masked unless a role may see them.

    mask_id_number("110101199003071234")  -> "110***********1234"
    mask_phone("13812345678")             -> "138****5678"
    mask_phone("010-62345678")            -> "010****5678"
    mask_text("联系电话13812345678，身份证号110101199003071234")
                                          -> "联系电话138****5678，身份证号110***********1234"

Free text (content, address, reply, notes) often carries numbers too: `mask_text` finds ID numbers (18
characters, or old 15-digit ones; any run of 15 or more digits is masked like one), mobiles (11 digits from
13-19, with or without +86), landlines with an area code (0 + 9-11 digits), and 7-8 digit local numbers right
after a word such as 电话/手机/tel, allowing spaces and dashes between digits and full-width digits, and
masks each like the fields.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_DIGITS = re.compile(r"\d")
FREE_TEXT = ("content", "address", "reply", "note", "notes", "reason", "summary")
"""Columns of free text that may hold ID numbers and phones (masked with `mask_text`)."""

_RUN = re.compile(
    r"(?<![0-9A-Za-z０-９Ａ-Ｚａ-ｚ])"  # not glued to a longer code (XF2024000123, P0001037)
    r"(?:[+＋]?(?:86|８６)[\s\-－]?)?"  # +86
    r"[0-9０-９](?:[ \-－]?[0-9０-９]){6,29}(?:[ \-－]?[XxＸｘ])?"
    r"(?![0-9A-Za-z０-９Ａ-Ｚａ-ｚ])"
)
_SEVEN_DIGITS = re.compile(r"[0-9０-９](?:[ \-－]?[0-9０-９]){6}")
"""A quick test that a text may hold a number worth masking (most cells do not)."""
_PHONE_WORD = re.compile(
    r"(?:电话|手机|联系|号码|座机|热线|tel|phone|mobile)[^0-9０-９]{0,6}$", re.IGNORECASE
)


def mask_id_number(value: str | None) -> str:
    """First 3 and last 4 characters kept, the rest as '*'; short or empty values fully masked."""
    if not value:
        return ""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_phone(value: str | None) -> str:
    """First 3 and last 4 digits kept, the digits between as '*'; separators dropped."""
    if not value:
        return ""
    digits = "".join(_DIGITS.findall(value))
    if len(digits) <= 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def masked(value: str | None, kind: str, *, reveal: bool = False) -> str:
    """`value` as shown to a user: unchanged when `reveal`, else masked as kind 'id_number' or 'phone'."""
    if reveal or not value:
        return value or ""
    if kind == "id_number":
        return mask_id_number(value)
    if kind == "phone":
        return mask_phone(value)
    raise ValueError(f"unknown kind of personal data: {kind!r}")


_TO_ASCII = str.maketrans("０１２３４５６７８９ＸｘxＸ", "0123456789XXXX")
_NOT_DIGIT = re.compile(r"[^0-9X]")


def _digits(text: str) -> str:
    """The digits of a run (full-width ones as ASCII) and a trailing X, without separators."""
    return _NOT_DIGIT.sub("", text.translate(_TO_ASCII))


def _kind(run: str, before: str) -> str | None:
    """'id_number', 'phone' or None for one run of digits found in free text."""
    digits = _digits(run)
    if digits.startswith("86") and run.lstrip()[:1] in "+＋" and len(digits) == 13:
        digits = digits[2:]
    if len(digits.rstrip("X")) >= 15 and digits.rstrip("X").isdigit():
        return "id_number"  # ID numbers (18, or 15 old), and any longer run: bank cards are personal too
    if not digits.isdigit():
        return None
    if len(digits) == 11 and digits[0] == "1" and digits[1] in "3456789":
        return "phone"
    if 10 <= len(digits) <= 12 and digits[0] == "0":
        return "phone"
    if len(digits) in (7, 8) and _PHONE_WORD.search(before):
        return "phone"
    return None


def mask_text(text: str | None) -> str:
    """Free text with every ID number and phone number in it masked (see the module docstring).

    >>> mask_text("张三 身份证 11010119900307123X 手机 +86 138-1234-5678 座机 6234 5678，补偿款 1200000 元")
    '张三 身份证 110***********123X 手机 138****5678 座机 ****5678，补偿款 1200000 元'
    """
    if not text or not _SEVEN_DIGITS.search(text):
        return text or ""

    def masked_run(run: str, before: str) -> str:
        kind = _kind(run, before)
        parts = re.split(r"(\s+)", run) if " " in run or "\u3000" in run or "\t" in run else [run]
        words = parts[::2]
        if len(words) > 1 and (kind is None or all(len(_digits(w)) >= 7 for w in words)):
            # numbers written one after another ("13812345678 110101199003071234"): each on its own
            out: list[str] = []
            for part in parts:
                out.append(masked_run(part, before + "".join(out)) if len(_digits(part)) >= 7 else part)
            return "".join(out)
        if kind == "id_number":
            return mask_id_number(_digits(run))
        if kind == "phone":
            digits = _digits(run)
            if len(digits) == 13 and digits.startswith("86"):
                digits = digits[2:]
            return mask_phone(digits) if len(digits) > 8 else "****" + digits[-4:]
        return run

    def one(m: re.Match[str]) -> str:
        return masked_run(m.group(0), text[max(0, m.start() - 12) : m.start()])

    return _RUN.sub(one, text)


def mask_texts(values: Iterable[object]) -> list[object]:
    """`mask_text` over a column: text masked, lists of text masked item by item, other values as they are.
    A column whose text holds no run of seven digits at all is returned as it is after one search."""
    values = list(values)
    flat = "\x00".join(
        v if isinstance(v, str) else "\x00".join(map(str, v)) if isinstance(v, list | tuple) else ""
        for v in values
    )
    if not _SEVEN_DIGITS.search(flat):
        return values
    out: list[object] = []
    for v in values:
        if isinstance(v, str):
            out.append(mask_text(v))
        elif isinstance(v, list | tuple):
            out.append([mask_text(x) if isinstance(x, str) else x for x in v])
        else:
            out.append(v)
    return out


def mask_row(columns: Iterable[str], row: Iterable[object]) -> list[object]:
    """One result row as shown without reveal: `id_number` and `phone` columns masked as fields, ID numbers
    and phones inside every other text (and list of texts) masked with `mask_text`."""
    out: list[object] = []
    for column, value in zip(columns, row, strict=True):
        if column in ("id_number", "phone") and isinstance(value, str):
            out.append(masked(value, column))
        else:
            out.extend(mask_texts([value]))
    return out


_LONE_DIGITS = re.compile(r"(?<![0-9A-Za-z])[0-9０-９]{7,}(?![0-9A-Za-z])")


def mask_lookup(text: str) -> str:
    """What a user looked for, as the audit log keeps it: ID numbers and phones masked (`mask_text`), and any
    other free-standing run of 7+ digits too (part of a number is still personal), while keys such as
    P0001037 or XF20240001234 stay readable.

    >>> mask_lookup("P0001037"), mask_lookup("1101011990"), mask_lookup("王伟 13812345678")
    ('P0001037', '110***1990', '王伟 138****5678')
    """
    return _LONE_DIGITS.sub(lambda m: mask_id_number(m.group(0)), mask_text(text))
