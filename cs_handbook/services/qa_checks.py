"""The five checks of the etiquette check; each finding says what it saw and by which phrase or rule."""

from ..i18n import _
from . import qa_rules as R
from .qa_scripts import Checker, Finding, ForbiddenPhrase, Turn, any_of, cited, is_agent, rule_hit
from .qa_text import Clause, Match, clauses_of, compile_pattern, match

NEVER_WROTE = _("The agent never wrote in this conversation.")


def greeting(checker: Checker, agent_turns) -> Finding:
    if not agent_turns:
        return Finding("greeting", "greeting", False, NEVER_WROTE)
    index, turn = agent_turns[0]
    found = checker.polite_found("greeting", R.GREETING_RULES, turn.text)
    if found:
        return Finding("greeting", "greeting", True, _("Greeting found in the first agent turn."), turn=index, **found)
    return Finding("greeting", "greeting", False, _("No greeting in the first agent turn."), evidence=turn.text,
                   turn=index)


def closing(checker: Checker, agent_turns) -> Finding:
    if not agent_turns:
        return Finding("closing", "closing", False, NEVER_WROTE)
    index, turn = agent_turns[-1]
    found = checker.polite_found("closing", R.CLOSING_RULES, turn.text)
    if found:
        return Finding("closing", "closing", True, _("Closing found in the last agent turn."), turn=index, **found)
    return Finding("closing", "closing", False, _("No closing in the last agent turn."), evidence=turn.text,
                   turn=index)


# -- apology -----------------------------------------------------------------


def unhappy_turn(turns: list[Turn], limit: int) -> tuple[int, str, str] | None:
    """The first customer turn that shows displeasure: (index, the words, the rule that saw it)."""
    waiting_since = None  # the customer's first message no agent has answered yet
    for index, turn in enumerate(turns):
        if is_agent(turn):
            waiting_since = None
        if turn.speaker != "customer":
            continue
        clauses = [c for c in clauses_of(turn.text) if not c.quoted]
        for cue in R.DISSATISFACTION_RULES:
            hit = rule_hit(cue, clauses, R.CUE_NEGATIONS)
            if hit is None:
                continue
            if cue is R.DISSATISFACTION_RULES[-1] and not any(any_of(c.words, R.DAMAGE_CONTEXT) for c in clauses):
                continue  # something broke, but not something that came from us
            return index, hit[0].sentence, cue.title
        if waiting_since is not None and (turn.at - waiting_since).total_seconds() > limit:
            if rule_hit(R.CHASING, clauses) is not None:
                return index, turn.text, R.CHASING.title
        waiting_since = waiting_since or turn.at
    return None


def apology(checker: Checker, agent_turns, turns: list[Turn], limit: int) -> Finding:
    unhappy = unhappy_turn(turns, limit)
    if unhappy is None:
        return Finding("apology", "attitude", True, _("No apology was needed: the customer did not show displeasure."))
    at, words, cue = unhappy
    for index, turn in agent_turns:
        if index < at:
            continue
        found = checker.polite_found("apology", R.APOLOGY_RULES, turn.text, R.APOLOGY_NEGATIONS)
        if found:
            return Finding("apology", "attitude", True,
                           _("The customer was unhappy (“${words}”) and the agent apologised."),
                           mapping={"words": words}, turn=index, **found)
    return Finding("apology", "attitude", False, _("The customer was unhappy and the agent did not apologise."),
                   evidence=words, turn=at, rule=cue)


# -- forbidden wording -------------------------------------------------------


def forbidden(checker: Checker, agent_turns) -> list[Finding]:
    used: list[Finding] = []
    excused: list[Finding] = []
    for index, turn in agent_turns:
        clauses = list(clauses_of(turn.text))
        for phrase in checker.forbidden:
            found = find_forbidden(phrase, clauses)
            if found is None:
                continue
            clause, hit, excuse = found
            details = {"evidence": clause.sentence, "turn": index, "score": int(100 * hit.coverage),
                       **cited(phrase.phrase)}
            if excuse is None:
                used.append(Finding("forbidden", "wording", False, _("Forbidden wording used."), **details))
                break
            if not any(f.turn == index for f in excused):
                excused.append(Finding("forbidden", "wording", True,
                                       _("Looks like forbidden wording, but is not counted:"), rule=excuse, **details))
    if not used:
        used.append(Finding("forbidden", "wording", True, _("No forbidden wording found.")))
    return used + excused


