"""The automatic etiquette check: what a machine can see in a chat transcript.

It reads the agent's turns against the published script sets and reports,
each with the quoted evidence and the script it matched:

- a greeting in the first agent turn, a closing in the last;
- an apology when the customer is unhappy;
- forbidden wording anywhere the agent speaks;
- the first response within the time limit (60 s by default).

Matching tolerates small variations: texts are normalised (full/half width,
case, spaces, punctuation) and compared with rapidfuzz's partial ratio and
with the share of the phrase's jieba words found in the turn, so "您好呀，
很高兴为你服务" still counts as "您好，很高兴为您服务".
"""

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime

from rapidfuzz import fuzz

from ..i18n import _

AGENT_SPEAKERS = {"agent", "客服", "staff", "a"}
CUSTOMER_SPEAKERS = {"customer", "客户", "client", "c", "user", "用户"}

GREETING_SITUATIONS = {"greeting", "phone-opening"}
CLOSING_SITUATIONS = {"closing"}
APOLOGY_SITUATIONS = {"apology"}

# Words by which a customer shows they are unhappy; an apology is then expected.
DISSATISFACTION_WORDS = (
    "投诉",
    "不满",
    "太慢",
    "怎么还没",
    "怎么还",
    "生气",
    "差评",
    "失望",
    "太差",
    "凭什么",
    "搞什么",
    "等了",
    "一直没",
    "还没到",
    "没人管",
    "服务态度",
    "太过分",
    "怎么回事",
    "碎了",
    "坏了",
    "气死",
    "什么态度",
    "耽误",
)
# The words every apology is built on, beside the script sets' own phrases.
APOLOGY_MARKERS = ("抱歉", "对不起", "不好意思", "久等", "添麻烦", "理解您的心情", "带来不便")
# Clauses too common to show a greeting or a closing by themselves.
GENERIC_CLAUSES = {"好的", "请坐", "请问", "是的", "您"}

FUZZY_THRESHOLD = 80
CLAUSE_THRESHOLD = 85
SHORT_PHRASE = 4  # phrases this short must appear literally: fuzzy matches of 3 characters are noise
FORBIDDEN_GAP = 4  # how many extra characters a short forbidden phrase may be spread over
CLAUSE_PUNCTUATION = "，,。.!！?？；;、…~～:："
CLAUSE_SPLIT = re.compile(f"[{re.escape(CLAUSE_PUNCTUATION)}\\s]+")
# "您那边没办法上网" speaks of the customer's side, not a refusal.
CUSTOMER_SIDE = ("您", "您那边", "您这边", "如果您")
# The families every closing belongs to, beside the script sets' own phrases.
CLOSING_PATTERNS = [
    re.compile(p)
    for p in (
        r"祝您.{0,6}(愉快|顺利|兴隆|康复|健康|快乐|平安)",
        r"感谢您的(来电|咨询|耐心|支持|理解|配合|信任)",
        r"还有(其他|别的|什么).{0,8}吗",
        r"随时(联系|找|来电|咨询)",
        r"再见|拜拜|慢走",
    )
]


@dataclass(frozen=True)
class ScriptPhrase:
    situation: str
    text: str
    forbidden: bool = False
    source: str = ""  # slug of the script set document


@dataclass(frozen=True)
class Turn:
    speaker: str  # "agent" or "customer"
    at: datetime
    text: str


@dataclass
class Finding:
    check: str  # greeting | closing | apology | forbidden | first_response
    criterion: str  # the scorecard criterion it informs
    ok: bool
    reason: str  # a msgid explaining the decision
    mapping: dict = field(default_factory=dict)
    evidence: str = ""
    turn: int | None = None
    phrase: str = ""
    source: str = ""
    score: int = 0

    def as_dict(self) -> dict:
        return {
            k: getattr(self, k)
            for k in ("check", "criterion", "ok", "reason", "mapping", "evidence", "turn", "phrase", "source", "score")
        }


def speaker_role(raw: str) -> str | None:
    value = (raw or "").strip().lower()
    if value in AGENT_SPEAKERS:
        return "agent"
    if value in CUSTOMER_SPEAKERS:
        return "customer"
    return None


