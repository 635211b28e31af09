"""The cheap stages before spaCy: which sentences could be flagged at all.

A person-reference rule can only flag a sentence that holds some form of
one of its cue lemmas (a contact or person verb, a feeling, a presence
word, a kin noun, "who": ``PersonRule.cues``) in the place where its
evidence needs it, next to a phrase that could be a candidate.
``CueGate`` answers that with set lookups over every surface form the
pipeline's lemmatizer can map to those lemmas (``lemmas.forms``, from the
lemmatizer's own tables) plus WordNet's verb morphology, a few word-order
checks, and the same WordNet decision the candidate stage makes about a
plain head noun ("the customer", "the support team" are never
candidates). Every check is a necessary condition of some evidence
function; ``LintOptions(prefilter=False)`` parses every sentence and is
what the tests hold this stage to (same findings).

Also here: the cheap sentence splitter (each sentence is parsed on its
own, so a sentence without a cue is never parsed), the blanking of chat
speaker tags and line labels before parsing, and the spans of quoted
speech (parsed, never flagged). Nothing here imports spaCy.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Iterable, Iterator, Sequence

from .lazyre import lazy
from .parse import classify_run

if TYPE_CHECKING:  # pragma: no cover
    from .kinds.person import Cues

_QUOTE_RE = lazy(r'"[^"\n]{1,300}"|“[^”\n]{1,300}”|(?<![\w])\'[^\'\n]{3,200}\'(?![\w])')


def quote_masks(text: str) -> list[tuple[int, int]]:
    """Spans of quoted speech or quoted examples: parsed, never flagged."""
    if '"' not in text and "“" not in text and "'" not in text:
        return []  # (every quote the pattern knows opens with one of these)
    return [m.span() for m in _QUOTE_RE.finditer(text)]


_WORD_RUN_RE = lazy(r"\w+")
# A phone number (North American shapes, with or without the area code in brackets): never a
# record the text could mean a person by (``person_evidence._identifier_ok``).
PHONE_RE = lazy(r"(?:\+?1[-. ])?\(?\d{3}\)?[-. /]\d{3}[-. ]\d{4}|\b1-8\d\d-|\d{3}/\d{3}-\d{4}")
# A group head may be a "she" or "he" (``person_evidence._pronoun_refers_back``).
SINGULAR_PERSONAL = frozenset({"he", "she", "him", "her", "his", "hers", "himself", "herself"})


def _is_word_char(c: str) -> bool:
    """``\\w`` for an ASCII character."""
    return c.isalnum() or c == "_"


class _Runs(Sequence[tuple[int, int, str]]):
    """A text's word runs as (start, end, lower-cased word), found on first use: most
    sentences the gate sees are decided from their set of words alone."""

    __slots__ = ("_text", "_runs")

    def __init__(self, text: str) -> None:
        self._text = text
        self._runs: list[tuple[int, int, str]] | None = None

    def of(self, forms: frozenset[str], words: set[str]) -> list[tuple[int, int]]:
        """(start, end) of the runs that are one of ``forms``, in text order (``words``: the set of
        all runs). On ASCII text the few forms present are found with ``str.find`` in the
        lower-cased text (same length, and a form found between two non-word characters is
        exactly a run), without building every run."""
        hits = forms.intersection(words)
        if not hits:
            return []
        text = self._text
        if self._runs is None and text.isascii():
            low = text.lower()
            n = len(low)
            found: list[tuple[int, int]] = []
            for f in hits:
                k = len(f)
                i = low.find(f)
                while i >= 0:
                    if (i == 0 or not _is_word_char(low[i - 1])) and (i + k == n or not _is_word_char(low[i + k])):
                        found.append((i, i + k))
                    i = low.find(f, i + 1)
            found.sort()
            return found
        return [(a, b) for a, b, w in self._all() if w in hits]

    def _all(self) -> list[tuple[int, int, str]]:
        if self._runs is None:
            self._runs = [(m.start(), m.end(), m.group().lower()) for m in _WORD_RUN_RE.finditer(self._text)]
        return self._runs

    def __iter__(self) -> Iterator[tuple[int, int, str]]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())

    def __getitem__(self, i):  # type: ignore[no-untyped-def,override]
        return self._all()[i]


# The characters a case-insensitive pattern matches to an ASCII letter that lower-casing
# does not turn into that letter: "ſ" (long s) matches "s", "ı" and "İ" match "i". A form
# can match with one of them in place of its letter while its first word, lower-cased, is
# not among the text's words (every other character either way: a test checks them all).
_FOLDS_TO_ASCII_RE = lazy("[\u017f\u0131\u0130]")


class Forms:
    """Every surface form of some lemmas: whole-word runs by set lookup, the
    few forms with an apostrophe or hyphen ("'re", "e-mail", "front desk") by regex."""

    def __init__(self, words: Iterable[str], adjectives: Iterable[str] | None = None) -> None:
        """``adjectives``: when given, only these words may count as adjectives too; the
        others are verbs, without the forms only an adjective takes ("caller", "reminder")."""
        from . import lemmas

        allowed = None if adjectives is None else frozenset(w.lower() for w in adjectives)
        forms: set[str] = set()
        self.lemmas: dict[str, set[str]] = {}  # plain form -> the words it is a form of
        for w in words:
            got = lemmas.forms(w, adjective=allowed is None or w.lower() in allowed) | _inflections(w)
            forms.update(got)
            for f in got:
                self.lemmas.setdefault(f, set()).add(w.lower())
        self.plain = frozenset(f for f in forms if _WORD_RUN_RE.fullmatch(f))
        other = sorted((f for f in forms if f not in self.plain), key=len, reverse=True)
        self.other_forms = tuple(other)  # forms with an apostrophe, hyphen or space ("e-mail", "front desk")
        self.other = re.compile(r"(?i)(?<![\w])(?:" + "|".join(map(re.escape, other)) + r")(?![\w])") if other else None
        # A form such as "front desk" or "e-mail" cannot be in a text without its first word run.
        by_first: dict[str, list[str]] = {}
        for f in other:
            m = _WORD_RUN_RE.search(f)
            if m:
                by_first.setdefault(m.group().lower(), []).append(f)
        self.other_first = frozenset(by_first)
        self._by_first = by_first
        self._first_res: dict[str, re.Pattern[str]] = {}
        self.empty = not forms

    def present(self, text: str, words: Iterable[str]) -> bool:
        """Any form in ``text`` (``words``: its lower-cased word runs, best as a set)."""
        if not self.plain.isdisjoint(words):
            return True
        if self.other is None or self.other_first.isdisjoint(words):
            return False
        if _FOLDS_TO_ASCII_RE.search(text):
            return self.other.search(text) is not None
        # Only the forms whose first word run is in the text can be in it: "in" alone
        # does not send a text through all of "brother-in-law", "half-sister" ...
        return any(self._first_re(w).search(text) is not None for w in self.other_first.intersection(words))

    def _first_re(self, first: str) -> re.Pattern[str]:
        """``other`` for the forms whose first word run is ``first``."""
        got = self._first_res.get(first)
        if got is None:
            got = self._first_res[first] = re.compile(r"(?i)(?<![\w])(?:" + "|".join(map(re.escape, self._by_first[first])) + r")(?![\w])")
        return got

    def spans(self, text: str, runs: Sequence[tuple[int, int, str]], words: Iterable[str]) -> Iterator[tuple[int, int]]:
        """Where the forms are in ``text`` (``runs``: its word runs as (start, end, lower-cased);
        ``words``: the set of those words)."""
        if isinstance(runs, _Runs):
            yield from runs.of(self.plain, words)  # type: ignore[arg-type]
        else:
            for a, b, low in runs:
                if low in self.plain:
                    yield a, b
        if self.other is not None and not self.other_first.isdisjoint(words):
            yield from (m.span() for m in self.other.finditer(text))


def _inflections(lemma: str) -> set[str]:
    """Regular inflections WordNet's morphology maps back to ``lemma`` ("texted", "chatting")."""
    w = lemma.lower()
    out = {w, w + "s", w + "es", w + "ed", w + "d", w + "ing"}
    if w.endswith("e"):
        out.update({w[:-1] + "ing", w[:-1] + "ed"})
    if w.endswith("y"):
        out.update({w[:-1] + "ies", w[:-1] + "ied"})
    if len(w) > 2 and w[-1] not in "aeiouwxy":
        out.update({w + w[-1] + "ed", w + w[-1] + "ing"})
    return out


