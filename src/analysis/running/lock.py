"""One run of a name at a time: a run holds an exclusive lock on ``outputs/.<run_name>.lock``.

The lock is the operating system's (``flock`` on POSIX, ``msvcrt.locking`` on Windows), so it
is released when its process ends, however it ends, even when killed outright; no stale lock
can refuse a later run. The file holds the holder's process id, which the refusal names. The
holder removes the file when it lets go; a process that opened the file just before is told by
the file's identity that it locked a removed file, and tries again.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from analysis.running.faults import FolderUnwritable, RunInProgress

__all__ = ["lock_path", "run_lock"]


def lock_path(outputs_dir: Path, run_name: str) -> Path:
    """The lock file of run ``run_name`` in ``outputs_dir``."""
    return outputs_dir / f".{run_name}.lock"


if sys.platform == "win32":
    import msvcrt

    def _try_lock(fd: int) -> bool:
        os.lseek(fd, 0, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

    _PID_OFFSET = 1  # the locked first byte cannot be read by others: the id follows it
else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)

    _PID_OFFSET = 0


def _holder(path: Path) -> int | None:
    """The process id written in a lock file, if it can be read."""
    try:
        with path.open("rb") as f:
            f.seek(_PID_OFFSET)
            return int(f.read(32).split()[0])
    except (OSError, ValueError, IndexError):
        return None


def _acquire(path: Path, run_name: str) -> int:
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as err:
            raise FolderUnwritable(path.parent, err) from None
        if not _try_lock(fd):
            os.close(fd)
            raise RunInProgress(run_name, path.parent, _holder(path))
        try:
            same = os.path.samestat(os.fstat(fd), os.stat(path))
        except FileNotFoundError:
            same = False
        if same:
            break
        _unlock(fd)  # the previous holder removed the file after it was opened here
        os.close(fd)
    os.ftruncate(fd, _PID_OFFSET)
    os.lseek(fd, _PID_OFFSET, os.SEEK_SET)
    os.write(fd, f"{os.getpid()}\n".encode())
    return fd


def _release(path: Path, fd: int) -> None:
    if sys.platform != "win32":
        path.unlink(missing_ok=True)  # while still held, so that nobody locks the removed file
    _unlock(fd)
    os.close(fd)
    if sys.platform == "win32":
        try:
            path.unlink(missing_ok=True)
        except OSError:
            pass  # another process has it open; it locks it next


@contextmanager
def run_lock(outputs_dir: Path, run_name: str) -> Iterator[Path]:
    """Hold the lock of run ``run_name`` in ``outputs_dir`` for the block.

    Raises
    ------
    RunInProgress
        If another process holds it; the message names the run and the process.
    FolderUnwritable
        If the lock file cannot be created in ``outputs_dir``.
    """
    path = lock_path(outputs_dir, run_name)
    fd = _acquire(path, run_name)
    try:
        yield path
    finally:
        _release(path, fd)
