"""Languages: Simplified Chinese by default, English second, per-user choice.

Message ids are English. The catalogs are read from the `.po` files at
start-up (no compiled `.mo` files to keep in step), together with the
Chinese catalogs colander and deform ship for their own messages.
"""

import io
from importlib.resources import files
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from pyramid.i18n import Localizer, Translations, TranslationStringFactory
from pyramid.interfaces import ILocalizer

DOMAIN = "cs_handbook"
LOCALES = ("zh_CN", "en")
LOCALE_NAMES = {"zh_CN": "简体中文", "en": "English"}
LOCALE_COOKIE = "_LOCALE_"
LOCALE_DIR = Path(__file__).parent / "locale"

_ = TranslationStringFactory(DOMAIN)

# colander and deform name their Chinese catalogs differently.
_LIBRARY_CATALOGS = {
    "zh_CN": [("colander", "zh_Hans"), ("deform", "zh_CN")],
    "en": [],
}


def load_catalog(locale_name: str, domain: str = DOMAIN) -> Translations:
    """Merge every `.po` file of a locale into one catalog.

    Each area keeps its messages in its own file (`cs_handbook.po`,
    `documents.po` …) so that areas can be worked on side by side.
    """
    merged: Catalog | None = None
    for path in sorted((LOCALE_DIR / locale_name / "LC_MESSAGES").glob("*.po")):
        with path.open("rb") as po:
            catalog = read_po(po, locale=locale_name, domain=domain)
        if merged is None:
            merged = catalog
            continue
        for message in catalog:
            if message.id and message.string:
                merged[message.id] = message
    if merged is None:
        raise FileNotFoundError(f"No .po files for {locale_name} in {LOCALE_DIR}")
    buffer = io.BytesIO()
    write_mo(buffer, merged)
    buffer.seek(0)
    return Translations(buffer, domain=domain)


def build_translations(locale_name: str) -> Translations:
    translations = load_catalog(locale_name)
    for package, library_locale in _LIBRARY_CATALOGS[locale_name]:
        mo_file = files(package) / "locale" / library_locale / "LC_MESSAGES" / f"{package}.mo"
        if mo_file.is_file():
            with mo_file.open("rb") as fp:
                translations.add(Translations(fp, domain=package), merge=False)
    return translations


def negotiate_locale(request) -> str:
    """The account's language, else the language cookie, else the site default."""
    identity = request.identity
    if identity is not None and identity.language in LOCALES:
        return identity.language
    cookie = request.cookies.get(LOCALE_COOKIE)
    if cookie in LOCALES:
        return cookie
    return request.registry.settings["pyramid.default_locale_name"]


def translate(request, msgid, mapping=None) -> str:
    """Translate a message id (or TranslationString) for this request's reader."""
    return request.localizer.translate(_(msgid, mapping=mapping) if isinstance(msgid, str) else msgid)


def includeme(config):
    config.set_locale_negotiator(negotiate_locale)
    for locale_name in LOCALES:
        # Registered up front: Pyramid would otherwise look for .mo files.
        config.registry.registerUtility(Localizer(locale_name, build_translations(locale_name)), ILocalizer,
                                        name=locale_name)
    config.add_request_method(translate, "translate")
