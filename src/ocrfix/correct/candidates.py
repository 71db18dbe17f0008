"""Candidate corrections of a word: a best-first search through the channel's rewrites,
kept to strings that lead to a word of the lexicon.

The search reads the observed word left to right; at each character it may copy it, apply
a rewrite rule, delete it, substitute or insert an arbitrary letter, each at its cost. A
path is dropped as soon as what it has written is the prefix of no known word, so only
plausible corrections are ever explored. Complexity grows with the cost allowed, not with
the size of the lexicon (each prefix test looks up the letters that may follow, found by
binary search once and cached).
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

from ocrfix.correct.confusions import GENERIC_INSERT, GENERIC_SUBSTITUTE, LETTERS, Channel
from ocrfix.correct.lexicon import Lexicon

Op = tuple[str, str]  # (observed, intended); equal strings for a plain copy
MAX_POPS = 2500  # a bound on the work for one word


@dataclass(frozen=True)
class Candidate:
    """A known word, the channel cost of reading it as the observed text, and the edits."""

    word: str
    cost: float
    ops: tuple[Op, ...]


def search(
    observed: str,
    lexicon: Lexicon,
    channel: Channel,
    max_cost: float,
    limit: int = 12,
    generic: int = 2,
    spread: float = 7.0,
) -> list[Candidate]:
    """Known words within ``max_cost`` of ``observed`` (lower case), cheapest first.

    At most ``generic`` arbitrary substitutions or insertions per path (0: the channel's
    rules and deletions only). Once a word is found, paths costing ``spread`` more than it
    are not explored.
    """
    n = len(observed)
    # what each position allows, worked out once: (size, intended, cost) rules, deletion
    rules = [
        [
            (size, intended, cost, observed[i : i + size])
            for size, intended, cost in channel.rules_at(observed, i)
        ]
        for i in range(n)
    ]
    deletes = [channel.delete_cost(ch) for ch in observed]
    keeps = [channel.keep.get(ch, 0.0) for ch in observed]
    heap: list[tuple[float, int, str, int]] = [(0.0, 0, "", 0)]
    best: dict[tuple[int, str], float] = {(0, ""): 0.0}
    parent: dict[tuple[int, str], tuple[tuple[int, str], Op]] = {}
    found: list[Candidate] = []
    seen_words: set[str] = set()

    next_letters, next_known = lexicon.next_letters, lexicon.next_known

    def push(
        cost: float,
        i: int,
        out: str,
        used: int,
        origin: tuple[int, str],
        op: Op,
        checked: bool = False,
    ) -> None:
        key = (i, out)
        if cost > max_cost or best.get(key, max_cost + 1) <= cost:
            return
        if out and not checked:
            head = out[:-1]
            letters = next_known.get(head)  # (found before, mostly: a dict look-up first)
            if out[-1] not in (next_letters(head) if letters is None else letters):
                return  # no known word starts so
        best[key] = cost
        parent[key] = (origin, op)
        heapq.heappush(heap, (cost, i, out, used))

    pops = 0
    while heap and len(found) < limit and pops < MAX_POPS:
        pops += 1
        cost, i, out, used = heapq.heappop(heap)
        if best.get((i, out), cost) < cost:
            continue
        state = (i, out)
        if i == n and out not in seen_words and out in lexicon.logp:
            seen_words.add(out)
            found.append(Candidate(out, cost, _ops(parent, state)))
            max_cost = min(max_cost, found[0].cost + spread)
        if i < n:
            ch = observed[i]
            push(cost + keeps[i], i + 1, out + ch, used, state, (ch, ch))
            for size, intended, rule_cost, piece in rules[i]:
                push(cost + rule_cost, i + size, out + intended, used, state, (piece, intended))
            if ch.isalpha():  # a letter the OCR added: an arbitrary edit
                if used < generic:
                    push(cost + deletes[i], i + 1, out, used + 1, state, (ch, ""))
            else:  # a speck read as punctuation
                push(cost + deletes[i], i + 1, out, used, state, (ch, ""))
            if used < generic and i + 1 < n and observed[i + 1] != ch:
                swapped = observed[i + 1] + ch
                push(
                    cost + GENERIC_SUBSTITUTE,
                    i + 2,
                    out + swapped,
                    used + 1,
                    state,
                    (observed[i : i + 2], swapped),
                )
            if used < generic and cost + GENERIC_SUBSTITUTE <= max_cost:
                for letter in lexicon.next_letters(out):
                    if letter != ch and letter in LETTERS:
                        push(
                            cost + GENERIC_SUBSTITUTE,
                            i + 1,
                            out + letter,
                            used + 1,
                            state,
                            (ch, letter),
                            checked=True,
                        )
        if used < generic and out and cost + GENERIC_INSERT <= max_cost:
            for letter in lexicon.next_letters(out):
                if letter in LETTERS:
                    push(
                        cost + GENERIC_INSERT,
                        i,
                        out + letter,
                        used + 1,
                        state,
                        ("", letter),
                        checked=True,
                    )
    return found


def _ops(parent: dict, state: tuple[int, str]) -> tuple[Op, ...]:
    ops = []
    while state in parent:
        state, op = parent[state]
        ops.append(op)
    return tuple(reversed(ops))


def edits(candidate: Candidate) -> list[Op]:
    """The ops of a candidate that change something."""
    return [op for op in candidate.ops if op[0] != op[1]]
