"""Services of the qa area (filled in by its issue)."""


def includeme(config):
    pass
