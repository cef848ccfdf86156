"""Views of the quizzes area (filled in by its issue); `includeme` adds its routes."""


def includeme(config):
    pass
