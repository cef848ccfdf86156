"""Jinja2 for pages, deform's own templates for form widgets, static assets."""

from pathlib import Path

import deform
from pyramid.csrf import get_csrf_token
from pyramid.events import BeforeRender
from pyramid.i18n import get_localizer
from pyramid.security import NO_PERMISSION_REQUIRED
from pyramid.threadlocal import get_current_request

from . import navigation

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


def _deform_translator(term):
    # deform renders outside Pyramid's view machinery, so it asks the current
    # request for the reader's language.
    request = get_current_request()
    if request is None:
        return term
    return get_localizer(request).translate(term)


def add_renderer_globals(event):
    """Per-request helpers every template may use."""
    request = event.get("request")
    if request is None:
        return
    event["get_csrf_token"] = lambda: get_csrf_token(request)
    event["static"] = lambda path: request.static_path(f"{STATIC_DIR}/{path}")


def includeme(config):
    config.add_subscriber(add_renderer_globals, BeforeRender)
    config.include("pyramid_jinja2")
    config.add_jinja2_renderer(".jinja2")
    settings = config.get_settings()
    settings.setdefault("jinja2.i18n.domain", "cs_handbook")
    config.add_jinja2_search_path("cs_handbook:templates", name=".jinja2")
    config.commit()
    env = config.get_jinja2_environment(".jinja2")
    env.globals["nav_items"] = navigation.items_for
    env.globals["LOCALE_NAMES"] = {"zh_CN": "简体中文", "en": "English"}
    env.policies["ext.i18n.trimmed"] = True

    renderer = deform.ZPTRendererFactory(deform.Form.default_renderer.loader.search_path,
                                         translator=_deform_translator)
    deform.Form.set_default_renderer(renderer)

    # Assets are served by the app itself: no CDN, nothing fetched at run time.
    config.add_static_view("static", str(STATIC_DIR), cache_max_age=3600, permission=NO_PERMISSION_REQUIRED)
    config.add_static_view("deform_static", "deform:static", cache_max_age=3600, permission=NO_PERMISSION_REQUIRED)
