"""``ocrfix export``: reviewed documents into the reading archive, as new versions when changed.

For each document folder: its final text (:mod:`~ocrfix.archive.source`), its fields
(:mod:`~ocrfix.archive.metadata`), the Markdown file (:mod:`~ocrfix.archive.markdown`).
A document is the same document as one already in the archive when its input has the same
SHA-256, or else the same path; it keeps its slug. When the Markdown or the text differs
from the archived version, the new one becomes version N+1; when neither does, nothing is
written.

The steps, chosen so that an export stopped at any point (killed, a full disk) leaves a
catalogue that agrees with the files it lists:

1. take the archive's lock (a second export waits), and tidy what a stopped export left:
   temporary files, version files the catalogue does not list (written, never
   committed), reading copies behind their catalogue version (committed, not yet copied;
   a reading copy changed by hand is first kept aside as ``<slug>.edited.md``);
2. write each new version under its final name, ``versions/<slug>/vN.md`` and ``.txt``
   (each atomically: a temporary file, then a rename);
3. record every new version in the catalogue in one transaction;
4. copy each new version to its reading copy ``texts/<slug>.md`` and ``.txt``;
5. for a scanned document, copy its ``final.pdf`` and ``final.alto.xml`` to
   ``texts/<slug>.pdf`` and ``texts/<slug>.alto.xml`` when they differ from those there
   (made afresh from the decisions when ``final.txt`` is older than them, so they always
   show the text exported); only the current version's are kept.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ocrfix.archive import catalog
from ocrfix.archive.catalog import Entry
from ocrfix.archive.markdown import render
from ocrfix.archive.metadata import (
    METADATA_CSV,
    MetadataError,
    Value,
    describe,
    locate_input,
    read_metadata_csv,
    slugify,
    unique_slug,
)
from ocrfix.archive.source import SourceDocument, read_document
from ocrfix.fsio import atomic_write_bytes, remove_leftovers
from ocrfix.review.decisions import FINAL, DecisionError, chosen_suggestions, document_folders, load
from ocrfix.scanout import FINAL_ALTO, FINAL_PDF, WORDS, scan_outputs
from ocrfix.suggestion import apply

TEXTS = "texts"
VERSIONS = "versions"
VERSION_FILE = re.compile(r"v[1-9][0-9]*\.(md|txt)\Z")
FIRST_FIELDS = ("title", "author", "date")
SCAN_SUFFIXES = {FINAL_PDF: ".pdf", FINAL_ALTO: ".alto.xml"}  # beside texts/<slug>.md

NEW, VERSION, UNCHANGED = "new", "version", "unchanged"
UNREVIEWED, DUPLICATE, REFUSED = "unreviewed", "duplicate", "refused"


@dataclass
class Outcome:
    """What became of one document folder: ``status`` is new, version, unchanged,
    unreviewed (left out), duplicate (its input was exported from another folder of the
    same export) or refused (``error`` says why)."""

    doc: str
    status: str
    slug: str = ""
    version: int = 0
    change: str = ""  # for a new version: text, or record (the front matter alone)
    reviewed: bool = False
    error: str = ""
    notes: list[str] = field(default_factory=list)


@dataclass
class ExportResult:
    """Every document's outcome, what was tidied first, and the seconds taken."""

    archive: Path
    outcomes: list[Outcome] = field(default_factory=list)
    tidied: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def refused(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == REFUSED]


@dataclass
class Planned:
    """A new version, its files written, waiting for the catalogue."""

    entry: Entry
    document_id: int | None
    md: bytes
    txt: bytes


# ---------------------------------------------------------------- pure pieces


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def page_count(doc: SourceDocument) -> int:
    """Pages of the document: the input's, or the text's form feeds (a ``.txt`` input)."""
    return max(int(doc.manifest.get("pages") or 1), doc.text.count("\f") + 1)


