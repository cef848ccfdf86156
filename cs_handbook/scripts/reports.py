"""CLI commands of the reports area (filled in by its issue)."""


def register(subparsers):
    pass
