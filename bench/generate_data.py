"""Seeded, repeatable benchmark data: staff, onboarding, quizzes, drill reviews, QA transcripts.

At scale 1 (the default), the figures of issue 7 (FULL_SCALE): 10,000 staff
in 100 teams, 100,000 quiz attempts with 1,000,000 answers, 300,000 drill
reviews, 50,000 transcripts with their turns and evaluations (varied
conversations, scorecards filled in: generate_transcripts.py). Every count
is scale × its full-scale figure (`planned`); `--scale 0.01` makes a quick
run. The same seed gives the same rows. Rows are written with Core bulk
inserts (executemany) in chunks, with explicit ids, so no row is read back
while writing.

    python bench/generate_data.py --url sqlite:///var/bench.sqlite --scale 0.1
"""

import argparse
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, insert, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402
from bench.generate_transcripts import TranscriptMaker  # noqa: E402
from cs_handbook import migrations  # noqa: E402
from cs_handbook.models.accounts import Account, Grant, Position, Team  # noqa: E402
from cs_handbook.models.drill import DrillCard, DrillItem, DrillReviewLog, DrillStreak  # noqa: E402
from cs_handbook.models.qa import Evaluation, Transcript, TranscriptTurn  # noqa: E402
from cs_handbook.models.quizzes import (  # noqa: E402
    Attempt,
    AttemptQuestion,
    Question,
    QuestionCategory,
    QuestionVersion,
    Quiz,
    QuizGrade,
)
from cs_handbook.models.training import Course, CourseItem, Enrolment, ItemProgress, PathStep, TrainingPath  # noqa: E402
from cs_handbook.passwords import hash_password  # noqa: E402
from cs_handbook.scripts.progress import Progress  # noqa: E402

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TODAY = NOW.date()
PASSWORD = "bench-password"  # noqa: S105 - a throw-away benchmark database
CHUNK = 20_000
TEAM_SIZE = 100
QUIZZES = 10
CATEGORIES = 5
QUESTIONS_PER_CATEGORY = 40
ANSWERS_PER_ATTEMPT = 10
DRILL_ITEMS = 300
CARDS_PER_PERSON = 10
TURNS_PER_TRANSCRIPT = 6
# Issue 7's benchmark figures at scale 1; answers are attempts × ANSWERS_PER_ATTEMPT.
FULL_SCALE = {"staff": 10_000, "attempts": 100_000, "answers": 1_000_000, "reviews": 300_000, "transcripts": 50_000}
# Below these a run would be too small to mean anything (scales under about 0.002).
MINIMUM = {"staff": 20, "attempts": 100, "reviews": 100, "transcripts": 50}


