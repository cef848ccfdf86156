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
from pyramid.settings import asbool
from pyramid.threadlocal import get_current_request
from pyramid_jinja2 import Jinja2RendererFactory

from . import navigation
from .i18n import _

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"

# A page shared between readers (the page cache) is rendered with these
# markers where the layout shows per-reader values. They are random per
# process, so no document text can contain one.
CSRF_MARK = f"\x00csrf-{secrets.token_hex(8)}\x00"
NAME_MARK = f"\x00name-{secrets.token_hex(8)}\x00"
# A navigation badge filled in per reader: the marker names the entry's route.
_BADGE_PREFIX = f"\x00badge-{secrets.token_hex(8)}-"
_SHARED = "_render_shared"
# Translated as its punctuation: ": " in English, "：" in Chinese.
LABEL_COLON = _(": ")
_MARKS = re.compile(f"({re.escape(CSRF_MARK)}|{re.escape(NAME_MARK)}|{re.escape(_BADGE_PREFIX)}[^\x00]+\x00)")


class FormRenderer(deform.ZPTRendererFactory):
    """deform's renderer, with one retry of a render whose template failed to compile on a CPython bug.

    On CPython 3.11, compiling a Chameleon template (`ast.parse`) while another thread also builds
    an AST (a waitress thread compiling another template, or formatting a traceback, which parses
    source lines) can fail with "SystemError: AST constructor recursion depth mismatch": the depth
    counter is shared by the threads (python/cpython#106905, malthe/chameleon#361). The template is
    then left uncompiled, and compiling it again succeeds; the render had produced nothing yet.
    """

    def __call__(self, template_name, **kw):
        try:
            return super().__call__(template_name, **kw)
        except SystemError as error:
            if "AST constructor recursion depth mismatch" not in str(error):
                raise
            return super().__call__(template_name, **kw)


class ResolvingRendererFactory(Jinja2RendererFactory):
    """pyramid_jinja2's `.jinja2` renderer, remembering under which name each view's template was found.

    pyramid_jinja2 looks a bare name up first beside the view's package
    (`cs_handbook.views.documents:documents/view.jinja2`), where our templates never are,
    then on the search path. Jinja2 caches the templates it finds, not the names it misses,
    so every render paid for a failed lookup (a stat and an exception): about a twentieth of
    an uncached handbook page. The name that resolved is asked for from then on; Jinja2 still
    reloads a changed file when `pyramid.reload_templates` is on.
    """

    def __call__(self, info):
        renderer = super().__call__(info)
        first_lookup = renderer.template_loader
        resolved: list[str] = []

        def template_loader():
            if resolved:
                return self.environment.get_template(resolved[0])
            template = first_lookup()
            resolved.append(template.name)
            return template

        renderer.template_loader = template_loader
        return renderer


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
    shared = request.__dict__.get(_SHARED)
    if shared is not None:
        event["get_csrf_token"] = lambda: CSRF_MARK
        event["signed_in_name"] = lambda: NAME_MARK
        # A badge the shared page may keep (its key covers it) is drawn; any other is a marker.
        event["nav_badge"] = lambda item: (escape(_BADGE_PREFIX + item["route"] + "\x00")
                                           if item["badged"] and item["route"] not in shared
                                           else navigation.badge_html(request, item["badge"]))
    else:
        event["get_csrf_token"] = lambda: get_csrf_token(request)
        event["signed_in_name"] = lambda: request.identity.display_name if request.identity else ""
        event["nav_badge"] = lambda item: navigation.badge_html(request, item["badge"])
    event["static"] = lambda path: request.static_path(f"{STATIC_DIR}/{path}")
    # "Label: value" in the reader's punctuation: Chinese takes the full-width colon (岗位：…).
    event["colon"] = lambda: request.localizer.translate(LABEL_COLON)


def render_shared(renderer_name: str, value: dict, request, kept_badges=frozenset()) -> tuple:
    """Render a page any reader with the same key may get: literal UTF-8 parts and markers.

    Navigation badges are markers filled in per reader, except those of
    `kept_badges` (routes whose count the caller's key already covers).
    """
    request.__dict__[_SHARED] = frozenset(kept_badges)
    try:
        html = render(renderer_name, value, request=request)
    finally:
        del request.__dict__[_SHARED]
    return tuple(part if _MARKS.fullmatch(part) else part.encode() for part in _MARKS.split(html))


def shared_badges(parts: tuple) -> tuple[str, ...]:
    """The routes of the badges a shared page fills in per reader."""
    return tuple(part[len(_BADGE_PREFIX):-1] for part in parts
                 if isinstance(part, str) and part.startswith(_BADGE_PREFIX))


# A badge's HTML depends only on the language and the count: kept, not translated on every hit.
_badge_html: dict[tuple, bytes] = {}


def _badge_bytes(request, count) -> bytes:
    if not count:
        return b""
    key = (request.locale_name, count)
    found = _badge_html.get(key)
    if found is None:
        found = str(navigation.badge_html(request, count)).encode()
        if len(_badge_html) > 1000:
            _badge_html.clear()
        _badge_html[key] = found
    return found


def fill_shared(parts: tuple, request, badges: dict | None = None) -> bytes:
    """The page of `render_shared` for this reader; `badges` gives the counts (route → count) of
    its badge markers, else they are those of the navigation (`navigation.items_for`)."""
    values = {CSRF_MARK: get_csrf_token(request).encode(),
              NAME_MARK: str(escape(request.identity.display_name)).encode()}

    def value(part: str) -> bytes:
        if part in values:
            return values[part]
        route = part[len(_BADGE_PREFIX):-1]
        if badges is not None:
            count = badges.get(route)
        else:
            count = next((item["badge"] for item in navigation.items_for(request) if item["route"] == route), None)
        return _badge_bytes(request, count)

    return b"".join(value(part) if isinstance(part, str) else part for part in parts)


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
    resolving = ResolvingRendererFactory()
    resolving.environment = env
    config.add_renderer(".jinja2", resolving)
    env.globals["nav_groups"] = navigation.groups_for
    env.globals["LOCALE_NAMES"] = {"zh_CN": "简体中文", "en": "English"}
    env.policies["ext.i18n.trimmed"] = True

    # Templates are read from disk once; deform's default checks each file's time on every render.
    renderer = FormRenderer(deform.Form.default_renderer.loader.search_path, translator=_deform_translator,
                            auto_reload=asbool(settings.get("pyramid.reload_templates", False)))
    deform.Form.set_default_renderer(renderer)

    # Assets are served by the app itself: no CDN, nothing fetched at run time.
    config.add_static_view("static", str(STATIC_DIR), cache_max_age=3600, permission=NO_PERMISSION_REQUIRED)
    config.add_static_view("deform_static", "deform:static", cache_max_age=3600, permission=NO_PERMISSION_REQUIRED)
