"""Title, author, date and the rest: from the scans folder, a sidecar, the text, the user.

Each field is taken from the first of these that gives it (the later ones win):

1. inferred from the text: ``title`` from the first heading-like line, ``date`` from the
   first full date near the top (``19 June, 2013``, ``June 19 2013``, ``2013-06-19``);
   with no heading, the title is the document's name;
2. ``metadata.csv`` in the input file's folder: a ``file`` column (the input's file name)
   and any of ``title``, ``author``, ``date``, ``slug`` or other columns; an empty cell
   gives nothing;
3. ``STEM.meta.yaml`` beside the input (``report.meta.yaml`` for ``report.pdf``), then
   ``NAME.meta.yaml`` (``report.pdf.meta.yaml``): a mapping of fields; ``null`` removes an
   inferred value;
4. ``ocrfix export --set FIELD=VALUE``, for every document exported.

Fields that ocrfix records itself (sources, pages, counts, reviewed, version…) cannot be
set: the record would no longer say what happened.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Mapping
from pathlib import Path

import yaml

from ocrfix.errors import OcrfixError

METADATA_CSV = "metadata.csv"
SIDECAR_SUFFIX = ".meta.yaml"
RECORDED = frozenset(
    {"sources", "pages", "ocrfix_version", "changes", "reviewed", "version", "doc_id", "kind"}
)
FIELD_RE = re.compile(r"[a-z][a-z0-9_]*\Z")
SLUG_MAX = 60
TITLE_MAX_WORDS = 14
TITLE_MAX_CHARS = 120
TITLE_SEARCH_LINES = 10
DATE_SEARCH_LINES = 10
DATE_LINE_MAX = 100

Value = str | list[str] | None


class MetadataError(OcrfixError, ValueError):
    """A metadata file or ``--set`` that cannot be used; names the file and the reason."""

    def __init__(self, where: Path | str, reason: str) -> None:
        super().__init__(f"{where}: {reason}")
        self.where, self.reason = str(where), reason


# ---------------------------------------------------------------- fields and values


def field_name(name: object, where: Path | str) -> str:
    """A field's name, lower case, with spaces and hyphens as underscores.

    >>> field_name("Publisher Name", "x")
    'publisher_name'
    >>> field_name("pages", "csv")
    Traceback (most recent call last):
    ocrfix.archive.metadata.MetadataError: csv: pages is recorded by ocrfix and cannot be set
    """
    key = re.sub(r"[\s-]+", "_", str(name).strip().lower())
    if not FIELD_RE.match(key):
        raise MetadataError(where, f"{str(name)[:40]!r} is not a field name (letters, digits, _)")
    if key in RECORDED:
        raise MetadataError(where, f"{key} is recorded by ocrfix and cannot be set")
    return key


def field_value(value: object, key: str, where: Path | str) -> Value:
    """A value as the front matter holds it: text, a list of texts, or ``None``.

    >>> field_value(dt.date(1936, 8, 1), "date", "x"), field_value(1935, "date", "x")
    ('1936-08-01', '1935')
    """
    if value is None:
        return None
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, str | int | float | bool):
        return str(value).strip()
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        return [str(v).strip() for v in value]
    raise MetadataError(where, f"{key}: a value must be text or a list of texts")


def fields(mapping: Mapping, where: Path | str) -> dict[str, Value]:
    """Checked fields of a mapping (a sidecar, a CSV row, ``--set``)."""
    out: dict[str, Value] = {}
    for name, value in mapping.items():
        key = field_name(name, where)
        out[key] = field_value(value, key, where)
    for key in ("title", "slug"):
        if isinstance(out.get(key), list):
            raise MetadataError(where, f"{key}: must be text, not a list")
    return out


def parse_assignment(text: str) -> tuple[str, str]:
    """``FIELD=VALUE`` of ``--set`` as ``(field, value)``; raises :class:`MetadataError`.

    >>> parse_assignment("author=J. Arthur")
    ('author', 'J. Arthur')
    """
    name, sep, value = text.partition("=")
    if not sep:
        raise MetadataError("--set", f"{text[:40]!r} is not FIELD=VALUE")
    return field_name(name, "--set"), value.strip()


# ---------------------------------------------------------------- files


def locate_input(recorded: str, corrections: Path) -> Path:
    """The input file a manifest names: as recorded when absolute, else relative to the
    current folder, else to the corrections folder's parent. When the file is gone, the
    first of these whose folder exists (its metadata may still be there)."""
    path = Path(recorded)
    if path.is_absolute():
        candidates = [path]
    else:
        candidates = [Path.cwd() / path, corrections.resolve().parent / path]
    for candidate in candidates:
        if candidate.is_file():
            return candidate.resolve()
    for candidate in candidates:
        if candidate.parent.is_dir():
            return candidate.parent.resolve() / candidate.name
    return candidates[0]


def read_optional(path: Path, encoding: str) -> str | None:
    """A metadata file's text, or None when there is none; unreadable is an error."""
    try:
        return path.read_text(encoding)
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise MetadataError(path, f"cannot be read ({exc})") from None