def build_record(
    doc: SourceDocument, fields: Mapping[str, Value], slug: str, version: int
) -> dict[str, object]:
    """The front matter: descriptive fields first, then what ocrfix records."""
    record: dict[str, object] = {name: fields.get(name) for name in FIRST_FIELDS}
    record.update({k: fields[k] for k in sorted(fields) if k not in (*FIRST_FIELDS, "slug")})
    record.update(
        {
            "slug": slug,
            "version": version,
            "reviewed": doc.reviewed,
            "pages": page_count(doc),
            "sources": [{"file": doc.manifest["input"], "sha256": doc.manifest["sha256"]}],
            "ocrfix_version": str(doc.manifest.get("ocrfix", "")),
            "changes": dict(doc.counts),
        }
    )
    return record


def version_paths(slug: str, version: int) -> tuple[str, str]:
    """The Markdown and text files of a version, relative to the archive.

    >>> version_paths("notes", 2)
    ('versions/notes/v2.md', 'versions/notes/v2.txt')
    """
    return f"{VERSIONS}/{slug}/v{version}.md", f"{VERSIONS}/{slug}/v{version}.txt"


def reading_paths(slug: str) -> tuple[str, str]:
    """The reading copies of a document's current version, relative to the archive."""
    return f"{TEXTS}/{slug}.md", f"{TEXTS}/{slug}.txt"


def scan_paths(slug: str) -> dict[str, str]:
    """Where a scanned document's PDF and ALTO go in the archive, by their folder's names.

    >>> scan_paths("notes")
    {'final.pdf': 'texts/notes.pdf', 'final.alto.xml': 'texts/notes.alto.xml'}
    """
    return {name: f"{TEXTS}/{slug}{suffix}" for name, suffix in SCAN_SUFFIXES.items()}


# ---------------------------------------------------------------- tidying


def file_sha256(path: Path) -> str | None:
    try:
        return sha256(path.read_bytes())
    except OSError:
        return None


def tidy(conn: sqlite3.Connection, archive: Path) -> list[str]:
    """Undo what a stopped export left behind (see the module's steps); returns what it did."""
    done: list[str] = []
    listed = catalog.version_files(conn)
    remove_leftovers(archive)
    remove_leftovers(archive / TEXTS)
    versions = archive / VERSIONS
    for folder in sorted(versions.iterdir()) if versions.is_dir() else []:
        if not folder.is_dir():
            continue
        remove_leftovers(folder)
        for path in sorted(folder.iterdir()):
            relative = f"{VERSIONS}/{folder.name}/{path.name}"
            if VERSION_FILE.match(path.name) and relative not in listed:
                path.unlink()
                done.append(f"removed {relative} (written by an export that did not finish)")
        if not any(folder.iterdir()):
            folder.rmdir()
    for row in catalog.current_versions(conn):
        for kept, reading, digest in zip(
            (row["md_path"], row["txt_path"]),
            reading_paths(row["slug"]),
            (row["md_sha256"], row["text_sha256"]),
            strict=True,
        ):
            found = file_sha256(archive / reading)
            if found == digest:
                continue
            if found is not None and found not in catalog.version_hashes(conn, row["slug"]):
                aside = set_aside(archive / reading)
                done.append(f"kept {reading}, changed by hand, as {aside.relative_to(archive)}")
            atomic_write_bytes(archive / reading, (archive / kept).read_bytes())
            done.append(f"restored {reading} from {kept}")
    return done


def set_aside(path: Path) -> Path:
    """Rename a file to ``NAME.edited.EXT`` (or ``NAME.edited-2.EXT``…); returns the new path."""
    n, aside = 1, path.with_name(f"{path.stem}.edited{path.suffix}")
    while aside.exists():
        n += 1
        aside = path.with_name(f"{path.stem}.edited-{n}{path.suffix}")
    path.rename(aside)
    return aside


def slugs_in_use(conn: sqlite3.Connection, archive: Path) -> set[str]:
    """The catalogue's slugs and the names of files already in ``texts/`` and ``versions/``
    (a file the catalogue does not know is never overwritten)."""
    taken = catalog.slugs(conn)
    taken |= {p.name.split(".", 1)[0] for p in (archive / TEXTS).glob("*")}
    taken |= {p.name for p in (archive / VERSIONS).glob("*")}
    return taken


# ---------------------------------------------------------------- one document


