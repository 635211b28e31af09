"""The WordNet table the person kind classifies nouns and verbs with: shipped, licensed, current.

``humanize_lint/wordnet-tables.json.gz`` is compiled at development time from the
WordNet 3.0 database of Debian's ``wordnet-base`` (``python -m humanize_lint.wordnet``);
the linter reads only the shipped file. The currency test rebuilds it from
``/usr/share/wordnet`` and compares; it is skipped, with the reason, where that
package is not installed (CI installs it).
"""

from __future__ import annotations

import gzip
import json

import pytest

from humanize_lint import wordnet


def test_shipped_table_answers_the_questions_the_person_kind_asks() -> None:
    # Nouns by class share: people, organisations, documents, things, appointments.
    assert wordnet.noun_profile("nurse")["person"] > 0.9
    assert wordnet.noun_profile("bank")["group"] > 0.3
    assert wordnet.noun_profile("renewal").get("person", 0) == 0
    assert wordnet.noun_profile("xyzzyq") is None
    # Verbs: "the policy says" (a thing may say), "the renewal called" (mostly somebody calls).
    assert wordnet.verb_lemmas("rang") == ["ring"]
    assert wordnet.is_verb("call") and wordnet.is_adverb("again") and wordnet.is_adjective("upset")
    assert {"mother", "husband", "friend"} <= wordnet.kin()


def test_shipped_table_knows_how_wordnet_writes_a_lemma() -> None:
    # The acronym kind asks: an initialism (always in capitals), a proper name (always
    # capitalised), or a common word.
    assert wordnet.written_in_capitals("ebitda") and not wordnet.written_in_capitals("deploy")
    assert wordnet.written_capitalised("houston") and wordnet.written_capitalised("America")
    assert not wordnet.written_capitalised("customer") and not wordnet.written_capitalised("ebitda")
    assert not wordnet.written_capitalised("bank")  # "Bank" in names, but WordNet writes the word lower-case


def test_licence_ships_beside_the_table() -> None:
    licence = wordnet.DATA.with_name("WORDNET-LICENSE.txt").read_text(encoding="utf-8")
    assert "WordNet 3.0 Copyright 2006 by Princeton University" in licence
    assert "WORDNET-LICENSE.txt" in wordnet.source()


@pytest.mark.skipif(not (wordnet.DEFAULT_DIR / "data.noun").exists(), reason="WordNet database not installed (apt-get install wordnet-base) to rebuild the table")
def test_shipped_table_is_current() -> None:
    with gzip.open(wordnet.DATA, "rt", encoding="utf-8") as fh:
        shipped = json.load(fh)
    built = json.loads(json.dumps(wordnet.build()))  # same JSON types as the shipped file
    for key in sorted(set(shipped) | set(built)):
        assert shipped.get(key) == built.get(key), f"{key} differs; rebuild with: python -m humanize_lint.wordnet"
