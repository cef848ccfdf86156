"""Side-by-side diff of two versions: difflib on lines, then on characters inside changed lines.

Chinese has no spaces, so a word diff would mark whole sentences; marking
changed characters shows exactly what an edit touched. difflib is quadratic,
though, and a body may hold 200,000 characters on one line: every changed pair
of lines first loses its common beginning and end (linear), and what is left
is compared character by character only while it is short and the diff's
character budget lasts; longer stretches are compared by phrase (text between
punctuation), and stretches with too many phrases are marked as replaced
whole. The marks stay right at every level; only their grain gets coarser.
"""

import difflib
import re
from dataclasses import dataclass

from markupsafe import Markup, escape

# Characters compared one by one in a changed pair of lines (after trimming what they share) …
CHAR_LIMIT = 1_000
# … and in the whole diff: many changed lines of that size must not add up to minutes.
CHAR_BUDGET = 8_000
# Phrases compared in one changed stretch, beyond which it is marked whole, and in the whole diff.
TOKEN_LIMIT = 8_000
TOKEN_BUDGET = 40_000
# Changed blocks of more lines than this are matched with difflib's junk heuristic (fast, coarser).
LINES_EXACT = 500

_OPEN = {"del": "<del>", "ins": "<ins>"}
_CLOSE = {"del": "</del>", "ins": "</ins>"}
# A phrase: text up to and including its punctuation, or a run of spaces.
_PHRASE = re.compile(r"\s+|[^\s。！？；，、：.,;:!?]+[。！？；，、：.,;:!?]*|[。！？；，、：.,;:!?]+")


@dataclass
class DiffRow:
    kind: str  # equal | replace | delete | insert
    left: Markup
    right: Markup


def _marked(text: str, spans, tag: str) -> Markup:
    # Plain strings joined once: Markup's own join and + cost five times the diff itself on a long
    # body. Safe: every piece of the text goes through escape(); the rest are the two tags above.
    out, last = [], 0
    for start, end in spans:
        out += [escape(text[last:start]), _OPEN[tag], escape(text[start:end]), _CLOSE[tag]]
        last = end
    out.append(escape(text[last:]))
    return Markup("".join(out))  # noqa: S704 (each text piece escaped above)


def _spans(a_units, b_units, a_offsets, b_offsets) -> tuple[list, list]:
    """Changed (start, end) character spans of two sequences of units (characters or phrases)."""
    left, right = [], []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a_units, b_units, autojunk=False).get_opcodes():
        if op != "equal":
            if i2 > i1:
                left.append((a_offsets[i1], a_offsets[i2]))
            if j2 > j1:
                right.append((b_offsets[j1], b_offsets[j2]))
    return left, right


def _offsets(units) -> list[int]:
    offsets, at = [0], 0
    for unit in units:
        at += len(unit)
        offsets.append(at)
    return offsets


class _Budget:
    """What is left of the diff's allowance for character and phrase comparisons."""

    def __init__(self, chars: int = CHAR_BUDGET, tokens: int = TOKEN_BUDGET):
        self.chars = chars
        self.tokens = tokens

    def take_chars(self, n: int) -> bool:
        if n > CHAR_LIMIT or n > self.chars:
            return False
        self.chars -= n
        return True

    def take_tokens(self, n: int) -> bool:
        if n > TOKEN_LIMIT or n > self.tokens:
            return False
        self.tokens -= n
        return True


def _common_ends(a: str, b: str) -> tuple[int, int]:
    """Lengths of the common beginning and (not overlapping it) common end of `a` and `b`."""
    limit = min(len(a), len(b))
    start = 0
    while start < limit and a[start] == b[start]:
        start += 1
    end = 0
    while end < limit - start and a[-1 - end] == b[-1 - end]:
        end += 1
    return start, end


def _char_diff(a: str, b: str, budget: _Budget) -> tuple[Markup, Markup]:
    start, end = _common_ends(a, b)
    a_mid, b_mid = a[start:len(a) - end], b[start:len(b) - end]
    if budget.take_chars(len(a_mid) + len(b_mid)):
        left, right = _spans(a_mid, b_mid, range(len(a_mid) + 1), range(len(b_mid) + 1))
    else:
        a_units, b_units = _PHRASE.findall(a_mid), _PHRASE.findall(b_mid)
        if budget.take_tokens(len(a_units) + len(b_units)):
            left, right = _spans(a_units, b_units, _offsets(a_units), _offsets(b_units))
        else:
            left, right = [(0, len(a_mid))], [(0, len(b_mid))]
    shift = [(s + start, e + start) for s, e in left if e > s], [(s + start, e + start) for s, e in right if e > s]
    return _marked(a, shift[0], "del"), _marked(b, shift[1], "ins")


def diff_lines(old: str, new: str, budget: _Budget | None = None) -> list[DiffRow]:
    a, b = (old or "").splitlines(), (new or "").splitlines()
    budget = budget or _Budget()
    rows = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=max(len(a), len(b)) > LINES_EXACT)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            rows += [DiffRow("equal", escape(x), escape(x)) for x in a[i1:i2]]
        elif op == "replace":
            left, right = a[i1:i2], b[j1:j2]
            for k in range(max(len(left), len(right))):
                la = left[k] if k < len(left) else None
                rb = right[k] if k < len(right) else None
                if la is not None and rb is not None:
                    rows.append(DiffRow("replace", *_char_diff(la, rb, budget)))
                elif la is not None:
                    rows.append(DiffRow("delete", _marked(la, [(0, len(la))], "del"), Markup("")))
                elif rb is not None:
                    rows.append(DiffRow("insert", Markup(""), _marked(rb, [(0, len(rb))], "ins")))
        elif op == "delete":
            rows += [DiffRow("delete", _marked(x, [(0, len(x))], "del"), Markup("")) for x in a[i1:i2]]
        else:
            rows += [DiffRow("insert", Markup(""), _marked(x, [(0, len(x))], "ins")) for x in b[j1:j2]]
    return rows


def diff_versions(parts: list[tuple[str, str]]) -> list[DiffRow]:
    """Rows of several (old, new) texts (title, structured data, body) sharing one character budget."""
    budget = _Budget()
    return [row for old, new in parts for row in diff_lines(old, new, budget)]
