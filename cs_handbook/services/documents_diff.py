"""Side-by-side diff of two versions: difflib on lines, then on characters inside changed lines.

Chinese has no spaces, so a word diff would mark whole sentences; marking
changed characters shows exactly what an edit touched.
"""

import difflib
from dataclasses import dataclass

from markupsafe import Markup, escape


@dataclass
class DiffRow:
    kind: str  # equal | replace | delete | insert
    left: Markup
    right: Markup


def _marked(text: str, spans, tag: str) -> Markup:
    out, last = [], 0
    for start, end in spans:
        out.append(escape(text[last:start]))
        out.append(Markup(f"<{tag}>") + escape(text[start:end]) + Markup(f"</{tag}>"))
        last = end
    out.append(escape(text[last:]))
    return Markup("").join(out)


def _char_diff(a: str, b: str) -> tuple[Markup, Markup]:
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    left, right = [], []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op != "equal":
            if i2 > i1:
                left.append((i1, i2))
            if j2 > j1:
                right.append((j1, j2))
    return _marked(a, left, "del"), _marked(b, right, "ins")


def diff_lines(old: str, new: str) -> list[DiffRow]:
    a, b = (old or "").splitlines(), (new or "").splitlines()
    rows = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            rows += [DiffRow("equal", escape(x), escape(x)) for x in a[i1:i2]]
        elif op == "replace":
            left, right = a[i1:i2], b[j1:j2]
            for k in range(max(len(left), len(right))):
                la = left[k] if k < len(left) else None
                rb = right[k] if k < len(right) else None
                if la is not None and rb is not None:
                    rows.append(DiffRow("replace", *_char_diff(la, rb)))
                elif la is not None:
                    rows.append(DiffRow("delete", _marked(la, [(0, len(la))], "del"), Markup("")))
                else:
                    rows.append(DiffRow("insert", Markup(""), _marked(rb, [(0, len(rb))], "ins")))
        elif op == "delete":
            rows += [DiffRow("delete", _marked(x, [(0, len(x))], "del"), Markup("")) for x in a[i1:i2]]
        else:
            rows += [DiffRow("insert", Markup(""), _marked(x, [(0, len(x))], "ins")) for x in b[j1:j2]]
    return rows
