"""One run per working directory, and who a process is.

Every command that writes holds :class:`DirLock`: an exclusive ``flock`` on
``<dir>/.dailypapers.lock``. The operating system releases it when the holder exits, however
it exits (a kill, a crash, a power cut), so a lock is never left behind. A second command
either waits up to ``wait`` seconds or stops at once with :class:`~dailypapers.errors.BusyError`
(its own exit status), naming the holder.

:func:`process_id` names this process for the records it leaves (delivery claims, runs):
``host:pid:start`` where ``start`` is the process's start time, so a reused pid is not taken
for the dead process. :func:`is_alive` answers for such a name: ``False`` only when it is sure
(same host, and no process with that pid and start time), ``None`` when it cannot know.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import json
import os
import socket
import time
from pathlib import Path
from types import TracebackType

from .errors import BusyError

LOCK_FILE = ".dailypapers.lock"
_POLL = 0.1


@functools.cache
def _host() -> str:
    return socket.gethostname()


def _start_ticks(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (Linux), or None."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    # The command name (field 2) may hold spaces and parentheses: split after the last ')'.
    fields = stat.rsplit(")", 1)[-1].split()
    return fields[19] if len(fields) > 19 else None


def process_id(pid: int | None = None) -> str:
    pid = os.getpid() if pid is None else pid
    return f"{_host()}:{pid}:{_start_ticks(pid) or '-'}"


def is_alive(owner: str) -> bool | None:
    """Whether the process named ``owner`` (from :func:`process_id`) still runs."""
    try:
        host, pid_text, start = owner.rsplit(":", 2)
        pid = int(pid_text)
    except ValueError:
        return None
    if host != _host():
        return None
    if start != "-":
        now = _start_ticks(pid)
        if now is not None or Path("/proc/self/stat").exists():
            return now == start
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class DirLock:
    """``with DirLock(root, "run", wait=0):`` holds the directory for one command."""

    def __init__(self, root: Path, command: str, *, wait: float = 0.0) -> None:
        self.path = Path(root).expanduser() / LOCK_FILE
        self.command = command
        self.wait = max(0.0, wait)
        self._fd: int | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + self.wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    raise BusyError(
                        f"another dailypapers command holds {self.path.parent}"
                        f" ({self.holder()})",
                        hint="wait for it to finish, or pass --wait SECONDS to queue behind it",
                    ) from None
                time.sleep(_POLL)
        self._fd = fd
        info = {"owner": process_id(), "command": self.command,
                "since": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(info).encode(), 0)

    def holder(self) -> str:
        """Who holds the lock, as its holder wrote it (best effort)."""
        try:
            info = json.loads(self.path.read_text(encoding="utf-8"))
            pid = str(info["owner"]).rsplit(":", 2)[1]
            return f"'{info['command']}', pid {pid}, since {info['since']}"
        except (OSError, ValueError, KeyError, IndexError, TypeError):
            return "holder unknown"

    def release(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, 0)
            os.close(self._fd)  # closing the descriptor drops the flock
            self._fd = None

    def __enter__(self) -> DirLock:
        self.acquire()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()