# (Each branch begins with a character and checks the one before it afterwards, so the
# regex engine skips to the places where that character is: the same matches as
# "(?<=\w)(?:'s|’s|'|’)(?!\w)|(?<!\w)(?:his|her|their)(?!\w)", a test checks.)
_POSSESSIVE_RE = lazy(r"(?i)['’](?<=\w['’])(?:s(?!\w)|(?!\w))|h(?<!\wh)(?:is|er)(?!\w)|t(?<!\wt)heir(?!\w)")
_POSSESSIVE_WORDS = frozenset({"his", "her", "their"})


def _word_set_decides(text: str) -> bool:
    """Whether a case-insensitive pattern for whole words, bounded by anything but a word
    character or an apostrophe, matches ``text`` exactly where one of ``lower_words(text)``
    is such a word. With no apostrophe, its bounds are those of a word run; and without "ſ",
    "ı" or "İ" (which such a pattern matches to an ASCII letter and lower-casing does not),
    its words are the lower-cased runs."""
    return "'" not in text and "’" not in text and (text.isascii() or not _FOLDS_TO_ASCII_RE.search(text))


def _has_possessive(text: str, words: set[str]) -> bool:
    """``_POSSESSIVE_RE.search(text)``, from the text's lower-cased word runs where that is the
    same (``_word_set_decides``: with no apostrophe, a match is one of the words)."""
    if _word_set_decides(text):
        return not words.isdisjoint(_POSSESSIVE_WORDS)
    return _POSSESSIVE_RE.search(text) is not None


# What a candidate starts with: an article, a determiner or counting word, a number or an
# identifier, an acronym plural ("MQLs who ...").
# The words a candidate can start with (``person_evidence``'s DEFINITE, GENERIC and COUNTING).
CANDIDATE_STARTS = ("the", "a", "an", "this", "that", "these", "those", "my", "our", "your", "both", "two", "three", "four", "five", "six")
_STARTS = "|".join(CANDIDATE_STARTS)
# A sentence could hold a candidate only if it has one of them or a digit.
CANDIDATE_RE = lazy(r"(?i)(?<![\w'’])(?:" + _STARTS + r")(?![\w'’])|\d")
_CANDIDATE_START_WORDS = frozenset(CANDIDATE_STARTS)
_A_AN = ("a", "an")
_DIGIT_RE = lazy(r"\d")


