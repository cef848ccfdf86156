"""Views, one module or package per area; routes are added by `cs_handbook.routes`."""


def includeme(config):
    config.include(".home")
