"""One module per `caselink` subcommand; each exposes one click command. Shared here: the workspace a
command reads, and who runs the command (caselink.cliuser)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import click

from caselink.workspace import Workspace, WorkspaceMissing, existing


def read_workspace(root: Path | None) -> Workspace:
    """The existing workspace at `root` (or the default); a message and exit code 2 when there is none."""
    try:
        return existing(root)
    except WorkspaceMissing as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)


def write_out(path: Path, payload: bytes, *, force: bool) -> None:
    """Write `payload` to `path` for a command's --out: never over an existing file without `force`, never
    through a symbolic link, and a message (exit 2) instead of a traceback for a missing folder, a full
    disk, a name too long or no permission.

    Without `force` the file is created with O_EXCL, so nothing that appears meanwhile is overwritten; with
    `force` the new file replaces the old name in one step (a rename), never writing into what it pointed to.
    """
    import errno
    import os

    def fail(message: str) -> NoReturn:
        click.echo(f"{path}: {message}", err=True)
        sys.exit(2)

    target = path if not force else path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        if path.is_symlink():
            fail(
                "是符号链接，不写入。 / is a symbolic link: caselink does not write through links; "
                "choose another name."
            )
        if path.exists() and not path.is_file():
            fail("不是普通文件。 / is not a regular file: choose another name.")
        if path.exists() and not force:
            fail("已存在。 / exists already: add --force to replace it, or choose another name.")
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        try:
            view = memoryview(payload)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        except BaseException:
            os.close(fd)
            target.unlink(missing_ok=True)
            raise
        os.close(fd)
        if force:
            try:
                os.replace(target, path)
            except OSError:
                target.unlink(missing_ok=True)
                raise
    except FileExistsError:
        fail("已存在。 / exists already: add --force to replace it, or choose another name.")
    except OSError as exc:
        reasons = {
            errno.ENOENT: f"文件夹 {path.parent} 不存在。 / the folder {path.parent} does not exist: "
            "create it or choose another.",
            errno.ENOSPC: "磁盘已满，未写入。 / the disk is full: nothing was written; free some space.",
            errno.EDQUOT: "超出磁盘配额。 / the disk quota is exceeded: nothing was written.",
            errno.ENAMETOOLONG: "文件名过长。 / the file name is too long: choose a shorter one.",
            errno.EACCES: "没有写入权限。 / no permission to write there.",
            errno.EROFS: "只读文件系统。 / the file system is read-only.",
            errno.ELOOP: "是符号链接，不写入。 / is a symbolic link: caselink does not write through links.",
            errno.EISDIR: "是文件夹。 / is a folder: give a file name.",
        }
        fail(reasons.get(exc.errno or 0, f"cannot be written ({exc.strerror or exc})."))
