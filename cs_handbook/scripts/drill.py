"""CLI commands of the drill area (filled in by its issue)."""


def register(subparsers):
    pass
