"""Views of the drill area (filled in by its issue); `includeme` adds its routes."""


def includeme(config):
    pass
