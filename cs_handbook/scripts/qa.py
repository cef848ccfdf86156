"""CLI commands of transcript QA: import a transcript file, draw the daily sample."""

from datetime import date, timedelta
from pathlib import Path

from ..clock import Clock
from ..i18n import _
from ..services.qa import MAX_SAMPLE, QAService
from .cli import CommandError, site_localizer

MAX_FILE = 64 * 1024 * 1024  # the web form takes 4 MB; a night's export from the command line may be bigger


def cmd_import(env, args, progress):
    request = env["request"]
    translate = site_localizer(env).translate
    path = Path(args.file)
    try:
        if path.stat().st_size > MAX_FILE:
            raise CommandError(translate(_("${file} is larger than 64 MB; split it.", mapping={"file": args.file})))
        raw = path.read_bytes()
    except OSError as error:
        raise CommandError(translate(_("Cannot read ${file}: ${reason}",
                                       mapping={"file": args.file, "reason": error.strerror or str(error)}))) from None
    progress.start("transcripts", 1)
    with request.tm:
        report = request.find_service(QAService).import_file(raw, args.file)
    progress.step(args.file)
    for msgid, mapping in report.notices:
        progress.say(f"  {translate(_(msgid, mapping=mapping))}")
    for line, msgid, mapping in report.errors:
        where = _("Row ${line}", mapping={"line": line}) if report.unit == "row" else _("Line ${line}",
                                                                                         mapping={"line": line})
        progress.say(f"  {translate(where)}: {translate(_(msgid, mapping=mapping))}")
    progress.done(translate(_("${imported} conversations imported, ${completed} completed with missing turns, "
                              "${duplicates} already there, ${errors} problems.",
                              mapping={"imported": report.imported, "completed": report.completed,
                                       "duplicates": report.duplicates, "errors": len(report.errors)})))
    return 1 if report.errors and not (report.imported or report.completed or report.duplicates) else 0


def cmd_sample(env, args, progress):
    request = env["request"]
    translate = site_localizer(env).translate
    try:
        day = date.fromisoformat(args.day) if args.day else request.find_service(Clock).now().date() - timedelta(1)
    except ValueError:
        raise CommandError(translate(_("Give the day as YYYY-MM-DD."))) from None
    if args.size is not None and not 1 <= args.size <= MAX_SAMPLE:
        raise CommandError(translate(_("The sample size must be 1–${max}.", mapping={"max": MAX_SAMPLE})))
    with request.tm:
        drawn = request.find_service(QAService).draw_sample(day, args.size)
    progress.say(translate(_("${count} transcripts sampled for ${day}.",
                             mapping={"count": drawn, "day": day.isoformat()})))
    return 0


def register(subparsers):
    p = subparsers.add_parser("qa", help="transcript quality assessment jobs")
    qa = p.add_subparsers(dest="qa_command", required=True)
    imp = qa.add_parser("import", help="import a CSV or JSON transcript file (a bad line is reported, not imported)")
    imp.add_argument("file")
    imp.set_defaults(func=cmd_import)
    sample = qa.add_parser("sample", help="draw the daily sample (default: yesterday) and run the etiquette check")
    sample.add_argument("--day", help="YYYY-MM-DD")
    sample.add_argument("--size", type=int, help="per agent (default: the site setting, 20)")
    sample.set_defaults(func=cmd_sample)
