"""CLI commands of the training area (filled in by its issue)."""


def register(subparsers):
    pass
