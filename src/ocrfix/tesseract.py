"""The one place ocrfix runs the ``tesseract`` program.

Each call passes the page image on standard input (PNG), sets the environment Tesseract
needs for that call only (one thread: ``OMP_THREAD_LIMIT=1``, which is several times faster
than Tesseract's own threads when pages are read in parallel), has a timeout, and dies
with the process that started it. Failures are typed: :class:`MissingDependency` when
Tesseract or a language is not installed, :class:`ExternalTimeout` when it ran out of
time (it is killed), :class:`ExternalError` for anything else.
"""

from __future__ import annotations

import functools
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Sequence

import cv2
import numpy as np

from ocrfix.errors import (
    ExternalError,
    ExternalTimeout,
    MissingDependency,
    MissingLanguage,
    UsageError,
)

PROGRAM = "tesseract"
ENVIRONMENT = {"OMP_THREAD_LIMIT": "1"}
DEFAULT_TIMEOUT = 300.0  # seconds a single call may take
INSTALL_HINT = "install Tesseract (run `make setup`, or apt-get install tesseract-ocr)"


def die_with_parent() -> None:
    """In a child process: be killed when the parent dies (Linux; elsewhere nothing)."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    pr_set_pdeathsig = 1
    libc.prctl(pr_set_pdeathsig, signal.SIGKILL)


def executable() -> str:
    """The path of ``tesseract``; raises :class:`MissingDependency` when it is not on PATH."""
    found = shutil.which(PROGRAM)
    if found is None:
        raise MissingDependency(f"Tesseract is not installed: {INSTALL_HINT}")
    return found


def run(
    args: Sequence[str], stdin: bytes = b"", timeout: float = DEFAULT_TIMEOUT
) -> tuple[str, str]:
    """Run ``tesseract ARGS`` and return its standard output and error as text."""
    command = [executable(), *args]
    try:
        done = subprocess.run(
            command,
            input=stdin,
            capture_output=True,
            timeout=timeout,
            env={**os.environ, **ENVIRONMENT},
            preexec_fn=die_with_parent,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise ExternalTimeout(f"Tesseract took longer than {timeout:g} s and was stopped") from None
    except OSError as exc:
        raise ExternalError(f"Tesseract could not be started: {exc.strerror or exc}") from None
    out = done.stdout.decode("utf-8", "replace")
    err = done.stderr.decode("utf-8", "replace")
    check_language(err)
    if done.returncode != 0:
        last = next((ln for ln in reversed(err.splitlines()) if ln.strip()), "no message")
        raise ExternalError(f"Tesseract failed (exit status {done.returncode}): {last.strip()}")
    return out, err


def check_language(stderr: str) -> None:
    """Raise :class:`MissingDependency` when Tesseract says a language could not load.

    >>> check_language("Failed loading language 'deu'")
    Traceback (most recent call last):
    ocrfix.errors.MissingDependency: Tesseract has no language data for 'deu' ...
    """
    marker = "Failed loading language '"
    if marker in stderr:
        name = stderr.split(marker, 1)[1].split("'", 1)[0]
        raise MissingDependency(
            f"Tesseract has no language data for '{name}' (installed: "
            f"{', '.join(languages()) or 'none'}); install tesseract-ocr-{name}"
        )


def encode(image: np.ndarray) -> bytes:
    """A page image as PNG bytes, quickly (light compression)."""
    ok, buffer = cv2.imencode(".png", image, [cv2.IMWRITE_PNG_COMPRESSION, 1])
    if not ok:
        raise ExternalError("the page image could not be encoded for Tesseract")
    return buffer.tobytes()


@functools.cache
def version() -> str:
    """Tesseract's version, e.g. ``5.3.0``; raises :class:`MissingDependency`."""
    out, err = run(["--version"], timeout=30)
    first = (out or err).split("\n", 1)[0]
    return first.split()[-1] if first.strip() else "unknown"


@functools.cache
def languages() -> tuple[str, ...]:
    """The languages Tesseract has data for (``osd`` included)."""
    try:
        out, err = run(["--list-langs"], timeout=30)
    except MissingDependency:
        return ()
    lines = (out or err).splitlines()[1:]
    return tuple(sorted(ln.strip() for ln in lines if ln.strip()))


def installed() -> bool:
    """Whether ``tesseract`` is on PATH."""
    return shutil.which(PROGRAM) is not None


def language_names(spec: str) -> list[str]:
    """The languages a ``-l`` spec loads: ``+`` joins them, ``~`` marks one not to load.

    >>> language_names("fra+eng"), language_names(" eng+~osd+ ")
    (['fra', 'eng'], ['eng'])
    """
    parts = (part.strip() for part in spec.split("+"))
    return [part for part in parts if part and not part.startswith("~")]


def missing_languages(spec: str) -> list[str]:
    """The languages of ``spec`` that Tesseract has no data for (all of them when Tesseract
    is not installed); ``tesseract --list-langs`` is asked once per process."""
    have = set(languages())
    return [name for name in language_names(spec) if name not in have]


def require_languages(spec: str) -> None:
    """Raise :class:`MissingLanguage` (a usage error) unless Tesseract has every language of
    ``spec``, or :class:`UsageError` when ``spec`` names none."""
    if not language_names(spec):
        raise UsageError(f"language {spec!r} names no Tesseract language (e.g. eng, eng+deu)")
    missing = missing_languages(spec)
    if missing:
        raise MissingLanguage(spec, missing, list(languages()))


def image_to_tsv(
    image: np.ndarray, lang: str, psm: int, dpi: int, timeout: float = DEFAULT_TIMEOUT
) -> list[dict[str, str]]:
    """The rows of Tesseract's TSV output for a page image (one dict per row)."""
    args = ["stdin", "stdout", "-l", lang, "--psm", str(psm), "--dpi", str(dpi), "tsv"]
    out, _ = run(args, encode(image), timeout)
    lines = out.split("\n")
    header = lines[0].split("\t") if lines else []
    rows = []
    for line in lines[1:]:
        cells = line.split("\t")
        if len(cells) == len(header):
            rows.append(dict(zip(header, cells, strict=True)))
    return rows


def orientation(image: np.ndarray, dpi: int, timeout: float = DEFAULT_TIMEOUT) -> tuple[int, float]:
    """Tesseract's orientation detection: ``(degrees to turn clockwise, confidence)``;
    ``(0, 0.0)`` when the page has too little text to tell."""
    try:
        out, _ = run(["stdin", "stdout", "--psm", "0", "--dpi", str(dpi)], encode(image), timeout)
    except ExternalError as exc:
        if isinstance(exc, ExternalTimeout):
            raise
        return 0, 0.0
    found = {}
    for line in out.splitlines():
        key, _, value = line.partition(":")
        found[key.strip()] = value.strip()
    try:
        return int(found["Rotate"]) % 360, float(found["Orientation confidence"])
    except (KeyError, ValueError):
        return 0, 0.0
