"""Archives (.zip, .tar, .tar.gz, .tgz, .tar.bz2, .tar.xz): members read in memory, never unpacked to disk."""

from __future__ import annotations

import tarfile
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath
from typing import IO

from ..model import Article, SourceProblem

#: Reads one member's bytes as the file ``path`` (the reader's dispatch, passed in to avoid a cycle).
ReadBytes = Callable[[bytes, Path], Iterator[Article | SourceProblem]]

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_TAR_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz")


def archive_kind(head: bytes, path: Path) -> str | None:
    """'zip' or 'tar' from the first bytes (and, for tar, the name), else None."""
    if head.startswith(_ZIP_MAGIC):
        return "zip"
    name = path.name.lower()
    if head.startswith(b"\x1f\x8b") and name.endswith((".tar.gz", ".tgz")):
        return "tar"
    if name.endswith(_TAR_SUFFIXES) or head[257:262] == b"ustar":
        return "tar"
    return None


def _wanted(name: str, suffixes: set[str]) -> bool:
    parts = PurePosixPath(name).parts
    if any(p.startswith(".") or p == "__MACOSX" for p in parts):
        return False
    return PurePosixPath(name).suffix.lower() in suffixes


def _read_limited(stream: IO[bytes], limit: int) -> bytes | None:
    data = stream.read(limit + 1)
    return None if len(data) > limit else data


def read_archive(path: Path, kind: str, read_bytes: ReadBytes, suffixes: set[str],
                 max_bytes: int) -> Iterator[Article | SourceProblem]:
    """Articles of every supported member (by suffix, as in a directory walk); members go by ``archive/member``."""
    if kind == "zip":
        yield from _read_zip(path, read_bytes, suffixes, max_bytes)
    else:
        yield from _read_tar(path, read_bytes, suffixes, max_bytes)


def _member(path: Path, name: str, data: bytes | None, read_bytes: ReadBytes,
            max_bytes: int) -> Iterator[Article | SourceProblem]:
    where = path / name
    if data is None:
        yield SourceProblem(where, f"archive member too large (more than {max_bytes / 1e6:.0f} MB)")
    elif not data:
        yield SourceProblem(where, "empty file")
    elif archive_kind(data[:512], where):
        yield SourceProblem(where, "archive inside an archive: not read (unpack it first)")
    else:
        yield from read_bytes(data, where)


def _read_zip(path: Path, read_bytes: ReadBytes, suffixes: set[str], max_bytes: int) -> Iterator[Article | SourceProblem]:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        yield SourceProblem(path, f"unreadable zip archive ({exc})")
        return
    with archive:
        for info in sorted(archive.infolist(), key=lambda i: i.filename):
            if info.is_dir() or not _wanted(info.filename, suffixes):
                continue
            try:
                if info.file_size > max_bytes:
                    data = None
                else:
                    with archive.open(info) as stream:
                        data = _read_limited(stream, max_bytes)
            except (zipfile.BadZipFile, RuntimeError, OSError, NotImplementedError) as exc:
                yield SourceProblem(path / info.filename, f"unreadable archive member ({exc})")
                continue
            yield from _member(path, info.filename, data, read_bytes, max_bytes)


def _read_tar(path: Path, read_bytes: ReadBytes, suffixes: set[str], max_bytes: int) -> Iterator[Article | SourceProblem]:
    try:
        archive = tarfile.open(path, mode="r:*")
    except (tarfile.TarError, OSError, EOFError) as exc:
        yield SourceProblem(path, f"unreadable tar archive ({exc})")
        return
    with archive:
        try:
            for info in archive:  # streamed in archive order
                if not info.isfile() or not _wanted(info.name, suffixes):
                    continue
                stream = archive.extractfile(info)
                data = None if info.size > max_bytes or stream is None else _read_limited(stream, max_bytes)
                yield from _member(path, info.name, data, read_bytes, max_bytes)
        except (tarfile.TarError, OSError, EOFError) as exc:
            yield SourceProblem(path, f"unreadable tar archive ({exc}); the rest of it is skipped")
