"""The script sets compiled for the etiquette check, and the types its findings are made of.

Polite phrases (greeting, closing, apology) are matched clause by clause,
loosely: a turn says a phrase when it says most of its words and the
clause that carries it (a greeting's opening, a closing's last words, an
apology's apology). Forbidden phrases are matched strictly, on word
boundaries, with the interchangeable words of `qa_rules.FORBIDDEN_THESAURUS`.
"""


import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from rapidfuzz import fuzz

from . import qa_rules as R
from .qa_text import Clause, Match, Pattern, clauses_of, compile_pattern, match, normalise, phrase_pattern

AGENT_SPEAKERS = {"agent", "客服", "staff", "a", "坐席"}
CUSTOMER_SPEAKERS = {"customer", "客户", "client", "c", "user", "用户", "顾客", "买家"}
SYSTEM_SPEAKERS = {"system", "系统", "系统消息", "bot", "robot", "机器人", "s"}

GREETING_SITUATIONS = {"greeting", "phone-opening"}
CLOSING_SITUATIONS = {"closing"}
APOLOGY_SITUATIONS = {"apology"}

PHRASE_THRESHOLD = 75  # share (%) of a script phrase's characters a turn must say
CLAUSE_COVERAGE = 0.7  # of one clause of the phrase, word by word
TYPO_RATIO = 85  # a clause of 5+ characters said with a slip of the keyboard
_AUTO_REPLY = re.compile(R.AUTO_REPLY, re.IGNORECASE)


@dataclass(frozen=True)
class ScriptPhrase:
    situation: str
    text: str
    forbidden: bool = False
    source: str = ""  # slug of the script set document
    source_title: str = ""  # its title
    situation_title: str = ""  # the title of the situation in it


@dataclass(frozen=True)
class Turn:
    speaker: str  # "agent", "customer" or "system"
    at: datetime
    text: str


@dataclass
class Finding:
    check: str  # greeting | closing | apology | forbidden | first_response
    criterion: str  # the scorecard criterion it informs
    ok: bool
    reason: str  # a msgid explaining the decision
    mapping: dict = field(default_factory=dict)
    evidence: str = ""  # the quoted words
    turn: int | None = None
    phrase: str = ""  # the script phrase matched
    source: str = ""  # its script set (slug)
    source_title: str = ""
    situation: str = ""  # its situation in the script set
    situation_title: str = ""
    rule: str = ""  # msgid of the rule applied, when no script phrase decided
    score: int = 0

    def as_dict(self) -> dict:
        return {
            k: getattr(self, k)
            for k in ("check", "criterion", "ok", "reason", "mapping", "evidence", "turn", "phrase", "source",
                      "source_title", "situation", "situation_title", "rule", "score")
        }


def cited(phrase: ScriptPhrase) -> dict:
    """The fields of a finding that name the script phrase it matched."""
    return {"phrase": phrase.text, "source": phrase.source, "source_title": phrase.source_title,
            "situation": phrase.situation, "situation_title": phrase.situation_title}


def speaker_role(raw: str) -> str | None:
    value = unicodedata.normalize("NFKC", raw or "").strip().lower()
    if value in AGENT_SPEAKERS:
        return "agent"
    if value in CUSTOMER_SPEAKERS:
        return "customer"
    if value in SYSTEM_SPEAKERS:
        return "system"
    return None


def is_agent(turn: Turn) -> bool:
    """An agent's own words: not an automatic reply sent in their name."""
    return turn.speaker == "agent" and not _AUTO_REPLY.match(turn.text or "")


# -- compiled script sets ----------------------------------------------------


@dataclass
class PolitePhrase:
    phrase: ScriptPhrase
    clauses: list[tuple[str, Pattern]]  # normalised clause text, its word pattern
    # The clause that must be said for the phrase to count: a greeting opens
    # with it, a closing ends with it, an apology holds the apology word.
    key: int = 0

    @property
    def weight(self) -> int:
        return sum(len(text) for text, _p in self.clauses)


@dataclass
class ForbiddenPhrase:
    phrase: ScriptPhrase
    parts: list[list[Pattern]]  # each part of the phrase, as its variants
    about_self: bool  # "不知道", "没办法": a statement the speaker makes of themselves
    about_rules: bool


def _parts(text: str) -> list[str]:
    return [p for p in re.split(r"[，,。.!！?？；;、…~～\s]+", text) if p.strip()]


def _variants(part: str) -> set[str]:
    variants = {normalise(part)}
    for family in R.FORBIDDEN_THESAURUS:
        for text in list(variants):
            for member in family:
                if normalise(member) in text:
                    variants |= {text.replace(normalise(member), normalise(other)) for other in family}
    return variants


