"""Every message in code and templates has a Simplified Chinese translation.

Messages are extracted with babel and the mapping in `babel.cfg` (the same
as `pybabel extract -F babel.cfg cs_handbook`); each missing one is reported
under the `.po` file that should hold it — the area of the file it came
from (`views/qa/…`, `services/qa_import.py`, `templates/qa/…` → `qa.po`),
the foundation's `cs_handbook.po` otherwise.
"""

import ast
import functools
import re
from collections import defaultdict
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "cs_handbook"
LOCALE_DIR = PACKAGE / "locale"
AREAS = ("documents", "training", "quizzes", "drill", "qa", "reports")
# cs_handbook/<kind>/<area>[_x][.py|/…] belongs to that area.
_AREA_PATH = re.compile(r"^cs_handbook/(?:views|services|schemas|models|resources|scripts|templates|static)/"
                        r"(?P<area>[a-z]+)(?:[_/.]|$)")


def owner_of(path: str) -> str:
    """The .po file that should translate messages found in `path`."""
    match = _AREA_PATH.match(path)
    if match and match["area"] in AREAS:
        return f"{match['area']}.po"
    return "cs_handbook.po"


@functools.cache
def extracted_messages() -> dict[str, set[str]]:
    """msgid -> the files (path:line) it appears in."""
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found: dict[str, set[str]] = defaultdict(set)
    for filename, lineno, message, _comments, _context in extract_from_dir(str(ROOT), method_map, options_map):
        # ngettext gives a tuple (singular, plural); both need translating.
        for msgid in message if isinstance(message, tuple) else (message,):
            if msgid:
                found[msgid].add(f"{filename}:{lineno}")
    return found


def read_catalog(path: Path):
    with path.open("rb") as po:
        return read_po(po, locale=path.parent.parent.name)


def merged_translations(locale: str) -> dict[str, str]:
    merged = {}
    for path in sorted((LOCALE_DIR / locale / "LC_MESSAGES").glob("*.po")):
        for message in read_catalog(path):
            if message.id and message.string and not message.fuzzy:
                merged[message.id if isinstance(message.id, str) else message.id[0]] = message.string
    return merged


def test_owner_of_paths():
    assert owner_of("cs_handbook/views/qa/evaluator.py") == "qa.po"
    assert owner_of("cs_handbook/services/qa_import.py") == "qa.po"
    assert owner_of("cs_handbook/templates/documents/view.jinja2") == "documents.po"
    assert owner_of("cs_handbook/schemas/quizzes.py") == "quizzes.po"
    assert owner_of("cs_handbook/views/admin/accounts.py") == "cs_handbook.po"
    assert owner_of("cs_handbook/templates/layout/base.jinja2") == "cs_handbook.po"
    assert owner_of("cs_handbook/navigation.py") == "cs_handbook.po"


def test_extraction_finds_code_and_template_messages():
    found = extracted_messages()
    assert "Sign in" in found and "Skip to content" in found
    assert any(where.startswith("cs_handbook/templates/") for where in found["Skip to content"])


def _missing_by_owner(found, translated) -> dict[str, list[str]]:
    missing: dict[str, list[str]] = defaultdict(list)
    for msgid, places in sorted(found.items()):
        if msgid not in translated:
            owners = sorted({owner_of(place.rsplit(":", 1)[0]) for place in places})
            for owner in owners:
                missing[owner].append(f"  {msgid!r}  ({', '.join(sorted(places)[:3])})")
    return missing


def test_every_message_has_a_chinese_translation():
    missing = _missing_by_owner(extracted_messages(), merged_translations("zh_CN"))
    if missing:
        report = "\n".join(f"zh_CN/{owner}: {len(lines)} missing\n" + "\n".join(lines)
                           for owner, lines in sorted(missing.items()))
        print(report)
        pytest.fail(f"messages with no zh_CN translation, by .po file:\n{report}")


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_no_msgid_translated_two_ways(locale):
    # One file with the same msgid twice (babel keeps the last) or two area
    # files disagreeing would make the merged catalog depend on file order.
    seen: dict[str, tuple[str, str]] = {}
    clashes = []
    for path in sorted((LOCALE_DIR / locale / "LC_MESSAGES").glob("*.po")):
        text = path.read_text(encoding="utf-8")
        ids = re.findall(r'^msgid "(.+)"$', text, flags=re.M)
        clashes += [f"{path.name}: {msgid!r} appears twice" for msgid in {i for i in ids if ids.count(i) > 1}]
        for message in read_catalog(path):
            if not message.id or not message.string:
                continue
            msgid = message.id if isinstance(message.id, str) else message.id[0]
            earlier = seen.get(msgid)
            if earlier and earlier[1] != message.string:
                clashes.append(f"{msgid!r}: {earlier[0]} says {earlier[1]!r}, {path.name} says {message.string!r}")
            seen.setdefault(msgid, (path.name, message.string))
    assert not clashes, "\n".join(clashes)


def written_strings() -> set[str]:
    """Every string written in the package: Python string constants and quoted strings in templates.

    Some messages are not in a `_()` babel can see: a service keeps a msgid in an error or a constant
    and the page translates it later (`_(error.msgid)`), or a `_()` sits inside another's mapping.
    """
    found = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.add(node.value)
    quoted = re.compile(r'"((?:[^"\\]|\\.)*)"|\'((?:[^\'\\]|\\.)*)\'')
    for path in PACKAGE.rglob("*.jinja2"):
        for match in quoted.finditer(path.read_text(encoding="utf-8")):
            found.add(match[1] if match[1] is not None else match[2])
    return found


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_every_catalog_entry_is_used_somewhere(locale):
    # A message nothing shows any more only misleads whoever translates or rewords it.
    used = set(extracted_messages()) | written_strings()
    unused = []
    for path in sorted((LOCALE_DIR / locale / "LC_MESSAGES").glob("*.po")):
        for message in read_catalog(path):
            msgid = message.id if isinstance(message.id, str) else message.id[0]
            if msgid and msgid not in used:
                unused.append(f"  {path.name}: {msgid!r}")
    assert not unused, f"{locale} catalog entries no code or template uses:\n" + "\n".join(unused)
