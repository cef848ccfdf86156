"""Jinja2 for pages, deform's own templates for form widgets, static assets."""

import re
import secrets
from pathlib import Path

import deform
from markupsafe import escape
from pyramid.csrf import get_csrf_token
from pyramid.events import BeforeRender
from pyramid.i18n import get_localizer
from pyramid.renderers import render
from pyramid.security import NO_PERMISSION_REQUIRED
from pyramid.threadlocal import get_current_request

from . import navigation
from .i18n import _

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"

# A page shared between readers (the page cache) is rendered with these
# markers where the layout shows per-reader values. They are random per
# process, so no document text can contain one.
CSRF_MARK = f"\x00csrf-{secrets.token_hex(8)}\x00"
NAME_MARK = f"\x00name-{secrets.token_hex(8)}\x00"
_SHARED = "_render_shared"
# Translated as its punctuation: ": " in English, "：" in Chinese.
LABEL_COLON = _(": ")
_MARKS = re.compile(f"({re.escape(CSRF_MARK)}|{re.escape(NAME_MARK)})")


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
    if request.__dict__.get(_SHARED):
        event["get_csrf_token"] = lambda: CSRF_MARK
        event["signed_in_name"] = lambda: NAME_MARK
    else:
        event["get_csrf_token"] = lambda: get_csrf_token(request)
        event["signed_in_name"] = lambda: request.identity.display_name if request.identity else ""
    event["static"] = lambda path: request.static_path(f"{STATIC_DIR}/{path}")
    # "Label: value" in the reader's punctuation: Chinese takes the full-width colon (岗位：…).
    event["colon"] = lambda: request.localizer.translate(LABEL_COLON)


def render_shared(renderer_name: str, value: dict, request) -> tuple:
    """Render a page any reader with the same key may get: literal UTF-8 parts and markers."""
    request.__dict__[_SHARED] = True
    try:
        html = render(renderer_name, value, request=request)
    finally:
        del request.__dict__[_SHARED]
    return tuple(part if part in (CSRF_MARK, NAME_MARK) else part.encode() for part in _MARKS.split(html))


def fill_shared(parts: tuple, request) -> bytes:
    """The page of `render_shared` for this reader."""
    values = {CSRF_MARK: get_csrf_token(request).encode(),
              NAME_MARK: str(escape(request.identity.display_name)).encode()}
    return b"".join(values[part] if isinstance(part, str) else part for part in parts)


def includeme(config):
    config.add_subscriber(add_renderer_globals, BeforeRender)
    config.include("pyramid_jinja2")
    config.add_jinja2_renderer(".jinja2")
    settings = config.get_settings()
    settings.setdefault("jinja2.i18n.domain", "cs_handbook")
    # Compiled templates kept on disk (checked against their source): a new
    # process renders its first pages without compiling every template again.
    settings.setdefault("jinja2.bytecode_caching", "true")
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
