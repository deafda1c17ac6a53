"""Properties of matter_text on texts made of what petitions are made of: nothing raises, the normal form is a
fixed point, and the identifier and name readers accept anything."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.resolve.matter_text import matter_text, named_objects, strong_identifiers

# Pieces petitions are written with: numerals of both kinds, units, date and sum separators, punctuation of
# both widths, spaces, boilerplate, typos, brackets, Latin letters, and any Han character or other Unicode.
pieces = st.sampled_from(
    [
        *"0123456789０１２３〇○零一二两三四五六七八九十百千万亿几数多余",
        *"元块钱年月日号名个人户亩米.,，、。：:;；!！?？-—/~（）()【】《》“” \u3000\t\n",
        "尊敬的领导：",
        "您好！",
        "网民反映：",
        "此致敬礼",
        "谢谢！",
        "（重复件）",
        "反应",
        "不良反应",
        "帐",
        "万元",
        "块钱",
        "人民币",
        "KV",
        "路口",
        "小区",
        "有限公司",
        "（2023）桂0225民初4027号",
    ]
)
texts = st.lists(st.one_of(pieces, st.characters()), max_size=40).map("".join)


@settings(max_examples=400, deadline=None)  # the first call reads the reference tables
@given(texts)
def test_matter_text_is_a_fixed_point(text: str) -> None:
    once = matter_text(text)
    assert matter_text(once) == once
    assert once == once.strip("，。 ")


@settings(deadline=None)
@given(texts)
def test_readers_accept_anything(text: str) -> None:
    for kind, value in strong_identifiers(text):
        assert kind in ("case", "credit", "document") and value
    for kind, value in named_objects(text):
        assert kind in ("estate", "road", "road_object", "school", "hospital", "company") and len(value) >= 3
