"""What real records do that a matter grouper must expect (issue 16), each on small hand-written filings:
categories that differ for one matter, one-line register entries, reposts, boilerplate, wording that
shares only the names of things, and a model whose weights come from the data."""

from __future__ import annotations

import numpy as np

from ingest.resolve.issue_model import COMPARISONS, fit_models
from ingest.resolve.issues import SHORT_JOINED, resolve_issues
from ingest.resolve.keywords import overlap, rare_bigrams
from tests.ingest.test_issues import GAO_YI, ZHENG_DING, filing

DELAY = "开发商承诺2021年交房，至今逾期两年多没有交付，房贷每月照还，请求督促开发商尽快交房。"


def test_a_different_category_lowers_the_weight_but_does_not_keep_one_matter_apart() -> None:
    filings = [
        filing("F1", "张三", "天元家园小区" + DELAY, category="城乡建设"),
        filing("F2", "张三", "本人张三，天元家园小区" + DELAY, category="住房城乡建设", day=9),
        filing("F3", "张三", "天元家园小区" + DELAY, category="", day=20),
    ]
    issue_of, evidence, _ = resolve_issues(filings, dict.fromkeys(("F1", "F2", "F3"), "P1"))
    assert issue_of["F1"] == issue_of["F2"] == issue_of["F3"]


def test_a_one_line_record_joins_its_petitioners_one_matter() -> None:
    filings = [
        filing("F1", "李四", "华兴机械厂2003年改制，职工经济补偿金至今没有发放，要求按政策补发。"),
        filing("F2", "李四", "来访，反映诉求至今未解决（重复件）", day=15),
    ]
    issue_of, evidence, _ = resolve_issues(filings, {"F1": "P1", "F2": "P1"})
    assert issue_of["F1"] == issue_of["F2"]
    assert evidence["F2"].reasons == (SHORT_JOINED,) and evidence["F2"].matched_filing_id == "F1"


def test_a_one_line_record_of_a_petitioner_with_several_matters_stays_apart() -> None:
    filings = [
        filing("F1", "李四", "华兴机械厂2003年改制，职工经济补偿金至今没有发放，要求按政策补发。"),
        filing("F2", "李四", "北王村村委会2019年把我家12亩承包地调整给他人耕种，要求恢复承包经营权。", day=3),
        filing("F3", "李四", "来访，反映诉求至今未解决（重复件）", day=15),
    ]
    issue_of, _, _ = resolve_issues(filings, dict.fromkeys(("F1", "F2", "F3"), "P1"))
    assert len(set(issue_of.values())) == 3


def test_a_repost_is_one_matter_across_petitioners_and_counties_without_a_category() -> None:
    text = (
        "强烈反对在嘉宇中央小区C8栋后面建设大型变电站，此处紧挨住户，仅隔一条小路，规划公示期间居民"
        "多次提出异议无人回应，恳请规划部门重新选址。"
    )
    filings = [
        filing("F1", "王五", text, category="", county=GAO_YI),
        filing("F2", "赵六", "各位领导：" + text + "特此反映", category="", county=ZHENG_DING, day=4),
    ]
    issue_of, _, _ = resolve_issues(filings, {"F1": "P1", "F2": "P2"})
    assert issue_of["F1"] == issue_of["F2"]


def test_wording_overlap_counts_the_rare_names_a_text_repeats() -> None:
    texts = [
        "怡海星城小区门口的公交站撤了，怡海星城居民出行困难，请求恢复公交站。",
        "请恢复怡海星城的公交站点，怡海星城几千住户每天要走两公里去坐车。",
        "龙湾国际小区停车位只卖不租，请求物业出租车位。",
        "龙湾国际小区物业费上涨没有公示，请求调查。",
    ]
    kw = rare_bigrams(texts, k=8)
    a, b = np.array([0, 0], dtype=np.int32), np.array([1, 2], dtype=np.int32)
    same_estate, other = overlap(kw, a, b).tolist()
    assert same_estate > 0.5 and other < 0.2


def test_the_model_is_estimated_from_the_pairs_and_a_rare_agreement_outweighs_a_common_one() -> None:
    rng = np.random.default_rng(0)
    n_pairs = 4000
    matches = rng.random(n_pairs) < 0.3
    levels = np.full((n_pairs, len(COMPARISONS)), -1, dtype=np.int8)
    levels[:, 0] = np.where(matches, rng.integers(2, 5, n_pairs), rng.integers(0, 2, n_pairs))  # wording
    levels[:, 3] = 0  # different petitioners
    random_levels = np.full((20000, len(COMPARISONS)), -1, dtype=np.int8)
    random_levels[:, 0] = np.where(rng.random(20000) < 0.99, 0, 1)
    random_levels[:, 3] = 0
    model = fit_models(levels, random_levels, n_pairs, 5000).others
    text = model.fields[0].weights
    assert text[0] < 0 < text[2] < text[4]  # learnt, ordered from the data
    assert abs(model.prior * 5000 * 4999 / 2 / n_pairs - 0.3) < 0.1 or model.prior == 0.01


def test_keywords_of_texts_holding_nul_and_characters_outside_the_basic_plane() -> None:
    texts = ["怡海星城\x00公交站撤了", "怡海星城公交站\U0001f600撤了", "\x00", ""]
    kw = rare_bigrams(texts, k=4)
    assert kw.ids.shape == (4, 4)
    assert overlap(kw, np.array([0], dtype=np.int32), np.array([1], dtype=np.int32))[0] > 0.3
