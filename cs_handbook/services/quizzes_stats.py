"""Item statistics per quiz: facility, discrimination, option frequencies.

Computed off the page's path and stored in `quiz_stats`: by
`cs-handbook <ini> quizzes stats` (a timer can call it), or by a trainer's
"refresh statistics" button (a POST that computes that one quiz); the
statistics page only reads the stored result. One run per quiz at a time:
the run holds the quiz's stats row (made with the quiz) locked, `FOR UPDATE
SKIP LOCKED` on PostgreSQL, so a second run skips the quiz instead of
queueing behind it; SQLite serialises writers anyway.

Each question version is its own row (versions may differ in options), its
label marked with the version number when the quiz showed several.

- facility: the mean fraction scored on the question (0..1);
- discrimination: Pearson correlation between the fraction on the question
  and the rest of the attempt's score (the score without this question),
  None when either does not vary;
- option frequencies: how often each option (choice types) or answer was given;
  orders and matchings as the texts chosen, true/false as the message ids
  "True" and "False" (the page translates them).

The same figures are stored per team, for managers, who see only their teams.
"""

from collections import Counter
from math import sqrt

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..clock import Clock
from ..models.accounts import Account
from ..models.quizzes import Attempt, AttemptQuestion, AttemptState, Quiz, QuizStats
from .quizzes_grading import rights


def pearson(xs: list[float], ys: list[float]) -> float | None:
    n = len(xs)
    if n < 2:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    return sxy / sqrt(sxx * syy)


def item_statistics(attempts: list[list[tuple]]) -> list[dict]:
    """`attempts`: per attempt, tuples (item key, label, type, data, answer, fraction, points).

    Returns one row per item key (a question version), in first-seen order.
    """
    totals = [sum((f or 0.0) * p for _, _, _, _, _, f, p in items) for items in attempts]
    rows: dict = {}
    for total, items in zip(totals, attempts, strict=True):
        for key, label, qtype, data, answer, fraction, points in items:
            row = rows.setdefault(key, {"key": key, "label": label, "type": qtype, "fractions": [], "rest": [],
                                        "options": Counter(), "choices": _choices(qtype, data)})
            row["fractions"].append(fraction or 0.0)
            row["rest"].append(total - (fraction or 0.0) * points)
            for given in _given(qtype, data, answer):
                row["options"][given] += 1
    out = []
    for row in rows.values():
        fractions = row["fractions"]
        out.append({
            "key": row["key"], "label": row["label"], "type": row["type"], "count": len(fractions),
            "facility": round(sum(fractions) / len(fractions), 4),
            "discrimination": _round(pearson(fractions, row["rest"])),
            "options": [[text, row["options"].get(str(i), 0)] for i, text in enumerate(row["choices"])]
            if row["choices"] else sorted([[k, v] for k, v in row["options"].items()], key=lambda kv: -kv[1])[:10],
        })
    return out


def _round(value):
    return None if value is None else round(value, 4)


def _choices(qtype, data) -> list[str]:
    if qtype in ("single", "multiple"):
        return [o["text"] for o in data.get("options", [])]
    if qtype == "truefalse":
        return ["True", "False"]
    return []


def _given(qtype, data, answer) -> list[str]:
    if answer is None:
        return []
    if qtype == "single":
        return [str(answer)]
    if qtype == "multiple":
        return [str(a) for a in answer]
    if qtype == "truefalse":
        return ["0" if answer else "1"]
    if qtype == "ordering":
        items = data.get("items", [])
        return [" → ".join("—" if a is None else items[a] for a in answer)[:200]]
    if qtype == "matching":
        sides = rights(data)
        return ["；".join(f"{pair['left']}→{'—' if a is None else sides[a]}"
                         for pair, a in zip(data.get("pairs", []), answer, strict=False))[:200]]
    return [str(answer)[:50]]


def _label(version, several: bool) -> str:
    text = version.text[:80]
    return f"{text} (v{version.number})" if several else text


class StatsService:
    def __init__(self, dbsession, clock: Clock):
        self.dbsession = dbsession
        self.clock = clock

    def stored(self, quiz: Quiz) -> QuizStats | None:
        return self.dbsession.scalar(select(QuizStats).where(QuizStats.quiz_id == quiz.id))

    def _claim(self, quiz: Quiz) -> QuizStats | None:
        if self.stored(quiz) is None:
            savepoint = self.dbsession.begin_nested()
            try:
                self.dbsession.add(QuizStats(quiz_id=quiz.id, data={}, teams={}))
                self.dbsession.flush()
                savepoint.commit()
            except IntegrityError:
                savepoint.rollback()
        return self.dbsession.scalar(select(QuizStats).where(QuizStats.quiz_id == quiz.id)
                                     .with_for_update(skip_locked=True))

    def compute(self, quiz: Quiz) -> bool:
        """Recompute and store; False when another run holds this quiz."""
        row = self._claim(quiz)
        if row is None:
            return False
        row.running_since = self.clock.now()
        found = self.dbsession.execute(
            select(Attempt, Account.team_id).join(Account, Account.id == Attempt.account_id)
            .where(Attempt.quiz_id == quiz.id, Attempt.state == AttemptState.GRADED)
            .order_by(Attempt.id)
            .options(selectinload(Attempt.questions).selectinload(AttemptQuestion.version))).all()
        table: list[list[tuple]] = []
        by_team: dict[str, list[list[tuple]]] = {}
        versions: dict[int, set] = {}
        for attempt, _team in found:
            for q in attempt.questions:
                versions.setdefault(q.version.question_id, set()).add(q.version.number)
        for attempt, team_id in found:
            items = [(f"{q.version.id}", _label(q.version, len(versions[q.version.question_id]) > 1), q.version.type,
                      q.version.data, q.answer, q.fraction, q.version.points) for q in attempt.questions]
            table.append(items)
            if team_id is not None:
                by_team.setdefault(str(team_id), []).append(items)
        # Per team as well: a manager reads only their teams' figures (and their people's free-text answers).
        row.data = {"attempts": len(table), "items": item_statistics(table)}
        row.teams = {team: {"attempts": len(rows), "items": item_statistics(rows)} for team, rows in by_team.items()}
        row.computed_at = self.clock.now()
        row.running_since = None
        self.dbsession.flush()
        return True
