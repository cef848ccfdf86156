"""Grading of every question type as pure functions (no database, no request).

Answer shapes (what the take page and the autosave endpoint send, what is
stored); option, item and pair numbers are indices into the question
version's own lists, never display positions, so shuffling cannot change
a mark:

- single: int (option index)            - multiple: list of distinct ints
- truefalse: bool                       - short: str
- ordering: list, place i = index of the item put there (or None); a
  partly filled or repeated order is an answer too, so a page never refuses it
- matching: list, position i = index of the right-hand side chosen for left i (or None);
  the right-hand sides are the pairs' in order, then the distractors (`data["distractors"]`,
  right-hand sides that match no left one, as Moodle's subquestions without text)
- essay: str (graded by a trainer)

`grade(type, data, answer)` returns a fraction in [0, 1], or None when a
person must grade it (essays). Ordering scores the share of places that hold
their right item (a place left blank holds none, and an item put in several
places can be right in one of them at most); multiple choice gives +1/k for each of the k correct options
chosen and -1/w for each of the w wrong ones, floored at zero.
"""

import string
import unicodedata

MAX_TEXT = 10000


class AnswerError(ValueError):
    """The answer does not have the shape its question type needs; `msgid` is translatable."""

    def __init__(self, msgid: str):
        super().__init__(msgid)
        self.msgid = msgid


_PUNCTUATION = set(string.punctuation)


def normalise(text: str) -> str:
    """Fold width (NFKC), case, and drop spaces and punctuation of any script."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded
                   if not ch.isspace() and ch not in _PUNCTUATION and not unicodedata.category(ch).startswith("P"))


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def validate(qtype: str, data: dict, answer):
    """Return the answer if its shape fits the question, else raise AnswerError. None clears it."""
    if answer is None:
        return None
    if qtype == "single":
        if not _is_int(answer) or not 0 <= answer < len(data.get("options", [])):
            raise AnswerError("Unknown option.")
    elif qtype == "multiple":
        if not isinstance(answer, list) or not all(_is_int(a) for a in answer):
            raise AnswerError("The answer has the wrong shape.")
        if len(set(answer)) != len(answer) or not all(0 <= a < len(data.get("options", [])) for a in answer):
            raise AnswerError("Unknown option.")
    elif qtype == "truefalse":
        if not isinstance(answer, bool):
            raise AnswerError("The answer has the wrong shape.")
    elif qtype in ("short", "essay"):
        if not isinstance(answer, str) or len(answer) > MAX_TEXT:
            raise AnswerError("The answer has the wrong shape.")
    elif qtype == "ordering":
        n = len(data.get("items", []))
        if not isinstance(answer, list) or len(answer) != n or not all(a is None or _is_int(a) for a in answer):
            raise AnswerError("The answer has the wrong shape.")
        if not all(a is None or 0 <= a < n for a in answer):
            raise AnswerError("Unknown option.")
        if all(a is None for a in answer):
            return None
    elif qtype == "matching":
        n = len(data.get("pairs", []))
        if not isinstance(answer, list) or len(answer) != n:
            raise AnswerError("The answer has the wrong shape.")
        if not all(a is None or (_is_int(a) and 0 <= a < len(rights(data))) for a in answer):
            raise AnswerError("Unknown option.")
    else:
        raise AnswerError("The answer has the wrong shape.")
    return answer


def rights(data: dict) -> list[str]:
    """A matching question's right-hand sides as numbered in answers: the pairs', then the distractors."""
    return [p["right"] for p in data.get("pairs", [])] + [str(d) for d in data.get("distractors", [])]


def grade(qtype: str, data: dict, answer) -> float | None:
    """The fraction of the question's points the answer earns (None: a trainer grades it)."""
    if qtype == "essay":
        return None
    if answer is None:
        return 0.0
    if qtype == "single":
        return 1.0 if data["options"][answer].get("correct") else 0.0
    if qtype == "multiple":
        correct = {i for i, o in enumerate(data["options"]) if o.get("correct")}
        wrong = len(data["options"]) - len(correct)
        chosen = set(answer)
        score = len(chosen & correct) / max(1, len(correct)) - len(chosen - correct) / max(1, wrong)
        return max(0.0, min(1.0, score))
    if qtype == "truefalse":
        return 1.0 if answer is bool(data.get("answer")) else 0.0
    if qtype == "short":
        given = normalise(answer)
        return 1.0 if given and given in {normalise(a) for a in data.get("answers", [])} else 0.0
    if qtype == "ordering":
        n = len(data["items"])
        return sum(1 for place, item in enumerate(answer) if place == item) / n if n else 1.0
    if qtype == "matching":
        # By text: two duties of one role have equal right-hand sides, and either is right.
        sides = rights(data)
        n = len(data["pairs"])
        return sum(1 for left, right in enumerate(answer) if right is not None and sides[right] == sides[left]) / n \
            if n else 1.0
    raise AnswerError("The answer has the wrong shape.")


