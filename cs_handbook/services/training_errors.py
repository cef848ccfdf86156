"""The training area's errors (re-exported by `services.training`)."""


class TrainingError(ValueError):
    """A change refused for a reason the user can fix; `msgid` is translatable."""

    def __init__(self, msgid: str, mapping=None):
        super().__init__(msgid)
        self.msgid = msgid
        self.mapping = mapping or {}


class TrainingForbidden(Exception):
    """The actor may not decide for this person (views turn it into a 403)."""
