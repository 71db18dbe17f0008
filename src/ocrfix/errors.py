"""ocrfix's errors: one hierarchy, each kind carrying the exit status a command ends with.

The command line maps an error to its exit status in one place (``ocrfix.cli.main``); the
library raises the kind that says what went wrong. ``str()`` of every error is one line.

>>> InputError("a.png", "empty file").exit_code, str(InputError("a.png", "empty file"))
(<ExitCode.INPUT_FAILED: 1>, 'a.png: empty file')
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """The exit statuses of ``ocrfix``, as OCRmyPDF's ``ExitCode``."""

    OK = 0
    INPUT_FAILED = 1  # some inputs (documents, tables) could not be processed
    USAGE = 2  # the command line or a query cannot be read
    MISSING_DEPENDENCY = 3  # Tesseract or its language data is not installed
    EXTERNAL_FAILED = 4  # an external program failed or timed out
    OUTPUT_FAILED = 5  # an output could not be written (full disk, no permission)
    INTERRUPTED = 130  # Ctrl-C


class OcrfixError(Exception):
    """The base of every error ocrfix reports: a one-line message and an exit status."""

    exit_code = ExitCode.INPUT_FAILED

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(str(message).split()))

    def __reduce__(self):  # crosses process boundaries in a batch
        return type(self), (str(self),)


class UsageError(OcrfixError):
    """An option, argument or query that cannot be read."""

    exit_code = ExitCode.USAGE


class PathError(OcrfixError):
    """An error about one file or folder; ``str()`` is ``"<path>: <reason>"``."""

    def __init__(self, path: object, reason: str) -> None:
        self.path, self.reason = str(path), " ".join(str(reason).split())
        super().__init__(f"{self.path}: {self.reason}")

    def __reduce__(self):
        return type(self), (self.path, self.reason)


class InputError(PathError):
    """An input that cannot be processed."""

    exit_code = ExitCode.INPUT_FAILED


class MissingDependency(OcrfixError):
    """A program or data file ocrfix needs is not installed."""

    exit_code = ExitCode.MISSING_DEPENDENCY


class ExternalError(OcrfixError):
    """An external program ran and failed."""

    exit_code = ExitCode.EXTERNAL_FAILED


class ExternalTimeout(ExternalError):
    """An external program did not finish in the time allowed (it was killed)."""


class OutputError(PathError):
    """An output that could not be written (a full disk, no permission)."""

    exit_code = ExitCode.OUTPUT_FAILED


def os_reason(exc: OSError) -> str:
    """The reason of an ``OSError`` in words, without the path it names.

    >>> os_reason(PermissionError(13, "Permission denied", "/x"))
    'Permission denied'
    """
    return exc.strerror or " ".join(str(exc).split()) or type(exc).__name__


def reason_of(exc: BaseException) -> str:
    """One line saying why something failed, whatever the exception."""
    if isinstance(exc, PathError):
        return exc.reason
    if isinstance(exc, OcrfixError):
        return str(exc)
    if isinstance(exc, OSError):
        return os_reason(exc)
    text = " ".join(str(exc).split()) or "no details"
    return f"{type(exc).__name__}: {text}"


class MissingLanguage(UsageError):
    """A Tesseract language asked for (``--lang``) that is not installed: a usage error,
    found before any work starts.

    >>> error = MissingLanguage("fra+eng", ["fra"], ["eng", "osd"])
    >>> error.exit_code, str(error).split(";")[0]
    (<ExitCode.USAGE: 2>, 'Tesseract has no language data for fra (asked for fra+eng')
    """

    def __init__(self, spec: str, missing: list[str], installed: list[str]) -> None:
        self.spec, self.missing, self.installed = spec, list(missing), list(installed)
        packages = [f"tesseract-ocr-{m.lower().replace('_', '-')}" for m in missing if "/" not in m]
        hint = f"; install {' '.join(packages)}" if packages else ""
        super().__init__(
            f"Tesseract has no language data for {', '.join(missing)} (asked for {spec}; "
            f"installed: {', '.join(installed) or 'none'}){hint}"
        )

    def __reduce__(self):
        return type(self), (self.spec, self.missing, self.installed)