def find_forbidden(phrase: ForbiddenPhrase, clauses: list[Clause]) -> tuple[Clause, Match, str | None] | None:
    """Where the turn says the phrase (every part of it, in order), and the excuse the context gives, if any."""
    first: tuple[int, Match] | None = None
    position = 0
    for part_number, variants in enumerate(phrase.parts):
        found = None
        for at in range(position, len(clauses)):
            hit = _best(variants, clauses[at])
            if hit is not None:
                found = (at, hit)
                break
        if found is None:
            return None
        if part_number == 0:
            first = found
        position = found[0] + (0 if part_number == 0 and len(phrase.parts) == 1 else 1)
    if first is None:  # a phrase of punctuation only ("……") has no parts to find
        return None
    at, hit = first
    return clauses[at], hit, excuse(phrase, clauses, at, hit)


def _best(variants, clause: Clause) -> Match | None:
    best = None
    for pattern in variants:
        hit = match(pattern, clause, may_miss=0.25 if pattern.required >= 5 else 0.0, max_gap=2, fillers=R.FILLER_WORDS)
        if hit is not None and (best is None or hit.coverage > best.coverage):
            best = hit
    return best


def excuse(phrase: ForbiddenPhrase, clauses: list[Clause], at: int, hit: Match) -> str | None:
    """The title of the context that makes the phrase innocent here, or None."""
    clause = clauses[at]
    if clause.quoted:
        return R.QUOTED
    sentence = [c for c in clauses[:at] if c.sentence_index == clause.sentence_index]
    before = [w for c in sentence for w in c.words] + clause.words[: hit.start]
    after = clause.words[hit.end :]
    following = after + [w for c in clauses[at + 1 :] if c.sentence_index == clause.sentence_index for w in c.words]
    rest_of_turn = clauses[at + 1 :]
    if any_of(clause.words[max(0, hit.start - 2) : hit.start], R.NEGATED.patterns[0]):
        return R.NEGATED.title
    if any_of(before, R.HYPOTHETICAL.patterns[0]) or any_of(following[:2], "的话"):
        return R.HYPOTHETICAL.title
    if any_of(following[:3], R.CONCESSIVE.patterns[0]):
        return R.CONCESSIVE.title
    if phrase.about_self and any_of(after[:1], R.ABOUT_CUSTOMER.patterns[0]):
        return R.ABOUT_CUSTOMER.title
    if any_of(after[:2], R.DESCRIPTIVE.patterns[0]):
        return R.DESCRIPTIVE.title
    if any_of(clause.words[: hit.start], R.POLITE.patterns[0]):
        return R.POLITE.title
    if phrase.about_rules and any_of(following + [w for c in rest_of_turn for w in c.words], R.EXPLAINED.patterns[0]):
        return R.EXPLAINED.title
    if phrase.phrase.situation in R.TIME_SITUATIONS:
        later = [clause, *rest_of_turn]
        if any(match(compile_pattern(p), c) for p in R.TIME_GIVEN.patterns for c in later):
            return R.TIME_GIVEN.title
    return None


# -- first response ----------------------------------------------------------


def first_response(turns: list[Turn], limit: int) -> Finding:
    asked = next((i for i, t in enumerate(turns) if t.speaker == "customer"), None)
    if asked is None:
        return Finding("first_response", "timeliness", False, _("The agent never answered the customer."))
    reply = next(((i, t) for i, t in enumerate(turns) if i > asked and is_agent(t)), None)
    if reply is None:
        return Finding("first_response", "timeliness", False, _("The agent never answered the customer."),
                       evidence=turns[asked].text, turn=asked)
    seconds = int((reply[1].at - turns[asked].at).total_seconds())
    automatic = any(t.speaker == "agent" and not is_agent(t) for t in turns[asked + 1 : reply[0]])
    reason = (_("First response after ${seconds} s (limit ${limit} s); the automatic reply does not count.")
              if automatic else _("First response after ${seconds} s (limit ${limit} s)."))
    return Finding("first_response", "timeliness", seconds <= limit, reason,
                   mapping={"seconds": seconds, "limit": limit}, evidence=reply[1].text, turn=reply[0])
