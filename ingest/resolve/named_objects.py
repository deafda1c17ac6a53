"""Named things a matter is about: estates (and projects named like them: 来雁新城项目), roads and what
stands on them, schools, hospitals, companies.

Dozens of petitioners write about one concrete plant or one estate in their own words; what they share is
its name. A name is read backwards from its suffix (华庭, 小区, 学院, 有限公司, 路 …) over 2–8 characters,
never across punctuation, digits or function words, and a name made only of generic words (物业公司, 该小
区, 老旧小区) is none. Conservative on purpose: a name read wrongly joins two matters; a name missed only
leaves the text to do the work.

    >>> named_objects("万家丽路口搅拌站噪音扰民，恒大华府业主反映")
    [('road', '万家丽路'), ('road_object', '万家丽路搅拌站'), ('estate', '恒大华府')]
"""

from __future__ import annotations

import re

from ingest.resolve.text_fold import fold

# fmt: off
_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("股份有限公司", "company"), ("有限责任公司", "company"), ("有限公司", "company"),
    ("集团公司", "company"), ("公司", "company"),
    ("职业技术学院", "school"), ("职业技术学校", "school"), ("职业学校", "school"), ("学院", "school"),
    ("学校", "school"), ("中学", "school"), ("小学", "school"), ("幼儿园", "school"), ("大学", "school"),
    ("卫生服务中心", "hospital"), ("医院", "hospital"), ("卫生院", "hospital"), ("诊所", "hospital"),
    ("华庭", "estate"), ("新城", "estate"), ("花园", "estate"), ("家园", "estate"), ("嘉园", "estate"),
    ("公馆", "estate"), ("公寓", "estate"), ("山庄", "estate"), ("雅居", "estate"), ("丽景", "estate"),
    ("苑", "estate"), ("府", "estate"), ("小区", "estate"),
    ("大道", "road"), ("大街", "road"), ("路", "road"), ("街", "road"), ("巷", "road"),
)
"""Suffix and kind; a longer suffix is tried first (有限公司 before 公司, 职业技术学院 before 学院)."""
# fmt: on

_WORD_BEFORE = {
    "府": "政学首官知城王冥",
    "路": "马公铁道线思出走门水电网套小土山老新一上半之占坡烂泥巴字头装里速灯跑修辅主叉",
    "街": "上大逛老",
    "巷": "小深",
}
"""Characters that, right before a suffix, make it a word and not a name's end (政府, 马路, 上街)."""
_WORD_AFTER = {"新城": "区镇乡村街", "路": "费线由子况段面灯", "街": "道坊", "花园": "路街", "苑": "路街"}
"""Characters that, right after a suffix, make it part of a longer word (新城区 is a district, 路费, 街道).
"""

_STOP = (
    "，。、；：,.;:！？!?（）()“”\"'《》"
    " \u3000的在是住原被向了对把将从由到给与及等我们你他她其该为于叫并和这那此本某个各每"
    "都就又还要请求反映称说有无没已未也县区市省州镇乡村条段座间栋号楼去仅只才再但而或若让使跟同比不年离距"
)
"""Characters a name does not run back across: punctuation, function words, place and measure words."""
_NAME_REVERSED = re.compile(
    "(?P<suffix>"
    + "|".join(
        re.escape(s[::-1])
        + (f"(?<![{_WORD_AFTER[s]}]{re.escape(s[::-1])})" if s in _WORD_AFTER else "")
        + (f"(?![{_WORD_BEFORE[s]}])" if s in _WORD_BEFORE else "")
        for s, _ in _SUFFIXES
    )
    + ")(?P<name>[^"
    + re.escape(_STOP)
    + r"0-9a-z]{2,8})"
)
"""Read on the reversed text, so the suffix anchors the match and the name runs back from it without
backtracking; what stands after a suffix in the text stands before it here (hence the lookbehind for
`_WORD_AFTER`, written after the suffix so that every alternative starts with a literal and the regex
engine skips ahead by first character)."""
_KIND = dict(_SUFFIXES)
_ROAD_SUFFIXES = tuple(sfx for sfx, k in _SUFFIXES if k == "road")
_ESTATE_SUFFIXES = tuple(sfx for sfx, k in _SUFFIXES if k == "estate" and sfx != "小区")