def may_hold_candidate(text: str, words: set[str]) -> bool:
    """``CANDIDATE_RE.search(text) is not None``, from ``words`` (``lower_words(text)``) where
    that is the same (``_word_set_decides``)."""
    if not _word_set_decides(text):
        return CANDIDATE_RE.search(text) is not None
    return not words.isdisjoint(_CANDIDATE_START_WORDS) or _DIGIT_RE.search(text) is not None


_SUBJECT_MARK_RE = lazy(r"(?i:(?<![\w'’])(?:" + _STARTS + r")(?![\w'’]))|\d|(?<![\w])[A-Z]{2,}s(?![\w])")
# Words that never come between a verb and the object it addresses, or start that object:
# prepositions, and conjunctions that open a clause ("asked whether the fee ...").
_NOT_BEFORE_OBJECT = r"(?!(?i:about|to|for|with|on|in|at|from|of|into|over|by|after|before|up|out|off|down|through|around|regarding|re|whether|if|because|although|unless)(?![\w'’-]))"
# What an object or recipient starts with, right after its verb (a word or two may come
# between: "call back the renewal", "call acct 2208", "call A/C 990-1123"); never "a": people
# addressed are definite.
_OBJECT_AFTER_RE = lazy(r"(?:[ \t\r\n]+" + _NOT_BEFORE_OBJECT + r"[\w'’/-]+){0,2}?[ \t\r\n]+(?:(?i:(?:the|this|that|these|those|both|two|three|four|five|six)(?![\w'’]))|(?i:my|our|your)[ \t]+[\w#-]*\d|[\w#-]*\d)")
# What the object of a preposition starts with when it could be a candidate: an article,
# a determiner, a number or an identifier; "my", "our", "your" only before a time ("my 3pm").
_OBJECT_AFTER_PREP_RE = lazy(r"[ \t\r\n]+(?:(?i:(?:the|a|an|this|that|these|those|both|two|three|four|five|six)(?![\w'’]))|(?i:my|our|your)[ \t]+[\w#-]*\d|(?:[\w./]+[ \t]+(?:(?i:no\.?|number|id|ending|ending in)[ \t]+)?)?\#?[\w#-]*\d|[A-Z]{2,}s?(?![\w'’]))")
# An acronym plural right after a verb: "walked MQLs through".
_ACRONYMS_AFTER_RE = lazy(r"[ \t\r\n]+[A-Z]{2,}s(?![\w'’])")
_PREPOSITIONS = frozenset({"to", "with", "on", "from", "for", "w"})
# A list of phrases: a comma, "and", "or", "&" or a slash between them.
_LISTED_RE = lazy(r"(?i),|&|/|(?<![\w'’])(?:and|or|plus)(?![\w'’])")
_PARTICLES = frozenset({"out", "back", "up"})
_PREPOSITION_AFTER_RE = lazy(r"[ \t]+(?:to|with|on|for|from)(?![\w'’])")


def _after_preposition(text: str, at: int) -> int:
    """Where the object of a preposition right after ``at`` starts ("out| to the X"), or ``at``."""
    m = _PREPOSITION_AFTER_RE.match(text, at)
    return m.end() if m else at


# Two objects after a giving verb: the first (the candidate: a determiner or an identifier,
# then the words of its phrase up to its head, which has no preposition, relative pronoun
# or punctuation in it, but may list modifiers: "the new and old renewals"), then, right
# after its head, the start of the second: "send the renewal a card", "text #4412 the
# link"; not "mailed on 10/12", "sent the label for acct 8868-36 to ..." (``addressee_of``
# wants the second object's first word right after the head).
_GIVING_AFTER_RE = lazy(
    r"[ \t\r\n]+(?:(?i:(?:the|this|that|these|those|my|our|your|both|two|three)(?![\w'’]))|(?:" + _NOT_BEFORE_OBJECT + r"[\w'’-]+[ \t]+)?[\w#-]*\d[\w#/:.-]*)"
    r"(?:[ \t]+" + _NOT_BEFORE_OBJECT + r"(?!(?i:who|which|that|whom)(?![\w'’-]))[\w'’#/:.&-]+){0,8}?"
    r"[ \t]+(?:(?i:a|an|the|some|our|my|your|his|her|their|both)(?![\w'’])|\$?\d)"
)
_BE_BEFORE_RE = lazy(r"(?i)(?<![\w'’])(?:is|are|was|were|be|been|being|am|'s|’s|wait|waits|waiting|waited|sit|sits|sitting|stand|stands|standing|hold|holding)(?:[ \t]+[\w'’]+)?[ \t]+$")
_PLACE_BEFORE_RE = lazy(r"(?i)(?<![\w'’])(?:in|at|on)(?:[ \t]+[\w'’-]+){0,3}?[ \t]+$")
# The word before a verb that says its subject is a pronoun, or that it is a noun ("an email").
_PRONOUN_SUBJECT_RE = lazy(r"(?i)(?<![\w'’])(?:i|you|we|they|he|she|it|who|which|that)(?:[ \t]+(?:will|would|can|could|should|may|might|must|shall|do|does|did|also|just|then|not|never|still|always|often|usually|already|has|have|had))*[ \t]+$|(?:'ll|’ll|'d|’d|'ve|’ve)[ \t]+$")
# A preposition right before a word makes it a noun ("over email", "on leave", "of contact");
# not "to", which may start an infinitive the subject still governs ("wants to call").
_NOUN_OR_PREPOSITION_BEFORE_RE = lazy(
    r"(?i)(?<![\w'’-])(?:over|via|by|in|on|with|for|of|from|about|into|through|per|during|under|without|upon|"
    r"a|an|the|your|our|my|his|her|their|its|this|that|each|every|any|no)[ \t]+$"
)
_NOUN_BEFORE_RE = lazy(r"(?i)(?<![\w'’])(?:a|an|the|your|our|my|his|her|their|its|this|that|each|every|any|no)[ \t]+$")


