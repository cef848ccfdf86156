"""CLI commands for content as files: load `policies/` and `training/`, export them back."""

from pathlib import Path

from ..content import DEFAULT_CONTENT_DIRS, content_handlers
from .initialize import load_content


def _dirs(args):
    if not args.root:
        return DEFAULT_CONTENT_DIRS
    root = Path(args.root)
    return {"policies": root / "policies", "training": root / "training"}


def cmd_load(env, args, progress):
    request = env["request"]
    with request.tm:
        report = load_content(request, progress, _dirs(args))
        if report.errors:
            request.tm.abort()
    progress.say(
        f"Content load: {report.created} created, {report.updated} updated, {report.unchanged} unchanged, "
        f"{len(report.conflicts)} conflicts, {len(report.errors)} errors"
        + (" — nothing was saved" if report.errors else "")
    )
    for line in report.conflicts + report.errors:
        progress.say(f"  {line}")
    return 1 if report.errors else 0


def cmd_export(env, args, progress):
    request = env["request"]
    dirs = _dirs(args)
    written = 0
    with request.tm:
        for handler in content_handlers(request.registry):
            written += handler.export(request, dirs[handler.folder], progress)
    progress.say(f"Content export: {written} files written")
    return 0


def register(subparsers):
    p = subparsers.add_parser("content", help="load or export the default content files")
    p.add_argument("action", choices=("load", "export"))
    p.add_argument("--root", help="folder holding policies/ and training/ (default: the project)")
    p.set_defaults(func=lambda env, args, progress: (cmd_load if args.action == "load" else cmd_export)(
        env, args, progress))
