"""Item statistics per quiz: facility, discrimination, option frequencies.

Computed off the request path by `cs-handbook <ini> quizzes stats` and stored
in `quiz_stats`; pages only read the stored result. One run per quiz at a
time: the run holds the quiz's stats row locked (`FOR UPDATE SKIP LOCKED` on
PostgreSQL — a second run skips it; SQLite serialises writers anyway).

- facility: the mean fraction scored on the question (0..1);
- discrimination: Pearson correlation between the fraction on the question
  and the rest of the attempt's score (the score without this question),
  None when either does not vary;
- option frequencies: how often each option (choice types) or answer was given.

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
    """`attempts`: per attempt, tuples (question key, label, type, data, answer, fraction, points).

    Returns one row per question key, in first-seen order.
    """
    totals = [sum((f or 0.0) * p for _, _, _, _, _, f, p in items) for items in attempts]
    rows: dict = {}
    for total, items in zip(totals, attempts, strict=True):
        for key, label, qtype, data, answer, fraction, points in items:
            row = rows.setdefault(key, {"key": key, "label": label, "type": qtype, "fractions": [], "rest": [],
                                        "options": Counter(), "choices": _choices(qtype, data)})
            row["fractions"].append(fraction or 0.0)
            row["rest"].append(total - (fraction or 0.0) * points)
            for given in _given(qtype, answer):
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
        return ["true", "false"]
    return []


def _given(qtype, answer) -> list[str]:
    if answer is None:
        return []
    if qtype == "single":
        return [str(answer)]
    if qtype == "multiple":
        return [str(a) for a in answer]
    if qtype == "truefalse":
        return ["0" if answer else "1"]
    if qtype in ("ordering", "matching"):
        return [" ".join("-" if a is None else str(a) for a in answer)]
    return [str(answer)[:50]]


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
        table, by_team = [], {}
        for attempt, team_id in found:
            items = [(f"{q.version.question_id}", q.version.text[:80], q.version.type, q.version.data, q.answer,
                      q.fraction, q.version.points) for q in attempt.questions]
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