# How far back the patterns anchored at a cue look (they end at the cue; a few words).
_LOOKBACK = 80
# How many words may come between a word and the partner it counts with ("spoke at length with").
_WITH_WINDOW = 8


# A bare verb form right after a noun phrase that starts with a determiner is a noun ("the
# PIP email", "a 20 min call", "the on-call engineer"): a singular subject takes "calls",
# "called" or an auxiliary ("the renewal will call"), a plural one ends in -s ("two MQLs call").
_DET_PHRASE_BEFORE_RE = lazy(
    r"(?i)(?:^|(?<=[^\w'’]))(?P<pre>[\w'’]+[ \t]+)?(?:the|a|an|this|that|your|our|my|his|her|their|its|each|every|any|no)"
    r"(?:[ \t]+[\w'’:.-]+){0,2}?[ \t]+$"
)
_NOT_NOUN_BEFORE = frozenset({
    "do", "does", "did", "will", "would", "can", "could", "should", "may", "might", "must", "shall", "to",
    "just", "also", "still", "then", "never", "always", "often", "already", "now", "again", "please", "not",
    "didn't", "doesn't", "don't", "won't", "can't", "couldn't", "wouldn't", "shouldn't",
})


def _bare_noun_use(text: str, start: int) -> bool:
    """Whether the bare cue form at ``start`` follows a determiner phrase as its head noun."""
    m = _DET_PHRASE_BEFORE_RE.search(text, max(0, start - _LOOKBACK), start)
    if m is None:
        return False
    words = text[m.start() : start].split()
    last = words[-1].lower() if words else ""
    pre = (m.group("pre") or "").strip().lower()
    if pre in _NOT_NOUN_BEFORE and pre != "to":
        return False  # "Did the 2pm call?" (but "to the billing contact": "to" takes a noun phrase)
    return not (last.endswith("s") and len(words) > 1) and last not in _NOT_NOUN_BEFORE


# The noun phrase right before a verb, when it is plainly its subject: a determiner at the
# start of a clause, up to three lower-case words, the head, maybe an adverb or auxiliary.
_FUNCTION = (
    r"(?:the|a|an|this|that|these|those|my|our|your|his|her|their|its|of|from|to|for|in|on|at|with|by|about|into|over|after|"
    r"before|and|or|but|who|whom|whose|which|what|as|than|if|when|not|no|is|are|was|were|be|been|has|have|had|do|does|did)(?![\w'’-])"
)
_NP_WORD = r"(?!" + _FUNCTION + r")[a-z][a-z'’-]*"
_NP_MODIFIER = r"(?!(?i:" + _FUNCTION + r"))[A-Za-z][\w'’-]*"
_SUBJECT_NP_RE = lazy(
    r"(?:^|(?<=[^\w'’-]))(?P<det>(?i:the|a|an|this|that|these|those|my|our|your))[ \t]+(?:" + _NP_MODIFIER + r"[ \t]+){0,3}?"
    r"(?P<head>" + _NP_WORD + r")[ \t]+(?:(?i:just|also|still|already|then|never|not|always|often|usually|again|really|will|would|can|"
    r"could|should|may|might|must|did|does|do|has|have|had|is|are|was|were|been)[ \t]+)*$"
)
_CLAUSE_OPENERS = frozenset({
    "and", "but", "or", "so", "then", "if", "when", "whenever", "because", "while", "since", "once", "after", "before",
    "until", "whether", "although", "though", "as", "unless", "where", "that", "once",
})
# The noun phrase after a verb or preposition: a determiner, up to three lower-case words and
# the head, which ends at punctuation, the end, or a function word.
_OBJECT_NP_RE = lazy(
    r"[ \t\r\n]+(?i:the|this|that|these|those|both|a|an)[ \t]+(?:" + _NP_WORD + r"[ \t]+){0,3}?(?P<head>" + _NP_WORD + r")"
    r"(?=[ \t]*(?:[.,;:!?)\]]|$)|[ \t]+(?:of|to|for|in|on|at|with|about|and|or|that|who|whom|which|if|when|before|after|until|by|"
    r"from|as|so|because|but|while|whether|into|via|through|back|today|tomorrow|now|again|asap|please)(?![\w'’]))"
)


# How many words a candidate phrase may run before its verb ("The 4pm collection from
# yesterday called") or before "who" ("the upgrade who").
_SUBJECT_WINDOW = 8
_WHO_WINDOW = 5
_MARK_WORD_RE = lazy(r"(?i:" + _STARTS + r")|[\w#-]*\d[\w#-]*|[A-Z]{2,}s")
_CLAUSE_BREAK = frozenset(".;:!?")
# Markup and punctuation around a word ("`the", "(the", "**two").
_MARK_PUNCT = ",()[]{}<>\"'“”‘’`*_~"


# A possessive right before a kin noun, a word or two between: "the renewal's (new) wife",
# "and his wife"; the owner, when it is a plain word ("the customer's wife": never a candidate).
_KIN_OWNER_RE = lazy(r"(?:(?P<owner>[A-Za-z][\w-]*)?(?:'s|’s|'|’)|(?<![\w'’])(?i:his|her|their))(?:[ \t]+[\w'’-]+){0,2}?[ \t]+$")


