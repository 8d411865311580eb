"""One writer per store: an advisory lock file in the store directory, held while an ingest runs.

The lock is ``flock`` on ``<store>/write.lock``: the kernel releases it when the holding process
ends, however it ends (even SIGKILL), so a crashed ingest never leaves a stale lock behind. The
file's text only tells a waiting process who holds the lock.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .base import Store, StoreLocked

LOCK_FILE_NAME = "write.lock"


def lock_path(directory: Path) -> Path:
    """The lock file of a store directory."""
    return directory / LOCK_FILE_NAME


def lock_holder(directory: Path) -> str:
    """Who holds (or last held) the lock, as written into the lock file, e.g. 'pid 123, since 10:31:02'."""
    try:
        info = json.loads(lock_path(directory).read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return "unknown process"
    return f"pid {info.get('pid', '?')}, {info.get('command', '?')}, since {info.get('since', '?')}"


def writer_directory(store: Store) -> Path | None:
    """The directory whose write lock guards ``store`` (an embedded on-disk store), else None."""
    return getattr(store, "directory", None)


@contextmanager
def store_write_lock(directory: Path | None, wait: float = 0.0, poll_interval: float = 0.2,
                     command: str | None = None) -> Iterator[None]:
    """Hold the write lock of the store in ``directory`` (``None``: an in-memory store, no lock).

    Waits up to ``wait`` seconds for another holder to finish, then raises StoreLocked.
    """
    if directory is None:
        yield
        return
    directory.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path(directory), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + max(wait, 0.0)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    waited = f" after waiting {wait:g} s" if wait > 0 else ""
                    raise StoreLocked(
                        f"{directory}: another writer holds this store ({lock_holder(directory)}){waited}; "
                        "try again when it is done, or wait longer for it") from None
                time.sleep(poll_interval)
        holder = {"pid": os.getpid(), "command": command or " ".join(["topicgraph", *sys.argv[1:2]]),
                  "since": dt.datetime.now().isoformat(timespec="seconds")}
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(holder).encode("utf-8"), 0)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