def planned(scale: float) -> dict[str, int]:
    """How many of each a run at `scale` writes: scale × the full-scale figure (rounded), at least MINIMUM."""
    counts = {key: max(MINIMUM.get(key, 0), round(full * scale)) for key, full in FULL_SCALE.items()}
    counts["answers"] = counts["attempts"] * ANSWERS_PER_ATTEMPT
    counts["teams"] = max(2, counts["staff"] // TEAM_SIZE)
    return counts


class Writer:
    """Chunked bulk inserts with a running count per table."""

    def __init__(self, conn, progress: Progress):
        self.conn, self.progress, self.counts = conn, progress, {}

    def rows(self, model, rows, total: int):
        table = model.__table__
        self.progress.start(table.name, total)
        batch = []
        for row in rows:
            batch.append(row)
            if len(batch) >= CHUNK:
                self._flush(table, batch)
                batch = []
        if batch:
            self._flush(table, batch)
        self.progress.done()

    def _flush(self, table, batch):
        self.conn.execute(insert(table), batch)
        self.counts[table.name] = self.counts.get(table.name, 0) + len(batch)
        self.progress.step(n=len(batch))


def generate(url: str, scale: float = 1.0, seed: int = 1, progress: Progress | None = None) -> dict:
    progress = progress or Progress()
    rng = random.Random(seed)
    counts = planned(scale)
    staff, attempts, reviews, transcripts, teams = (
        counts[key] for key in ("staff", "attempts", "reviews", "transcripts", "teams"))
    started = time.monotonic()
    migrations.upgrade(url)
    engine = create_engine(url)
    password_hash = hash_password(PASSWORD)
    with engine.begin() as conn:
        w = Writer(conn, progress)
        w.rows(Team, ({"id": t + 1, "name": f"团队{t + 1:04d}", "timezone": "Asia/Shanghai"} for t in range(teams)),
               teams)
        w.rows(Position, [{"id": 1, "code": "cs-agent", "name": "客服"}], 1)
        # Account 1 is the admin, 2..teams+1 one manager per team, then the staff.
        managers = teams
        people = range(managers + 2, managers + 2 + staff)

        def accounts():
            # executemany wants the same keys in every row.
            yield {"id": 1, "username": "bench-admin", "display_name": "管理员", "password_hash": password_hash,
                   "team_id": None, "position_id": None, "start_date": None, "created_at": NOW}
            for t in range(teams):
                yield {"id": t + 2, "username": f"manager{t + 1:04d}", "display_name": f"经理{t + 1}",
                       "password_hash": password_hash, "team_id": None, "position_id": None, "start_date": None,
                       "created_at": NOW}
            for n, account_id in enumerate(people):
                yield {"id": account_id, "username": f"agent{n:06d}", "display_name": f"客服{n:06d}",
                       "password_hash": "!", "team_id": n % teams + 1, "position_id": 1,
                       "start_date": TODAY - timedelta(days=rng.randint(0, 60)), "created_at": NOW}

        w.rows(Account, accounts(), 1 + managers + staff)
        grants = [{"id": 1, "account_id": 1, "role": "admin", "scope_type": "site", "scope_id": 0, "created_at": NOW}]
        for t in range(teams):
            grants.append({"id": 2 * t + 2, "account_id": t + 2, "role": "manager", "scope_type": "site",
                           "scope_id": 0, "created_at": NOW})
            grants.append({"id": 2 * t + 3, "account_id": t + 2, "role": "manager", "scope_type": "team",
                           "scope_id": t + 1, "created_at": NOW})
        w.rows(Grant, grants, len(grants))

        # Onboarding: one path of 3 courses × 5 items, due on days 0, 5 and 20.
        w.rows(Course, ({"id": c + 1, "slug": f"bench-{c}", "title": f"课程{c}", "state": "published",
                         "created_at": NOW, "published_at": NOW} for c in range(3)), 3)
        w.rows(CourseItem, ({"id": i + 1, "course_id": i // 5 + 1, "key": f"i{i}", "position": i % 5,
                             "kind": "reading", "title": f"条目{i}", "required": True} for i in range(15)), 15)
        w.rows(TrainingPath, [{"id": 1, "position_code": "cs-agent", "title": "入职", "state": "published",
                               "created_at": NOW}], 1)
        w.rows(PathStep, ({"id": c + 1, "path_id": 1, "course_id": c + 1, "position": c, "due_day": (0, 5, 20)[c]}
                          for c in range(3)), 3)
        w.rows(Enrolment, ({"id": n + 1, "account_id": a, "path_id": 1, "start_date": TODAY - timedelta(days=30),
                            "created_at": NOW} for n, a in enumerate(people)), staff)

        def progress_rows():
            row_id = 0
            for account_id in people:
                for item in range(rng.randint(0, 15)):
                    row_id += 1
                    yield {"id": row_id, "account_id": account_id, "item_id": item + 1, "state": "done",
                           "updated_at": NOW, "done_at": NOW}

        w.rows(ItemProgress, progress_rows(), staff * 8)

        # Quizzes: a bank of categories and questions, attempts with their answers, grades.
        w.rows(QuestionCategory, ({"id": c + 1, "slug": f"cat{c}", "title": f"类别{c}"} for c in range(CATEGORIES)),
               CATEGORIES)
        questions = CATEGORIES * QUESTIONS_PER_CATEGORY
        w.rows(Question, ({"id": q + 1, "category_id": q // QUESTIONS_PER_CATEGORY + 1, "key": f"q{q}",
                           "position": q, "tags": []} for q in range(questions)), questions)
        w.rows(QuestionVersion, ({"id": q + 1, "question_id": q + 1, "number": 1, "type": "truefalse",
                                  "text": f"题目{q}", "data": {"answer": True}, "created_at": NOW}
                                 for q in range(questions)), questions)
        w.rows(Quiz, ({"id": z + 1, "slug": f"quiz{z}", "title": f"测验{z}", "pass_mark": 80.0}
                      for z in range(QUIZZES)), QUIZZES)
        best: dict[tuple[int, int], float] = {}
        numbers: dict[tuple[int, int], int] = {}
        attempt_rows = []
        for a in range(attempts):
            account_id = people[rng.randrange(staff)]
            quiz_id = rng.randrange(QUIZZES) + 1
            key = (quiz_id, account_id)
            numbers[key] = numbers.get(key, 0) + 1
            score = round(rng.betavariate(5, 2) * 100, 1)
            best[key] = max(best.get(key, 0.0), score)
            attempt_rows.append({"id": a + 1, "quiz_id": quiz_id, "account_id": account_id, "number": numbers[key],
                                 "state": "graded", "started_at": NOW - timedelta(days=rng.randint(1, 90)),
                                 "submitted_at": NOW, "score": score / 10, "max_score": 10.0,
                                 "score_percent": score, "passed": score >= 80})
        w.rows(Attempt, attempt_rows, attempts)

        def answers():
            for a in range(attempts):
                for position in range(ANSWERS_PER_ATTEMPT):
                    yield {"id": a * ANSWERS_PER_ATTEMPT + position + 1, "attempt_id": a + 1, "position": position,
                           "version_id": rng.randrange(questions) + 1, "order": [], "answer": True,
                           "fraction": 1.0 if rng.random() < 0.75 else 0.0}

        w.rows(AttemptQuestion, answers(), attempts * ANSWERS_PER_ATTEMPT)
        w.rows(QuizGrade, ({"id": n + 1, "quiz_id": q, "account_id": a, "grade_percent": s, "passed": s >= 80,
                            "updated_at": NOW} for n, ((q, a), s) in enumerate(sorted(best.items()))), len(best))

        # Drill: items, a few cards per person, reviews over the last 60 days, streaks.
        w.rows(DrillItem, ({"id": i + 1, "key": f"handbook/s{i % 12}/doc#a{i}:recall-number", "kind": "recall-number",
                            "prompt": f"第{i}条", "payload": {}, "answer": {"value": 60},
                            "source_slug": f"handbook/s{i % 12}/doc", "source_title": f"文档{i % 12}",
                            "source_anchor": f"a{i}", "section": f"章节{i % 4}", "created_at": NOW,
                            "updated_at": NOW} for i in range(DRILL_ITEMS)), DRILL_ITEMS)
        cards = []
        for account_id in people:
            for item in rng.sample(range(DRILL_ITEMS), CARDS_PER_PERSON):
                cards.append((len(cards) + 1, account_id, item + 1))
        w.rows(DrillCard, ({"id": c, "account_id": a, "item_id": i, "state": 2, "due": NOW, "created_at": NOW}
                           for c, a, i in cards), len(cards))

        def review_rows():
            for r in range(reviews):
                card_id, account_id, item_id = cards[rng.randrange(len(cards))]
                day = TODAY - timedelta(days=rng.randint(0, 59))
                at = datetime(day.year, day.month, day.day, 3, tzinfo=UTC)
                correct = rng.random() < 0.85
                yield {"id": r + 1, "card_id": card_id, "account_id": account_id, "item_id": item_id,
                       "rating": 3 if correct else 1, "correct": correct, "reviewed_at": at, "day": day,
                       "due_before": at, "due_after": at}

        w.rows(DrillReviewLog, review_rows(), reviews)
        w.rows(DrillStreak, ({"account_id": a, "current": rng.randint(0, 30), "best": 30,
                              "last_day": TODAY - timedelta(days=rng.randint(0, 3))} for a in people), staff)

        # QA: transcripts of the last month with their turns, all sampled; today's are still drafts in the
        # evaluators' queue, the others final.
        month_days = [date(2026, 3, 1), date(2026, 3, 2)] + [date(2026, 2, d) for d in range(1, 29)]
        maker = TranscriptMaker(str(seed))
        transcript_rows, evaluation_rows, turn_rows = [], [], []
        for t in range(transcripts):
            agent = people[rng.randrange(staff)]
            day = month_days[rng.randrange(len(month_days))]
            started_at = datetime(day.year, day.month, day.day, 1, tzinfo=UTC) + timedelta(
                seconds=rng.randrange(10 * 3600))
            transcript_rows.append({"id": t + 1, "external_id": f"bench-{t}", "agent_id": agent,
                                    "started_at": started_at, "day": day, "sampled": True, "imported_at": NOW})
            turns, findings = maker.conversation(started_at)
            turn_rows += [{"id": t * TURNS_PER_TRANSCRIPT + seq + 1, "transcript_id": t + 1, "seq": seq,
                           "speaker": speaker, "at": at, "text": text} for seq, (speaker, at, text) in enumerate(turns)]
            final = day != TODAY
            criteria, passed = maker.scorecard(findings, final)
            evaluation_rows.append({"id": t + 1, "transcript_id": t + 1, "agent_id": agent, "day": day,
                                    "status": "final" if final else "draft", "criteria": criteria,
                                    "findings": findings, "passed": passed, "evaluator_id": 1 if final else None,
                                    "created_at": NOW, "finalised_at": NOW if final else None})
        w.rows(Transcript, transcript_rows, transcripts)
        w.rows(TranscriptTurn, turn_rows, transcripts * TURNS_PER_TRANSCRIPT)
        w.rows(Evaluation, evaluation_rows, transcripts)
        if conn.dialect.name == "postgresql":
            # Explicit ids leave the sequences behind; later inserts must not collide.
            for table in w.counts:
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                  f"(SELECT COALESCE(MAX(id), 1) FROM {table}))")) if table != "drill_streaks" else None
    common.settle_database(engine)
    engine.dispose()
    summary = {"seconds": round(time.monotonic() - started, 1), "teams": teams, "staff": staff, **w.counts}
    progress.say("generated: " + ", ".join(f"{k}={v}" for k, v in summary.items()))
    return summary


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=f"sqlite:///{Path('var/bench.sqlite').resolve()}")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    generate(args.url, args.scale, args.seed)


if __name__ == "__main__":
    main()
