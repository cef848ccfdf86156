"""The automatic etiquette check: what a machine can see in a chat transcript.

It reads the transcript against the published script sets and reports,
each finding with the quoted evidence and the script phrase it matched (or
the named rule it applied):

- a greeting in the agent's first turn, a closing in their last;
- an apology once the customer has shown they are unhappy;
- forbidden wording anywhere the agent speaks, paraphrases included, but
  not where the context makes it innocent (a condition, a reassurance, a
  polite question, a quotation …) — such excuses are reported too;
- the first response within the time limit (60 s by default).

It knows who speaks: agent-side checks read only the agent's turns, the
customer's turns only tell whether an apology was called for, and system
lines and automatic replies count for nobody. Texts are split into clauses
and jieba words (`qa_text`); script phrases match word by word, fuzzily,
so "您好呀，非常高兴为你服务" still is "您好，很高兴为您服务！".
"""

from . import qa_checks
from .qa_scripts import Finding, ScriptPhrase, Turn, checker_for, is_agent, speaker_role

__all__ = ["Finding", "ScriptPhrase", "Turn", "check_transcript", "speaker_role"]


def check_transcript(turns: list[Turn], phrases: list[ScriptPhrase], response_limit_seconds: int = 60) -> list[Finding]:
    checker = checker_for(tuple(phrases))
    agent_turns = [(i, t) for i, t in enumerate(turns) if is_agent(t)]
    findings = [
        qa_checks.greeting(checker, agent_turns),
        qa_checks.closing(checker, agent_turns),
        qa_checks.apology(checker, agent_turns, turns, response_limit_seconds),
    ]
    findings += qa_checks.forbidden(checker, agent_turns)
    if any(t.speaker == "customer" for t in turns) or not agent_turns:
        findings.append(qa_checks.first_response(turns, response_limit_seconds))
    return findings