# Modal particles carry tone, not words ("您好呀" is "您好"); 你 and 您 differ
# only in politeness, which the attitude criterion judges, not the matcher.
_PARTICLES = str.maketrans({ch: None for ch in "呀啊哦呢哈啦嘛哟吖吧"})
_VARIANTS = str.maketrans({"你": "您"})


def normalise(text: str) -> str:
    """Fold width and case, drop spaces, punctuation and modal particles."""
    folded = unicodedata.normalize("NFKC", text).lower().translate(_PARTICLES).translate(_VARIANTS)
    return "".join(ch for ch in folded if not (ch.isspace() or unicodedata.category(ch).startswith(("P", "S"))))


def clauses(phrase: str) -> list[str]:
    """The clauses of a script phrase, normalised: "您好，很高兴为您服务！" → ["您好", "很高兴为您服务"]."""
    parts = (normalise(part) for part in CLAUSE_SPLIT.split(phrase))
    return [p for p in parts if len(p) >= 2 and p not in GENERIC_CLAUSES]


def clause_score(clause: str, text: str) -> int:
    t = normalise(text)
    if clause in t:
        return 100
    if len(clause) <= SHORT_PHRASE:
        return 0
    return int(fuzz.partial_ratio(clause, t))


def best_clause(phrases: list[ScriptPhrase], text: str, extra=()) -> tuple[ScriptPhrase | None, str, int]:
    """The script phrase one of whose clauses the turn contains best (a turn rarely says a whole phrase)."""
    best, best_clause_text, best_score = None, "", 0
    candidates = [(phrase, clause) for phrase in phrases for clause in clauses(phrase.text)]
    candidates += [(ScriptPhrase("apology", marker), marker) for marker in extra]
    for phrase, clause in candidates:
        score = clause_score(clause, text)
        if score > best_score:
            best, best_clause_text, best_score = phrase, clause, score
    return best, best_clause_text, best_score


def forbidden_score(phrase: str, text: str) -> int:
    """How surely `text` uses the forbidden `phrase`.

    A short phrase may be spread over a few more characters within one clause
    ("不归我们部门管" is "不归我管"), but not when it is said of or to the
    customer politely ("不知道您是否方便", "如果您那边没办法上网"). A long
    phrase is matched as a whole.
    """
    p = normalise(phrase)
    if not p:
        return 0
    if len(p) > SHORT_PHRASE + 2:
        return int(fuzz.partial_ratio(p, normalise(text)))
    # Punctuation is kept here: it separates clauses, and "不知道，您…" is
    # not the polite "不知道您…".
    folded = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text).lower().translate(_VARIANTS))
    # A phrase written with a pause in it ("喂，干嘛") may span one.
    spans_clauses = any(ch in CLAUSE_PUNCTUATION for ch in phrase.strip(CLAUSE_PUNCTUATION))
    gap = f".{{0,{FORBIDDEN_GAP}}}" if spans_clauses else f"[^{re.escape(CLAUSE_PUNCTUATION)}]{{0,{FORBIDDEN_GAP}}}"
    pattern = gap.join(re.escape(ch) for ch in p)
    for match in re.finditer(pattern, folded):
        if len(match.group()) - len(p) > FORBIDDEN_GAP:
            continue
        before = folded[: match.start()]
        if folded[match.end() : match.end() + 1] == "您" or before.endswith(CUSTOMER_SIDE):
            continue
        return 100
    return 0


