"""CLI of the drill: `cs-handbook <ini> drill generate` regenerates items from the published content."""


def cmd_generate(env, args, progress):
    from ..services.drill_hooks import regenerate_all

    request = env["request"]
    with request.tm:
        docs, report = regenerate_all(request, progress)
        progress.done()
    progress.say(f"drill generate: {len(docs)} documents; {report.created} items created, {report.updated} updated "
                 f"({report.flagged_cards} cards flagged for review), {report.unchanged} unchanged, "
                 f"{report.stale} set to needs-review")
    return 0


def register(subparsers):
    p = subparsers.add_parser("drill", help="daily drill items")
    p.add_argument("action", choices=("generate",), help="generate: regenerate items from published content")
    p.set_defaults(func=cmd_generate)