def _mark_near(text: str, start: int, window: int = _SUBJECT_WINDOW) -> bool:
    """Whether something that could start a candidate (an article, a determiner, a number,
    an acronym plural) is among the ``window`` words before ``start``, in the same clause,
    and the word right before is not "please" (an imperative has no subject)."""
    left = text[max(0, start - _LOOKBACK * 2) : start]
    cut = max(left.rfind(ch) for ch in _CLAUSE_BREAK)
    if cut >= 0:
        left = left[cut + 1 :]
    # the digits of a phone number start no candidate ("at (290) 555-0422 and left a voicemail")
    left = PHONE_RE.sub(" ", left)
    words = left.split()[-window:]
    if words and words[-1].lower() == "please":
        return False
    return any(_MARK_WORD_RE.fullmatch(w.strip(_MARK_PUNCT)) for w in words)


def _word_before(text: str, at: int) -> str | None:
    """The plain lower-case word right before ``at`` ("customers" in "customers who"), or None."""
    m = re.search(r"(?<![\w'’-])(" + _NP_WORD + r")[ \t]+$", text[max(0, at - 40) : at])
    return m.group(1) if m else None


def _plain_subject_head(text: str, start: int) -> str | None:
    """The head of the noun phrase that is plainly the subject of the verb at ``start``, or None."""
    m = _SUBJECT_NP_RE.search(text, max(0, start - _LOOKBACK), start)
    if m is None:
        return None
    before = text[: m.start("det")].rstrip()
    last = before.rsplit(None, 1)[-1].lower() if before else ""
    if before and before[-1] not in ".,;:!?([\"“—–-" and last not in _CLAUSE_OPENERS:
        return None  # "the renewal from the bank called": the phrase may belong to another word
    return m.group("head")