def read_metadata_csv(path: Path) -> dict[str, dict[str, Value]]:
    """Rows of a ``metadata.csv`` by file name (empty cells left out); ``{}`` when absent."""
    text = read_optional(path, "utf-8-sig")
    if text is None:
        return {}
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip().lower() for h in next(reader, [])]
    if "file" not in header:
        raise MetadataError(path, "has no `file` column (the input's file name)")
    names = [field_name(h, path) if h != "file" else "file" for h in header]
    rows: dict[str, dict[str, Value]] = {}
    for record in reader:
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(names):
            raise MetadataError(f"{path}:{reader.line_num}", "wrong number of cells")
        cells = dict(zip(names, (cell.strip() for cell in record), strict=True))
        name = Path(cells.pop("file")).name
        if name in rows:
            raise MetadataError(f"{path}:{reader.line_num}", f"{name} is listed twice")
        rows[name] = {k: v for k, v in cells.items() if v}
    return rows


def read_sidecar(path: Path) -> dict[str, Value]:
    """Fields of a ``NAME.meta.yaml``; ``{}`` when there is none."""
    text = read_optional(path, "utf-8")
    if text is None:
        return {}
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else path
        raise MetadataError(where, f"not valid YAML ({getattr(exc, 'problem', exc)})") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise MetadataError(path, "must be a mapping of fields (title: …, author: …)")
    return fields(data, path)


def sidecars(input_path: Path) -> list[Path]:
    """The sidecar files of an input, the more specific last: ``STEM.meta.yaml``,
    ``NAME.meta.yaml``.

    >>> [p.name for p in sidecars(Path("scans/report.pdf"))]
    ['report.meta.yaml', 'report.pdf.meta.yaml']
    """
    folder = input_path.parent
    return [
        folder / (input_path.stem + SIDECAR_SUFFIX),
        folder / (input_path.name + SIDECAR_SUFFIX),
    ]


# ---------------------------------------------------------------- inference


_QUOTES = "\"'‘’“”«»*_`"
_SENTENCE_END = (".", ",", ";")


def heading_text(line: str) -> str:
    """A line without Markdown heading marks, surrounding quotes and spaces.

    >>> heading_text("## 1. THE POLITICAL COUNTERREVOLUTION"), heading_text("‘The Book’")
    ('1. THE POLITICAL COUNTERREVOLUTION', 'The Book')
    """
    return line.strip().lstrip("#").strip().strip(_QUOTES).strip()


def is_heading_like(line: str, alone: bool) -> bool:
    """Short, mostly letters, no sentence end, no address; and standing alone (a blank
    line after it), in capitals, or marked as a Markdown heading.

    >>> is_heading_like("Programme for the spring term", True)
    True
    >>> is_heading_like("Members who wish to borrow a pamphlet should sign", False)
    False
    >>> is_heading_like("THE REVOLUTION BETRAYED", False)
    True
    """
    text = heading_text(line)
    letters = sum(ch.isalpha() for ch in text)
    visible = sum(not ch.isspace() for ch in text)
    if not text or len(text) > TITLE_MAX_CHARS or len(text.split()) > TITLE_MAX_WORDS:
        return False
    if letters < 3 or letters < 0.6 * visible or text.endswith(_SENTENCE_END):
        return False
    if "://" in text or text.lower().startswith("www."):
        return False
    return alone or text.isupper() or line.lstrip().startswith("#")


