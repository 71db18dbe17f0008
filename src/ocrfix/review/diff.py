"""Unified diff of the raw text against a text derived from it by span suggestions.

The derived text is ``apply(raw, suggestions)``, so the lines that differ are known without
comparing the two texts: the lines a suggestion touches. They are gathered into changed
regions (old lines → new lines, leaving out lines alike at either end) and the regions into
hunks with three lines of context, in ``difflib.unified_diff``'s format. A first pass over
the suggestions finds each hunk's extent and line numbers, a second writes it (and two
passes over the derived text's lines find its popular lines, below): time is linear in the
text and memory does not grow with it.

The output is the one ``difflib`` gives, quirks included: in a text of 200 lines or more,
``difflib`` never anchors a match on a *popular* line (one that makes up more than 1% of the
derived text's lines, as blank lines often do), so unchanged lines between two changes that
are all popular are shown removed and added again, inside one change, as are such lines
after the last change. (Where a changed line happens to read like another line near it,
``difflib`` may pair them differently; both diffs are right.)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from ocrfix.fsio import batches
from ocrfix.suggestion import Edit, Edits, SpanError, Suggestion, apply_pieces, check_span

CONTEXT = 3  # lines of context around a change, as ``diff -u``
NO_NEWLINE = "\\ No newline at end of file\n"
AUTOJUNK_LINES = 200  # difflib looks for popular lines in texts this long or longer
POPULAR_SHARE = 100  # ... which occur more than len(lines) // 100 + 1 times


def split_lines(text: str) -> list[str]:
    r"""Lines with their ``\n`` endings; only ``\n`` ends a line (form feeds stay inside).

    >>> split_lines("a\nb\fc")
    ['a\n', 'b\x0cc']
    """
    lines = text.split("\n")
    with_ends = [line + "\n" for line in lines[:-1]]
    return with_ends + ([lines[-1]] if lines[-1] else [])


@dataclass
class Region:
    """Old lines ``old_start…old_end`` (characters ``begin…end`` of the raw text) replaced
    by the lines ``new``, which start at line ``new_start`` of the derived text; made by
    the suggestions ``first…last`` (indexes, ``last`` excluded). ``origin`` is where the
    pass that found it may start again to find it: an offset of the raw text, the line
    breaks before it, and new lines minus old ones before it."""

    old_start: int
    old_end: int
    new_start: int
    new: list[str]
    begin: int
    end: int
    first: int
    last: int
    origin: tuple[int, int, int]
    before: int = 0  # where the unchanged lines before it begin (see :func:`changes`)

    @property
    def new_end(self) -> int:
        return self.new_start + len(self.new)


def _line_start(raw: str, offset: int) -> int:
    """The start of the line holding ``offset``."""
    return raw.rfind("\n", 0, offset) + 1


def _line_end(raw: str, offset: int) -> int:
    """The end (after its ``\\n``) of the line holding ``offset``."""
    at = raw.find("\n", offset)
    return len(raw) if at < 0 else at + 1


def _stretches(
    raw: str, edits: Sequence[Edit], lo: int, hi: int
) -> Iterator[tuple[int, int, int, int, str]]:
    """The stretches of whole lines of ``raw`` that ``edits[lo:hi]`` change, in order, as
    ``(begin, end, first, last, new text)``. A stretch holds every line an edit in it
    touches, and the next line too while its new text does not end with a line break (an
    edit removed one)."""
    i, cursor = lo, 0
    following = edits[i] if i < hi else None
    while following is not None:
        begin = _line_start(raw, following[0])
        end, first, at, parts = begin, i, begin, []
        while following is not None:
            start, stop, original, replacement = following
            if start < cursor:
                raise SpanError(f"suggestions overlap or are not in text order at {start}")
            check_span(raw, start, stop, original)
            parts += (raw[at:start], replacement)
            at = cursor = stop
            i += 1
            following = edits[i] if i < hi else None
            if stop > end or stop == start == end:  # (else it ends on a line of the stretch)
                end = _line_end(raw, stop - 1 if stop > start else start)
            while following is None or following[0] >= end:
                if at < end:
                    closed = raw[end - 1] == "\n"
                else:
                    last = next((p for p in reversed(parts) if p), "")
                    closed = not last or last.endswith("\n")
                if closed or end >= len(raw):
                    break
                end = _line_end(raw, end)  # the new text runs on into the next line
            if following is None or following[0] >= end:
                break
        parts.append(raw[at:end])
        yield begin, end, first, i, "".join(parts)


def regions(
    raw: str,
    suggestions: Sequence[Suggestion],
    lo: int = 0,
    hi: int | None = None,
    origin: tuple[int, int, int] = (0, 0, 0),
) -> Iterator[Region]:
    """The changed regions that ``suggestions[lo:hi]`` (in text order) make, lines alike
    at their ends left out, regions with no line between them merged. ``origin`` says
    where counting starts (see :class:`Region`)."""
    hi = len(suggestions) if hi is None else hi
    edits = suggestions if isinstance(suggestions, Edits) else Edits(suggestions)
    counted, line, delta = origin
    pending: Region | None = None
    for begin, end, first, last, text in _stretches(raw, edits, lo, hi):
        line += raw.count("\n", counted, begin)
        counted = begin
        here = (begin, line, delta)
        old, new = split_lines(raw[begin:end]), split_lines(text)
        k = 0
        while k < min(len(old), len(new)) and old[k] == new[k]:
            k += 1
        m = 0
        while m < min(len(old), len(new)) - k and old[-1 - m] == new[-1 - m]:
            m += 1
        region = Region(
            line + k,
            line + len(old) - m,
            line + delta + k,
            new[k : len(new) - m],
            begin + sum(map(len, old[:k])),
            end - sum(map(len, old[len(old) - m :])),
            first,
            last,
            here,
        )
        delta += len(new) - len(old)
        if region.old_start == region.old_end and not region.new:
            continue  # the changes undo each other
        if pending is not None and pending.end == region.begin:
            pending.old_end, pending.end, pending.last = region.old_end, region.end, region.last
            pending.new += region.new
            continue
        if pending is not None:
            yield pending
        pending = region
    if pending is not None:
        yield pending


def _text_lines(pieces: Iterable[str], batch: int = 1 << 16) -> Iterator[str]:
    """The lines (see :func:`split_lines`) of the text made of ``pieces``."""
    rest = ""  # the end of the text so far, after its last line break
    for text in batches(pieces, batch):
        lines = (rest + text).split("\n")
        rest = lines.pop()
        for line in lines:
            yield line + "\n"
    yield from split_lines(rest)


def popular_lines(raw: str, suggestions: Sequence[Suggestion]) -> frozenset[str] | None:
    """The lines ``difflib`` calls popular in the derived text (None when it is too short
    for it to look): two passes over the derived text's lines, the first finding at most
    :data:`POPULAR_SHARE` candidates (Misra and Gries' frequent items), the second counting
    them.

    >>> popular_lines("a\\n\\n" * 150, []) == frozenset({"\\n", "a\\n"})
    True
    """
    counters: dict[str, int] = {}
    n = 0
    for line in _text_lines(apply_pieces(raw, suggestions)):
        n += 1
        if line in counters:
            counters[line] += 1
        elif len(counters) < POPULAR_SHARE:
            counters[line] = 1
        else:
            for key in list(counters):
                counters[key] -= 1
                if not counters[key]:
                    del counters[key]
    if n < AUTOJUNK_LINES:
        return None
    counts = dict.fromkeys(counters, 0)
    for line in _text_lines(apply_pieces(raw, suggestions)):
        if line in counts:
            counts[line] += 1
    limit = n // POPULAR_SHARE + 1
    return frozenset(line for line, count in counts.items() if count > limit)


def _anchors(raw: str, begin: int, end: int, popular: frozenset[str] | None) -> bool:
    """Whether the unchanged lines ``raw[begin:end]`` hold one ``difflib`` can match on."""
    if popular is None or begin >= end:
        return begin < end
    while begin < end:
        stop = min(_line_end(raw, begin), end)
        if raw[begin:stop] not in popular:
            return True
        begin = stop
    return False


def _merged(
    raw: str,
    suggestions: Sequence[Suggestion],
    popular: frozenset[str] | None,
    lo: int,
    origin: tuple[int, int, int],
) -> Iterator[Region]:
    """The :func:`regions` from suggestion ``lo`` on, those with only popular lines
    between them merged (the lines between taken in on both sides), the last one taking
    in the lines after it when they are all popular."""
    pending: Region | None = None
    for region in regions(raw, suggestions, lo, len(suggestions), origin):
        if pending is not None and not _anchors(raw, pending.end, region.begin, popular):
            between = split_lines(raw[pending.end : region.begin])
            pending.old_end, pending.end, pending.last = region.old_end, region.end, region.last
            pending.new += between + region.new
            continue
        if pending is not None:
            yield pending
        pending = region
    if pending is None:
        return
    if not _anchors(raw, pending.end, len(raw), popular):
        rest = split_lines(raw[pending.end :])
        pending.old_end += len(rest)
        pending.end = len(raw)
        pending.new += rest
    yield pending


def _run(lines: list[str], popular: frozenset[str] | None) -> int:
    """The longest run of lines ``difflib`` can anchor a match on."""
    if popular is None:
        return len(lines)
    best = run = 0
    for line in lines:
        run = 0 if line in popular else run + 1
        best = max(best, run)
    return best


def _slide(
    raw: str, change: Region, before: int, after: int, popular: frozenset[str] | None
) -> None:
    """Move a change that only removes or only adds lines to where ``difflib`` puts it
    among lines alike (removing one of two blank lines, say): ``difflib`` matches the
    unchanged lines on one side first, those with the longer run of lines it anchors on
    (the earlier on a tie), and that match takes in every alike line it can."""
    left = split_lines(raw[before : change.begin])
    right = split_lines(raw[change.end : after])
    if change.old_start == change.old_end:  # lines added
        moved, other = change.new, []
    else:  # lines removed
        moved, other = split_lines(raw[change.begin : change.end]), None
    k, t = len(moved), 0
    if _run(left, popular) >= _run(right, popular):  # the left match grows forward
        seq = moved + right
        while t < len(right) and seq[t] == right[t]:
            t += 1
        shift, block = t, seq[t : t + k]
        chars = sum(map(len, right[:t]))
    else:  # the right match grows backward
        seq = left + moved
        while t < len(left) and seq[-1 - t] == left[-1 - t]:
            t += 1
        shift, block = -t, seq[len(left) - t : len(left) - t + k]
        chars = -sum(map(len, left[len(left) - t :]))
    if not shift:
        return
    change.old_start += shift
    change.old_end += shift
    change.new_start += shift
    change.begin += chars
    if other is None:
        change.end = change.begin + sum(map(len, block))
    else:
        change.end = change.begin
        change.new = block


def changes(
    raw: str,
    suggestions: Sequence[Suggestion],
    popular: frozenset[str] | None,
    lo: int = 0,
    origin: tuple[int, int, int] = (0, 0, 0),
    before: int = 0,
) -> Iterator[Region]:
    """The changes of the diff as ``difflib`` makes them, from suggestion ``lo`` on: the
    regions merged across popular lines (see :func:`_merged`), those that only remove or
    add lines moved among alike lines (see :func:`_slide`). ``before`` is where the
    unchanged lines before the first of them begin; each change records its own."""
    merged = _merged(raw, suggestions, popular, lo, origin)
    change = next(merged, None)
    while change is not None:
        following = next(merged, None)
        change.before = before
        if not change.new or change.old_start == change.old_end:
            after = len(raw) if following is None else following.begin
            _slide(raw, change, before, after, popular)
        yield change
        before = change.end
        change = following


def _range(start: int, stop: int) -> str:
    """A hunk's line range as ``difflib`` writes it (``start`` counted from 0)."""
    length = stop - start
    if length == 1:
        return f"{start + 1}"
    return f"{start + 1 if length else start},{length}"


def _context(raw: str, at: int, count: int, forward: bool) -> list[str]:
    """Up to ``count`` whole lines of ``raw`` after offset ``at`` (or before it)."""
    lines: list[str] = []
    while len(lines) < count:
        if forward and at < len(raw):
            end = _line_end(raw, at)
            lines.append(raw[at:end])
            at = end
        elif not forward and at > 0:
            start = _line_start(raw, at - 1)
            lines.insert(0, raw[start:at])
            at = start
        else:
            break
    return lines


def _out(prefix: str, line: str) -> str:
    return prefix + line if line.endswith("\n") else prefix + line + "\n" + NO_NEWLINE


def _hunk(
    raw: str,
    suggestions: Sequence[Suggestion],
    popular: frozenset[str] | None,
    first: Region,
    last: Region,
) -> Iterator[str]:
    """One hunk: the regions ``first`` to ``last`` with the context around them."""
    before = _context(raw, first.begin, CONTEXT, forward=False)
    after = _context(raw, last.end, CONTEXT, forward=True)
    old = _range(first.old_start - len(before), last.old_end + len(after))
    new = _range(first.new_start - len(before), last.new_end + len(after))
    yield f"@@ -{old} +{new} @@\n"
    for line in before:
        yield _out(" ", line)
    previous = None
    for change in changes(raw, suggestions, popular, first.first, first.origin, first.before):
        if previous is not None:
            for line in split_lines(raw[previous.end : change.begin]):
                yield _out(" ", line)
        for line in split_lines(raw[change.begin : change.end]):
            yield _out("-", line)
        for line in change.new:
            yield _out("+", line)
        previous = change
        if change.first == last.first:
            break
    for line in after:
        yield _out(" ", line)


def diff_lines(
    raw: str, suggestions: Sequence[Suggestion], derived_name: str = "clean.txt"
) -> Iterator[str]:
    """The lines of the unified diff ``raw.txt`` → ``derived_name``, where the derived text
    is ``apply(raw, suggestions)`` and ``suggestions`` are in text order; nothing when
    they change nothing.

    >>> s = Suggestion(4, 9, "rnade", "made", "word", 0.9, True)
    >>> print("".join(diff_lines("One\\nrnade\\nTwo\\n", [s])), end="")
    --- raw.txt
    +++ clean.txt
    @@ -1,3 +1,3 @@
     One
    -rnade
    +made
     Two
    """
    suggestions = suggestions if isinstance(suggestions, Sequence) else list(suggestions)
    popular = popular_lines(raw, suggestions)
    suggestions = Edits(suggestions)  # read by index below, twice for each hunk
    first = last = None
    for region in changes(raw, suggestions, popular):
        if last is not None and region.old_start - last.old_end > 2 * CONTEXT:
            yield from _hunk(raw, suggestions, popular, first, last)
            first = None
        if first is None:
            if last is None:
                yield f"--- raw.txt\n+++ {derived_name}\n"
            first = region
        last = region
    if first is not None:
        yield from _hunk(raw, suggestions, popular, first, last)


def unified_diff(
    raw: str, suggestions: Sequence[Suggestion], derived_name: str = "clean.txt"
) -> str:
    """The unified diff ``raw.txt`` → ``derived_name`` (see :func:`diff_lines`) as one text,
    empty when the suggestions change nothing."""
    return "".join(diff_lines(raw, suggestions, derived_name))
