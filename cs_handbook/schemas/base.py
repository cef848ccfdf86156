"""The base of every form schema: the CSRF token as a hidden field.

Pyramid checks the token on every unsafe request before any view runs
(`require_csrf`); the field here only puts it in the form.
"""

import colander
import deform
from pyramid.csrf import get_csrf_token

from ..i18n import _


@colander.deferred
def deferred_csrf_token(node, kw):
    return get_csrf_token(kw["request"])


class CSRFSchema(colander.Schema):
    csrf_token = colander.SchemaNode(
        colander.String(),
        widget=deform.widget.HiddenWidget(),
        default=deferred_csrf_token,
        missing=colander.drop,
    )


def trimmed(value):
    return value.strip() if isinstance(value, str) else value


def no_control_characters(node, value):
    # Control characters in names and titles break CSV exports and terminals
    # and are never typed on purpose.
    if any(ord(ch) < 32 and ch not in "\t\r\n" for ch in value) or "\x7f" in value:
        raise colander.Invalid(node, _("Control characters are not allowed."))


def text_node(title, max_length, min_length=1, **kw):
    """A required single-line text field with length and character checks."""
    validators = [colander.Length(min=min_length, max=max_length), no_control_characters]
    return colander.SchemaNode(
        colander.String(),
        title=title,
        preparer=trimmed,
        validator=colander.All(*validators),
        **kw,
    )