def infer_title(text: str) -> str | None:
    """The first heading-like line among the first lines of the first page, or ``None``.

    >>> infer_title("\\nHow we catalogue a pamphlet\\n\\nEvery item receives a number.")
    'How we catalogue a pamphlet'
    >>> infer_title("The committee meets.\\nMembers who wish to borrow sign\\nthe book.") is None
    True
    """
    lines = text.split("\f", 1)[0].split("\n")
    seen = 0
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        alone = i + 1 >= len(lines) or not lines[i + 1].strip()
        if is_heading_like(line, alone):
            return heading_text(line)
        seen += 1
        if seen >= TITLE_SEARCH_LINES:
            break
    return None


_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>1[5-9]\d\d|20\d\d)"
_DATES = [
    re.compile(r"\b(?P<year>1[5-9]\d\d|20\d\d)-(?P<month>\d\d)-(?P<day>\d\d)\b"),
    re.compile(rf"\b{_DAY}\s+{_MONTH},?\s+{_YEAR}\b", re.IGNORECASE),
    re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.IGNORECASE),
]


def find_date(line: str) -> str | None:
    """The first full date (day, month and year) in a line, as YYYY-MM-DD.

    >>> find_date("Printed September 3rd 1936. Revised 1937-01-12.")
    '1936-09-03'
    >>> find_date("from 10 September through to 26 November") is None
    True
    """
    found: list[tuple[int, str]] = []
    for pattern in _DATES:
        for match in pattern.finditer(line):
            month = match["month"]
            number = int(month) if month.isdigit() else _MONTHS[month.lower()]
            try:
                day = dt.date(int(match["year"]), number, int(match["day"]))
            except ValueError:
                continue
            found.append((match.start(), day.isoformat()))
            break
    return min(found)[1] if found else None


def infer_date(text: str) -> str | None:
    """The date of a dateline: the first full date on a short line among the first lines.

    >>> infer_date("Reading group\\n\\nSubmitted by AWL on 19 June, 2013 - 3:16\\n")
    '2013-06-19'
    >>> infer_date("Notes\\n\\n" + "On 25 October 1917, according to the calendar " * 3) is None
    True
    """
    lines = [line for line in text.split("\f", 1)[0].split("\n") if line.strip()]
    for line in lines[:DATE_SEARCH_LINES]:
        if len(line.strip()) <= DATE_LINE_MAX and (date := find_date(line)):
            return date
    return None


def slugify(text: str) -> str:
    """Lower-case ASCII words joined by hyphens, at most ``SLUG_MAX`` characters.

    >>> slugify("‘The Revolution Betrayed’ — Trotsky, 1936")
    'the-revolution-betrayed-trotsky-1936'
    >>> slugify("Ωμέγα"), slugify("Café crème")
    ('document', 'cafe-creme')
    """
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = ""
    for word in re.findall(r"[a-z0-9]+", plain.lower()):
        if slug and len(slug) + 1 + len(word) > SLUG_MAX:
            break
        slug = f"{slug}-{word}" if slug else word[:SLUG_MAX]
    return slug or "document"


def unique_slug(base: str, taken: set[str]) -> str:
    """``base``, else ``base-2``, ``base-3``… the first not in ``taken``.

    >>> unique_slug("notes", {"notes", "notes-2"})
    'notes-3'
    """
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


# ---------------------------------------------------------------- together


def inferred(text: str, doc_id: str) -> dict[str, Value]:
    """The fields the text itself gives: title (else the document's name), date, no author."""
    return {"title": infer_title(text) or doc_id, "author": None, "date": infer_date(text)}


def describe(
    text: str,
    doc_id: str,
    input_path: Path,
    overrides: Mapping[str, str] | None = None,
    csv_rows: Mapping[str, Mapping[str, Value]] | None = None,
) -> dict[str, Value]:
    """Every descriptive field of a document, each from the last source that gives it.

    ``csv_rows`` are the rows of the input folder's ``metadata.csv`` (read here if not
    given). Raises :class:`MetadataError` for a malformed file.
    """
    if csv_rows is None:
        csv_rows = read_metadata_csv(input_path.parent / METADATA_CSV)
    merged = inferred(text, doc_id)
    merged.update(csv_rows.get(input_path.name, {}))
    for sidecar in sidecars(input_path):
        merged.update(read_sidecar(sidecar))
    merged.update(fields(dict(overrides or {}), "--set"))
    merged["title"] = merged.get("title") or infer_title(text) or doc_id  # never empty
    return merged
