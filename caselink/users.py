"""Dashboard users: who may log in, with which role. A small TOML file; passwords only as salted hashes.

The file is WORKSPACE/users.toml, or the path in $CASELINK_USERS. `caselink users add NAME --role ROLE`
writes it; an editor can read it but should not need to:

    # caselink dashboard users (`caselink users add NAME --role ROLE`)
    [users."clerk1"]
    role = "clerk"
    password = "scrypt$16384$8$1$<salt, base64>$<hash, base64>"

Roles: clerk, investigator, coordinator, admin. Each password hash is scrypt (standard library) over the UTF-8
password with its own random 16-byte salt; the cost parameters are stored with it so they can be raised later
without breaking old entries. When no users file exists the dashboards run in single-user local mode.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import secrets
import tomllib
from dataclasses import dataclass
from pathlib import Path

from graph.atomic import write_atomically

ROLES = ("clerk", "investigator", "coordinator", "admin")
REVEALING_ROLES = frozenset({"investigator", "admin"})
"""Roles that may see ID numbers and phones unmasked (dashboards' switch, the commands' --reveal)."""
USERS_ENV = "CASELINK_USERS"
FILE_NAME = "users.toml"
MIN_PASSWORD = 8

_SCRYPT = {"n": 2**14, "r": 8, "p": 1}
_MAXMEM = 64 * 1024 * 1024
_NAME = re.compile(r"^[\w.@-]{1,64}$")
_HEADER = "# caselink dashboard users (`caselink users add NAME --role ROLE`). Passwords are scrypt hashes.\n"


class UsersError(ValueError):
    """A users file or a user entry that cannot be used; the message says what to do."""


@dataclass(frozen=True)
class User:
    name: str
    role: str
    password: str
    """The stored hash (`scrypt$n$r$p$salt$hash`), never the password itself."""


def users_path(workspace_root: Path) -> Path:
    """$CASELINK_USERS, else WORKSPACE/users.toml."""
    env = os.environ.get(USERS_ENV)
    return Path(env) if env else Path(workspace_root) / FILE_NAME


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """The storable scrypt hash of `password` with a fresh random salt (or the one given)."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, dklen=32, maxmem=_MAXMEM, **_SCRYPT)
    b64 = base64.b64encode
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${b64(salt).decode()}${b64(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    """True when `password` hashes to `stored` (compared in constant time); False for a malformed hash."""
    try:
        scheme, n, r, p, salt_b64, digest_b64 = stored.split("$")
        if scheme != "scrypt":
            return False
        salt = base64.b64decode(salt_b64, validate=True)
        expected = base64.b64decode(digest_b64, validate=True)
        actual = hashlib.scrypt(
            password.encode("utf-8"),
            salt=salt,
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(expected),
            maxmem=_MAXMEM,
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


_DUMMY_HASH = hash_password(secrets.token_urlsafe(16))


def authenticate(users: dict[str, User], name: str, password: str) -> User | None:
    """The user when name and password match, else None. An unknown name costs the same hash as a known."""
    user = users.get(name.strip())
    ok = verify_password(password, user.password if user else _DUMMY_HASH)
    return user if (user is not None and ok) else None


def check_name(name: str) -> str:
    """`name` stripped, or UsersError when it is not 1-64 letters, digits, '_', '.', '@' or '-'."""
    name = name.strip()
    if not _NAME.match(name):
        raise UsersError(f"user name {name!r}: use 1-64 letters, digits, '_', '.', '@' or '-'.")
    return name


def check_role(role: str) -> str:
    if role not in ROLES:
        raise UsersError(f"role {role!r}: choose one of {', '.join(ROLES)}.")
    return role


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise UsersError(f"the password needs at least {MIN_PASSWORD} characters.")
    return password


def load_users(path: Path) -> dict[str, User]:
    """Every user in the file by name; an empty dict when the file does not exist."""
    if not path.exists():
        return {}
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UsersError(
            f"{path} is not a valid users file ({exc}). Fix it or remove it and run "
            "`caselink users add` again."
        ) from exc
    table = doc.get("users", {})
    if not isinstance(table, dict):
        raise UsersError(f"{path}: [users] must be a table of users.")
    out: dict[str, User] = {}
    for name, entry in table.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("password"), str):
            raise UsersError(f"{path}: user {name!r} needs a role and a password hash.")
        out[name] = User(name=name, role=check_role(str(entry.get("role"))), password=entry["password"])
    return out


def save_users(path: Path, users: dict[str, User]) -> None:
    """Write the file readable by its owner only, replacing it in one step (graph.atomic)."""
    lines = [_HEADER]
    for user in sorted(users.values(), key=lambda u: u.name):
        lines.append(f"\n[users.{json.dumps(user.name, ensure_ascii=False)}]\n")
        lines.append(f"role = {json.dumps(user.role)}\n")
        lines.append(f"password = {json.dumps(user.password)}\n")
    payload = "".join(lines).encode("utf-8")
    write_atomically(path, lambda fh: fh.write(payload), mode=0o600)


def add_user(path: Path, name: str, role: str, password: str, *, replace: bool = False) -> User:
    """Add (or with `replace`, update) one user in the file and return it."""
    name, role, password = check_name(name), check_role(role), check_password(password)
    users = load_users(path)
    if name in users and not replace:
        raise UsersError(f"user {name!r} already exists; add --replace to set a new password or role.")
    user = User(name=name, role=role, password=hash_password(password))
    users[name] = user
    save_users(path, users)
    return user


def remove_user(path: Path, name: str) -> None:
    """Remove one user from the file (UsersError when there is no such user)."""
    users = load_users(path)
    if name not in users:
        raise UsersError(f"no user {name!r} in {path}.")
    del users[name]
    save_users(path, users)


def role_of(workspace_root: Path, name: str) -> str | None:
    """`name`'s role in the users file, or None when the file does not list them (or does not exist)."""
    user = load_users(users_path(workspace_root)).get(name)
    return user.role if user else None


def check_reveal(workspace_root: Path, name: str) -> str:
    """`name`'s role when it may see personal data unmasked; UsersError saying what to do otherwise.

    The one rule of every command with --reveal: the operating-system account running it must be in the
    users file as an investigator or admin."""
    role = role_of(workspace_root, name)
    if role in REVEALING_ROLES:
        return str(role)
    has = f"has the role {role}" if role else f"is not in the users file {users_path(workspace_root)}"
    raise UsersError(
        f"--reveal 仅限调查员和管理员。 / --reveal is for investigators and admins: the account {name!r} "
        f"{has}. "
        f"An admin can run `caselink users add {name} --role investigator`."
    )
