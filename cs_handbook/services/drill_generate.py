"""Drill items generated from the structured content — pure functions, no database.

Input is a list of `SourceDoc` (slug, kind, title, front-matter data, version);
output is a list of `ItemSpec`. The generator reads only the front matter keys
of docs/content-format.md: `procedures` (put the steps in order), `facts`
(recall the number), role `duties` (match a duty to its role) and script
`situations` (pick the right phrase; spot the forbidden one).

Choices are shuffled with a seed taken from the item's key, so generating the
same content twice gives the same items (regeneration can then tell what
really changed by comparing content hashes).
"""

import hashlib
import json
import random
from dataclasses import dataclass, field
from pathlib import Path

import yaml

KIND_FOLDERS = {"handbook": "handbook", "policies": "policy", "roles": "role", "scripts": "scripts"}
CHOICES = 4


@dataclass
class SourceDoc:
    slug: str
    kind: str
    title: str
    data: dict
    version: str = ""


@dataclass
class ItemSpec:
    key: str
    kind: str
    prompt: str
    payload: dict
    answer: dict
    explanation: str
    source_slug: str
    source_kind: str
    source_title: str
    source_version: str
    source_anchor: str
    section: str = ""
    content_hash: str = field(default="")

    def __post_init__(self):
        self.section = self.section or section_of(self.source_slug)
        blob = json.dumps([self.kind, self.prompt, self.payload, self.answer, self.explanation],
                          ensure_ascii=False, sort_keys=True)
        self.content_hash = hashlib.sha256(blob.encode()).hexdigest()[:32]


def section_of(slug: str) -> str:
    """The folder a document sits in (`handbook/basics/x` → `handbook/basics`)."""
    return slug.rsplit("/", 1)[0] if "/" in slug else slug


