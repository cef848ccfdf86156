"""Services of the training area (filled in by its issue)."""


def includeme(config):
    pass
