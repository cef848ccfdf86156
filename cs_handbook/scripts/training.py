"""CLI commands of the training area: `cs-handbook <ini> training sweep`."""

from ..services.training import TrainingService


def cmd_sweep(env, args, progress):
    request = env["request"]
    with request.tm:
        marked = request.find_service(TrainingService).sweep()
    progress.say(f"training sweep: {marked} overdue items newly marked")
    return 0


def register(subparsers):
    p = subparsers.add_parser("training", help="onboarding: the overdue sweep")
    sub = p.add_subparsers(dest="training_command", required=True)
    s = sub.add_parser("sweep", help="mark overdue items and leave notices for the person, mentor and manager")
    s.set_defaults(func=cmd_sweep)