_GENERIC = sorted(
    (
        "物业 开发商 开发 房地产 置业 建筑 建设 建工 工程 劳务 施工 实业 商贸 贸易 科技 投资 管理 服务"
        " 发展 电力 供电 燃气"
        " 自来水 供水 水务 公交 客运 运输 物流 快递 保险 银行 网络 通信 移动 联通 电信 中介 装修 装饰 家政"
        " 保安 广告"
        " 文化 传媒 教育 培训 医疗 医药 旅游 餐饮 酒店 汽车 出租车 出租 老旧 新建 周边 附近 周围 整个 所在"
        " 人民 中心"
        " 城市 农村 乡村 城区 市区 民办 公办 私立 公立 重点 普通 职业 技术 附属 商品 商品房 安置 保障 还建"
        " 回迁 拆迁"
        " 高档 私人 民营 国有 集体 地方 当地 本地 相关 有关 涉事 用人 原来 单位 家里 一家 两家 多家 各家"
        " 我家 别人"
        " 大型 小型 中型 外地 本市 全市 全县 全区 城乡 中心 第一 第二 第三 第四 第五 实验 子弟 附近的 旁边"
        " 对面"
        " 幼儿 初级 高级 中等 专科 综合 专业 营利 非营利 合作 有限 责任 股份 集团 总 分 新 老 大 小 高 低 原"
        " 评估 一部分 部分 剩余 试点 普惠性 普惠 营业 主营 规划 沿线 全体 城投 下属 子"
        " 居民 配套 封闭式 开放式 实际 引起 代表 经济适用房 两所 莆田系 美好 和谐 幸福 上学 修"
        " 房产 代理 三家 四家 几家 很多 开放性 开放式"
        " 棚改 改造 安置房 还建房 这个 那个 这些 一个 这所 那所 这家 那家 一所 一些 什么 哪个 哪家 任何"
        " 其他 其它 所有 每个"
    ).split(),
    key=len,
    reverse=True,
)
"""Words a name made only of is no name (物业公司, 人民医院 alone, 老旧小区): a generic body needs its place.
"""
_LEADING = sorted(
    (
        "位于 购买 买了 入住 居住 住在 就读 就诊 治疗 工作 上班 毕业 投诉 举报 反映 关于 对于 针对 请问"
        " 咨询 还有 以及"
        " 其中 包括 比如 例如 因为 由于 经过 通过 联系 要求 希望 导致 造成 作为 成为 属于 都是 也是 就是"
        " 只有 没有"
        " 已经 正在 目前 现在 今年 去年 如今 当时 同时 然后 但是 可是 而且 并且 所以 如果 虽然 于是 至今"
        " 以来 以后"
        " 之后 之前 当前 小孩 孩子 女儿 儿子 家人 父亲 母亲 老人 业主 我们 他们 承建 开发了 建设了 建了"
        " 修建 新建"
        " 拆除 强拆 征收 收购 搬迁 进入 来到 去了 前往 看到 发现 听说 知道 认为 觉得 担心 害怕 影响 污染"
        " 侵占 占用"
        " 转上 右转 左转 直行 提前 可以 恢复 开始 加大 建议 知道 自己 确保 规划 现代化 一名 一个 一所 一家"
        " 一位"
        " 有关部门 相关部门 部门 领导 政府 解决 擅自 改变 尽管 连通 开通 出发 便利 另外 穿越 鼓励 违规"
        " 因为 因"
        " 退出 进出 进入 走出 回到 住进 搬进 搬出 离开 整治 出入 靠近 紧邻 毗邻 临近 邻近 旁边 附近 对面"
        " 隔壁 门口 后面 前面 里面 外面 周边 沿线 一带 一期 二期 三期 整个 全部"
    ).split(),
    key=len,
    reverse=True,
)
"""Words that stick to the front of a name read back without a stop character (购买万科华庭, 位于万家丽路):
the name starts after the last of them."""
_PLACE_END = re.compile(r"(?:县|区|市|镇|乡|街道)$")
_STOP_SET = frozenset(_STOP)


def _place_before(s: str, start: int) -> str | None:
    """The place a generic body is named with, right before it: a7县 of a7县人民医院, 柳营镇 of
    柳营镇中心小学; a place of one character is a misreading (而且县城总公司 names no 且县)."""
    m = _PLACE_END.search(s, max(0, start - 3), start)
    if m is None:
        return None
    j = m.start()
    ascii_run = j > 0 and _is_alnum(s[j - 1])  # a7县 (an anonymised code) or 柳营镇, never a mix (2月l市)
    while j > 0 and m.start() - j < 4 and (_is_alnum(s[j - 1]) if ascii_run else s[j - 1] not in _STOP_SET):
        j -= 1
    place = s[j : m.start()]
    return s[j:start] if len(place) >= 2 or ascii_run and place else None


def _is_alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


_ROAD_OBJECTS = sorted(
    (
        "高压线 高压电线 高压塔 电线杆 变电站 变电所 变压器 搅拌站 混凝土搅拌站 商混站 砂石场 垃圾站"
        " 垃圾中转站 垃圾处理站"
        " 垃圾场 基站 信号塔 加油站 加气站 公交站 红绿灯 信号灯 路灯 斑马线 人行道 天桥 地下通道 下水道"
        " 排水沟 井盖"
        " 停车场 菜市场 农贸市场 工地 隧道 涵洞 桥 烧烤 夜市 酒吧 ktv 餐馆 油烟 厂房 化工厂 养殖场"
        " 污水处理厂 隔离带 减速带"
        " 施工 围挡 摊点 门面 铁路 高架"
    ).split(),
    key=len,
    reverse=True,
)
_ROAD_OBJECT = re.compile("|".join(re.escape(o) for o in _ROAD_OBJECTS))
_CLAUSE_END = re.compile(r"[，。、；：,.;:！？!?]")
_SPACE = re.compile(r"\s+")
_ROAD_WINDOW = 14
"""How far after a road its object may stand, within one clause (…路口 110kv 高压线, …路旁边的搅拌站)."""


