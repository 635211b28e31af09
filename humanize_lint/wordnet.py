"""What kind of thing a noun names, and how a verb takes its subject: tables compiled from WordNet 3.0.

The person kind decides whether "the renewal" or "the grey Tesla" in a
sentence could stand for a customer without knowing the noun in advance. It
asks WordNet (Princeton WordNet 3.0, read from Debian's ``wordnet-base``
database files at build time) three things:

- **What a noun names**, as shares of its senses weighted by WordNet's sense
  frequencies: a person (``noun.person``), a group, organisation or place
  (``noun.group``, ``noun.location``, buildings and establishments), an agent
  that legitimately acts (devices, machines, systems, software, web sites),
  content that legitimately "says" and "asks" (documents, writings,
  messages, signs, records, plans and rules), a physical thing, a time, a
  quantity, or something abstract (acts, events, transactions, states,
  possessions, speech acts such as requests and claims). "the renewal" is
  all abstract; "the machine" an agent; "the bank" half a place, half a
  group; "the claim" content and abstract.
- **How a verb takes its subject**: for each way a verb can be used (no
  object, a prepositional phrase, an object, two objects, a to-infinitive, a
  clause), the share of its senses whose WordNet sentence frames allow
  *Something* as subject ("Something ----s"). "The boiler wants descaling"
  is the *need* sense of *want*, which a thing can fill; "wants to know" is
  not.
- **Kin**: nouns for a person's relatives and friends (the hyponyms of
  *relative* and *friend* whose main sense is a person), for "the
  cancellation's wife".
- **Bodies**: nouns most of whose senses are social groups or peoples
  (*team*, *committee*, *folks*, *firm*; not gatherings such as *meeting*),
  for "the ENA legal team": capitals that people belong to name an
  organisation.

It also lists the words WordNet writes only in capitals (EBITDA, FIFO, HTTP), so
the acronym kind can tell an ordinary word in capitals ("DEPLOY") from an
initialism WordNet happens to list, and the words it writes only capitalised
(America, Houston, Warburg), so it can tell a name spelled out ("Enron North
America") from common words in title case ("Customer Engineering").

``python -m humanize_lint.wordnet [DIR]`` compiles ``wordnet-tables.json.gz``
from the database files (default ``/usr/share/wordnet``); the package ships
the result with WordNet's licence (``WORDNET-LICENSE.txt``), nothing is read
from WordNet at run time, and a test checks the shipped table equals a fresh
build when ``wordnet-base`` is installed. This module imports nothing heavy.
"""

from __future__ import annotations

import gzip
import json
import sys
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping

DATA = Path(__file__).with_name("wordnet-tables.json.gz")
LICENSE = Path(__file__).with_name("WORDNET-LICENSE.txt")
DEFAULT_DIR = Path("/usr/share/wordnet")

# Classes of what a noun names, in the order of the table's letters.
CLASSES = {
    "p": "person",
    "g": "group",
    "n": "agent",
    "c": "content",
    "y": "physical",
    "t": "time",
    "q": "quantity",
    "a": "abstract",
}
LETTER = {name: letter for letter, name in CLASSES.items()}

# How a verb is used in a sentence, and the WordNet frames each use can realise.
USES = {
    "intransitive": (1, 2, 3, 4, 7, 22, 23),
    "prep": (1, 2, 4, 12, 13, 22, 27),
    "object": (5, 8, 9, 10, 11, 14, 15, 16, 17, 18, 19, 20, 21, 31),
    "two-objects": (14,),
    "to-infinitive": (24, 28, 32, 35),
    "clause": (26, 29, 34),
    "linking": (6, 7),
}
# Frames whose subject is Something or It ("Something ----s", "It ----s that CLAUSE").
SOMETHING_FRAMES = frozenset({1, 3, 4, 5, 6, 10, 11, 12, 34, 35})

_LEXNAMES = (
    "adj.all adj.pert adv.all noun.Tops noun.act noun.animal noun.artifact noun.attribute noun.body noun.cognition "
    "noun.communication noun.event noun.feeling noun.food noun.group noun.location noun.motive noun.object noun.person "
    "noun.phenomenon noun.plant noun.possession noun.process noun.quantity noun.relation noun.shape noun.state "
    "noun.substance noun.time verb.body verb.change verb.cognition verb.communication verb.competition "
    "verb.consumption verb.contact verb.creation verb.emotion verb.motion verb.perception verb.possession verb.social "
    "verb.stative verb.weather adj.ppl"
).split()


# ---------------------------------------------------------------------------
# Run time: the compiled table


