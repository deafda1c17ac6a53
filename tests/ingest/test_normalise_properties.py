"""Properties of ingest.read.normalise: nothing raises, normal forms are fixed points, dates round-trip."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.read.normalise import normalise_name, normalise_phone, parse_date, parse_id_number
from ingest.read.places import county_by_code, county_of

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHECK = "10X98765432"

# Text that looks like what clerks type: Han characters (including traditional ones), spaces of all
# widths, dots, brackets, Latin letters, digits and anything else Unicode has.
han = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
typed = st.sampled_from(list(" \u3000\t·•・．.()（）【】“”、，,;；-—_ＡＢａ１２x#"))
messy_text = st.text(st.one_of(han, typed, st.characters()), max_size=30)


@given(messy_text)
def test_normalise_name_never_raises_and_is_idempotent(raw: str) -> None:
    once = normalise_name(raw)
    assert normalise_name(once) == once
    assert not any(ch.isspace() for ch in once)
    assert not once.startswith("·") and not once.endswith("·") and "··" not in once


@given(st.text(max_size=25))
def test_parse_id_number_never_raises_on_any_text(raw: str) -> None:
    info = parse_id_number(raw)
    assert info.number is None or len(info.number) == 18
    assert not info.valid or info.number is not None


@st.composite
def old_ids(draw: st.DrawFn) -> str:
    region = draw(st.from_regex(r"[1-6][0-9]{5}", fullmatch=True))
    born = draw(st.dates(min_value=date(1900, 1, 1), max_value=date(1999, 12, 31)))
    serial = draw(st.from_regex(r"[0-9]{3}", fullmatch=True))
    return region + born.strftime("%y%m%d") + serial


@given(old_ids())
def test_upgrading_a_valid_15_digit_id_gives_a_valid_18_digit_one(old: str) -> None:
    info = parse_id_number(old)
    assert info.number is not None and len(info.number) == 18
    assert info.valid
    first17 = old[:6] + "19" + old[6:]
    assert info.number == first17 + CHECK[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]
    assert info.birth_date is not None and info.birth_date.strftime("%y%m%d") == old[6:12]
    assert info.sex == ("M" if int(old[-1]) % 2 else "F")
    # The upgraded number reads back unchanged.
    assert parse_id_number(info.number) == info


@given(old_ids(), st.lists(st.integers(0, 18), max_size=4), st.booleans())
def test_spaces_and_case_do_not_change_an_id(old: str, cuts: list[int], lower: bool) -> None:
    number = parse_id_number(old).number
    assert number is not None
    messy = number.lower() if lower else number
    for k in sorted(cuts, reverse=True):
        messy = messy[:k] + " " + messy[k:]
    assert parse_id_number(messy).number == number


phone_chars = st.sampled_from(list("0123456789０１２３４５６７８９ -()（）+转#/、x"))


@given(st.one_of(st.text(phone_chars, max_size=24), st.text(max_size=24)))
def test_normalise_phone_never_raises_and_is_idempotent(raw: str) -> None:
    info = normalise_phone(raw)
    if info.number is None:
        assert info.kind is None and info.problem_zh and info.problem_en
    else:
        assert info.number.isdigit() and info.number.isascii()
        again = normalise_phone(info.number)
        assert (again.number, again.kind) == (info.number, info.kind)


@given(st.from_regex(r"(\+86|0086|86)?[ -]?1[3-9][0-9]{9}", fullmatch=True))
def test_any_formatted_mobile_is_read(raw: str) -> None:
    info = normalise_phone(raw)
    assert info.kind == "mobile" and info.number == raw[-11:]


@settings(max_examples=300)
@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)))
def test_parse_date_round_trips_all_three_formats(d: date) -> None:
    assert parse_date(d.isoformat()) == d
    assert parse_date(f"{d.year}/{d.month:02d}/{d.day:02d}") == d
    assert parse_date(f"{d.year}/{d.month}/{d.day}") == d
    assert parse_date(f"{d.year}年{d.month}月{d.day}日") == d
    assert parse_date(f"{d.year}年{d.month:02d}月{d.day:02d}日") == d
    assert parse_date(f"{d.isoformat()} 00:00:00") == d


@given(st.text(max_size=30))
def test_parse_date_never_raises(raw: str) -> None:
    result = parse_date(raw)
    assert result is None or 1900 <= result.year <= 2100


@given(messy_text)
def test_county_of_never_raises_and_returns_a_known_code(raw: str) -> None:
    code = county_of(raw)
    assert code is None or county_by_code(code) is not None
