"""CLI commands of the documents area (filled in by its issue)."""


def register(subparsers):
    pass
