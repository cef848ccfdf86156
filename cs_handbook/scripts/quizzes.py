"""CLI commands of the quizzes area: `quizzes sweep` (submit timed-out attempts), `quizzes stats`."""

from ..services.quizzes import AttemptService
from ..services.quizzes_bank import BankService
from ..services.quizzes_stats import StatsService


def cmd_sweep(env, args, progress):
    request = env["request"]
    with request.tm:
        done = request.find_service(AttemptService).sweep()
    progress.say(f"quizzes sweep: {done} overdue attempt(s) submitted and graded")
    return 0


def cmd_stats(env, args, progress):
    request = env["request"]
    with request.tm:
        quizzes = [q for q in request.find_service(BankService).quizzes() if not args.quiz or q.slug in args.quiz]
    done = skipped = 0
    for quiz in quizzes:
        # One transaction per quiz, so a long quiz does not hold the others.
        with request.tm:
            quiz = request.find_service(BankService).quiz(quiz.slug)
            if request.find_service(StatsService).compute(quiz):
                done += 1
            else:
                skipped += 1
    progress.say(f"quizzes stats: {done} computed, {skipped} skipped (another run holds them)")
    return 0


def register(subparsers):
    p = subparsers.add_parser("quizzes", help="quiz jobs: sweep overdue attempts, compute item statistics")
    sub = p.add_subparsers(dest="action", required=True)
    s = sub.add_parser("sweep", help="submit and grade attempts whose time ran out")
    s.set_defaults(func=cmd_sweep)
    s = sub.add_parser("stats", help="compute item statistics (facility, discrimination, option frequencies)")
    s.add_argument("quiz", nargs="*", help="quiz slugs (default: all)")
    s.set_defaults(func=cmd_stats)
