"""`caselink query NAME`: run a named pattern query (queries/NAME.cypher or its embedded twin)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from caselink import audit
from caselink.workspace import Workspace
from graph.errors import GraphError
from graph.settings import BACKENDS, Settings
from graph.store import open_store
from queries.errors import BadParameter, QueryError, UnknownQuery
from queries.registry import SPECS, get
from queries.run import FORMATS, Format, format_result, parse_params, run_query, write_xlsx


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
    ws: Workspace, name: str, params: dict[str, Any], backend: str, rows: int, out: Path | None
) -> None:
    """Append one entry to the workspace audit log: who ran which query with what, and where it went."""
    audit.record(ws.audit_log, "query", command="query", query=name, params=params, backend=backend,
                 rows=rows, out=str(out) if out is not None else None)


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
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Write to FILE.")
@click.option("--list", "list_only", is_flag=True, help="List the queries with their parameters and columns.")
def query(
    name: str | None,
    pairs: tuple[str, ...],
    workspace: Path | None,
    backend: str | None,
    fmt: Format,
    out: Path | None,
    list_only: bool,
) -> None:
    """Run the pattern query NAME (see --list) and print or save its rows.

    Lists in a cell are joined by ';' in csv and xlsx; cells that a spreadsheet would read as a formula get
    a leading '. xlsx needs --out. Every run is recorded in the workspace's audit.log.
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
        ws = Workspace.open(workspace)
        with open_store(settings, ws) as store:
            result = run_query(spec.name, store, params)
        _audit(ws, spec.name, params, settings.backend, len(result.rows), out)
    except (UnknownQuery, BadParameter) as exc:
        raise click.UsageError(str(exc)) from None
    except (QueryError, GraphError) as exc:
        click.echo(f"caselink query: {exc}", err=True)
        sys.exit(1)
    if fmt == "xlsx":
        assert out is not None
        write_xlsx(result, out, sheet=spec.name)
        click.echo(f"wrote {len(result.rows)} rows to {out}", err=True)
        return
    text = format_result(result, fmt)
    if out is not None:
        out.write_text(text, encoding="utf-8-sig" if fmt == "csv" else "utf-8")
        click.echo(f"wrote {len(result.rows)} rows to {out}", err=True)
    else:
        click.echo(text, nl=False)
