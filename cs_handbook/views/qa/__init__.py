"""Views of the qa area (filled in by its issue); `includeme` adds its routes."""


def includeme(config):
    pass
