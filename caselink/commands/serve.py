"""`caselink serve`: start the Streamlit dashboards on localhost."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

import dashboards
from caselink.commands import read_workspace

APP = Path(dashboards.__file__).with_name("streamlit_app.py")


@click.command()
@click.option(
    "--workspace",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Workspace made by `caselink ingest` (default: $CASELINK_WORKSPACE or ./workspace).",
)
@click.option(
    "--port", type=click.IntRange(1, 65535), default=8501, show_default=True, help="Port to listen on."
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. Keep localhost unless personal data may be exposed on a network.",
)
@click.option(
    "--backend",
    type=click.Choice(["embedded", "neo4j"]),
    default=None,
    help="Graph back end (default: neo4j when CASELINK_NEO4J_URI is set, else embedded).",
)
def serve(workspace: Path | None, port: int, host: str, backend: str | None) -> None:
    """Start the dashboards (Streamlit) and block until stopped with Ctrl+C.

    The process becomes the Streamlit server (exec, no child process), so a signal sent to it (Ctrl+C, or
    SIGTERM from `kill` or a service manager) stops the server itself and frees the port."""
    ws = read_workspace(workspace)  # a mistyped folder is refused, not served empty
    env = dict(os.environ)
    env["CASELINK_WORKSPACE"] = str(ws.root.resolve())
    if backend is not None:
        env["CASELINK_BACKEND"] = backend
    cmd = [
        sys.executable,
        "-m",
        "dashboards.server",
        "run",
        str(APP),
        "--server.port",
        str(port),
        "--server.address",
        host,
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--global.developmentMode",
        "false",
        "--client.toolbarMode",
        "minimal",
        # no watching of source files: it re-scans every loaded module (thousands, with pandas and altair)
        # on the server's event loop after each script run; a deployed dashboard is not edited live
        "--server.fileWatcherType",
        "none",
    ]
    click.echo(f"caselink dashboards on http://{host}:{port}  (Ctrl+C to stop)", err=True)
    if not is_loopback(host):
        click.echo(
            f"警告：监听 {host}，本机以外的电脑也能访问。 / WARNING: listening on {host}, beyond this "
            "computer: other computers on the network can reach the dashboards. Add users first "
            "(`caselink users add NAME --role ROLE`; without a users file remote browsers are refused) and "
            "serve over TLS behind a reverse proxy; --host 127.0.0.1 keeps it local.",
            err=True,
        )
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(sys.executable, cmd, env)


def is_loopback(host: str) -> bool:
    """True for an address (or name) that only this computer can reach: 127.0.0.0/8, ::1, localhost."""
    import ipaddress

    if host.strip().lower() in ("localhost", "localhost.localdomain", "ip6-localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to any interface
