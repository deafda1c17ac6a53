"""The `caselink` command. Each subcommand lives in caselink/commands/<name>.py and is registered here."""

from __future__ import annotations

import click

from caselink.commands.audit import audit
from caselink.commands.bulk import bulk
from caselink.commands.check import check_cmd
from caselink.commands.demo_data import demo_data
from caselink.commands.ingest import ingest
from caselink.commands.query import query
from caselink.commands.resolve import resolve
from caselink.commands.serve import serve
from caselink.commands.users import users
from caselink.commands.validate import validate


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="caselink")
def cli() -> None:
    """caselink — link petition filings (信访件) into petitioners, units and issues, and show the patterns.

    Typical use: `caselink demo-data` → `caselink ingest` → `caselink serve`.
    """


cli.add_command(audit)
cli.add_command(bulk)
cli.add_command(check_cmd)
cli.add_command(demo_data)
cli.add_command(ingest)
cli.add_command(query)
cli.add_command(resolve)
cli.add_command(serve)
cli.add_command(users)
cli.add_command(validate)


def main() -> None:
    cli(prog_name="caselink")