_INNER_ENDS = ("路", "街", "巷", "大道", "小区", "公司", "学校", "医院", "幼儿园", "学院")
"""A name holding one of these ends before it: 赤岭路白沙花园 is 白沙花园, 民办幼儿园转普惠性幼儿园 names no
kindergarten."""


def _alternation(words: tuple[str, ...] | list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_GENERIC_HEAD = re.compile(f"(?:{_alternation(_GENERIC)})+")
_GENERIC_TAIL = re.compile(f"(?:{_alternation(_GENERIC)})+$")
_LEADING_RE = re.compile(_alternation(_LEADING))
_INNER_ENDS_RE = re.compile(_alternation(_INNER_ENDS))


def _strip_generic(name: str) -> str:
    """The name without generic words at either end (万科物业 → 万科, 物业管理 → '')."""
    if (m := _GENERIC_HEAD.match(name)) is not None:
        name = name[m.end() :]
    if name and (m := _GENERIC_TAIL.search(name)) is not None:
        name = name[: m.start()]
    return name


_ANY_SUFFIX = re.compile(f"(?:{_alternation([sfx for sfx, _ in _SUFFIXES])})+$")


def is_generic(name: str) -> bool:
    """A name that is only generic words and suffixes (公交公司, 物业公司, 居民小区): it names no one body.

    >>> is_generic("快递公司"), is_generic("万科物业公司")
    (True, False)
    """
    return not _strip_generic(_ANY_SUFFIX.sub("", name))


def _after_last(name: str, words: re.Pattern[str]) -> str:
    """What follows the last of `words` in name (the whole name when none is in it)."""
    cut = 0
    for m in words.finditer(name):
        cut = m.end()
    return name[cut:]


def _object(s: str, end: int, suffix: str, name: str) -> tuple[str, str] | None:
    """(kind, value) of the name read back from the suffix at s[end:], or None when it is no name."""
    kind = _KIND[suffix]
    if kind != "road":
        name = _after_last(name, _INNER_ENDS_RE)
    name = _after_last(name, _LEADING_RE)
    if end - len(name) > 0 and s[end - len(name) - 1].isdigit() and name[:1] in ("年", "月", "日", "号"):
        name = name[1:].removeprefix("份").removeprefix("底").removeprefix("初")  # 3月开元路 is 开元路
    if len(name) < 2:
        return None
    core = _strip_generic(name)
    if kind in ("road", "estate"):
        if not core:  # 部分路, 老旧小区
            return None
    elif len(core) < 2:  # 物业公司, 人民医院, 中心小学: a generic body is named by its place
        if (place := _place_before(s, end - len(name))) is None:
            return None
        name = place + name
    if kind == "estate" and suffix == "小区" and name.endswith(_ESTATE_SUFFIXES):
        # 万科花园小区 is 万科花园; 家园小区 alone names nothing
        return (
            (kind, name)
            if not any(name == e or len(name) < len(e) + 2 for e in _ESTATE_SUFFIXES if name.endswith(e))
            else None
        )
    if kind == "company":
        return kind, name + "公司"  # 某某有限公司 and 某某公司 are one company
    return kind, name + suffix


def named_objects(text: str) -> list[tuple[str, str]]:
    """(kind, name) of each named estate, road (and "road_object": a road with the thing on it that the
    matter is about), school, hospital and company, in order of appearance, each once."""
    if not text:
        return []
    s = _SPACE.sub("", fold(text))
    n = len(s)
    found: list[
        tuple[int, int, str, str]
    ] = []  # (where its suffix starts, then road before its object, kind, value)
    reversed_s = s[::-1]
    for m in _NAME_REVERSED.finditer(reversed_s):
        suffix = m.group("suffix")[::-1]
        start, at = n - m.end(), n - m.end("suffix")
        raw = m.group("name")[::-1]
        obj = _object(s, at, suffix, raw)
        if _KIND[suffix] != "road":  # 赤岭路白沙花园: the road the name was cut from is a name too
            cut, road = max(((raw.rfind(r), r) for r in _ROAD_SUFFIXES if r in raw), default=(-1, ""))
            if cut >= 0 and (r := _NAME_REVERSED.match(reversed_s, n - start - cut - len(road))) is not None:
                if _KIND[inner_suffix := r.group("suffix")[::-1]] == "road":
                    inner = _object(s, n - r.end("suffix"), inner_suffix, r.group("name")[::-1])
                    if inner is not None:
                        found.append((start + cut, 0, *inner))
        if obj is None:
            continue
        found.append((at, 0, *obj))
        if obj[0] == "road":
            after = n - m.start()
            window = s[after : after + _ROAD_WINDOW]
            if (clause_end := _CLAUSE_END.search(window)) is not None:
                window = window[: clause_end.start()]
            if (thing := _ROAD_OBJECT.search(window)) is not None:
                found.append((at, 1, "road_object", obj[1] + thing.group(0)))
    out: list[tuple[str, str]] = []
    for _, _, kind, value in sorted(found):
        if (kind, value) not in out:
            out.append((kind, value))
    return out
