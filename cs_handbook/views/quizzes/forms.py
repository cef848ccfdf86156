"""Between the take page's HTML form and the service's answer shapes; what a question shows.

Form field names: `q<position>` for single/multiple/truefalse/short/essay,
`q<position>-<n>` for ordering (place n → item index) and matching (left n →
right index); `shown` lists the positions the page displayed, so a question
left blank on the page is cleared and one on another page is untouched.
"""

from ...models.quizzes import REVIEW_PARTS, ReviewWhen
from ...schemas.quizzes import MAX_ROWS
from ...services.quizzes import QuizError
from ...services.quizzes_grading import AnswerError, correct_answer, rights


def _int(value: str):
    # ASCII digits only: "²" and "٣" pass str.isdigit() (and the first fails int()).
    if not value.isascii() or not value.isdigit() or len(value) > 6:
        raise QuizError("Unknown option.")
    return int(value)


def answers_from_form(attempt, post) -> dict:
    by_position = {q.position: q for q in attempt.questions}
    answers: dict[int, object] = {}
    for raw in post.getall("shown"):
        position = _int(raw)
        question = by_position.get(position)
        if question is None:
            raise QuizError("That question is not in this attempt.")
        qtype, name = question.version.type, f"q{position}"
        if qtype == "multiple":
            answers[position] = [_int(v) for v in post.getall(name)]
        elif qtype in ("ordering", "matching"):
            # A place left blank is None: a partly filled ordering is saved (and scored) as it is.
            # One field per place (ordering) or per left-hand side (matching; distractors have none).
            places = len(question.version.data["pairs"]) if qtype == "matching" else len(question.order)
            values = [post.get(f"{name}-{n}", "") for n in range(places)]
            answers[position] = None if all(v == "" for v in values) else [None if v == "" else _int(v)
                                                                            for v in values]
        else:
            value = post.get(name)
            if value is None or (value == "" and qtype in ("single", "truefalse")):
                answers[position] = None
            elif qtype == "single":
                answers[position] = _int(value)
            elif qtype == "truefalse":
                if value not in ("true", "false"):
                    raise QuizError("Unknown option.")
                answers[position] = value == "true"
            else:
                answers[position] = value
    return answers


def view_question(question) -> dict:
    """What a template needs: the version's choices in the attempt's display order."""
    version = question.version
    data = version.data
    view = {"item": question, "position": question.position, "type": version.type, "text": version.text,
            "points": version.points, "explanation": version.explanation, "source": version.source,
            "answer": question.answer, "fraction": question.fraction, "feedback": question.feedback,
            "correct": correct_answer(version.type, data)}
    if version.type in ("single", "multiple"):
        view["choices"] = [(i, data["options"][i]) for i in question.order]
    elif version.type == "ordering":
        view["choices"] = [(i, data["items"][i]) for i in question.order]
        view["steps"] = data["items"]
    elif version.type == "matching":
        view["lefts"] = [p["left"] for p in data["pairs"]]
        view["rights"] = rights(data)
        view["choices"] = [(i, view["rights"][i]) for i in question.order]
    elif version.type == "short":
        view["accepted"] = data.get("answers", [])
    return view


def _shown(when: str, quiz, now) -> bool:
    if when == ReviewWhen.AFTER_SUBMIT:
        return True
    # "After the quiz closes" is never reached by a quiz that never closes (as in Moodle).
    return when == ReviewWhen.AFTER_CLOSE and quiz.close_at is not None and now >= quiz.close_at


def review_shows(quiz, now, finished: bool = True) -> dict:
    """{part: shown now?} for the person who took the quiz (see models.quizzes.REVIEW_PARTS)."""
    return {part: finished and _shown(getattr(quiz, f"review_{part}"), quiz, now) for part in REVIEW_PARTS}


def review_later(quiz, shows: dict) -> list[tuple[str, bool]]:
    """The hidden parts: (part, shown once the quiz closes?)."""
    return [(part, getattr(quiz, f"review_{part}") == ReviewWhen.AFTER_CLOSE and quiz.close_at is not None)
            for part in REVIEW_PARTS if not shows[part]]


# -- the question editor's type fields ↔ a version's data ---------------------------------------

PAD_ROWS = 4


def _padded(rows: list, blank, at_least: int = PAD_ROWS) -> list:
    # Blank rows to fill in: the page works without the script that adds rows.
    wanted = min(MAX_ROWS, max(at_least, len(rows) + 1))
    return rows + [blank() for _ in range(wanted - len(rows))]


def form_from_data(qtype: str | None, data: dict) -> dict:
    """The editor's values for the type fields (blank rows added to every list)."""
    data = data or {}
    options = [{"text": o.get("text", ""), "correct": bool(o.get("correct")), "feedback": o.get("feedback", "")}
               for o in data.get("options", [])] if qtype in ("single", "multiple") else []
    answer = data.get("answer") if qtype == "truefalse" else None
    return {
        "options": _padded(options, lambda: {"text": "", "correct": False, "feedback": ""}),
        "answer": "" if answer is None else ("true" if answer else "false"),
        "answers": _padded([str(a) for a in data.get("answers", [])] if qtype == "short" else [], str, 3),
        "items": _padded([str(i) for i in data.get("items", [])] if qtype == "ordering" else [], str),
        "pairs": _padded([{"left": p.get("left", ""), "right": p.get("right", "")} for p in data.get("pairs", [])]
                     + [{"left": "", "right": d} for d in data.get("distractors", [])]
                     if qtype == "matching" else [], lambda: {"left": "", "right": ""}),
        "rubric": data.get("rubric", "") if qtype == "essay" else "",
    }


def data_from_form(qtype: str, values: dict) -> dict:
    """A version's `data` from the editor's fields of `qtype`; blank rows are dropped.

    Raises AnswerError for a half-filled row; the bank's checker judges the rest.
    """
    if qtype in ("single", "multiple"):
        options = []
        for row in values.get("options") or []:
            text, feedback = row["text"].strip(), row["feedback"].strip()
            if not text:
                if row["correct"] or feedback:
                    raise AnswerError("Every option needs its text.")
                continue
            option = {"text": text}
            if row["correct"]:
                option["correct"] = True
            if feedback:
                option["feedback"] = feedback
            options.append(option)
        return {"options": options}
    if qtype == "truefalse":
        return {"answer": values["answer"] == "true"} if values.get("answer") else {}
    if qtype == "short":
        return {"answers": [a.strip() for a in values.get("answers") or [] if a.strip()]}
    if qtype == "ordering":
        return {"items": [i.strip() for i in values.get("items") or [] if i.strip()]}
    if qtype == "matching":
        pairs, distractors = [], []
        for row in values.get("pairs") or []:
            left, right = row["left"].strip(), row["right"].strip()
            if not left and not right:
                continue
            if not right:
                raise AnswerError("Each pair needs both sides.")
            if not left:
                # A right-hand side alone is a distractor: shown among the choices, matching nothing.
                distractors.append(right)
                continue
            pairs.append({"left": left, "right": right})
        return {"pairs": pairs, "distractors": distractors} if distractors else {"pairs": pairs}
    rubric = (values.get("rubric") or "").strip()
    return {"rubric": rubric} if rubric else {}
