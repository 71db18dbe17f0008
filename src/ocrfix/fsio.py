"""Writing without ever leaving a half-written file or folder behind: temp name, then rename.

What is written follows the user's umask, as any file a program writes (temporary files
are made private by the library that names them; their modes are set back to the usual).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

TMP_PREFIX = ".ocrfix-tmp-"
OLD_PREFIX = ".ocrfix-old-"


def current_umask() -> int:
    """The process's umask (read by setting it and setting it back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


UMASK = current_umask()
FILE_MODE = 0o666 & ~UMASK
FOLDER_MODE = 0o777 & ~UMASK


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=TMP_PREFIX + path.name + ".")
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_json_object(path: Path) -> dict | None:
    """The JSON object in ``path``; ``None`` when the file cannot be read, is not JSON or
    holds something else."""
    try:
        found = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return found if isinstance(found, dict) else None


def atomic_write_text(path: Path, text: str) -> None:
    """UTF-8 text, written atomically; line endings are kept as they are."""
    atomic_write_bytes(path, text.encode("utf-8"))


@contextlib.contextmanager
def staged_folder(target: Path) -> Iterator[Path]:
    """A new, empty folder to fill, which replaces the folder ``target`` when the block ends
    without an exception (and is deleted when it raises one).

    The folder is made under a temporary name beside ``target`` and renamed into place, so
    ``target`` is at every moment either the complete old folder, absent, or the complete
    new one; outputs too large to hold in memory can be written into it piece by piece.
    """
    parent = target.parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=parent, prefix=f"{TMP_PREFIX}{target.name}-"))
    try:
        staging.chmod(FOLDER_MODE)
        yield staging
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


def write_files(folder: Path, files: Mapping[str, bytes | Path]) -> None:
    """Write ``files`` (relative path -> bytes, or the path of a file to copy) in ``folder``."""
    for name, data in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, Path):
            shutil.copyfile(data, path)
        else:
            path.write_bytes(data)


def write_folder(target: Path, files: Mapping[str, bytes | Path]) -> None:
    """Replace the folder ``target`` by one holding exactly ``files`` (relative path -> bytes,
    or the path of a file to copy), atomically (see :func:`staged_folder`)."""
    with staged_folder(target) as staging:
        write_files(staging, files)


def write_pieces(path: Path, pieces: Iterable[str], batch: int = 1 << 20) -> int:
    """Write the text ``pieces`` one after the other to ``path`` as UTF-8, line endings as
    they are, encoding about ``batch`` characters at a time (for a file of a
    :func:`staged_folder`: not atomic by itself); the number of bytes written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        return sum(fh.write(text.encode("utf-8")) for text in batches(pieces, batch))


def batches(pieces: Iterable[str], size: int) -> Iterator[str]:
    """The text of ``pieces`` joined into strings of about ``size`` characters; the last
    one, the rest, may be empty.

    >>> list(batches(["ab", "c", "de", "f"], 3)), list(batches(["ab"], 3))
    (['abc', 'def', ''], ['ab'])
    """
    buffered: list[str] = []
    length = 0
    for piece in pieces:
        buffered.append(piece)
        length += len(piece)
        if length >= size:
            yield "".join(buffered)
            buffered, length = [], 0
    yield "".join(buffered)


def text_chunks(text: str, size: int = 1 << 20) -> Iterator[str]:
    """``text`` in slices of ``size`` characters, to write it without a copy of it whole.

    >>> list(text_chunks("abcde", 2))
    ['ab', 'cd', 'e']
    """
    for start in range(0, len(text), size):
        yield text[start : start + size]


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
def _locked_fd(fd: int) -> Iterator[None]:
    """Hold an exclusive ``flock`` on an open descriptor, then close it."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def file_lock(path: Path) -> contextlib.AbstractContextManager[None]:
    """Hold an exclusive lock on the lock file ``path`` (made if missing), waiting for others.

    Unlike a lock on a folder, it stays the same file while the folder is replaced.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    return _locked_fd(os.open(path, os.O_RDWR | os.O_CREAT, FILE_MODE))


def document_lock(folder: Path) -> contextlib.AbstractContextManager[None]:
    """The lock of a document folder: the hidden file ``.<name>.lock`` beside it."""
    return file_lock(folder.parent / f".{folder.name}.lock")


def folder_lock(folder: Path) -> contextlib.AbstractContextManager[None]:
    """Hold an exclusive lock on ``folder`` (``flock``), waiting for other processes."""
    return _locked_fd(os.open(folder, os.O_RDONLY))


JOURNAL = ".ocrfix-journal.json"


def write_together(folder: Path, files: Mapping[str, str | None]) -> None:
    """Replace several text files of ``folder`` as one change (``None``: delete the file).

    The new contents are first written, whole, to a journal (atomically: that is the
    commit), then each file is replaced, then the journal is removed. A crash after the
    commit is finished by :func:`finish_pending` (the next writer or reader calls it), so
    the files are never a mix of old and new. Call it under a lock on the folder.
    """
    journal = folder / JOURNAL
    atomic_write_text(journal, json.dumps({"files": dict(files)}, ensure_ascii=False))
    finish_pending(folder)


def finish_pending(folder: Path) -> bool:
    """Carry out a journal :func:`write_together` left behind; True if there was one."""
    journal = folder / JOURNAL
    try:
        files = json.loads(journal.read_text("utf-8"))["files"]
    except FileNotFoundError:
        return False
    except (OSError, ValueError, KeyError, TypeError):
        journal.unlink(missing_ok=True)  # never committed: atomic writes leave no half
        return False
    for name, text in files.items():
        if text is None:
            (folder / name).unlink(missing_ok=True)
        else:
            atomic_write_text(folder / name, text)
    journal.unlink(missing_ok=True)
    return True
