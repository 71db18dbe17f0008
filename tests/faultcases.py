"""Inputs that real folders hold and that must never stop a batch: each case makes one bad
file and names the phrase its one-line error must hold. Shared by ``tests/test_faults.py``
and ``bench/faults.py``."""

from __future__ import annotations

import ctypes
import os
import resource
import signal
import struct
import subprocess
import sys
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium

from ocrfix import synth

CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, PR_CAPBSET_DROP = 1, 2, 24


@dataclass(frozen=True)
class Case:
    """One bad input: its file name, how to make it, and what its error line must say."""

    name: str
    make: Callable[[Path], None]  # writes the input at the given path
    reason: str


def page_bytes() -> bytes:
    """A small real page, as PNG."""
    import io

    image = synth.render_page("A page of the pamphlet, read by Tesseract.", page_in=(4, 1.5))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=(300, 300))
    return buffer.getvalue()


def png_header_only(path: Path, width: int, height: int) -> None:
    """A PNG that declares ``width`` x ``height`` but holds almost no pixel data."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def blank_pdf(path: Path, pages: int = 1, width_pt: float = 420, height_pt: float = 595) -> None:
    pdf = pdfium.PdfDocument.new()
    for _ in range(pages):
        pdf.new_page(width_pt, height_pt)
    pdf.save(path)
    pdf.close()


def encrypted_pdf(path: Path) -> None:
    plain = path.with_suffix(".plain")
    blank_pdf(plain)
    with pikepdf.open(plain) as pdf:
        pdf.save(path, encryption=pikepdf.Encryption(owner="o", user="secret"))
    plain.unlink()


def corrupt_second_tiff_page(path: Path) -> None:
    """A two-page TIFF whose second page directory has lost its tags."""
    pages = [synth.binarize(synth.render_page(t, page_in=(3, 1))) for t in ("one", "two")]
    synth.save_pages(pages, path, 300)
    data = bytearray(path.read_bytes())
    order = "<" if data[:2] == b"II" else ">"
    first = struct.unpack(order + "I", data[4:8])[0]
    count = struct.unpack(order + "H", data[first : first + 2])[0]
    second = struct.unpack(order + "I", data[first + 2 + 12 * count : first + 6 + 12 * count])[0]
    entries = struct.unpack(order + "H", data[second : second + 2])[0]
    for i in range(entries):  # every tag of page 2 becomes one nobody knows
        at = second + 2 + 12 * i
        data[at : at + 2] = struct.pack(order + "H", 65000 + i)
    path.write_bytes(bytes(data))


def unreadable(path: Path) -> None:
    path.write_text("words nobody may read\n")
    path.chmod(0)


def dangling_link(path: Path) -> None:
    path.symlink_to(path.parent / "gone.txt")


def link_loop(path: Path) -> None:
    other = path.with_name("loop-b.txt")
    path.symlink_to(other)
    other.symlink_to(path)


def fifo(path: Path) -> None:
    os.mkfifo(path)


def write(data: bytes) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(data)


CASES = (
    Case("empty.png", write(b""), "empty file"),
    Case("empty.txt", write(b""), "empty file"),
    Case("truncated.png", lambda p: p.write_bytes(page_bytes()[:300]), "corrupt"),
    Case("not_an_image.jpg", write(b"a shopping list, not a photograph\n"), "not an image"),
    Case("not_a_pdf.pdf", write(b"just some words\n"), "not a PDF"),
    Case("encrypted.pdf", encrypted_pdf, "PDF is encrypted"),
    Case("nul.txt", write(b"text\x00with\x00nul"), "NUL bytes"),
    Case("huge.png", lambda p: png_header_only(p, 12_000, 11_000), "over the limit"),
    Case("bomb.png", lambda p: png_header_only(p, 40_000, 40_000), "over the limit"),
    Case("huge_page.pdf", lambda p: blank_pdf(p, 1, 5000, 5000), "over the limit"),
    Case("many_pages.pdf", lambda p: blank_pdf(p, 2001), "over the limit of 2000"),
    Case("corrupt_page2.tif", corrupt_second_tiff_page, "corrupt or unreadable"),
    Case("unreadable.txt", unreadable, "Permission denied"),
    Case("dangling.txt", dangling_link, "dangling symbolic link"),
    Case("loop-a.txt", link_loop, "symbolic link loop"),
    Case("fifo.txt", fifo, "not a regular file (a FIFO)"),
)


def make_cases(folder: Path, cases=CASES) -> dict[str, Path]:
    """Every case's input in ``folder``, and a good text beside them."""
    folder.mkdir(parents=True, exist_ok=True)
    made = {}
    for case in cases:
        path = folder / case.name
        case.make(path)
        made[case.name] = path
    (folder / "good.txt").write_text("A good page of text, to show the batch goes on.\n")
    return made


