"""`caselink check`: the duplicate-filing check before intake (查重), on the workspace's intake index.

    caselink check --name NAME | --account ID [--id-number ID] [--phone PHONE] [--address TEXT] [--place TEXT]
                   [--content TEXT] [--category TEXT] [--top N] [--reveal] [--workspace DIR]
                   [--format table|json]

Exit code 0 with a result, 2 when the check cannot be made (no name or account, no index in the workspace).
`--format json` gives the recommendation as a stable code (`recommendation`: new_matter,
same_matter_in_handling, same_matter_concluded, likely_group_matter, possible_same_matter).
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

import click

from caselink.audit import current_user
from caselink.intake import CheckResult, FilingSummary, IntakeError, IntakeQuery, check
from caselink.intake_index import IndexMissing
from caselink.users import UsersError, check_reveal
from caselink.workspace import Workspace, default_root
from queries.run import escape_controls


@click.command("check")
@click.option("--name", default="", help="信访人姓名 / the petitioner's name (required without --account).")
@click.option("--account", default="", help="平台账号 / the petitioner's account on an online platform.")
@click.option("--id-number", default="", help="身份证号 / ID number.")
@click.option("--phone", default="", help="联系电话 / phone.")
@click.option("--address", default="", help="住址 / address.")
@click.option("--place", default="", help="问题属地 / place of the matter.")
@click.option("--content", default="", help="反映内容 / what the petition is about.")
@click.option("--category", default="", help="内容分类 / category of the matter.")
@click.option("--top", type=click.IntRange(1, 50), default=5, show_default=True, help="Candidates shown.")
@click.option(
    "--reveal",
    is_flag=True,
    help="Show ID numbers and phones unmasked: investigators and admins in the users file "
    "(the operating-system account); logged.",
)
@click.option(
    "--workspace",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Workspace folder (default: $CASELINK_WORKSPACE or ./workspace).",
)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def check_cmd(
    name: str,
    account: str,
    id_number: str,
    phone: str,
    address: str,
    place: str,
    content: str,
    category: str,
    top: int,
    reveal: bool,
    workspace: Path | None,
    fmt: str,
) -> None:
    """Before intake: is this person, and this matter, already known? Says what to tell the petitioner."""
    root = workspace if workspace is not None else default_root()
    if not root.is_dir():
        _fail(
            f"工作区不存在：{root}。请先运行 `caselink ingest`。 / "
            f"No workspace at {root}: run `caselink ingest` first."
        )
    ws = Workspace(root)
    ws.check_private()
    try:
        if reveal:  # the one rule of every command: investigators and admins in the users file
            check_reveal(root, current_user())
        query = IntakeQuery(name, id_number, phone, address, place, content, category, account_id=account)
        result = check(ws, query, top=top, reveal=reveal)
    except (IntakeError, IndexMissing, UsersError) as exc:
        _fail(str(exc))
    except Exception as exc:  # a clerk never sees a traceback; CASELINK_DEBUG=1 shows it to a developer
        if os.environ.get("CASELINK_DEBUG"):
            raise
        _fail(f"意外错误：{type(exc).__name__}: {exc} / Unexpected error: {type(exc).__name__}: {exc}", 1)
    click.echo(to_json(result) if fmt == "json" else to_table(result))


def _fail(message: str, code: int = 2) -> NoReturn:
    click.echo(message, err=True)
    sys.exit(code)


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else str(value)


def _due(f: FilingSummary) -> str:
    if f.due is None:
        return ""
    if f.concluded_date is not None:
        return f"  复查申请期限 / review by {f.due}"
    return f"  办理期限 / due {f.due}"


def to_json(result: CheckResult) -> str:
    """The result as JSON (dates ISO, enums as their values)."""
    return json.dumps(asdict(result), ensure_ascii=False, indent=2, default=_plain)


def to_table(result: CheckResult) -> str:
    """The result as text for a terminal; control and bidi characters in it shown escaped."""
    out = [f"建议 / recommendation: {result.recommendation.label} ({result.recommendation.value})"]
    out += ["  " + line for line in result.explanation]
    out += ["注意 / note: " + n for n in result.notes]
    if not result.candidates:
        out.append("候选人 / candidates: 无 / none")
    for k, c in enumerate(result.candidates, 1):
        out.append("")
        out.append(
            f"{k}. {c.petitioner_id} {c.name or c.account_id}  {c.id_number or '-'}  {c.phone or '-'}  "
            f"{c.county or '-'}  "
            f"score {c.score:+.1f}  p={c.probability:.3f}  {c.match.value}  ({c.filings_total} filings)"
        )
        out += ["     " + e for e in c.evidence]
        for f in c.filings:
            mark = "≈" if f.same_matter else " "
            out.append(
                f"   {mark} {f.filing_id} {f.received_date} {f.status or '-':4} {f.unit or '-'}  "
                f"{f.issue_title or f.issue_id}" + _due(f)
            )
    for g in result.group_issues:
        out.append("")
        out.append(
            f"群体事项 / group matter: {g.issue_id} {g.title}  {g.people} people, headcount {g.headcount}, "
            f"score {g.matter_score:.1f}"
        )
        out += ["     " + r for r in g.matter_reasons]
    return "\n".join(escape_controls(line) for line in out)  # names and text from the data: no terminal codes
