"""Suggestions: who the customer is, and how to refer to them.

Given a finding's matched text and the unit's customer name, build the
replacement phrases a reporter shows (and a future ``--fix`` applies).
Never invents a name: without one it falls back to a person phrase.
"""

from __future__ import annotations

from dataclasses import dataclass

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
