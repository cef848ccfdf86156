"""Chinese text for the etiquette check: normalised, split into clauses and jieba words, matched by pattern.

Matching works on words, not characters: a pattern element must start and
end on a word boundary of the text, so "怎么还" is not found in "怎么还款"
(the words are 怎么/还款) and "急什么" is not found in "急着什么时候用".
An element may span several words ("不知道" matches 不/知道), because
jieba splits the same characters differently in different sentences.
Between elements a pattern may allow a few other words ("你自己去看" is
"你自己看"), and fuzzy phrase patterns may miss some of their words.

jieba runs without its HMM guesser: unknown runs then fall into single
characters, which keeps the splitting of a phrase and of a sentence that
contains it consistent. The global dictionary is used unchanged (search
shares it), so no words are added to it here.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

import jieba

jieba.setLogLevel(60)  # jieba logs its dictionary load at INFO on stderr

# Modal particles carry tone, not words ("您好呀" is "您好"). 吗 and 哈 stay:
# 吗 marks a question, 哈 is part of 哈喽 and 哈哈.
PARTICLES = set("啊呀哦呢啦嘛哟吖吧哇噢咯喔嘞哒")
# Words that end in a particle character but are words of their own.
PARTICLE_WORDS = {"干嘛", "酒吧", "网吧", "贴吧", "好啦", "是吧"}
SENTENCE_END = set("。！？!?；;…\n")
CLAUSE_END = set("，,、：:~～—-/|（）()[]【】<>《》")
QUOTES = set("“”‘’\"「」『』")


def normalise(text: str) -> str:
    """Fold width and case; 你 → 您 (politeness is judged by the evaluator, not the matcher), but not in 你们."""
    folded = unicodedata.normalize("NFKC", text or "").lower()
    return re.sub("你(?!们)", "您", folded)


@dataclass
class Clause:
    """A stretch of text between punctuation marks, as words."""

    text: str  # normalised, no punctuation
    words: list[str]
    sentence: str  # the original sentence it belongs to, for quoting
    sentence_index: int
    quoted: bool = False
    question: bool = False  # the sentence ends with a question mark
    # char offset -> word index, for starts and ends of words
    starts: dict[int, int] = field(default_factory=dict)
    ends: dict[int, int] = field(default_factory=dict)


def words_of(text: str) -> tuple[list[str], dict[int, int], dict[int, int]]:
    """jieba words without particles, with the offsets where words start and end."""
    words: list[str] = []
    starts: dict[int, int] = {}
    ends: dict[int, int] = {}
    for word, start, end in jieba.tokenize(text, HMM=False):
        if word.isspace() or word in PARTICLES:
            # Transparent: a match may end after the particle ("人呢") but the word is not counted.
            if words:
                ends[end] = len(words)
            continue
        if len(word) > 1 and word[-1] in PARTICLES and word not in PARTICLE_WORDS and word[:-1] in jieba.dt.FREQ:
            ends[end] = len(words) + 1
            end -= 1
            word = word[:-1]
        starts[start] = len(words)
        words.append(word)
        ends[end] = len(words)
    return words, starts, ends


def _make_clause(raw: str, sentence: str, sentence_index: int, quoted: bool, question: bool) -> Clause | None:
    text = "".join(ch for ch in normalise(raw) if not unicodedata.category(ch).startswith(("P", "S", "Z")))
    if not text:
        return None
    words, starts, ends = words_of(text)
    if not words:
        return None
    return Clause(text, words, sentence.strip(), sentence_index, quoted, question, starts, ends)


@lru_cache(maxsize=4096)
def clauses_of(text: str) -> tuple[Clause, ...]:
    """The clauses of a turn; quoted stretches (menu names, what someone else said) are their own clauses."""
    clauses: list[Clause] = []
    sentences, current = [], ""
    for ch in text or "":
        current += ch
        if ch in SENTENCE_END:
            sentences.append(current)
            current = ""
    if current.strip():
        sentences.append(current)
    for index, sentence in enumerate(sentences):
        question = sentence.rstrip().rstrip("。！!…~～").endswith(("?", "？")) or sentence.rstrip().endswith("吗")
        part, quoted = "", False
        for ch in sentence + "\n":
            if ch in QUOTES or ch in CLAUSE_END or ch in SENTENCE_END:
                clause = _make_clause(part, sentence, index, quoted, question)
                if clause is not None:
                    clauses.append(clause)
                part = ""
                if ch in QUOTES:
                    quoted = ch not in "”’」』" if ch != '"' else not quoted
                continue
            part += ch
    return tuple(clauses)


# -- patterns ---------------------------------------------------------------


@dataclass(frozen=True)
class Element:
    alternatives: tuple[str, ...]  # normalised strings; "re:..." is a regular expression
    optional: bool = False
    gap: int = 0  # other words allowed before this element
    weight: int = field(init=False, default=0)  # characters it stands for, for coverage

    def __post_init__(self):
        plain = [len(a) for a in self.alternatives if not a.startswith("re:")]
        object.__setattr__(self, "weight", min(plain) if plain else 2)

    def may_occur_in(self, text: str) -> bool:
        """A cheap test before the word-by-word one."""
        return any(a.startswith("re:") or a in text for a in self.alternatives)


@dataclass(frozen=True)
class Pattern:
    """Word elements in order. Text form: `祝您 *6 愉快|顺利 ?吗`.

    `a|b` are alternatives, `?x` is optional, `*N` allows N other words
    before the next element, `re:...` is a regular expression that must
    still start and end on word boundaries.
    """

    elements: tuple[Element, ...]
    source: str = ""
    required: int = field(init=False, default=0)  # characters of the elements that are not optional

    def __post_init__(self):
        object.__setattr__(self, "required", sum(e.weight for e in self.elements if not e.optional))

    @classmethod
    def parse(cls, text: str) -> "Pattern":
        elements, gap = [], 0
        for part in text.split():
            if part.startswith("*"):
                gap = int(part[1:])
                continue
            optional = part.startswith("?")
            alternatives = tuple(a if a.startswith("re:") else normalise(a) for a in _alternatives(part.lstrip("?")))
            elements.append(Element(alternatives, optional, gap))
            gap = 0
        return cls(tuple(elements), text)


def _alternatives(part: str) -> list[str]:
    """Split `a|b|re:x(y|z)` at the bars outside brackets (a regular expression keeps its own)."""
    out, current, depth = [], "", 0
    for ch in part:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        if ch == "|" and depth == 0:
            out.append(current)
            current = ""
        else:
            current += ch
    return [*out, current]


@dataclass
class Match:
    start: int  # word index
    end: int
    covered: int  # characters of the pattern found
    total: int  # characters the pattern asked for
    inserted: int  # other words inside the match

    @property
    def coverage(self) -> float:
        return self.covered / self.total if self.total else 1.0


def spans(clause: Clause, alternatives: tuple[str, ...], strict: bool = True) -> list[tuple[int, int]]:
    """Word ranges [a, b) of the clause that spell one of the alternatives.

    Strict: the alternative must start and end on word boundaries. Loose
    (for the polite phrases, where a false find costs little): two or more
    characters may also sit inside a word ("高兴" in "非常高兴").
    """
    found = set()
    for alternative in alternatives:
        if alternative.startswith("re:"):
            found_re = re.finditer(alternative[3:], clause.text)
            occurrences = [(m.start(), m.end()) for m in found_re if m.end() > m.start()]
        else:
            occurrences, at = [], clause.text.find(alternative)
            while at != -1:
                occurrences.append((at, at + len(alternative)))
                at = clause.text.find(alternative, at + 1)
        for start, end in occurrences:
            if start in clause.starts and end in clause.ends:
                found.add((clause.starts[start], clause.ends[end]))
            elif not strict and end - start >= 2:
                first = max(i for offset, i in clause.starts.items() if offset <= start)
                last = min(i for offset, i in clause.ends.items() if offset >= end)
                found.add((first, last))
    return sorted(found)


def match(
    pattern: Pattern,
    clause: Clause,
    may_miss: float = 0.0,
    max_gap: int | None = None,
    strict: bool = True,
    fillers: frozenset[str] | None = None,
) -> Match | None:
    """The best place of `pattern` in `clause`.

    Elements are found in order; between two of them at most `gap` other
    words (the element's own, or `max_gap` for every element). With
    `may_miss` > 0 a share of the pattern's required characters may be
    missing (fuzzy phrase matching); optional elements never count. With
    `fillers`, only those words may sit between elements.
    """
    total = pattern.required
    allowed_missing = may_miss * total
    present = sum(e.weight for e in pattern.elements if not e.optional and e.may_occur_in(clause.text))
    if present < total - allowed_missing:
        return None
    # end word index of the last element found (None: nothing yet) -> (covered, start, inserted, missing)
    states: dict[int | None, tuple[int, int, int, int]] = {None: (0, -1, 0, 0)}
    for element in pattern.elements:
        gap = element.gap if max_gap is None else max(max_gap, element.gap)
        weight = 0 if element.optional else element.weight
        next_states: dict[int | None, tuple[int, int, int, int]] = {}

        def keep(key, value, into=next_states):
            old = into.get(key)
            if old is None or (value[0], -value[2]) > (old[0], -old[2]):
                into[key] = value

        for end, (covered, start, inserted, missing) in states.items():
            if missing + weight <= allowed_missing:
                keep(end, (covered, start, inserted, missing + weight))
            for a, b in spans(clause, element.alternatives, strict):
                if end is None:
                    keep(b, (covered + weight, a, inserted, missing))
                elif end <= a <= end + gap and (fillers is None or all(w in fillers for w in clause.words[end:a])):
                    keep(b, (covered + weight, start, inserted + a - end, missing))
        states = next_states
    best: Match | None = None
    for end, (covered, start, inserted, _missing) in states.items():
        if end is None or (total and not covered):
            continue
        candidate = Match(start, end, covered, total, inserted)
        if best is None or (candidate.coverage, -candidate.inserted) > (best.coverage, -best.inserted):
            best = candidate
    return best


@lru_cache(maxsize=2048)
def compile_pattern(text: str) -> Pattern:
    return Pattern.parse(text)


def phrase_pattern(phrase: str, optional_words=frozenset()) -> Pattern:
    """A pattern from the words of a script phrase (one clause of it); `optional_words` may be left out."""
    text = "".join(ch for ch in normalise(phrase) if not unicodedata.category(ch).startswith(("P", "S", "Z")))
    words, _s, _e = words_of(text)
    elements = tuple(Element((w,), optional=w in optional_words) for w in words)
    return Pattern(elements, phrase)