def without_root_powers() -> None:
    """In a child run as root: drop the powers that read any file, so permissions count."""
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0)


def file_size_limit(limit: int) -> Callable[[], None]:
    """A ``preexec_fn``: writes past ``limit`` bytes fail as on a full disk (EFBIG)."""

    def limit_writes() -> None:
        without_root_powers()
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return limit_writes


DECIDER = """
import json, sys, time
from pathlib import Path
from ocrfix.review import decisions
from ocrfix.review.table import spreadsheet_value
folder, keys = Path(sys.argv[1]), json.loads(sys.argv[2])
for start, original in keys:
    def choose(sheet, start=start, original=original):
        cols = [sheet.column(c) for c in ("id", "start", "original")]
        return {int(r[cols[0]]): "accept" for r in sheet.records
                if int(r[cols[1]]) == start and spreadsheet_value(r[cols[2]]) == original}
    decisions.set_decisions(folder, choose)
    print(start, flush=True)
    time.sleep(0.05)
"""  # a reviewer in a process of its own: accepts the rows at (start, original), one by one


def children(pid: int) -> list[int]:
    """The child processes of ``pid`` (Linux)."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def alive(pid: int) -> bool:
    """``pid`` runs (a zombie, dead but not yet reaped, does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state not in ("Z", "X")


def kill_a_batch(folder: Path) -> tuple[list[int], list[int]]:
    """Start ``ocrfix run --jobs 2`` on a 12-page scan, ``kill -9`` it once its workers
    run: ``(its workers, those of them and of their Tesseracts still alive 10 s later)``."""
    text = "Page {} of a long scanned pamphlet."
    pages = [synth.binarize(synth.render_page(text.format(n))) for n in range(12)]
    synth.save_pages(pages, folder / "long.tif", 300)
    command = [sys.executable, "-m", "ocrfix.cli", "run", str(folder / "long.tif")]
    proc = subprocess.Popen([*command, "--out", str(folder / "out"), "-q", "--jobs", "2"])
    deadline = time.monotonic() + 60
    workers: list[int] = []
    while time.monotonic() < deadline and len(workers) < 2:
        time.sleep(0.2)
        workers = children(proc.pid)
    started = workers + [c for w in workers for c in children(w)]  # Tesseract, if running
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(alive(p) for p in started):
        time.sleep(0.1)
    return workers, [p for p in started if alive(p)]


def run_ocrfix(
    args: list[str],
    timeout: float = 300,
    preexec: Callable[[], None] = without_root_powers,
    env: dict[str, str] | None = None,
) -> tuple[int | None, str, str]:
    """``ocrfix ARGS`` in a fresh process: ``(exit status or None if it hung, out, err)``."""
    try:
        done = subprocess.run(
            [sys.executable, "-m", "ocrfix.cli", *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            preexec_fn=preexec,
            env=env,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired as exc:
        return None, str(exc.stdout or ""), str(exc.stderr or "")
    return done.returncode, done.stdout, done.stderr
