"""Masking of personal data for display and export: ID numbers and phones masked unless a role may see them.

    mask_id_number("110101199003071234")  -> "110***********1234"
    mask_phone("13812345678")             -> "138****5678"
    mask_phone("010-62345678")            -> "010****5678"
"""

from __future__ import annotations

import re

_DIGITS = re.compile(r"\d")


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
