"""Suggestions: who the customer is, and how to refer to them.

Given a finding's matched text and the unit's customer name, build the
replacement phrases a reporter shows (and a future ``--fix`` applies).
Never invents a name: without one it falls back to a person phrase.

:func:`customer_from_text` finds the customer's name in the text itself when
no name field gives it, by a few conservative rules (a greeting in a message
to the customer, a signature in a message from the customer, a "Customer:"
label in a note); sources call it, and a wrong name being worse than "the
customer", it returns None whenever it is unsure.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from .lazyre import lazy

NAME_STYLES = ("full", "first", "title-last")
_TITLES = ("mr", "mrs", "ms", "miss", "mx", "dr", "prof")


@dataclass(frozen=True)
class Customer:
    """A customer's name split into the parts suggestions use."""

    full: str
    first: str
    last: str
    title: str | None = None

    @classmethod
    def parse(cls, name: str | None) -> "Customer | None":
        """Split a display name; None for an empty or missing name."""
        if not name or not name.strip():
            return None
        words = name.split()
        title = None
        if words and words[0].rstrip(".").lower() in _TITLES and len(words) > 1:
            title = words[0] if words[0].endswith(".") else words[0] + "."
            words = words[1:]
        if title and len(words) == 1:
            # "Ms. Garcia": the surname alone is no way to refer to someone.
            titled = f"{title} {words[0]}"
            return cls(full=titled, first=titled, last=words[0], title=title)
        return cls(full=" ".join(words), first=words[0], last=words[-1], title=title)

    def styled(self, style: str) -> str:
        """The name in one of NAME_STYLES (title-last needs a known title)."""
        if style == "first":
            return self.first
        if style == "title-last" and self.title:
            return f"{self.title} {self.last}"
        return self.full


def _match_case(phrase: str, original: str, sentence_start: bool) -> str:
    if sentence_start and original[:1].isupper() and phrase[:1].islower():
        return phrase[0].upper() + phrase[1:]
    return phrase


def person_phrases(
    matched: str,
    *,
    customer: str | None,
    plural: bool,
    count_word: str | None,
    sentence_start: bool,
    templates: dict[str, list[str]],
    name_style: str = "full",
) -> tuple[str, ...]:
    """Replacement phrases for a person reference, best first."""
    cust = Customer.parse(customer)
    out: list[str] = []
    if plural:
        for tpl in templates.get("plural", ["the customers"]):
            phrase = tpl.replace("{count}", count_word or "the")
            out.append(_match_case(phrase, matched, sentence_start))
    elif cust is not None:
        out.append(cust.styled(name_style))
        for tpl in templates.get("with-name", []):
            phrase = tpl.format(full=cust.full, first=cust.first, last=cust.last, title=cust.title or "")
            if phrase.strip() and phrase not in out and "{" not in tpl.replace("{full}", "").replace("{first}", "").replace("{last}", "") and not (cust.title is None and "{title}" in tpl):
                out.append(phrase)
    else:
        for tpl in templates.get("without-name", ["the customer"]):
            out.append(_match_case(tpl, matched, sentence_start))
    seen: list[str] = []
    for phrase in out:
        if phrase not in seen:
            seen.append(phrase)
    return tuple(seen)


# --- the customer's name from the text itself -----------------------------------------

TEXT_KINDS = ("email-inbound", "email-outbound", "reply", "note")