def correct_answer(qtype: str, data: dict):
    """An answer that earns full marks (None for essays): used by review pages and tests."""
    if qtype == "single":
        return next(i for i, o in enumerate(data["options"]) if o.get("correct"))
    if qtype == "multiple":
        return [i for i, o in enumerate(data["options"]) if o.get("correct")]
    if qtype == "truefalse":
        return bool(data.get("answer"))
    if qtype == "short":
        return data["answers"][0]
    if qtype == "ordering":
        return list(range(len(data["items"])))
    if qtype == "matching":
        return list(range(len(data["pairs"])))
    return None


def combine(method: str, percents: list[float]) -> float:
    """A person's quiz grade from their graded attempts' percents, oldest first."""
    if not percents:
        return 0.0
    if method == "last":
        return percents[-1]
    if method == "first":
        return percents[0]
    if method == "average":
        return sum(percents) / len(percents)
    return max(percents)


# -- answer-key fixes ----------------------------------------------------------


def _by_text(old: list[str], new: list[str]) -> list[int] | None:
    """old index → new index of the same text (repeated texts in turn); None unless `new` reorders `old`."""
    if sorted(old) != sorted(new):
        return None
    free: dict[str, list[int]] = {}
    for index, text in enumerate(new):
        free.setdefault(text, []).append(index)
    return [free[text].pop(0) for text in old]


def key_fix_remap(qtype: str, old: dict, new: dict):
    """How stored display orders and answers follow a key fix from `old` to `new` data.

    A key fix corrects the key in place, so what people were shown must stay
    what they were shown: choice questions keep their options (by number),
    an ordering question may only reorder its steps and a matching question
    only re-pair its sides. Returns remap(order, answer) -> (order, answer);
    raises AnswerError for any other change (that is an edit: a new version).
    """
    def same(order, answer):
        return order, answer

    if qtype in ("single", "multiple"):
        if len(old.get("options", [])) != len(new.get("options", [])):
            raise AnswerError("A key fix keeps the number of options; edit the question to add or remove options.")
        return same
    if qtype == "ordering":
        moved = _by_text([str(i) for i in old.get("items", [])], [str(i) for i in new.get("items", [])])
        if moved is None:
            raise AnswerError("A key fix of an ordering question only reorders its steps; edit the question to "
                              "change them.")

        def reorder(order, answer):
            return [moved[i] for i in order], None if answer is None else [
                None if a is None else moved[a] for a in answer]
        return reorder
    if qtype == "matching":
        lefts = _by_text([p["left"] for p in old.get("pairs", [])], [p["left"] for p in new.get("pairs", [])])
        sides = _by_text(rights(old), rights(new))
        if lefts is None or sides is None:
            raise AnswerError("A key fix of a matching question only re-pairs its sides; edit the question to "
                              "change them.")

        def repair(order, answer):
            if answer is not None:
                moved = [None] * len(answer)
                for left, right in enumerate(answer):
                    moved[lefts[left]] = None if right is None else sides[right]
                answer = moved
            return [sides[j] for j in order], answer
        return repair
    return same