@dataclass
class Batch:
    """What the documents of one export share: the catalogue, options, slugs and inputs
    already claimed, the ``metadata.csv`` files read."""

    conn: sqlite3.Connection
    archive: Path
    corrections: Path
    include_unreviewed: bool
    overrides: Mapping[str, str]
    taken: set[str]
    claimed: dict[str, str] = field(default_factory=dict)  # input or document -> doc
    csv_files: dict[Path, dict] = field(default_factory=dict)

    def csv_rows(self, folder: Path) -> dict:
        if folder not in self.csv_files:
            self.csv_files[folder] = read_metadata_csv(folder / METADATA_CSV)
        return self.csv_files[folder]


def plan_document(folder: Path, batch: Batch) -> tuple[Outcome, Planned | None]:
    """Decide what one document becomes and write its new version's files, if any.

    Raises :class:`DecisionError` or :class:`MetadataError` for a document that cannot go.
    """
    doc = read_document(folder)
    outcome = Outcome(doc.doc_id, UNCHANGED, reviewed=doc.reviewed)
    if doc.stale_final:
        outcome.notes.append("final.txt is older than the decisions; exported what they give")
    if not doc.reviewed and not batch.include_unreviewed:
        outcome.status = UNREVIEWED
        return outcome, None
    input_path = locate_input(doc.manifest["input"], batch.corrections)
    fields = describe(
        doc.text, doc.doc_id, input_path, batch.overrides, batch.csv_rows(input_path.parent)
    )
    existing = catalog.find_document(batch.conn, doc.manifest["sha256"], str(input_path))
    first = claim(batch, doc, input_path, existing)
    if first is not None:
        outcome.status = DUPLICATE
        outcome.notes.append(f"same input as {first}, exported once")
        return outcome, None
    if existing is None:
        slug = unique_slug(slugify(str(fields.get("slug") or fields["title"])), batch.taken)
        batch.taken.add(slug)
    else:
        slug = existing["slug"]
        if fields.get("slug") and slugify(str(fields["slug"])) != slug:
            outcome.notes.append(f"keeps its slug {slug} (slug {fields['slug']} is not used)")
    outcome.slug, outcome.version = slug, existing["version"] if existing is not None else 1
    entry = new_version(doc, fields, slug, str(input_path), existing)
    if entry is None:
        return outcome, None
    planned = Planned(
        entry,
        existing["id"] if existing is not None else None,
        render(entry.record, doc.text).encode("utf-8"),
        doc.text.encode("utf-8"),
    )
    atomic_write_bytes(batch.archive / entry.txt_path, planned.txt)
    atomic_write_bytes(batch.archive / entry.md_path, planned.md)
    outcome.status = NEW if existing is None else VERSION
    outcome.version, outcome.change = entry.version, "" if existing is None else entry.change
    return outcome, planned


def claim(
    batch: Batch, doc: SourceDocument, input_path: Path, existing: sqlite3.Row | None
) -> str | None:
    """Claim a document's input and archive entry for this export; returns the document
    that claimed them first, if another did (two copies of one input)."""
    keys = [f"sha256:{doc.manifest['sha256']}", f"source:{input_path}"]
    keys += [f"id:{existing['id']}"] if existing is not None else []
    first = next((batch.claimed[k] for k in keys if k in batch.claimed), None)
    if first is None:
        batch.claimed.update(dict.fromkeys(keys, doc.doc_id))
    return first


def new_version(
    doc: SourceDocument,
    fields: Mapping[str, Value],
    slug: str,
    source: str,
    existing: sqlite3.Row | None,
) -> Entry | None:
    """The version to add: the first, or the next when the text or front matter differs
    from the current one; ``None`` when neither does."""
    version, change = 1, "new"
    txt_sha256 = sha256(doc.text.encode("utf-8"))
    if existing is not None:
        version = existing["version"]
        md = render(build_record(doc, fields, slug, version), doc.text).encode("utf-8")
        if sha256(md) == existing["md_sha256"] and txt_sha256 == existing["text_sha256"]:
            return None
        version += 1
        change = "text" if txt_sha256 != existing["text_sha256"] else "record"
    record = build_record(doc, fields, slug, version)
    md_path, txt_path = version_paths(slug, version)
    return Entry(
        slug=slug,
        doc_id=doc.doc_id,
        source=source,
        source_sha256=doc.manifest["sha256"],
        title=str(fields["title"]),
        author=_text(fields.get("author")),
        date=_text(fields.get("date")),
        pages=page_count(doc),
        reviewed=doc.reviewed,
        version=version,
        text=doc.text,
        text_sha256=txt_sha256,
        md_sha256=sha256(render(record, doc.text).encode("utf-8")),
        md_path=md_path,
        txt_path=txt_path,
        record=record,
        change=change,
    )


