"""CLI commands of the reports area: refresh the per-person roll-ups behind the org-wide report."""

from ..clock import Clock
from ..services.reports import ReportsService, parse_month
from ..services.reports_rollup import refresh


def cmd_rollup(env, args, progress):
    request = env["request"]
    if args.month:
        month_start = parse_month(args.month)
        if month_start is None:
            progress.say(f"bad --month {args.month!r}: use YYYY-MM")
            return 2
    else:
        month_start = request.find_service(Clock).now().date().replace(day=1)
    with request.tm:
        result = refresh(request.find_service(ReportsService), month_start, progress)
    progress.done(f"— {result.people} people in {result.teams} teams rolled up for {month_start:%Y-%m}")
    progress.say(f"roll-up refresh took {result.seconds:.2f}s")
    return 0


def register(subparsers):
    p = subparsers.add_parser("reports", help="dashboard and report jobs")
    reports = p.add_subparsers(dest="reports_command", required=True)
    rollup = reports.add_parser("rollup", help="recompute the per-person roll-ups of the org-wide report")
    rollup.add_argument("--month", help="YYYY-MM for the QA points (default: this month)")
    rollup.set_defaults(func=cmd_rollup)