# Words that never name one person: generic addressees, teams, departments,
# company suffixes, form values ("Customer: Unknown") and line openers.
_NOT_NAME_WORDS = frozenset(
    """
    team teams all everyone everybody anyone someone there folks guys gals people yall y'all both
    friend friends colleague colleagues customer customers client clients sir sirs madam mesdames
    valued member members user users partner partners again world hiring manager managers admin
    administrator support billing sales finance accounts account legal ops operations engineering
    dev devs it hr service services desk helpdesk department dept office group crew squad committee
    board care success center centre unit reception info enquiries inquiries claims grants returns
    orders payments collections licensing compliance underwriting dispatch logistics recruitment
    admissions facilities maintenance security procurement purchasing marketing management
    concierge helpline hotline inc ltd llc llp plc gmbh ag sa sarl bv co corp corporation company
    limited pty holdings international global solutions systems technologies tech labs networks
    software consulting agency foundation trust council ministry bank branch store shop hotel
    hotels school university owner tenant landlord resident occupant patient applicant holder
    policyholder cardholder caller agent anonymous unknown none n/a na tbd tbc same email e-mail
    phone chat web online yes no ok okay self withheld private redacted various multiple other
    household family spouse husband wife partner son daughter mother father parent guardian new
    existing returning business residential premium standard gold silver personal
    morning afternoon evening night day thanks thank regards best cheers sent get download
    confidential note please sorry hope sure great perfect hello hi hey dear greetings
    monday tuesday wednesday thursday friday saturday sunday january february march april may june
    july august september october november december
    """.split()
)
# Lower-case particles allowed between the capitalised words of a name ("Ana de Souza").
_PARTICLES = frozenset("de da do dos das del della di du van von der den la le bin ibn al el ter ten y".split())
_TITLE_WORD = lazy(r"(?i)(mr|mrs|ms|miss|mx|dr|prof)\.?")
_NAME_WORD = lazy(r"[^\W\d_]+(?:['\u2019\-][^\W\d_]+)*")
_INITIAL = lazy(r"[^\W\d_]\.")

_GREETING = lazy(
    r"[ \t]*(?i:hi|hello|hey|hiya|dear|greetings|good\s+(?:morning|afternoon|evening)|morning|afternoon|evening)"
    r"[ \t]+(?P<name>[^,!:;\n\u2013\u2014]{1,80}?)[ \t]*(?:[,!:;\u2013\u2014]|[ \t]-|$)",
    re.MULTILINE,
)
_CLOSING = lazy(
    r"[ \t]*(?:thanks(?:\s+(?:again|so\s+much|a\s+lot|in\s+advance|for\s+[^\n]{1,60}?))?"
    r"|thank\s+you(?:\s+(?:again|so\s+much|very\s+much|in\s+advance|for\s+[^\n]{1,60}?))?"
    r"|many\s+thanks|cheers|best|best\s+regards|best\s+wishes|kind\s+regards|warm\s+regards|warmest\s+regards"
    r"|warmly|regards|sincerely|yours\s+sincerely|yours\s+faithfully|yours\s+truly|sincerely\s+yours"
    r"|all\s+the\s+best|respectfully|take\s+care|thx|--)[ \t]*[,.!]?[ \t]*$",
    re.IGNORECASE,
)
_LABEL = lazy(
    r"^[ \t>*_\-\u2022]*(?:\*\*|__)?"
    r"(?:customer|client|caller|contact|requester|requestor|account[ \t]+holder|policy[ \t]*holder|cardholder|member)"
    r"(?:[ \t]+(?:name|person))?"
    r"(?:\*\*|__)?[ \t]*:(?:\*\*|__)?[ \t]*(?:\*\*|__)?(?P<value>[^\n]*)",
    re.IGNORECASE | re.MULTILINE,
)
# Where a label's value stops: punctuation, an e-mail address, or a gap left by HTML tags.
_VALUE_END = lazy(r"[,;(\[<|/\u2013\u2014*]|[ \t]-[ \t]|\t|[ \t]{2,}")
# After a signature's name line, at most this many further lines (job title, company, phone).
_MAX_SIGNATURE_TAIL = 4


def _fold(word: str) -> str:
    """Case- and accent-insensitive form of a word, for comparing names."""
    return "".join(c for c in unicodedata.normalize("NFKD", word.casefold()) if not unicodedata.combining(c))


