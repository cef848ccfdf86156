"""Services of the reports area (filled in by its issue)."""


def includeme(config):
    pass
