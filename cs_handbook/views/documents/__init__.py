"""Views of the documents area (filled in by its issue); `includeme` adds its routes."""


def includeme(config):
    pass
