"""The canonical input format (docs/input-format.md): column names, Chinese aliases and value enums.

This module is the single place where the contract of the input files is written down; readers,
validators, the generator and the docs all take it from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Channel(StrEnum):
    """信访形式 — how a filing reached the office."""

    LETTER = "来信"
    VISIT = "来访"
    ONLINE = "网上信访"
    PHONE = "电话"
    MAILBOX = "领导信箱"
    OTHER = "其他"


class Level(StrEnum):
    """登记层级 — the administrative level of the receiving body, lowest first."""

    TOWNSHIP = "乡镇"
    COUNTY = "县"
    CITY = "市"
    PROVINCE = "省"
    NATIONAL = "国家"

    @property
    def rank(self) -> int:
        """0 for township up to 4 for national; skip-level compares ranks."""
        return list(Level).index(self)


class Status(StrEnum):
    """办理状态 — where a filing stands."""

    PENDING = "待受理"
    HANDLING = "办理中"
    CONCLUDED = "已办结"
    REJECTED = "不予受理"
    REVIEW = "复查中"
    RE_REVIEW = "复核中"
    FINAL = "已终结"


class Action(StrEnum):
    """流转类型 — one routing event of a filing."""

    ASSIGN = "交办"
    SEND_ON = "转送"
    SEND_BACK = "退回"
    ASSIST = "协办"
    SUPERVISE = "督办"


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    alias_zh: str
    required: bool
    description: str
    more_aliases: tuple[str, ...] = ()
    """Other accepted headers, as real exports write them (留言主题 for title …)."""
    required_unless: str = ""
    """A column that, when the file has it and the row fills it, makes this one optional."""

    @property
    def aliases(self) -> tuple[str, ...]:
        """Every accepted Chinese header: alias_zh first."""
        return (self.alias_zh, *self.more_aliases)


FILING_COLUMNS: tuple[Column, ...] = (
    Column("filing_id", "信访件编号", True, "string, unique within the file"),
    Column("received_date", "登记日期", True, "date: YYYY-MM-DD, YYYY/MM/DD or YYYY年MM月DD日"),
    Column("channel", "信访形式", True, "来信 / 来访 / 网上信访 / 电话 / 领导信箱 / 其他"),
    Column("receiving_level", "登记层级", True, "乡镇 / 县 / 市 / 省 / 国家"),
    Column("receiving_org", "登记机关", False, "free text, e.g. 某某市信访局"),
    Column(
        "petitioner_name",
        "信访人",
        True,
        "free text (may carry typos, spaces, traditional characters)",
        required_unless="account_id",
    ),
    Column("id_number", "身份证号", False, "18 (or old 15) characters"),
    Column("phone", "联系电话", False, "mobile or landline, any formatting"),
    Column("address", "住址", False, "free text address"),
    Column("issue_place", "问题属地", False, "free text place of the matter"),
    Column("headcount", "人数", False, "integer, default 1; 5 or more = group petition"),
    Column("co_petitioners", "联名人", False, "other names, separated by 、 or ； or ;"),
    Column("category", "内容分类", False, "free text category"),
    Column("content", "主要内容", True, "free text description of the grievance"),
    Column("responsible_unit", "责任单位", False, "free text unit name"),
    Column("status", "办理状态", False, "待受理 / 办理中 / 已办结 / 不予受理 / 复查中 / 复核中 / 已终结"),
    Column("concluded_date", "办结日期", False, "date (a reply time 答复时间 is a date too)"),
    Column("title", "标题", False, "short title of the filing", ("留言主题", "事项标题")),
    Column(
        "account_id",
        "平台账号",
        False,
        "the petitioner's account on an online platform: identity evidence as strong as a phone",
        ("留言用户", "用户ID"),
    ),
    Column("reply", "答复意见", False, "text of the answer given", ("处理意见", "答复内容")),
)

TRANSFER_COLUMNS: tuple[Column, ...] = (
    Column("filing_id", "信访件编号", True, "refers to filings.csv"),
    Column("seq", "序号", True, "integer order within the filing"),
    Column("date", "日期", True, "date"),
    Column("from_unit", "发出单位", True, "free text unit name"),
    Column("to_unit", "接收单位", True, "free text unit name"),
    Column("action", "流转类型", True, "交办 / 转送 / 退回 / 协办 / 督办"),
    Column("note", "备注", False, "free text"),
)

GROUP_HEADCOUNT = 5
"""A filing with this many people or more is a group petition (集体访)."""


def header_aliases(columns: tuple[Column, ...]) -> dict[str, str]:
    """Map every accepted header spelling (canonical, Chinese, case-folded) to the canonical name."""
    aliases: dict[str, str] = {}
    for col in columns:
        aliases[col.name] = col.name
        aliases[col.name.lower()] = col.name
        for alias in col.aliases:
            aliases[alias] = col.name
    return aliases
