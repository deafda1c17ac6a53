"""ID numbers and phones inside free text are masked; keys, dates and amounts are left readable."""

from __future__ import annotations

import pytest

from caselink.privacy import mask_lookup, mask_row, mask_text

MASKED = [
    ("联系电话13812345678，身份证号110101199003071234", "联系电话138****5678，身份证号110***********1234"),
    ("手机 +86 138-1234-5678", "手机 138****5678"),
    ("电话：0311-87654321", "电话：031*****4321"),
    ("座机 6234 5678", "座机 ****5678"),
    ("tel 62345678", "tel ****5678"),
    ("身份证 11010119900307123X", "身份证 110***********123X"),
    ("老身份证 130623900101123", "老身份证 130********1123"),
    ("１３８１２３４５６７８", "138****5678"),
    ("13812345678 110101199003071234", "138****5678 110***********1234"),
    ("卡号 6222 0212 3456 7890 123", "卡号 622************0123"),
    ("手机13812345678 123", "手机138****5678 123"),
]
KEPT = [
    "XF20240000123 P0001037 I000012",  # keys glued to letters
    "2024-06-30 收到 1200000 元",  # a date, an amount
    "130623:market_regulation",  # a unit id
    "教龄14年，1999年清退",
    "编号 1234567",  # seven digits without a phone word
]


@pytest.mark.parametrize(("text", "expected"), MASKED)
def test_numbers_in_text_are_masked(text: str, expected: str) -> None:
    assert mask_text(text) == expected


@pytest.mark.parametrize("text", KEPT)
def test_other_numbers_are_kept(text: str) -> None:
    assert mask_text(text) == text


def test_rows_and_lookups() -> None:
    row = mask_row(["id_number", "phone", "content", "filings"],
                   ["110101199003071234", "13812345678", ["电话13812345678", 3], 2])
    assert row == ["110***********1234", "138****5678", ["电话138****5678", 3], 2]
    assert mask_lookup("P0001037") == "P0001037"
    assert mask_lookup("1101011990") == "110***1990"