@lru_cache(maxsize=1)
def _table() -> dict[str, Any]:
    with gzip.open(DATA, "rt", encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


@lru_cache(maxsize=65536)
def noun_profile(lemma: str) -> Mapping[str, float] | None:
    """Shares of what ``lemma`` names (``{"abstract": 0.83, "content": 0.17}``), None when WordNet lacks it."""
    code = _table()["nouns"].get(lemma.lower())
    if code is None:
        return None
    out: dict[str, float] = {}
    i = 0
    while i < len(code):
        letter = code[i]
        j = i + 1
        while j < len(code) and code[j].isdigit():
            j += 1
        out[CLASSES[letter]] = int(code[i + 1 : j]) / 100
        i = j
    return out


def is_noun(word: str) -> bool:
    """Whether WordNet has ``word`` (a lemma) as a noun."""
    return word.lower() in _table()["nouns"]


def is_verb(word: str) -> bool:
    """Whether WordNet has ``word`` (a lemma) as a verb."""
    return word.lower() in _table()["verbs"]


def written_in_capitals(word: str) -> bool:
    """Whether WordNet writes ``word`` in capitals wherever it has it (EBITDA, ASCII, HTTP):
    an initialism, not a word written in capitals."""
    return word.lower() in _capitals()


@lru_cache(maxsize=1)
def _capitals() -> frozenset[str]:
    return frozenset(_table().get("capitals", ()))


def written_capitalised(word: str) -> bool:
    """Whether WordNet writes ``word`` with a capital initial wherever it has it ("America",
    "Houston", "Warburg"): a proper name, not a common word."""
    return word.lower() in _proper()


@lru_cache(maxsize=1)
def _proper() -> frozenset[str]:
    return frozenset(_table().get("proper", ()))


def is_adjective(word: str) -> bool:
    """Whether WordNet has ``word`` as an adjective."""
    return word.lower() in _adjectives()


def is_adverb(word: str) -> bool:
    """Whether WordNet has ``word`` as an adverb."""
    return word.lower() in _adverbs()


@lru_cache(maxsize=1)
def _adverbs() -> frozenset[str]:
    return frozenset(_table()["adverbs"])


@lru_cache(maxsize=1)
def _adjectives() -> frozenset[str]:
    return frozenset(_table()["adjectives"])


def literal_share(lemma: str, use: str) -> float | None:
    """Share of the senses of verb ``lemma`` used as ``use`` (a key of ``USES``) that take Something as subject."""
    row = _table()["verbs"].get(lemma.lower())
    if row is None:
        return None
    value = row[list(USES).index(use)]
    return None if value < 0 else value / 100


def verb_lemmas(form: str) -> list[str]:
    """Lemmas WordNet's morphology gives a verb form: irregular forms from ``verb.exc``, then suffix rules."""
    low = form.lower()
    verbs = _table()["verbs"]
    out = [x for x in _table()["verb_exceptions"].get(low, ())]
    for suffix, repl in (("s", ""), ("ies", "y"), ("es", "e"), ("es", ""), ("ed", "e"), ("ed", ""), ("ing", "e"), ("ing", "")):
        if low.endswith(suffix) and len(low) > len(suffix) + 1:
            base = low[: len(low) - len(suffix)] + repl
            if base in verbs and base not in out:
                out.append(base)
    # Doubled consonants: "chatted", "shipping".
    if len(low) > 4 and low.endswith(("ed", "ing")):
        stem = low[:-2] if low.endswith("ed") else low[:-3]
        if len(stem) > 2 and stem[-1] == stem[-2] and stem[:-1] in verbs and stem[:-1] not in out:
            out.append(stem[:-1])
    return out


def kin() -> frozenset[str]:
    """Nouns for a person's relatives and friends."""
    return _kin()


@lru_cache(maxsize=1)
def _kin() -> frozenset[str]:
    return frozenset(_table()["kin"])


def is_body(lemma: str) -> bool:
    """Whether noun ``lemma`` mostly names a body of people: a team, a firm, a committee, folks."""
    return lemma.lower() in _bodies()


@lru_cache(maxsize=1)
def _bodies() -> frozenset[str]:
    return frozenset(_table().get("bodies", ()))


def preload() -> None:
    """Read the table and build every set derived from it now (before ``--jobs`` forks its
    workers, so they share them)."""
    for loader in (_table, _capitals, _proper, _adverbs, _adjectives, _kin, _bodies):
        loader()


def source() -> str:
    """Where the table was compiled from."""
    return str(_table()["source"])


# ---------------------------------------------------------------------------
# Build time: read the WordNet database files


class _Synset:
    __slots__ = ("pos", "offset", "lex", "words", "ptrs", "frames", "gloss")

    def __init__(self, pos: str, offset: int, lex: str, words: list[str], ptrs: list[tuple[str, int, str]], frames: list[tuple[int, int]], gloss: str) -> None:
        self.pos = pos
        self.offset = offset
        self.lex = lex
        self.words = words
        self.ptrs = ptrs
        self.frames = frames
        self.gloss = gloss


class _WordNet:
    """The parts of the WordNet 3.0 database this module compiles from."""

    def __init__(self, directory: Path) -> None:
        self.dir = directory
        self.data = {pos: self._data(pos) for pos in ("noun", "verb", "adj")}
        self.index = {pos: self._index(pos) for pos in ("noun", "verb", "adj", "adv")}
        self.counts = self._counts()

    def _data(self, pos: str) -> dict[int, _Synset]:
        out: dict[int, _Synset] = {}
        with open(self.dir / f"data.{pos}", encoding="latin-1") as fh:
            for line in fh:
                if line.startswith("  "):
                    continue
                head, _, gloss = line.partition(" | ")
                t = head.split()
                offset, lex, count = int(t[0]), _LEXNAMES[int(t[1])], int(t[3], 16)
                words = [t[4 + 2 * i].lower().split("(")[0] for i in range(count)]
                i = 4 + 2 * count
                ptrs = []
                for _ in range(int(t[i])):
                    ptrs.append((t[i + 1], int(t[i + 2]), t[i + 3]))
                    i += 4
                i += 1
                frames = []
                if pos == "verb" and i < len(t):
                    for _ in range(int(t[i])):
                        frames.append((int(t[i + 2]), int(t[i + 3], 16)))
                        i += 3
                out[offset] = _Synset(pos, offset, lex, words, ptrs, frames, gloss.strip())
        return out

    def _index(self, pos: str) -> dict[str, list[int]]:
        out: dict[str, list[int]] = {}
        with open(self.dir / f"index.{pos}", encoding="latin-1") as fh:
            for line in fh:
                if line.startswith("  "):
                    continue
                t = line.split()
                senses, pointers = int(t[2]), int(t[3])
                out[t[0]] = [int(x) for x in t[6 + pointers : 6 + pointers + senses]]
        return out

    def _counts(self) -> dict[tuple[str, str, int], int]:
        pos_of = {"1": "noun", "2": "verb", "3": "adj", "4": "adv", "5": "adj"}
        out: dict[tuple[str, str, int], int] = {}
        with open(self.dir / "cntlist.rev", encoding="latin-1") as fh:
            for line in fh:
                key, number, count = line.split()
                lemma, rest = key.split("%", 1)
                out[(lemma, pos_of[rest[0]], int(number))] = int(count)
        return out

    def senses(self, lemma: str, pos: str) -> list[tuple[_Synset, float]]:
        """Synsets of ``lemma`` in WordNet's sense order, each with a weight:
        its tagged-corpus count plus a small prior that falls with the rank."""
        offsets = self.index[pos].get(lemma, [])
        return [(self.data[pos][o], self.counts.get((lemma, pos, i + 1), 0) + 1.0 / (i + 1)) for i, o in enumerate(offsets)]

    def hypernyms(self, ss: _Synset) -> Iterable[_Synset]:
        for sym, offset, p in ss.ptrs:
            if sym in ("@", "@i") and p == ss.pos[0]:
                yield self.data[ss.pos][offset]

    def ancestors(self, ss: _Synset) -> set[int]:
        seen: set[int] = set()
        stack = [ss]
        while stack:
            for h in self.hypernyms(stack.pop()):
                if h.offset not in seen:
                    seen.add(h.offset)
                    stack.append(h)
        return seen

    def hyponym_closure(self, offsets: Iterable[int]) -> set[int]:
        seen = set(offsets)
        stack = list(seen)
        while stack:
            for sym, offset, p in self.data["noun"][stack.pop()].ptrs:
                if sym == "~" and p == "n" and offset not in seen:
                    seen.add(offset)
                    stack.append(offset)
        return seen

    def synset(self, word: str, lex: str, gloss_part: str = "") -> int:
        for ss, _ in self.senses(word, "noun"):
            if ss.lex == lex and gloss_part in ss.gloss:
                return ss.offset
        raise LookupError(f"WordNet has no {lex} sense of {word!r} with {gloss_part!r} in its gloss")


def _anchors(wn: _WordNet) -> dict[int, str]:
    """Synsets whose hyponyms form a class, with the reason each is there."""
    anchors: dict[int, str] = {}
    # Things that legitimately act: devices and machines ("the machine wants a new
    # reader"), systems, software and web sites ("the app asks for a photo").
    for word, lex, gloss in (
        ("device", "noun.artifact", "instrumentality invented"),
        ("machine", "noun.artifact", "mechanical or electrical"),
        ("equipment", "noun.artifact", ""),
        ("system", "noun.artifact", "instrumentality that combines"),
        ("computer", "noun.artifact", ""),
        ("software", "noun.communication", ""),
        ("web_site", "noun.communication", ""),
    ):
        anchors[wn.synset(word, lex, gloss)] = "agent"
    # Content that legitimately says and asks: "the policy says", "the form asks".
    for word, lex, gloss in (
        ("written_communication", "noun.communication", ""),
        ("document", "noun.communication", ""),
        ("document", "noun.artifact", ""),
        ("message", "noun.communication", "usually brief"),
        ("sign", "noun.communication", "public display"),
        ("record", "noun.communication", ""),
        ("text", "noun.communication", "words of something written"),
        ("display", "noun.communication", ""),
        ("signal", "noun.communication", ""),
    ):
        anchors[wn.synset(word, lex, gloss)] = "content"
    # A request, a claim, an offer are acts of a person: metonymy-prone, not content.
    anchors[wn.synset("speech_act", "noun.communication")] = "abstract"
    # Proportions and remainders are quantities of something else ("the majority
    # called", "the rest arriving"): the people meant are in the "of" phrase.
    # (Only senses filed under noun.attribute or noun.relation take these, not
    # the physical parts that share an ancestor.)
    anchors[wn.synset("magnitude", "noun.attribute", "relative size")] = "quantity"
    anchors[wn.synset("part", "noun.relation", "determined in relation")] = "quantity"
    # Places of business stand for the people in them ("the shop called"): groups.
    for word, lex, gloss in (
        ("establishment", "noun.artifact", "public or private structure"),
        ("facility", "noun.artifact", "building or place that provides"),
        ("building", "noun.artifact", "structure that has a roof"),
    ):
        anchors[wn.synset(word, lex, gloss)] = "group"
    return anchors


_TOPS = {
    "person": "person",
    "people": "person",
    "causal_agent": "agent",
    "cause": "agent",
    "group": "group",
    "grouping": "group",
    "location": "group",
    "communication": "content",
    "cognition": "content",
    "time": "time",
    "measure": "quantity",
    "quantity": "quantity",
    "amount": "quantity",
}
_PHYSICAL_LEX = {"noun.artifact", "noun.object", "noun.substance", "noun.food", "noun.body", "noun.plant", "noun.animal"}
_PRIORITY = ("abstract", "group", "agent", "content")


def _sense_class(wn: _WordNet, ss: _Synset, anchors: Mapping[int, str]) -> str:
    if ss.lex == "noun.Tops":
        return _TOPS.get(ss.words[0], "physical" if ss.words[0] in ("artifact", "object", "substance", "food", "organism", "plant", "animal") else "abstract")
    if ss.lex == "noun.person":
        return "person"
    if ss.lex in ("noun.group", "noun.location"):
        return "group"
    if ss.lex == "noun.time":
        return "time"
    if ss.lex == "noun.quantity":
        return "quantity"
    hits = {anchors[o] for o in wn.ancestors(ss) | {ss.offset} if o in anchors}
    if "quantity" in hits and ss.lex in ("noun.attribute", "noun.relation"):
        return "quantity"
    for cls in _PRIORITY:
        if cls in hits:
            return cls
    if ss.lex in ("noun.communication", "noun.cognition"):
        return "content"
    if ss.lex in _PHYSICAL_LEX:
        return "physical"
    return "abstract"


def _encode(profile: Mapping[str, float]) -> str:
    items = sorted(((round(v * 100), k) for k, v in profile.items()), reverse=True)
    return "".join(f"{LETTER[k]}{v}" for v, k in items if v > 0) or "a100"


def build(directory: Path = DEFAULT_DIR) -> dict[str, Any]:
    """The table, compiled from the WordNet database files in ``directory``."""
    wn = _WordNet(directory)
    anchors = _anchors(wn)
    nouns: dict[str, str] = {}
    for lemma in sorted(wn.index["noun"]):
        if "_" in lemma:
            continue
        shares: Counter[str] = Counter()
        senses = wn.senses(lemma, "noun")
        total = sum(w for _, w in senses)
        for ss, w in senses:
            shares[_sense_class(wn, ss, anchors)] += w / total
        nouns[lemma] = _encode(shares)
    verbs: dict[str, list[int]] = {}
    for lemma in sorted(wn.index["verb"]):
        row = []
        for frames_of_use in USES.values():
            total = thing = 0.0
            for ss, w in wn.senses(lemma, "verb"):
                positions = [i + 1 for i, word in enumerate(ss.words) if word == lemma]
                frames = {f for f, word in ss.frames if word == 0 or word in positions}
                used = frames & set(frames_of_use)
                if not used:
                    continue
                total += w
                if used & SOMETHING_FRAMES:
                    thing += w
            row.append(round(100 * thing / total) if total else -1)
        verbs[lemma] = row
    exceptions: dict[str, list[str]] = {}
    with open(directory / "verb.exc", encoding="latin-1") as fh:
        for line in fh:
            form, *lemmas = line.split()
            exceptions[form] = lemmas
    roots = [wn.synset("relative", "noun.person", "related by blood or marriage"), wn.synset("friend", "noun.person", "know well and regard")]
    kin_words = set()
    for offset in wn.hyponym_closure(roots):  # (instances, i.e. named people, are not followed)
        for word in wn.data["noun"][offset].words:
            # Only words that name a person in (nearly) every sense: not "antecedent", "successor".
            if "_" not in word and word in nouns and (nouns[word] == "p100" or (nouns[word].startswith("p") and int(nouns[word][1:3]) >= 90)):
                kin_words.add(word)
    # Bodies of people: nouns most of whose senses are social groups or peoples ("team",
    # "committee", "folks", "firm"), not places or collections that WordNet also files as groups.
    body_roots = wn.hyponym_closure([wn.synset("social_group", "noun.group"), wn.synset("people", "noun.group", "group of human beings")])
    body_roots.add(wn.synset("group", "noun.Tops", "considered as a unit"))
    # A gathering (a meeting, a conference, a party) is an occasion people attend, not a body they belong to.
    body_roots -= wn.hyponym_closure([wn.synset("gathering", "noun.group", "together in one place")])
    bodies = []
    for lemma in sorted(nouns):
        senses = wn.senses(lemma, "noun")
        total = sum(w for _, w in senses)
        if total and sum(w for ss, w in senses if ss.offset in body_roots) / total >= 0.6:
            bodies.append(lemma)
    # Lemmas WordNet writes in capitals wherever it has them ("EBITDA", "ASCII", "HTTP"):
    # initialisms, not words (the rest of the table is lower-cased).
    capitals: dict[str, bool] = {}
    # and lemmas it writes capitalised wherever it has them ("America", "Houston", "Warburg"): proper names.
    proper: dict[str, bool] = {}
    for pos in ("noun", "verb", "adj", "adv"):
        with open(directory / f"data.{pos}", encoding="latin-1") as fh:
            for line in fh:
                if line.startswith("  "):
                    continue
                t = line.split(" | ")[0].split()
                for i in range(int(t[3], 16)):
                    word = t[4 + 2 * i].split("(")[0]
                    if "_" not in word:
                        low = word.lower()
                        capitals[low] = capitals.get(low, True) and word.isupper()
                        proper[low] = proper.get(low, True) and word[:1].isupper() and not word.isupper()
    return {
        "source": "WordNet 3.0 (Princeton University), database files of Debian's wordnet-base; see WORDNET-LICENSE.txt",
        "capitals": sorted(w for w, caps in capitals.items() if caps),
        "proper": sorted(w for w, cap in proper.items() if cap),
        "classes": CLASSES,
        "uses": list(USES),
        "nouns": nouns,
        "verbs": verbs,
        "verb_exceptions": exceptions,
        "adjectives": sorted(w for w in wn.index["adj"] if "_" not in w),
        "adverbs": sorted(w for w in wn.index["adv"] if "_" not in w),
        "kin": sorted(kin_words),
        "bodies": bodies,
    }


def write(data: Mapping[str, Any], path: Path = DATA) -> None:
    """Write the table reproducibly (sorted keys, no timestamp in the gzip header)."""
    raw = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    with open(path, "wb") as fh, gzip.GzipFile(filename="", mode="wb", fileobj=fh, mtime=0, compresslevel=9) as gz:
        gz.write(raw)


def main() -> None:  # pragma: no cover - maintenance command
    directory = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DIR
    data = build(directory)
    write(data)
    print(f"wrote {DATA} ({len(data['nouns'])} nouns, {len(data['verbs'])} verbs, {len(data['kin'])} kin words, {DATA.stat().st_size} bytes)")


if __name__ == "__main__":  # pragma: no cover
    main()
