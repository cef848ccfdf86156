"""Drill items generated from the structured content — pure functions, no database.

Input is a list of `SourceDoc` (slug, kind, title, front-matter data, version);
output is a list of `ItemSpec`. The generator reads only the front matter keys
of docs/content-format.md: `procedures` (put the steps in order), `facts`
(recall the number), role `duties` (which position has a duty; match four
duties with four positions) and script `situations` (pick the right phrase;
spot the forbidden one).

Items hold content only: the words that frame it on the page ("the right
order", "this is duty 3 of …") are the templates', so they are translated.

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
MATCH_ROLES = 4  # duties (and positions) in a matching item
# Documents whose content is other documents' distractors: when one changes, its kind is regenerated whole.
SHARED_KINDS = ("role", "scripts")


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
                           payload={"choices": shown}, answer={"order": steps}, explanation=""))
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
                           payload={"unit": unit}, answer={"value": value}, explanation=""))
    return items


def duty_items(doc: SourceDoc, role_names: list[str]) -> list[ItemSpec]:
    """One question per duty: which position has it (the choices are position names)."""
    name = role_name(doc)
    items = []
    for number, duty in enumerate(doc.data.get("duties") or (), start=1):
        anchor = f"duty:{number}"
        key = f"{doc.slug}#{anchor}"
        items.append(_spec(doc, anchor, "match-duty-role", prompt=str(duty),
                           payload={"choices": _choices(name, role_names, key), "number": number},
                           answer={"value": name}, explanation=""))
    return items


def matching_items(doc: SourceDoc, duties_by_role: dict[str, list[str]]) -> list[ItemSpec]:
    """One real matching item per role: one of its duties and one each of three other roles, to be matched
    with the four positions. Its paragraph is that duty, so it never comes on the day of that duty's question."""
    name = role_name(doc)
    own = [str(d) for d in doc.data.get("duties") or ()]
    others = sorted(r for r, duties in duties_by_role.items() if r != name and duties)
    if not own or len(others) < MATCH_ROLES - 1:
        return []
    rng = _rng(f"{doc.slug}#duties")
    number = rng.randrange(len(own)) + 1
    pairs = [(own[number - 1], name)] + [(_pick_one(duties_by_role[r], rng), r)
                                          for r in rng.sample(others, MATCH_ROLES - 1)]
    rng.shuffle(pairs)
    roles = sorted(r for _d, r in pairs)
    anchor = f"duty:{number}"
    return [_spec(doc, anchor, "match-duties", prompt=name,
                  payload={"duties": [d for d, _r in pairs], "choices": _shuffled(roles, f"{doc.slug}#roles")},
                  answer={"match": [r for _d, r in pairs]}, explanation="")]


def _pick_one(values: list[str], rng: random.Random) -> str:
    return values[rng.randrange(len(values))]


def role_name(doc: SourceDoc) -> str:
    return str(doc.data.get("position_name") or doc.title)


def situation_items(doc: SourceDoc, phrases_by_situation: dict, forbidden_pool: list[str]) -> list[ItemSpec]:
    """Per situation: pick its right phrase (among a forbidden phrase and phrases of other situations) and
    spot its forbidden phrase (among phrases that are fine)."""
    items = []
    allowed_pool = sorted({p for allowed in phrases_by_situation.values() for p in allowed})
    for situation in doc.data.get("situations") or ():
        anchor = f"situation:{situation['key']}"
        key = f"{doc.slug}#{anchor}"
        phrases = situation.get("phrases") or ()
        allowed = [str(p["text"]) for p in phrases if not p.get("forbidden")]
        forbidden = [p for p in phrases if p.get("forbidden")]
        title = str(situation.get("title") or situation["key"])
        manner = str(situation.get("manner") or "")
        elsewhere = sorted(set(allowed_pool) - set(allowed))  # fine phrases, but for another situation
        if allowed and (forbidden_pool or elsewhere):
            correct = allowed[_rng(key).randrange(len(allowed))]
            items.append(_spec(doc, anchor, "pick-phrase", prompt=title,
                               payload={"manner": manner,
                                        "choices": _mixed_choices(correct, forbidden_pool, elsewhere, key)},
                               answer={"value": correct}, explanation=""))
        if forbidden and allowed_pool:
            # One item per situation: one of its forbidden phrases, explained by its note.
            wrong = forbidden[_rng(key + "/f").randrange(len(forbidden))]
            text = str(wrong["text"])
            items.append(_spec(doc, anchor, "spot-forbidden", prompt=title,
                               payload={"manner": manner, "choices": _choices(text, allowed_pool, key + "/f")},
                               answer={"value": text}, explanation=str(wrong.get("note") or manner)))
    return items


def _mixed_choices(correct: str, forbidden: list[str], elsewhere: list[str], key: str) -> list[str]:
    """The right phrase, one forbidden phrase and phrases of other situations (forbidden ones fill in when
    there are too few): telling the right phrase apart must take more than spotting what is banned."""
    rng = _rng(key + "/distractors")
    wrong_here = sorted(set(forbidden) - {correct})
    picked = rng.sample(wrong_here, min(1, len(wrong_here)))
    others = sorted(set(elsewhere) - {correct} - set(picked))
    picked += rng.sample(others, min(CHOICES - 1 - len(picked), len(others)))
    rest = sorted(set(wrong_here) - set(picked))
    picked += rng.sample(rest, min(CHOICES - 1 - len(picked), len(rest)))
    options = picked + [correct]
    rng.shuffle(options)
    return options


def generate(docs: list[SourceDoc], only_slugs: set[str] | None = None) -> list[ItemSpec]:
    """Every item of `docs` (or of `only_slugs` among them, with the others as distractor pools)."""
    roles = [d for d in docs if d.kind == "role"]
    role_names = sorted({role_name(d) for d in roles})
    duties_by_role = {role_name(d): [str(x) for x in d.data.get("duties") or ()] for d in roles}
    phrases_by_situation: dict[str, list[str]] = {}
    forbidden_pool = []
    for d in docs:
        for situation in d.data.get("situations") or ():
            for p in situation.get("phrases") or ():
                if p.get("forbidden"):
                    forbidden_pool.append(str(p["text"]))
                else:
                    phrases_by_situation.setdefault(f"{d.slug}#{situation['key']}", []).append(str(p["text"]))
    items: list[ItemSpec] = []
    for doc in sorted(docs, key=lambda d: d.slug):
        if only_slugs is not None and doc.slug not in only_slugs:
            continue
        items += procedure_items(doc) + fact_items(doc)
        if doc.kind == "role":
            items += duty_items(doc, role_names) + matching_items(doc, duties_by_role)
        if doc.kind == "scripts":
            items += situation_items(doc, phrases_by_situation, sorted(set(forbidden_pool)))
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
