"""`caselink query NAME`: run a named pattern query (queries/NAME.cypher or its embedded twin)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from caselink import audit
from caselink.commands import read_workspace, write_out
from caselink.privacy import mask_row, mask_text
from caselink.users import UsersError, check_reveal
from caselink.workspace import Workspace
from graph.errors import GraphError
from graph.settings import BACKENDS, Settings
from graph.store import open_store
from queries.errors import BadParameter, QueryError, UnknownQuery
from queries.registry import SPECS, get
from queries.run import FORMATS, Format, QueryResult, format_result, parse_params, run_query, xlsx_bytes


def _list_queries() -> str:
    lines = []
    for spec in SPECS:
        lines.append(f"{spec.name}  {spec.title_zh} / {spec.title_en}")
        lines.append(f"    {spec.description}")
        for p in spec.params:
            lines.append(f"    --param {p.name}=…  ({p.type}, default {p.default_text()}): {p.help}")
        lines.append(f"    columns: {', '.join(spec.columns)}")
    return "\n".join(lines) + "\n"


def _audit(
    ws: Workspace,
    name: str,
    params: dict[str, Any],
    backend: str,
    rows: int,
    out: Path | None,
    role: str | None,
) -> None:
    """Append one entry to the workspace audit log: who ran which query with what, where it went, and
    whether personal data were shown unmasked (`revealed`, with the role that allowed it)."""
    shown = {k: mask_text(v) for k, v in params.items()}  # a phone or ID number looked for is personal
    audit.record(
        ws.audit_log,
        "query",
        command="query",
        query=name,
        params=shown,
        backend=backend,
        rows=rows,
        out=str(out) if out is not None else None,
        revealed=role is not None,
        role=role,
    )


def masked_result(result: QueryResult) -> QueryResult:
    """The result with ID numbers and phones masked, in their columns and inside any text."""
    return QueryResult(result.columns, [mask_row(result.columns, row) for row in result.rows])


def _split(pairs: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise BadParameter(f"--param takes key=value (e.g. --param min_filings=3), not {pair!r}.")
        out[key.strip()] = value
    return out


@click.command("query")
@click.argument("name", required=False)
@click.option(
    "--param", "-p", "pairs", multiple=True, metavar="KEY=VALUE", help="A query parameter (repeat)."
)
@click.option(
    "--workspace",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Workspace folder (default: $CASELINK_WORKSPACE or ./workspace).",
)
@click.option(
    "--backend", type=click.Choice(BACKENDS), default=None, help="Graph store (default from settings)."
)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to FILE (a new file; --force replaces one; never through a symbolic link).",
)
@click.option("--force", is_flag=True, help="Let --out replace an existing file.")
@click.option(
    "--reveal",
    is_flag=True,
    help="Show ID numbers and phones unmasked: investigators and admins in the users file "
    "(the operating-system account); logged.",
)
@click.option("--list", "list_only", is_flag=True, help="List the queries with their parameters and columns.")
def query(
    name: str | None,
    pairs: tuple[str, ...],
    workspace: Path | None,
    backend: str | None,
    fmt: Format,
    out: Path | None,
    force: bool,
    reveal: bool,
    list_only: bool,
) -> None:
    """Run the pattern query NAME (see --list) and print or save its rows.

    Lists in a cell are joined by ';' in csv and xlsx; cells that a spreadsheet would read as a formula get
    a leading '. xlsx needs --out. ID numbers and phones are masked, in their columns and inside text,
    unless --reveal. Every run is recorded in the workspace's audit.log.
    """
    if list_only:
        click.echo(_list_queries(), nl=False)
        return
    if not name:
        raise click.UsageError("Name a query (caselink query --list shows them).")
    if fmt == "xlsx" and out is None:
        raise click.UsageError("--format xlsx writes a file: add --out FILE.xlsx.")
    try:
        spec = get(name)
        params = _split(pairs)
        parse_params(spec, params)  # bad parameters are reported before any store is opened
        settings = Settings.from_env(backend=backend)
        ws = read_workspace(workspace)
        role = check_reveal(ws.root, audit.current_user()) if reveal else None
        with open_store(settings, ws) as store:
            result = run_query(spec.name, store, params)
        _audit(ws, spec.name, params, settings.backend, len(result.rows), out, role)
    except UsersError as exc:
        click.echo(f"caselink query: {exc}", err=True)
        sys.exit(2)
    except (UnknownQuery, BadParameter) as exc:
        raise click.UsageError(str(exc)) from None
    except (QueryError, GraphError) as exc:
        click.echo(f"caselink query: {exc}", err=True)
        sys.exit(1)
    if not reveal:
        result = masked_result(result)
    if fmt == "xlsx":
        assert out is not None
        write_out(out, xlsx_bytes(result, sheet=spec.name), force=force)
        click.echo(f"wrote {len(result.rows)} rows to {out}", err=True)
        return
    text = format_result(result, fmt)
    if out is not None:
        write_out(out, text.encode("utf-8-sig" if fmt == "csv" else "utf-8"), force=force)
        click.echo(f"wrote {len(result.rows)} rows to {out}", err=True)
    else:
        click.echo(text, nl=False)
