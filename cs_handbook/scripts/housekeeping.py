"""`housekeeping`: forget what the sign-in machinery no longer needs.

Run it from a timer (e.g. hourly or nightly): sign-in failures older than
the rate-limit window, and login sessions that ended or passed their
lifetime, are deleted.
"""

from ..i18n import _
from ..services.auth import AuthService
from .cli import site_localizer


def cmd_housekeeping(env, args, progress):
    request = env["request"]
    with request.tm:
        auth = request.find_service(AuthService)
        attempts = auth.purge_old_attempts()
        sessions = auth.purge_ended_sessions()
    progress.summary(site_localizer(env).translate(_(
        "Housekeeping: ${attempts} old sign-in failures and ${sessions} ended sessions deleted.",
        mapping={"attempts": attempts, "sessions": sessions})))
    return 0


def register(subparsers):
    p = subparsers.add_parser("housekeeping", help="delete old sign-in failures and ended login sessions")
    p.set_defaults(func=cmd_housekeeping)
