"""Writing without ever leaving a half-written file or folder behind: temp name, then rename."""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path

TMP_PREFIX = ".ocrfix-tmp-"
OLD_PREFIX = ".ocrfix-old-"


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=TMP_PREFIX + path.name + ".")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    """UTF-8 text, written atomically; line endings are kept as they are."""
    atomic_write_bytes(path, text.encode("utf-8"))


def write_folder(target: Path, files: Mapping[str, bytes]) -> None:
    """Replace the folder ``target`` by one holding exactly ``files`` (relative path -> bytes).

    The new folder is built under a temporary name beside ``target`` and renamed into place,
    so ``target`` is at every moment either the complete old folder, absent, or the
    complete new one.
    """
    parent = target.parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=parent, prefix=f"{TMP_PREFIX}{target.name}-"))
    try:
        for name, data in files.items():
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        old = None
        if target.exists():
            old = Path(tempfile.mkdtemp(dir=parent, prefix=f"{OLD_PREFIX}{target.name}-"))
            os.replace(target, old / "previous")
        os.replace(staging, target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def remove_leftovers(folder: Path) -> None:
    """Delete temporary files and folders that an interrupted run left in ``folder``."""
    if not folder.is_dir():
        return
    for path in folder.iterdir():
        if path.name.startswith((TMP_PREFIX, OLD_PREFIX)):
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)


@contextlib.contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` (``flock``), waiting for other processes."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
