"""CLI commands of transcript QA: import a transcript file, draw the daily sample."""

from datetime import date, timedelta
from pathlib import Path

from ..clock import Clock
from ..i18n import _
from ..services.qa import QAService


def cmd_import(env, args, progress):
    request = env["request"]
    raw = Path(args.file).read_bytes()
    progress.start("transcripts", 1)
    with request.tm:
        report = request.find_service(QAService).import_file(raw, args.file)
    progress.step(args.file)
    for line, msgid, mapping in report.errors:
        progress.say(f"  line {line}: {request.localizer.translate(_(msgid, mapping=mapping))}")
    progress.done(f"— {report.imported} imported, {report.duplicates} already there, {len(report.errors)} bad lines")
    return 1 if report.errors and not report.imported else 0


def cmd_sample(env, args, progress):
    request = env["request"]
    day = date.fromisoformat(args.day) if args.day else request.find_service(Clock).now().date() - timedelta(days=1)
    with request.tm:
        drawn = request.find_service(QAService).draw_sample(day, args.size)
    progress.say(f"QA sample for {day.isoformat()}: {drawn} transcripts drawn and pre-checked")
    return 0


def register(subparsers):
    p = subparsers.add_parser("qa", help="transcript quality assessment jobs")
    qa = p.add_subparsers(dest="qa_command", required=True)
    imp = qa.add_parser("import", help="import a CSV or JSON transcript file")
    imp.add_argument("file")
    imp.set_defaults(func=cmd_import)
    sample = qa.add_parser("sample", help="draw the daily sample (default: yesterday) and run the etiquette check")
    sample.add_argument("--day", help="YYYY-MM-DD")
    sample.add_argument("--size", type=int, help="per agent (default: the site setting, 20)")
    sample.set_defaults(func=cmd_sample)
