"""Services of the drill area (filled in by its issue)."""


def includeme(config):
    pass
