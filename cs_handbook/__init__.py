"""cs_handbook: a customer-service handbook and training site.

`main()` is the table of contents of the application: every area owns an
`includeme` and is switched on here, in the order they depend on each other.
"""

from pyramid.config import Configurator

from . import request


def main(global_config, **settings):
    """Return the WSGI application (the paste app factory)."""
    with Configurator(settings=settings) as config:
        # The ini file's [server:main] names the address the first run prints.
        config.registry["config_file"] = (global_config or {}).get("__file__")
        config.include(".settings")
        config.include(".content")
        config.include(".demo")
        config.include(".models")
        config.include(".i18n")
        config.include(".security")
        config.include(".tweens")
        config.include(".services")
        config.include(".templating")
        config.include(".services.documents_cache")
        config.include(".services.quizzes_autosave")
        config.include(".routes")
        config.include(".views")
        config.include(".bootstrap")
        config.scan(".views")
    # Every area has added its request methods by now: they go onto one request class.
    request.install(config.registry)
    return config.make_wsgi_app()
