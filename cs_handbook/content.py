"""Content as files: the registry of loaders and exporters the `content` CLI runs.

Each area registers, with `config.add_content_handler(...)`, how it loads
its part of `policies/` or `training/` and how it writes it back. Loading
is idempotent; exporting writes the canonical form, so load → export
reproduces the files byte for byte.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from translationstring import TranslationString

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONTENT_DIRS = {"policies": PROJECT_ROOT / "policies", "training": PROJECT_ROOT / "training"}


class Problem(str):
    """A conflict or error of a load: reads as English text, and keeps its translatable `message`
    so the CLI can print it in the reader's language (`translated`)."""

    message: TranslationString

    def __new__(cls, message: TranslationString):
        problem = super().__new__(cls, _resolve(message, None))
        problem.message = message
        return problem


def _resolve(message: TranslationString, localizer) -> str:
    # translationstring does not translate the translation strings inside a mapping itself.
    mapping = {k: _resolve(v, localizer) if isinstance(v, TranslationString) else v
               for k, v in (message.mapping or {}).items()}
    if localizer is None:
        return TranslationString(message, mapping=mapping).interpolate()
    return localizer.translate(TranslationString(message, mapping=mapping))


def translated(line: str, localizer) -> str:
    """A report line in the localizer's language (a plain string stays as it is)."""
    message = getattr(line, "message", None)
    return str(line) if message is None else _resolve(message, localizer)


@dataclass
class ContentReport:
    """What a load did; printed as the command's summary."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    conflicts: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def merge(self, other: "ContentReport") -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.conflicts += other.conflicts
        self.errors += other.errors


@dataclass(frozen=True)
class ContentHandler:
    name: str
    folder: str  # "policies" or "training"
    load: Callable[[Any, Path, Any], ContentReport]  # load(request, folder, progress)
    export: Callable[[Any, Path, Any], int]  # export(request, folder, progress) -> files written
    order: int = 100


def add_content_handler(config, name, folder, load, export, order=100):
    handlers = config.registry.setdefault("content_handlers", [])
    handlers.append(ContentHandler(name, folder, config.maybe_dotted(load), config.maybe_dotted(export), order))
    handlers.sort(key=lambda h: h.order)


def content_handlers(registry) -> list[ContentHandler]:
    return list(registry.get("content_handlers", ()))


def includeme(config):
    config.add_directive("add_content_handler", add_content_handler)
