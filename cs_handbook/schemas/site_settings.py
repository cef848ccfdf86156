"""The admin's site settings form: the declared settings no other page edits."""

import colander
import deform

from ..i18n import _
from ..services.quizzes import MAX_GRACE_SECONDS
from .accounts import timezone_node
from .base import CSRFSchema


def _in_range(node, value, low, high):
    if not low <= value <= high:
        raise colander.Invalid(node, _("Enter a number from ${low} to ${high}.", mapping={"low": low, "high": high}))


class SiteSettingsSchema(CSRFSchema):
    timezone = timezone_node(
        _("Site time zone"),
        _("People without a team see times, and begin their day, in this zone; the audit log shows "
          "its times in it. Each team has its own zone (Teams)."))
    submit_grace_seconds = colander.SchemaNode(
        colander.Integer(), title=_("Grace for timed quizzes (seconds)"),
        description=_("Answers sent this long after a timed quiz's limit (a slow connection) are still saved."),
        validator=lambda node, value: _in_range(node, value, 0, MAX_GRACE_SECONDS),
        widget=deform.widget.TextInputWidget(type_name="number"),
    )
