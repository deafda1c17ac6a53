"""`caselink users` and the users file: hashed passwords, roles, and the audit trail."""

from __future__ import annotations

import stat
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from caselink.audit import read_log
from caselink.cli import cli
from caselink.users import (
    UsersError,
    add_user,
    authenticate,
    hash_password,
    load_users,
    users_path,
    verify_password,
)
from caselink.workspace import Workspace


def _add(ws: Path, *args: str, password: str = "correct horse") -> object:
    return CliRunner().invoke(cli, ["users", "add", *args, "--workspace", str(ws), "--password-stdin"],
                              input=password + "\n")


def test_add_writes_a_salted_hash_never_the_password(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    result = _add(ws, "clerk1", "--role", "clerk")
    assert result.exit_code == 0, result.output
    text = (ws / "users.toml").read_text(encoding="utf-8")
    assert "correct horse" not in text
    doc = tomllib.loads(text)
    assert doc["users"]["clerk1"]["role"] == "clerk"
    assert doc["users"]["clerk1"]["password"].startswith("scrypt$")
    assert stat.S_IMODE((ws / "users.toml").stat().st_mode) == 0o600
    users = load_users(ws / "users.toml")
    assert authenticate(users, "clerk1", "correct horse") == users["clerk1"]
    assert authenticate(users, "clerk1", "correct horsE") is None
    assert authenticate(users, "nobody", "correct horse") is None


def test_same_password_gets_different_salts() -> None:
    a, b = hash_password("same password"), hash_password("same password")
    assert a != b
    assert verify_password("same password", a) and verify_password("same password", b)
    assert not verify_password("same password", "scrypt$1$1$1$!!$??")
    assert not verify_password("same password", "plain text")


def test_prompted_password_must_be_typed_twice(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    runner = CliRunner()
    bad = runner.invoke(cli, ["users", "add", "inv", "--role", "investigator", "--workspace", str(ws)],
                        input="first-password\nsecond-password\nfirst-password\nfirst-password\n")
    assert bad.exit_code == 0, bad.output
    assert "do not match" in bad.output
    assert authenticate(load_users(ws / "users.toml"), "inv", "first-password") is not None


def test_existing_user_needs_replace_and_bad_input_is_refused(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    assert _add(ws, "amy", "--role", "clerk").exit_code == 0
    again = _add(ws, "amy", "--role", "admin")
    assert again.exit_code != 0 and "--replace" in again.output
    assert _add(ws, "amy", "--role", "admin", "--replace", password="new password").exit_code == 0
    users = load_users(ws / "users.toml")
    assert users["amy"].role == "admin"
    assert authenticate(users, "amy", "new password") is not None
    assert _add(ws, "bob", "--role", "clerk", password="short").exit_code != 0
    assert _add(ws, "bad name", "--role", "clerk").exit_code != 0
    assert _add(ws, "bob", "--role", "boss").exit_code != 0
    assert set(load_users(ws / "users.toml")) == {"amy"}


def test_list_remove_and_audit(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    runner = CliRunner()
    typo = runner.invoke(cli, ["users", "list", "--workspace", str(ws)])
    assert typo.exit_code == 2 and "No workspace" in typo.output and not ws.exists()  # not created
    Workspace.open(ws)
    empty = runner.invoke(cli, ["users", "list", "--workspace", str(ws)])
    assert "single-user local mode" in empty.output
    _add(ws, "张三", "--role", "coordinator")
    _add(ws, "li.si", "--role", "investigator")
    listed = runner.invoke(cli, ["users", "list", "--workspace", str(ws)])
    assert listed.output.splitlines() == ["li.si\tinvestigator", "张三\tcoordinator"]
    assert "scrypt" not in listed.output
    assert runner.invoke(cli, ["users", "remove", "li.si", "--workspace", str(ws)]).exit_code == 0
    assert runner.invoke(cli, ["users", "remove", "li.si", "--workspace", str(ws)]).exit_code != 0
    assert set(load_users(ws / "users.toml")) == {"张三"}
    actions = [(e["action"], e["target"]) for e in read_log(ws / "audit.log")]
    assert actions == [("user_add", "张三"), ("user_add", "li.si"), ("user_remove", "li.si")]


def test_users_env_overrides_the_workspace_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    elsewhere = tmp_path / "etc" / "caselink-users.toml"
    monkeypatch.setenv("CASELINK_USERS", str(elsewhere))
    assert users_path(tmp_path / "ws") == elsewhere
    assert _add(tmp_path / "ws", "amy", "--role", "clerk").exit_code == 0
    assert elsewhere.exists() and not (tmp_path / "ws" / "users.toml").exists()


def test_broken_file_gives_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "users.toml"
    path.write_text("[users.amy\nrole=", encoding="utf-8")
    with pytest.raises(UsersError, match="not a valid users file"):
        load_users(path)
    path.write_text('[users.amy]\nrole = "boss"\npassword = "x"\n', encoding="utf-8")
    with pytest.raises(UsersError, match="choose one of"):
        add_user(path, "bob", "clerk", "long enough")
