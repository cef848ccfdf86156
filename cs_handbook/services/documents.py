"""Services of the documents area (filled in by its issue)."""


def includeme(config):
    pass