def personal_name(value: str, *, min_words: int = 1, max_words: int = 3) -> str | None:
    """``value`` as a personal name ("Maria Garcia", "Ms. Garcia", "Ana de Souza"), or None.

    A name is an optional title and 1 to 3 capitalised words (not all
    capitals, no digits), with lower-case particles and middle initials
    allowed between them; a word that names a team, a company or a generic
    addressee ("team", "Support", "Ltd", "customer") rules it out. A title
    counts as a word for ``min_words``.
    """
    words = value.strip().rstrip(".").split()
    if not words:
        return None
    title = None
    title_match = _TITLE_WORD.fullmatch(words[0])
    if title_match and len(words) > 1:
        title = title_match.group(1).capitalize() + "."
        words = words[1:]
    names: list[str] = []
    for index, word in enumerate(words):
        inner = 0 < index < len(words) - 1
        if inner and word in _PARTICLES:
            names.append(word)
            continue
        if inner and _INITIAL.fullmatch(word) and word[0].isupper():
            names.append(word)
            continue
        if not _NAME_WORD.fullmatch(word) or len(word) < 2:
            return None
        if not word[0].isupper() or word.isupper():
            return None
        if _fold(word) in _NOT_NAME_WORDS or word.casefold() in _NOT_NAME_WORDS:
            return None
        names.append(word)
    count = sum(1 for w in names if w not in _PARTICLES and not _INITIAL.fullmatch(w))
    if count > max_words or count + (1 if title else 0) < min_words:
        return None
    return " ".join(([title] if title else []) + names)


def same_person(a: str, b: str) -> bool:
    """True if two names share a name word (case- and accent-insensitive, titles ignored)."""
    def words(name: str) -> set[str]:
        return {_fold(w) for w in name.replace(".", " ").split() if len(w) > 1 and _fold(w) not in _TITLES and w not in _PARTICLES}

    return bool(words(a) & words(b))


def _greeting_name(text: str) -> str | None:
    """The name in a greeting on the first non-blank line ("Hi Maria," -> "Maria")."""
    stripped = text.lstrip()
    first_line = stripped.split("\n", 1)[0]
    match = _GREETING.match(first_line)
    if match is None:
        return None
    return personal_name(match.group("name"))


def _signature_name(text: str) -> str | None:
    """The name on the line after the last closing ("Thanks,\\nMaria Garcia"), if the message ends soon after."""
    lines = [line.strip() for line in text.splitlines()]
    lines = [line for line in lines if line]
    closings = [i for i, line in enumerate(lines) if _CLOSING.fullmatch(line)]
    if not closings:
        return None
    last = closings[-1]
    if last + 1 >= len(lines) or len(lines) - (last + 2) > _MAX_SIGNATURE_TAIL:
        return None
    return personal_name(lines[last + 1].rstrip(","))


def _label_name(text: str) -> str | None:
    """The name after a "Customer:" / "Caller:" / "Contact name:" label at the start of a line."""
    for match in _LABEL.finditer(text):
        value = _VALUE_END.split(match.group("value"), 1)[0]
        name = personal_name(value.strip().rstrip(".").strip(), min_words=2)
        if name:
            return name
    return None


def customer_from_text(text: str, *, kind: str) -> str | None:
    """The customer's name as the text itself gives it, or None when it does not say or is unsure.

    ``kind`` says who wrote the text to whom:

    - ``"email-outbound"`` or ``"reply"`` (to the customer): the greeting on
      the first line names them: "Hi Maria," "Dear Ms. Garcia," ("Hi team,"
      "Dear customer," "Hello everyone," name nobody).
    - ``"email-inbound"`` (from the customer): the signature names them: the
      line after the last closing ("Thanks," "Kind regards," "--"), if it is a
      personal name and at most a few lines follow it. The From header's
      display name is the caller's to use.
    - ``"note"`` (an internal note): only an explicit label at the start of a
      line, "Customer: Maria Garcia", "Caller: Mr. Okafor" (a first and last
      name, or a title and a name). A greeting in a note addresses a
      colleague and is never used.

    Quoted earlier messages should be removed by the caller.
    """
    if kind in ("email-outbound", "reply"):
        return _greeting_name(text)
    if kind == "email-inbound":
        return _signature_name(text)
    if kind == "note":
        return _label_name(text)
    raise ValueError(f"unknown text kind {kind!r}; expected one of {', '.join(TEXT_KINDS)}")