class Checker:
    def __init__(self, phrases: tuple[ScriptPhrase, ...]):
        self.polite: dict[str, list[PolitePhrase]] = {"greeting": [], "closing": [], "apology": []}
        self.forbidden: list[ForbiddenPhrase] = []
        for phrase in phrases:
            if phrase.forbidden:
                parts = [
                    [phrase_pattern(v, R.FUNCTION_WORDS) for v in sorted(_variants(p))] for p in _parts(phrase.text)
                ]
                plain = normalise(phrase.text)
                self.forbidden.append(
                    ForbiddenPhrase(phrase, [p for p in parts if p], "您" not in plain, "规定" in plain)
                )
                continue
            group = next(
                (name for name, situations in (("greeting", GREETING_SITUATIONS), ("closing", CLOSING_SITUATIONS),
                                               ("apology", APOLOGY_SITUATIONS)) if phrase.situation in situations),
                None,
            )
            if group:
                parsed = clauses_of(phrase.text)
                clauses = [(c.text, phrase_pattern(c.text)) for c in parsed]
                if not clauses:
                    continue
                key = {"greeting": 0, "closing": len(clauses) - 1}.get(group)
                if key is None:
                    key = next((i for i, c in enumerate(parsed) if any(rule_hit(r, [c]) for r in R.APOLOGY_RULES)), 0)
                self.polite[group].append(PolitePhrase(phrase, clauses, key))

    # -- the polite phrases: greeting, closing, apology -------------------

    def best_phrase(self, group: str, clauses) -> tuple[PolitePhrase | None, int, str]:
        best, best_score, best_sentence = None, 0, ""
        for candidate in self.polite[group]:
            covered, sentence = 0.0, ""
            for number, (text, pattern) in enumerate(candidate.clauses):
                found = _find_clause(text, pattern, clauses)
                if found is not None:
                    covered += len(text) * found[1]
                    sentence = sentence or found[0].sentence
                elif number == candidate.key:
                    covered = 0
                    break
            score = int(100 * covered / candidate.weight) if candidate.weight else 0
            if score > best_score:
                best, best_score, best_sentence = candidate, score, sentence
        return best, best_score, best_sentence

    def polite_found(self, group: str, rules, text: str, negations: str = "") -> dict | None:
        """How the turn says what `group` asks for: a script phrase, else a rule; None if it does not."""
        clauses = [c for c in clauses_of(text) if not c.quoted]
        phrase, score, sentence = self.best_phrase(group, clauses)
        if phrase is not None and score >= PHRASE_THRESHOLD:
            return {"evidence": sentence, "score": score, **cited(phrase.phrase)}
        for found_rule in rules:
            hit = rule_hit(found_rule, clauses, negations)
            if hit is not None:
                return {"evidence": hit[0].sentence, "rule": found_rule.title, "score": 100}
        return None


def _find_clause(text: str, pattern: Pattern, clauses: list[Clause]) -> tuple[Clause, float] | None:
    """The turn's clause that says this clause of a script phrase, and how much of it (0–1)."""
    best = None
    for clause in clauses:
        found = match(pattern, clause, may_miss=1 - CLAUSE_COVERAGE, max_gap=2, strict=False)
        share = found.coverage if found is not None and found.coverage >= CLAUSE_COVERAGE else 0.0
        if len(text) >= 5:
            ratio = fuzz.partial_ratio(text, clause.text)
            if ratio >= TYPO_RATIO:
                share = max(share, ratio / 100)
        if share and (best is None or share > best[1]):
            best = (clause, share)
    return best


def words_before(clause: Clause, found: Match, n: int) -> list[str]:
    return clause.words[max(0, found.start - n) : found.start]


def any_of(words: list[str], alternatives: str) -> bool:
    """Whether one word, or a few in a row, spell one of the `a|b|c` alternatives."""
    wanted = {normalise(a) for a in alternatives.split("|")}
    return any(
        "".join(words[i:j]) in wanted for i in range(len(words)) for j in range(i + 1, min(len(words), i + 4) + 1)
    )


def rule_hit(found_rule: R.Rule, clauses: list[Clause], negations: str = "") -> tuple[Clause, Match] | None:
    for clause in clauses:
        for text in found_rule.patterns:
            found = match(compile_pattern(text), clause)
            if found is None:
                continue
            if negations and any_of(words_before(clause, found, 2), negations):
                continue
            return clause, found
    return None


@lru_cache(maxsize=16)
def checker_for(phrases: tuple[ScriptPhrase, ...]) -> Checker:
    return Checker(phrases)
