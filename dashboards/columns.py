"""Table headers in the session's language. The data keep the query's column names (a stable contract, also
in the exports); only what the table shows on the page is labelled in Chinese."""

from __future__ import annotations

from collections.abc import Iterable

ZH: dict[str, str] = {
    "petitioner_id": "信访人编号", "issue_id": "事项编号", "filing_id": "信访件编号",
    "filings": "件数", "filing_ids": "信访件", "first_date": "首次日期", "last_date": "最近日期",
    "channels": "渠道", "concluded_date": "办结日期", "after_conclusion": "办结后再访",
    "filings_after_conclusion": "办结后件数", "receiving_orgs": "受理机关", "by_channel": "按渠道",
    "by_receiving_org": "按受理机关", "receiving_level": "受理层级", "received_date": "登记日期",
    "receiving_org": "受理机关", "channel": "渠道", "group_id": "群体编号", "kind": "类型",
    "petitioner_ids": "信访人编号", "counties": "县区代码", "county_names": "县区", "issue_ids": "事项",
    "size": "人数", "chain": "流转链", "chain_unit_ids": "单位编号", "distinct_units": "经手单位数",
    "returns": "回到原单位", "send_backs": "退回次数", "days_in_routing": "流转天数",
    "reason": "原因", "unit_a": "单位甲编号", "unit_b": "单位乙编号", "unit_a_name": "单位甲",
    "unit_b_name": "单位乙", "bounces": "往返次数", "status": "办理状态",
    "responsible_unit": "责任单位", "extended": "已延期", "limit_days": "时限（天）",
    "days_open": "已过天数", "days_overdue": "超期天数", "role": "角色", "units": "单位",
    "co_petitioner_ids": "共同信访人", "issue_petitioner_ids": "同事项信访人", "label": "类别",
    "key": "编号", "distance": "距离", "step": "步", "rel": "关系", "month": "月份",
    "category": "问题类别", "county": "县区代码", "county_name": "县区", "concluded": "已办结",
    "name": "名称", "id_number": "身份证号", "phone": "电话", "rank": "排序", "content": "内容",
    "headcount": "人数", "petitioner_name": "信访人", "responsible_unit_id": "责任单位编号",
    "seq": "序号", "route_date": "流转日期", "action": "动作", "from_unit": "发出单位",
    "to_unit_id": "接收单位编号", "to_unit": "接收单位", "note": "备注", "relation": "关系",
    "unit_id": "单位编号", "unit": "单位", "bounced_filings": "推诿件数", "weight": "权重",
    "probability": "概率", "file": "文件", "row": "行号", "column": "列", "value": "值",
    "reason_zh": "原因", "reason_en": "原因（英文）", "severity": "级别",
    "issue_title": "事项名称", "petitioner_names": "信访人姓名", "n_counties": "县区数",
    "max_days_overdue": "最长超期天数", "run": "导入批次", "when": "时间", "filings_file": "信访件文件",
    "transfers_file": "流转文件", "new": "新增", "updated": "更新", "unchanged": "未变",
    "backend": "图谱存储", "seconds": "用时（秒）", "read": "读入行", "loaded": "导入行",
    "rejected": "拒绝行", "flagged": "标记行", "first_line": "内容（首行）",
    "days_taken": "办理天数", "days_late": "超时天数", "with_status": "有状态",
    "title": "标题", "account_id": "平台账号", "account_ids": "平台账号", "reply": "答复意见",
}


EN: dict[str, str] = {
    "id_number": "ID number", "issue_id": "Issue id", "filing_id": "Filing id",
    "petitioner_id": "Petitioner id", "unit_id": "Unit id", "first_line": "Text (first line)",
}


def labels(columns: Iterable[object], lang: str) -> dict[str, str]:
    """Header label per column shown: Chinese where known when lang is 'zh'; in English the column name
    written as words ('days_overdue' → 'Days overdue'), never as an identifier."""
    if lang != "zh":
        return {str(c): EN.get(str(c), str(c).replace("_", " ").capitalize()) for c in columns
                if "_" in str(c) or str(c) in EN}
    return {str(c): ZH[str(c)] for c in columns if str(c) in ZH}