def _text(value: Value) -> str | None:
    """A field as one text for the catalogue (a list joined with "; ")."""
    if isinstance(value, list):
        return "; ".join(value)
    return value


# ---------------------------------------------------------------- scanned documents


def scan_files(folder: Path) -> dict[str, bytes]:
    """``final.pdf`` and ``final.alto.xml`` of a scanned document folder as the archive
    takes them: the folder's own when ``final.txt`` is what the decisions give, else made
    afresh from the decisions; ``{}`` for a document that is not a scan."""
    if not (folder / WORDS).is_file():
        return {}
    raw, table = load(folder)
    chosen = chosen_suggestions(table)
    own = [folder / name for name in SCAN_SUFFIXES]
    try:
        fresh = (folder / FINAL).read_text("utf-8") == apply(raw, chosen)
    except (OSError, UnicodeDecodeError):
        fresh = False
    if fresh and all(path.is_file() for path in own):
        return {path.name: path.read_bytes() for path in own}
    return scan_outputs(folder, raw, chosen)


def copy_scan_files(archive: Path, slug: str, files: Mapping[str, bytes]) -> list[str]:
    """Write each file to its place in ``texts/`` (atomically) unless the same bytes are
    there; the paths written, relative to the archive."""
    written = []
    for name, relative in scan_paths(slug).items():
        if name in files and file_sha256(archive / relative) != sha256(files[name]):
            atomic_write_bytes(archive / relative, files[name])
            written.append(relative)
    return written


# ---------------------------------------------------------------- the command


def export(
    corrections: Path,
    archive: Path,
    docs: Iterable[str] = (),
    include_unreviewed: bool = False,
    overrides: Mapping[str, str] | None = None,
    on_wait: Callable[[], None] = lambda: None,
) -> ExportResult:
    """Export the documents of ``corrections`` (all, or those named) into ``archive``.

    Raises :class:`DecisionError` when ``corrections`` or a named document is not there;
    a document that cannot be exported is refused in its :class:`Outcome`, the others go on.
    """
    started = time.perf_counter()
    folders = document_folders(corrections, docs)
    result = ExportResult(archive)
    with catalog.export_lock(archive, on_wait):
        conn = catalog.create(archive)
        try:
            result.tidied = tidy(conn, archive)
            batch = Batch(
                conn,
                archive,
                corrections,
                include_unreviewed,
                overrides or {},
                slugs_in_use(conn, archive),
            )
            planned: list[Planned] = []
            exported: list[tuple[Path, Outcome]] = []
            for folder in folders:
                try:
                    outcome, new = plan_document(folder, batch)
                except (DecisionError, MetadataError) as exc:
                    outcome, new = Outcome(folder.name, REFUSED, error=str(exc)), None
                result.outcomes.append(outcome)
                if new is not None:
                    planned.append(new)
                if outcome.status in (NEW, VERSION, UNCHANGED):
                    exported.append((folder, outcome))
            commit(conn, planned)
            for new in planned:
                md_path, txt_path = reading_paths(new.entry.slug)
                atomic_write_bytes(archive / txt_path, new.txt)
                atomic_write_bytes(archive / md_path, new.md)
            for folder, outcome in exported:
                try:
                    copy_scan_files(archive, outcome.slug, scan_files(folder))
                except (DecisionError, OSError, ValueError) as exc:
                    outcome.notes.append(f"final.pdf and final.alto.xml not exported: {exc}")
        finally:
            conn.close()
    result.seconds = time.perf_counter() - started
    return result


def commit(conn: sqlite3.Connection, planned: list[Planned]) -> None:
    """Record every new version in the catalogue, in one transaction."""
    if not planned:
        return
    with catalog.transaction(conn):
        for new in planned:
            catalog.record_version(conn, new.entry, new.document_id)
