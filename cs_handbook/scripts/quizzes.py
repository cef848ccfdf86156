"""CLI commands of the quizzes area (filled in by its issue)."""


def register(subparsers):
    pass
