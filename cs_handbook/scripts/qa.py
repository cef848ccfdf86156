"""CLI commands of the qa area (filled in by its issue)."""


def register(subparsers):
    pass
