"""CLI commands for content as files: load `policies/` and `training/`, export them back."""

from pathlib import Path

from pyramid.interfaces import ILocalizer

from ..content import DEFAULT_CONTENT_DIRS, content_handlers, translated
from ..i18n import LOCALES, _
from .initialize import load_content


def _dirs(args):
    if not args.root:
        return DEFAULT_CONTENT_DIRS
    root = Path(args.root)
    return {"policies": root / "policies", "training": root / "training"}


def _localizer(env, args):
    """The language asked for with --lang, else the site's default (the ini's pyramid.default_locale_name)."""
    registry = env["registry"]
    return registry.getUtility(ILocalizer, name=args.lang or registry.settings["pyramid.default_locale_name"])


def cmd_load(env, args, progress):
    request = env["request"]
    localizer = _localizer(env, args)
    # Each loader checks a file completely and writes it in a savepoint: a bad file is reported and
    # left out, the good ones are saved (a typo in one page must not hold back the other sixty).
    with request.tm:
        report = load_content(request, progress, _dirs(args))
    counts = {"created": report.created, "updated": report.updated, "unchanged": report.unchanged,
              "conflicts": len(report.conflicts), "errors": len(report.errors)}
    progress.say(localizer.translate(
        _("Content load: ${created} created, ${updated} updated, ${unchanged} unchanged, ${conflicts} conflicts, "
          "${errors} errors — the files with errors were not loaded", mapping=counts) if report.errors else
        _("Content load: ${created} created, ${updated} updated, ${unchanged} unchanged, ${conflicts} conflicts, "
          "${errors} errors", mapping=counts)))
    for line in report.conflicts + report.errors:
        progress.say(f"  {translated(line, localizer)}")
    return 1 if report.errors else 0


def cmd_export(env, args, progress):
    request = env["request"]
    dirs = _dirs(args)
    written = 0
    with request.tm:
        for handler in content_handlers(request.registry):
            written += handler.export(request, dirs[handler.folder], progress)
    progress.say(_localizer(env, args).translate(_("Content export: ${count} files written",
                                                   mapping={"count": written})))
    return 0


def register(subparsers):
    p = subparsers.add_parser("content", help="load or export the default content files")
    p.add_argument("action", choices=("load", "export"))
    p.add_argument("--root", help="folder holding policies/ and training/ (default: the project)")
    p.add_argument("--lang", choices=LOCALES, help="language of the problems reported (default: the ini's "
                                                   "pyramid.default_locale_name)")
    p.set_defaults(func=lambda env, args, progress: (cmd_load if args.action == "load" else cmd_export)(
        env, args, progress))