def data_version(data: dict) -> str:
    """A short hash of a document's front matter, used when no version id is given."""
    return hashlib.sha256(json.dumps(data, ensure_ascii=False, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _rng(key: str) -> random.Random:
    return random.Random(int(hashlib.sha256(key.encode()).hexdigest()[:16], 16))


def _shuffled(values: list, key: str) -> list:
    values = list(values)
    _rng(key).shuffle(values)
    return values


def _choices(correct: str, pool: list[str], key: str) -> list[str]:
    others = sorted({p for p in pool if p != correct})
    rng = _rng(key + "/distractors")
    picked = rng.sample(others, min(CHOICES - 1, len(others)))
    options = picked + [correct]
    rng.shuffle(options)
    return options


def _spec(doc: SourceDoc, anchor: str, kind: str, **fields) -> ItemSpec:
    return ItemSpec(key=f"{doc.slug}#{anchor}:{kind}", kind=kind, source_slug=doc.slug, source_kind=doc.kind,
                    source_title=doc.title, source_version=str(doc.version or data_version(doc.data)),
                    source_anchor=anchor, **fields)


def procedure_items(doc: SourceDoc) -> list[ItemSpec]:
    items = []
    for proc in doc.data.get("procedures") or ():
        steps = [str(s) for s in proc.get("steps") or ()]
        if len(steps) < 2 or len(set(steps)) != len(steps):
            continue  # order questions need distinct steps
        anchor = f"procedure:{proc['key']}"
        shown = _shuffled(steps, f"{doc.slug}#{anchor}")
        if shown == steps:
            shown = steps[1:] + steps[:1]
        items.append(_spec(doc, anchor, "order-steps", prompt=str(proc.get("title") or doc.title),
                           payload={"choices": shown}, answer={"order": steps},
                           explanation="正确顺序：" + " → ".join(steps)))
    return items


def fact_items(doc: SourceDoc) -> list[ItemSpec]:
    items = []
    for fact in doc.data.get("facts") or ():
        value = fact.get("value")
        if not isinstance(value, int | float) or isinstance(value, bool):
            continue
        anchor = f"fact:{fact['key']}"
        unit = str(fact.get("unit") or "")
        items.append(_spec(doc, anchor, "recall-number", prompt=str(fact.get("label") or fact["key"]),
                           payload={"unit": unit}, answer={"value": value},
                           explanation=f"{fact.get('label', '')}：{value}{unit}"))
    return items


def duty_items(doc: SourceDoc, role_names: list[str]) -> list[ItemSpec]:
    name = str(doc.data.get("position_name") or doc.title)
    items = []
    for number, duty in enumerate(doc.data.get("duties") or (), start=1):
        anchor = f"duty:{number}"
        key = f"{doc.slug}#{anchor}"
        items.append(_spec(doc, anchor, "match-duty-role", prompt=str(duty),
                           payload={"choices": _choices(name, role_names, key)}, answer={"value": name},
                           explanation=f"这是「{name}」的第 {number} 项职责。"))
    return items


def situation_items(doc: SourceDoc, allowed_pool: list[str], forbidden_pool: list[str]) -> list[ItemSpec]:
    items = []
    for situation in doc.data.get("situations") or ():
        anchor = f"situation:{situation['key']}"
        key = f"{doc.slug}#{anchor}"
        phrases = situation.get("phrases") or ()
        allowed = [str(p["text"]) for p in phrases if not p.get("forbidden")]
        forbidden = [p for p in phrases if p.get("forbidden")]
        title = str(situation.get("title") or situation["key"])
        manner = str(situation.get("manner") or "")
        if allowed and forbidden_pool:
            correct = allowed[_rng(key).randrange(len(allowed))]
            items.append(_spec(doc, anchor, "pick-phrase", prompt=title,
                               payload={"manner": manner, "choices": _choices(correct, forbidden_pool, key)},
                               answer={"value": correct},
                               explanation=f"「{title}」的要求：{manner}。其余选项是禁用语。"))
        if forbidden and allowed_pool:
            # One item per situation: the first forbidden phrase with its note.
            wrong = forbidden[_rng(key + "/f").randrange(len(forbidden))]
            text = str(wrong["text"])
            items.append(_spec(doc, anchor, "spot-forbidden", prompt=title,
                               payload={"manner": manner, "choices": _choices(text, allowed_pool, key + "/f")},
                               answer={"value": text},
                               explanation=f"「{text}」是禁用语：{wrong.get('note') or manner}"))
    return items


def generate(docs: list[SourceDoc], only_slugs: set[str] | None = None) -> list[ItemSpec]:
    """Every item of `docs` (or of `only_slugs` among them, with the others as distractor pools)."""
    role_names = sorted({str(d.data.get("position_name") or d.title) for d in docs if d.kind == "role"})
    allowed_pool, forbidden_pool = [], []
    for d in docs:
        for situation in d.data.get("situations") or ():
            for p in situation.get("phrases") or ():
                (forbidden_pool if p.get("forbidden") else allowed_pool).append(str(p["text"]))
    items: list[ItemSpec] = []
    for doc in sorted(docs, key=lambda d: d.slug):
        if only_slugs is not None and doc.slug not in only_slugs:
            continue
        items += procedure_items(doc) + fact_items(doc)
        if doc.kind == "role":
            items += duty_items(doc, role_names)
        if doc.kind == "scripts":
            items += situation_items(doc, sorted(set(allowed_pool)), sorted(set(forbidden_pool)))
    return items


def load_folder(root: Path) -> list[SourceDoc]:
    """Read `policies/**/*.md` front matter directly (tests, and sites whose documents are not loaded yet)."""
    docs = []
    for path in sorted(Path(root).rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        if not text.startswith("---"):
            continue
        front = yaml.safe_load(text.split("---", 2)[1]) or {}
        slug = path.relative_to(root).with_suffix("").as_posix()
        kind = KIND_FOLDERS.get(slug.split("/", 1)[0], "handbook")
        docs.append(SourceDoc(slug=slug, kind=kind, title=str(front.get("title", slug)), data=front,
                              version=data_version(front)))
    return docs