class CueGate:
    """``passes(text)`` is False only when no parse of ``text`` could give any
    evidence for the rules the gate was built for (see ``PersonRule.cues``).

    A form of a verb whose *subject* the candidate would be counts after
    something that could start a candidate (an article, a determiner, a
    number) in the same clause and a few words back, unless its own subject
    is a pronoun ("you want to"), it is a noun ("an email", "over email",
    "the PIP email") or an imperative ("please call"). A verb whose *object*
    the candidate would be counts right before one ("call the renewal", not
    "asked about the dashboard"); a giving verb only before two objects
    ("send the renewal a card"). "here" counts after a form of *be* or
    *wait*, "lobby" after *in*, *at* or *on*. Some words count only with a
    partner after them ("apologized ... to the refund", "let ... know"),
    predicate nouns only after a linking verb and "a", kin nouns only right
    after a possessive. A cue whose phrase is plainly a person, team or
    system ("The customer asked", "reach out to the support team") does not
    count: ``never_head`` decides it as the candidate stage would."""

    def __init__(self, cues: "Cues") -> None:
        self.after = Forms(cues.after, adjectives=cues.adjectives)
        self.after_bare = frozenset(w.lower() for w in cues.after)  # the lemmas themselves: "call", "email", "want"
        # A form of verbs that each count only with a partner word: the partners ("shows": "up", the places).
        self.after_partners: dict[str, frozenset[str]] = {}
        for form, of in self.after.lemmas.items():
            if all(w in cues.partners for w in of):
                self.after_partners[form] = frozenset().union(*(cues.partners[w] for w in of))
        self.before = Forms(cues.before, adjectives=())
        self.giving = Forms(cues.giving, adjectives=())
        self.through = Forms(cues.through, adjectives=())
        self.words = frozenset(w.lower() for w in cues.words)
        self.adverbs = frozenset(cues.presence_adverbs)
        self.places = frozenset(cues.presence_places)
        self.with_word = {w.lower(): Forms(lemmas) for w, lemmas in cues.with_word.items()}
        self._with_words = frozenset(self.with_word)
        self.never_head = cues.never_head
        self.predicate_nouns = Forms(cues.predicate_nouns)
        self.linking = Forms(cues.linking)
        self._kin_words = cues.kin
        self._kin: Forms | None = None
        # Every word some cue below needs in the sentence, one of which each cue needs (the
        # kin nouns need a possessive, a predicate noun "a" or "an" and a linking verb too): a
        # sentence with none of them, no possessive and no predicate noun so placed passes
        # nothing. A cue with a partner word needs a form of its verb, which is much rarer
        # than its partner ("to", "for", "up").
        needed: set[str] = set(self.words | self.adverbs | self.places)
        for forms in (self.after, self.before, self.giving, self.through, *self.with_word.values()):
            needed |= forms.plain | forms.other_first
        self._needed = frozenset(needed)

    def _predicate_noun_may_count(self, present: set[str]) -> bool:
        """What the predicate-noun cue below needs among the words: a predicate noun, "a" or
        "an", and a linking verb."""
        return not self.linking.empty and not self.predicate_nouns.plain.isdisjoint(present) and not present.isdisjoint(_A_AN) \
            and not self.linking.plain.isdisjoint(present)

    @property
    def kin(self) -> Forms:
        """The kin nouns' forms, built on first need (a possessive in a sentence)."""
        if self._kin is None:
            self._kin = Forms(self._kin_words())
        return self._kin

    def _never(self, head: str | None, she: bool) -> bool:
        """Whether a head noun is never a candidate of any rule (a person, team, system ...).
        ``she``: the text has a "she", "he", "her" or "his", which a group head may be."""
        return head is not None and self.never_head is not None and self.never_head(head, she=she)

    def _object_never(self, text: str, end: int, she: bool) -> bool:
        """Whether the noun phrase right after ``end`` ("call the team", "to the customer") is plainly
        one whose head is never a candidate."""
        m = _OBJECT_NP_RE.match(text, end)
        return m is not None and self._never(m.group("head"), she)

    def passes(self, text: str) -> bool:
        """Whether ``text`` holds something some evidence needs, where it needs it."""
        return self.reason(text) is not None

    def admits(self, text: str) -> bool:
        """``passes(text)`` and ``CANDIDATE_RE.search(text)``: what the cheap stage asks of a
        segment or sentence. The candidate test goes first, from the word set both use."""
        present = lower_words(text)
        return may_hold_candidate(text, present) and self.reason(text, present) is not None

    def reason(self, text: str, present: set[str] | None = None) -> str | None:
        """The cue that lets ``text`` through (a few words, for ``explain``), or None.
        ``present``: ``lower_words(text)``, when the caller has it."""
        if present is None:
            present = lower_words(text)
        if present.isdisjoint(self._needed) and not self._predicate_noun_may_count(present) and not _has_possessive(text, present):
            return None
        runs = _Runs(text)  # (start, end, lower-cased) of each word, built on first need
        she = not present.isdisjoint(SINGULAR_PERSONAL)
        after = self.after.present(text, present)
        words = not self.words.isdisjoint(present)
        adverbs_or_places = not self.adverbs.isdisjoint(present) or not self.places.isdisjoint(present)
        # (what comes after a subject mark is looked for only if some such word is here)
        mark = _SUBJECT_MARK_RE.search(text) if after or words or adverbs_or_places else None
        if mark is not None:
            if after:
                for start, end in _verb_spans(self.after, text, runs, present):
                    partners = self.after_partners.get(text[start:end].lower())
                    if partners is not None and partners.isdisjoint(present):
                        continue  # "the module still shows error 500": "show" counts only as "show up"
                    if start >= mark.end() and _mark_near(text, start) and not _NOUN_OR_PREPOSITION_BEFORE_RE.search(text, max(0, start - _LOOKBACK), start) \
                            and not _PRONOUN_SUBJECT_RE.search(text, max(0, start - _LOOKBACK), start) \
                            and not (text[start:end].lower() in self.after_bare and _bare_noun_use(text, start)) and not self._never(_plain_subject_head(text, start), she):
                        return f"'{text[start:end]}' after '{mark.group()}'"
            if words:
                for m in _WORD_RUN_RE.finditer(text, mark.end()):
                    if m.group().lower() in self.words and _mark_near(text, m.start(), _WHO_WINDOW) and not self._never(_word_before(text, m.start()), she):
                        return f"'{m.group()}' after '{mark.group()}'"
            if adverbs_or_places:
                for m in _WORD_RUN_RE.finditer(text, mark.end()):
                    w = m.group().lower()
                    if (w in self.adverbs and _BE_BEFORE_RE.search(text, max(0, m.start() - _LOOKBACK), m.start())) or (w in self.places and _PLACE_BEFORE_RE.search(text, max(0, m.start() - _LOOKBACK), m.start())):
                        return f"'{m.group()}' (somebody present somewhere)"
        if self.before.present(text, present):
            for start, end in _verb_spans(self.before, text, runs, present):
                if _OBJECT_AFTER_RE.match(text, end) and not _NOUN_BEFORE_RE.search(text, max(0, start - _LOOKBACK), start) and not self._object_never(text, end, she):
                    return f"'{text[start:end]}' before an object"
        if "through" in present and self.through.present(text, present):
            for start, end in _verb_spans(self.through, text, runs, present):
                # "walked the stop payment through": its object right after it, "through" a few words on
                if (_OBJECT_AFTER_RE.match(text, end) or _ACRONYMS_AFTER_RE.match(text, end)) and not _NOUN_BEFORE_RE.search(text, max(0, start - _LOOKBACK), start) \
                        and not self._object_never(text, end, she) \
                        and any(m.group().lower() == "through" and len(_WORD_RUN_RE.findall(text, end, m.start())) <= _WITH_WINDOW for m in _WORD_RUN_RE.finditer(text, end)):
                    return f"'{text[start:end]}' before an object and 'through'"
        if self.giving.present(text, present):
            for start, end in _verb_spans(self.giving, text, runs, present):
                if _GIVING_AFTER_RE.match(text, end):
                    return f"'{text[start:end]}' before two objects"
        for w, forms in self.with_word.items() if not self._with_words.isdisjoint(present) else ():
            if w in present and forms.present(text, present):
                # The word comes after its partner, a few words on: "apologized to",
                # "spoke at length with", "let the transfer know".
                places = [a for a, _ in runs.of(frozenset((w,)), present)]
                if w in _PREPOSITIONS:
                    # the candidate follows the preposition: "apologized to the refund", not "to your manager"
                    places = [p for p in places if _OBJECT_AFTER_PREP_RE.match(text, p + len(w)) and not self._object_never(text, p + len(w), she)]
                elif w in _PARTICLES:
                    # "reach out to the renewal": the candidate follows the preposition after the particle
                    places = [p for p in places if _OBJECT_AFTER_PREP_RE.match(text, _after_preposition(text, p + len(w))) and not self._object_never(text, _after_preposition(text, p + len(w)), she)]
                for a, b in _verb_spans(forms, text, runs, present):
                    near = [p for p in places if p >= b and len(_WORD_RUN_RE.findall(text, b, p)) <= _WITH_WINDOW]
                    if w == "know":
                        if not (_OBJECT_AFTER_RE.match(text, b) or _OBJECT_AFTER_PREP_RE.match(text, b)):
                            continue  # "let us know": no candidate after "let"
                        # "let the transfer know": the candidate is the subject of "know", its head
                        # the word before it unless subjects are listed ("let the onboarding team
                        # know": a team; "let the renewal and the broker know": either)
                        near = [p for p in near if _LISTED_RE.search(text, b, p) or not self._never(_word_before(text, p), she)]
                    if near:
                        return f"'{text[a:b]}' with '{w}'"
        if self.predicate_nouns.present(text, present) and not self.linking.empty:
            # "is a lovely lady": a linking verb, "a" or "an", then the noun.
            low = [r[2] for r in runs]
            for i, w in enumerate(low):
                if w in ("a", "an") and any(x in self.linking.plain for x in low[max(0, i - 2) : i]):
                    for j in range(i + 1, min(len(runs), i + 4)):
                        if low[j] in self.predicate_nouns.plain:
                            return f"'{text[runs[j][0]:runs[j][1]]}' after a linking verb and '{w}'"
        if _has_possessive(text, present) and self.kin.present(text, present):
            for a, b in self.kin.spans(text, runs, present):
                m = _KIN_OWNER_RE.search(text, max(0, a - 60), a)
                if m is not None and not (m.group("owner") and self._never(m.group("owner").lower(), she)):
                    return f"'{text[a:b]}' after a possessive"  # "the renewal's wife", "acct 2201-77 and his wife"
        return None