def check_transcript(turns: list[Turn], phrases: list[ScriptPhrase], response_limit_seconds: int = 60) -> list[Finding]:
    agent_turns = [(i, t) for i, t in enumerate(turns) if t.speaker == "agent"]
    customer_turns = [(i, t) for i, t in enumerate(turns) if t.speaker == "customer"]
    of = lambda situations: [p for p in phrases if p.situation in situations and not p.forbidden]  # noqa: E731
    if not agent_turns:
        unanswered = _("The agent never wrote in this conversation.")
        return [
            Finding("greeting", "greeting", False, unanswered),
            Finding("closing", "closing", False, unanswered),
            _apology([], customer_turns, []),
            Finding("forbidden", "wording", True, _("No forbidden wording found.")),
            Finding("first_response", "timeliness", False, _("The agent never answered the customer.")),
        ]
    findings = []
    first_index, first = agent_turns[0]
    findings.append(
        _presence(
            "greeting",
            "greeting",
            of(GREETING_SITUATIONS),
            first_index,
            first,
            _("Greeting found in the first agent turn."),
            _("No greeting in the first agent turn."),
        )
    )
    last_index, last = agent_turns[-1]
    findings.append(
        _presence(
            "closing",
            "closing",
            of(CLOSING_SITUATIONS),
            last_index,
            last,
            _("Closing found in the last agent turn."),
            _("No closing in the last agent turn."),
            CLOSING_PATTERNS,
        )
    )
    findings.append(_apology(agent_turns, customer_turns, of(APOLOGY_SITUATIONS)))
    findings.extend(_forbidden(agent_turns, [p for p in phrases if p.forbidden]))
    if customer_turns:
        findings.append(_first_response(turns, response_limit_seconds))
    return findings


def _presence(check, criterion, phrases, index, turn, found_msg, missing_msg, patterns=()) -> Finding:
    phrase, clause, score = best_clause(phrases, turn.text)
    found = phrase is not None and score >= CLAUSE_THRESHOLD
    if not found:
        folded = unicodedata.normalize("NFKC", turn.text).translate(_VARIANTS)
        hit = next((m for m in (p.search(folded) for p in patterns) if m), None)
        if hit is not None:
            return Finding(
                check, criterion, True, found_msg, evidence=turn.text, turn=index, phrase=hit.group(), score=100
            )
    return Finding(
        check,
        criterion,
        found,
        found_msg if found else missing_msg,
        evidence=turn.text,
        turn=index,
        phrase=phrase.text if phrase else "",
        source=phrase.source if phrase else "",
        score=score,
    )


def _apology(agent_turns, customer_turns, phrases) -> Finding:
    for index, turn in agent_turns:
        phrase, clause, score = best_clause(phrases, turn.text, extra=APOLOGY_MARKERS)
        if phrase is not None and score >= CLAUSE_THRESHOLD:
            return Finding(
                "apology",
                "attitude",
                True,
                _("Apology wording used."),
                evidence=turn.text,
                turn=index,
                phrase=phrase.text,
                source=phrase.source,
                score=score,
            )
    unhappy = next(((i, t) for i, t in customer_turns if any(w in t.text for w in DISSATISFACTION_WORDS)), None)
    if unhappy is not None:
        return Finding(
            "apology",
            "attitude",
            False,
            _("The customer was unhappy and the agent did not apologise."),
            evidence=unhappy[1].text,
            turn=unhappy[0],
        )
    return Finding("apology", "attitude", True, _("No apology was needed."))


def _forbidden(agent_turns, phrases) -> list[Finding]:
    findings = []
    for index, turn in agent_turns:
        for phrase in phrases:
            score = forbidden_score(phrase.text, turn.text)
            if score >= FUZZY_THRESHOLD:
                findings.append(
                    Finding(
                        "forbidden",
                        "wording",
                        False,
                        _("Forbidden wording used."),
                        evidence=turn.text,
                        turn=index,
                        phrase=phrase.text,
                        source=phrase.source,
                        score=score,
                    )
                )
                break
    if not findings:
        findings.append(Finding("forbidden", "wording", True, _("No forbidden wording found.")))
    return findings


def _first_response(turns, limit) -> Finding:
    first_customer = next(i for i, t in enumerate(turns) if t.speaker == "customer")
    reply = next(((i, t) for i, t in enumerate(turns) if i > first_customer and t.speaker == "agent"), None)
    if reply is None:
        return Finding(
            "first_response",
            "timeliness",
            False,
            _("The agent never answered the customer."),
            evidence=turns[first_customer].text,
            turn=first_customer,
        )
    seconds = int((reply[1].at - turns[first_customer].at).total_seconds())
    ok = seconds <= limit
    return Finding(
        "first_response",
        "timeliness",
        ok,
        _("First response after ${seconds} s (limit ${limit} s)."),
        mapping={"seconds": seconds, "limit": limit},
        evidence=reply[1].text,
        turn=reply[0],
    )
