"""Services of the quizzes area (filled in by its issue)."""


def includeme(config):
    pass