def lower_words(text: str) -> set[str]:
    """The lower-cased word runs of ``text``: ``set(map(str.lower, _WORD_RUN_RE.findall(text)))``,
    found in the lower-cased text when that is the same (lower-casing keeps each character
    one character and a word character a word character, which a test checks for every
    code point; "İ" becomes two, and only a capital sigma's lower case depends on what
    follows it). About a quarter faster on prose."""
    low = text.lower()
    if len(low) == len(text) and "Σ" not in text:
        return set(_WORD_RUN_RE.findall(low))
    return set(map(str.lower, _WORD_RUN_RE.findall(text)))


def _verb_spans(forms: "Forms", text: str, runs: Sequence[tuple[int, int, str]], present: Iterable[str]) -> Iterator[tuple[int, int]]:
    """Where a verb cue's forms are in ``text``, leaving out those inside a hyphenated word."""
    for a, b in forms.spans(text, runs, present):
        if not in_merged_word(text, a, b):
            yield a, b


_HYPHENATED_RE = lazy(r"#?[A-Za-z]+(?:-[A-Za-z]+)+")
# The brackets, quotes and marks around a word that the tokenizer always splits off as
# tokens of their own (not an apostrophe: "'re", "nothin'"; not a full stop: "s.", "co.";
# not a colon or semicolon: ":)").
_RUN_OPENERS = frozenset('([{"“')
_RUN_CLOSERS = frozenset(',)]}"”!?')


def in_merged_word(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is part of a hyphenated word ("on-call", "follow-up",
    "check-in") or a chat channel's name ("#ask-people-team"), which the parse stage
    merges into one token (``parse.MergePlan``): there it is never a word of its own, so
    never the verb or the word some evidence reads.

    The word is the run of characters between spaces, less the brackets and marks
    around it that are always tokens of their own, as ``MergePlan`` builds its runs
    from the tokens. Only letters and hyphens count (a run with digits may take a label
    word and merge differently); anything else in the run keeps the cue. A test checks
    the answer against the parse on generated words."""
    if text[start - 1 : start] != "-" and text[end : end + 1] != "-":
        return False
    a, b = start, end
    while a > 0 and not text[a - 1].isspace():
        a -= 1
    while b < len(text) and not text[b].isspace():
        b += 1
    a0, b0 = a, b
    while a < start and text[a] in _RUN_OPENERS:
        a += 1
    while b > end and text[b - 1] in _RUN_CLOSERS:
        b -= 1
    # Each bracket or quote must be a token of its own: at most two, and no repeat
    # (the tokenizer keeps "''" and "..." whole, and a run does not stop before those).
    head, tail = text[a0:a], text[b:b0]
    if len(head) > 2 or len(tail) > 2 or len(set(head)) < len(head) or len(set(tail)) < len(tail):
        return False
    run = text[a:b]
    return _HYPHENATED_RE.fullmatch(run) is not None and classify_run(run) == "hyphen"


# Sentence ends: . ! ? (and closing quotes or brackets), space, then a capital; or, as terse
# notes write, a word of three letters or more or a number, ". ", and a lower-case word
# ("no dial tone on line 2. spoke w/ #88213").
_SENT_END_RE = lazy(r"[.!?]+[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z])|(?:(?<=[a-z]{3})|(?<=\d))[.!?][ \t]+(?=[a-z]+\b)|\n[ \t]*\n\s*")
_ABBREV_RE = lazy(
    r"(?i)(?:^|[^\w.])(?:mr|mrs|ms|mx|dr|prof|st|sr|jr|rev|gen|capt|col|lt|sgt|hon|fr|vs|etc|approx|appt|acct|accts|dept|est|no|nos|"
    r"inc|ltd|co|corp|bros|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|"
    r"tel|ext|ref|fig|figs|vol|ch|sec|pp|ave|blvd|rd|mt|ft|hr|hrs|min|mins|max|att|attn|cf|viz|al|[a-z]|(?:[a-z]\.)+[a-z])\.$"
)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Cheap sentence split for the parse stage: (start, end) offsets that cover ``text``.

    Cuts after . ! ? followed by a capital (not after "Mr.", "e.g.", "acct."
    or an initial), after a longer word or a number and a full stop followed by a
    lower-case word (terse notes: "... on line 2. spoke w/ ..."), and at blank lines. Each piece is tagged and parsed on
    its own, so a sentence with no cue is never parsed.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SENT_END_RE.finditer(text):
        if m.group(0)[0] == "." and _ABBREV_RE.search(text, max(0, m.start() - 12), m.start() + 1):
            continue
        spans.append((start, m.end()))
        start = m.end()
    if start < len(text) or not spans:
        spans.append((start, len(text)))
    return spans


_SPEAKER_RE = lazy(r"(?m)^[ \t]*(?:\[[^\]\n]{1,25}\][ \t]*|\d{1,2}:\d{2}(?::\d{2})?[ \t]+)[\w .'-]{1,30}:[ \t]")
_LABEL_RE = lazy(r"(?im)^[ \t]*(?:note|notes|update|fyi|edit|ps|internal note|summary|next steps?|outcome|resolution|status|action|issue)[ \t]*:[ \t]")


# No-break spaces ("&nbsp;" in HTML, U+00A0 typed or pasted, the figure and narrow ones):
# spaces to the parser, which otherwise makes each a token of its own inside a phrase.
_NO_BREAK_SPACES = {0xA0: " ", 0x2007: " ", 0x202F: " "}
# C1 control characters (U+0080-U+009F) in text are windows-1252 bytes that were read as
# Latin-1 somewhere upstream (an export, a mail gateway): "doesn\x92t" is "doesn’t". Each
# is read as its windows-1252 character (a space where that code page has none).
_C1_RE = lazy("[\x80-\x9f]")
_C1_AS_CP1252 = {b: (bytes([b]).decode("cp1252", "replace").replace("\ufffd", " ")) for b in range(0x80, 0xA0)}
_SPACES_AND_C1 = {**_NO_BREAK_SPACES, **_C1_AS_CP1252}


def parse_text(text: str) -> str:
    """Text as the parser should see it: chat speaker tags ("[09:14] dana: ") and
    line labels ("Note: ") blanked, no-break spaces as spaces, C1 control characters
    as the windows-1252 characters they stand for; same length."""
    colon = ":" in text  # (a speaker tag and a line label both end with one; the translation adds none)
    if colon:
        text = _SPEAKER_RE.sub(lambda m: " " * len(m.group(0)), text)
    if "\xa0" in text or "\u2007" in text or "\u202f" in text or _C1_RE.search(text):
        text = text.translate(_SPACES_AND_C1)
    return _LABEL_RE.sub(lambda m: " " * len(m.group(0)), text) if colon else text


def speaker_starts(text: str) -> list[int]:
    """Offsets where a chat message starts (after its speaker tag)."""
    return [m.end() for rx in (_SPEAKER_RE, _LABEL_RE) for m in rx.finditer(text)]


_LINE_START_RE = lazy(r"\n[ \t]*(?=\S)")


def line_starts(text: str) -> list[int]:
    """Offsets where a line starts (after its indentation). In a record's text field a
    line break is one the writer typed (a ticket note, a chat line), not a wrap."""
    return [m.end() for m in _LINE_START_RE.finditer(text)]


_DIGIT_RE = lazy(r"\d")


def requires_digit(pattern: str) -> bool:
    """True when no match of ``pattern`` can lack a digit (``\\d``); False when unsure.

    Walks the parsed regex: a literal digit, a class of digits only, a repeat
    of at least one of those, a group or every branch of an alternation that
    requires one. Lookarounds and anything unusual count as "not required",
    so the answer errs toward trying the regex.
    """
    try:
        from re import _parser as sre_parse  # type: ignore[attr-defined]
    except ImportError:  # Python 3.10
        import sre_parse  # type: ignore[no-redef]
    try:
        return _seq_requires_digit(sre_parse.parse(pattern))
    except Exception:  # noqa: BLE001 - a parser internals change: just try the regex
        return False


def _seq_requires_digit(seq: Iterator[tuple[object, object]]) -> bool:
    for op, av in seq:
        name = str(op)
        if name == "LITERAL":
            if _DIGIT_RE.fullmatch(chr(av)):  # type: ignore[arg-type]
                return True
        elif name == "IN":
            if av and all(_class_item_is_digit(str(o), v) for o, v in av):  # type: ignore[union-attr]
                return True
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            lo, _, sub = av  # type: ignore[misc]
            if lo >= 1 and _seq_requires_digit(sub):
                return True
        elif name == "SUBPATTERN":
            if _seq_requires_digit(av[-1]):  # type: ignore[index]
                return True
        elif name == "ATOMIC_GROUP":
            if _seq_requires_digit(av):  # type: ignore[arg-type]
                return True
        elif name == "BRANCH":
            if av[1] and all(_seq_requires_digit(b) for b in av[1]):  # type: ignore[index]
                return True
    return False


def _class_item_is_digit(op: str, value: object) -> bool:
    if op == "LITERAL":
        return _DIGIT_RE.fullmatch(chr(value)) is not None  # type: ignore[arg-type]
    if op == "RANGE":
        return ord("0") <= value[0] and value[1] <= ord("9")  # type: ignore[index]
    if op == "CATEGORY":
        return str(value) == "CATEGORY_DIGIT"
    return False
