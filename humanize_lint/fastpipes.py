"""Fast, exact replacements for spaCy's rule-based pipeline components.

In the small English pipelines the two rule-based components cost as much as
the neural ones: the attribute ruler runs a Matcher with ~180 patterns over
every token and applies the matches one by one through Python, and the rule
lemmatizer makes several Python calls per token. Both are pure functions of a
few token attributes, so the replacements below compute each distinct answer
once, remember it, and write whole columns back with ``Doc.from_array``.

They are built from the loaded components' own patterns and lookup tables,
keep the components' names (``nlp.pipe_names`` is unchanged), forward every
other attribute (``patterns``, ``lookups``, ``to_disk`` ...) to the stock
component they wrap, and give exactly the stock token attributes. A pattern or
lemmatizer they cannot reproduce exactly leaves the stock component in place.
"""

from __future__ import annotations

from typing import Any

FAST_PIPES_ENV = "HUMANIZE_LINT_FAST_PIPES"  # "0" keeps the stock components

# Matcher token attributes the fast ruler can read with ``Doc.to_array`` exactly
# as the Matcher reads them (``get_token_attr``): string-valued ones, which may
# also carry REGEX predicates, and the boolean lexeme flags.
_STRING_ATTRS = ("ORTH", "LOWER", "NORM", "SHAPE", "PREFIX", "SUFFIX", "LEMMA", "POS", "TAG", "DEP", "ENT_TYPE")
_FLAG_ATTRS = (
    "IS_ALPHA", "IS_ASCII", "IS_DIGIT", "IS_LOWER", "IS_PUNCT", "IS_SPACE", "IS_TITLE", "IS_UPPER",
    "LIKE_URL", "LIKE_NUM", "LIKE_EMAIL", "IS_STOP", "IS_BRACKET", "IS_QUOTE", "IS_LEFT_PUNCT",
    "IS_RIGHT_PUNCT", "IS_CURRENCY",
)
# Token attributes a rule may set that live on the token only (``set_token_attrs``
# also writes lexeme attributes such as LOWER or the flags; those are refused).
_WRITABLE = ("LEMMA", "POS", "TAG", "MORPH", "DEP", "NORM")
# Memo sizes (entries; a cache is emptied when full). Bounded so that memory stays
# flat over millions of records: about 12 MB and 25 MB at most.
_RAW_CACHE_LIMIT = 50_000  # token signatures (and values per read column) of the ruler
_LEMMA_CACHE_LIMIT = 100_000  # (orth, pos, morph) lemmas


class UnsupportedPattern(Exception):
    """A pattern or component the fast components cannot reproduce exactly."""


def install(nlp: Any) -> dict[str, str]:
    """Swap the stock ``attribute_ruler`` and ``lemmatizer`` of a loaded pipeline
    for fast equivalents, in place, under the same names.

    Returns ``{component name: "fast" or "stock: <reason>"}`` for each rule-based
    component considered. A component whose rules the fast version cannot
    reproduce exactly stays as it is. Setting the environment variable
    ``HUMANIZE_LINT_FAST_PIPES=0`` keeps every stock component.
    """
    import os

    from spacy.pipeline import AttributeRuler, Lemmatizer

    report: dict[str, str] = {}
    components = getattr(nlp, "_components", None)
    if os.environ.get(FAST_PIPES_ENV, "1") == "0" or not isinstance(components, list):
        return report
    for i, entry in enumerate(components):
        if not (isinstance(entry, tuple) and len(entry) == 2):
            return report
        name, proc = entry
        fast: Any = None
        try:
            if type(proc) is AttributeRuler:
                fast = FastAttributeRuler(proc)
            elif isinstance(proc, Lemmatizer):
                fast = FastLemmatizer(proc)
            else:
                continue
        except UnsupportedPattern as exc:
            report[name] = f"stock: {exc}"
            continue
        components[i] = (name, fast)
        report[name] = "fast"
    return report


class _StockProxy:
    """Forwards every attribute it does not define to the wrapped stock
    component, so code that inspects ``nlp.get_pipe(name)`` (its ``patterns``,
    ``lookups``, error handler, serialization) sees the stock component."""

    stock: Any
    #: Docs handled by the fast path and by the stock component (a fallback).
    counts: dict[str, int]

    def __getattr__(self, name: str) -> Any:
        if name == "stock" or name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.stock, name)

    def __call__(self, doc: Any) -> Any:
        """Process one ``Doc`` (as the stock component would)."""
        for out in self.pipe([doc]):
            return out
        return doc

    def pipe(self, stream: Any, *, batch_size: int = 128) -> Any:
        """Process a stream of ``Doc`` objects, ``batch_size`` at a time. A batch
        the fast path cannot handle goes through the stock component instead."""
        from spacy.util import minibatch

        for batch in minibatch(stream, size=batch_size):
            try:
                done = self._fast_batch(batch)
            except Exception as exc:  # noqa: BLE001 - the stock component reports errors its own way
                done = False
                if not self.__dict__.get("_warned"):
                    import warnings

                    warnings.warn(f"humanize-lint: fast {self.name} failed ({exc!r}); the stock component takes over", RuntimeWarning, stacklevel=2)
                    self._warned = True
            if done:
                self.counts["fast"] += len(batch)
                yield from batch
            else:
                self.counts["stock"] += len(batch)
                yield from self.stock.pipe(batch, batch_size=batch_size)

    def _own_vocab(self, docs: list[Any]) -> bool:
        """Whether every doc shares the component's vocab (the caches hold its
        hashes and strings); docs from another vocab go to the stock component."""
        vocab = self.stock.vocab
        return all(doc.vocab is vocab for doc in docs)

    def _fast_batch(self, docs: list[Any]) -> bool:  # pragma: no cover - abstract
        raise NotImplementedError


def _concat(docs: list[Any], attrs: list[int]) -> tuple[Any, list[int]]:
    """``Doc.to_array(attrs)`` of every doc, stacked, with the docs' start offsets
    (one more than there are docs: the last is the total length)."""
    import numpy

    arrays = [doc.to_array(attrs).reshape(len(doc), len(attrs)) for doc in docs]
    starts = [0]
    for arr in arrays:
        starts.append(starts[-1] + len(arr))
    big = arrays[0] if len(arrays) == 1 else numpy.concatenate(arrays)
    return big, starts


class _Spec:
    """One token of a Matcher pattern, as predicates over the fast ruler's read
    columns: ``(column, kind, arg)`` with kind ``eq`` (a hash), ``in`` or
    ``not_in`` (a set of hashes) or ``regex`` (an index into the column's regexes)."""

    __slots__ = ("preds",)

    def __init__(self, preds: list[tuple[int, str, Any]]) -> None:
        self.preds = preds


class FastAttributeRuler(_StockProxy):
    """Drop-in replacement for a loaded ``AttributeRuler``.

    The stock component matches every pattern over the doc, sorts the matches by
    pattern number and applies their attributes in that order, so for each token
    and attribute the highest-numbered pattern that matches with the token as
    its target wins. Whether a pattern token matches depends only on the few
    attributes the patterns read (for ``en_core_web_sm``: TAG, LOWER, DEP and
    IS_SPACE). So:

    * every pattern token ("spec") gets a bit; for each read column and value,
      the mask of specs whose predicates on that column hold is memoized (values
      no pattern names share one answer, or one per outcome of the column's
      regexes);
    * a token's *signature* (its values in the read columns) maps to an entry:
      the AND of its column masks, the single-token patterns that match, and the
      attribute values they leave, applied in pattern order;
    * multi-token patterns (``gon na``, ``let 's``, ``There is`` ...) are checked
      only where a token fills their first spec, with the neighbours' masks; a
      target they hit gets a combined entry (memoized too).

    A batch is read with one ``Doc.to_array`` per doc and written back with one
    ``Doc.from_array``. Raises ``UnsupportedPattern`` for anything but
    fixed-length patterns of plain values, ``IN``, ``NOT_IN`` and ``REGEX`` over
    the attributes in ``_STRING_ATTRS`` and ``_FLAG_ATTRS`` that set only
    ``_WRITABLE`` attributes, with no callbacks or greedy filters.
    """

    def __init__(self, stock: Any) -> None:
        self.stock = stock
        self.name = stock.name
        self.counts = {"fast": 0, "stock": 0}
        self._refused_version: Any = None  # stock rules seen later that the fast ruler cannot run
        self._compile()

    # -- compiling the stock rules ---------------------------------------------

    def _version(self) -> tuple[Any, int, int]:
        """What identifies the stock rules: recompiled when patterns are added or cleared."""
        return (self.stock.matcher, len(self.stock.attrs), len(self.stock.matcher))

    def _compile(self) -> None:
        """Read the stock component's patterns and attributes into tables."""
        from spacy.attrs import IDS

        stock = self.stock
        matcher = stock.matcher
        n = len(stock.attrs)
        if n == 0 or len(matcher) != n or len(stock.indices) != n:
            raise UnsupportedPattern("no patterns, or patterns added to the matcher directly")
        if any(v is not None for v in (getattr(matcher, "_filter", None) or {}).values()):
            raise UnsupportedPattern("greedy match filters")
        write_ids = {IDS[name] for name in _WRITABLE}
        self._read_names: list[str] = []  # Matcher attributes read, in column order
        self._literals: list[set[int]] = []  # per column: every hash a pattern names
        self._regexes: list[list[Any]] = []  # per column: compiled REGEX predicates
        self._specs: list[_Spec] = []  # every pattern token; its index is its bit
        self._single: list[tuple[int, int]] = []  # (spec bit, pattern number) of one-token patterns
        self._multi: list[tuple[int, list[int], int]] = []  # (pattern number, spec bits, target offset)
        self._attrs: list[dict[int, int]] = []  # per pattern number: attributes it sets (hashes)
        used: set[int] = set()
        for pid in range(n):
            rule = matcher.get(str(pid))
            if rule is None:
                raise UnsupportedPattern(f"pattern {pid} is missing from the matcher")
            on_match, patterns = rule
            if on_match is not None:
                raise UnsupportedPattern(f"pattern {pid} has an on_match callback")
            attrs = dict(stock.attrs[pid])
            bad = [a for a in attrs if a not in write_ids]
            if bad:
                raise UnsupportedPattern(f"pattern {pid} sets {bad}, which only the stock ruler can set")
            used.update(attrs)
            self._attrs.append(attrs)
            index = stock.indices[pid]
            for pattern in patterns:
                length = len(pattern)
                if not isinstance(index, int) or not -length <= index < length:
                    raise UnsupportedPattern(f"pattern {pid}: index {index!r} outside a {length}-token match")
                bits = []
                for spec in pattern:
                    bits.append(len(self._specs))
                    self._specs.append(self._compile_spec(pid, spec))
                if length == 1:
                    self._single.append((bits[0], pid))
                else:
                    self._multi.append((pid, bits, index % length))
        self._write_ids = [IDS[name] for name in _WRITABLE if IDS[name] in used]
        self._write_col = {a: k for k, a in enumerate(self._write_ids)}
        self._n_read = len(self._read_names)
        self._read_ids = [IDS[name] for name in self._read_names] + self._write_ids
        self._full = (1 << len(self._specs)) - 1
        # Per column: specs with no predicate on it (always hold) and the others' predicates.
        self._free = [0] * self._n_read
        self._constrained: list[list[tuple[int, list[tuple[str, Any]]]]] = [[] for _ in range(self._n_read)]
        for bit, spec in enumerate(self._specs):
            for col in range(self._n_read):
                preds = [(kind, arg) for c, kind, arg in spec.preds if c == col]
                if preds:
                    self._constrained[col].append((bit, preds))
                else:
                    self._free[col] |= 1 << bit
        self._compiled_version: Any = self._version()
        self._reset_caches()

    def _column(self, name: str) -> int:
        if name not in self._read_names:
            self._read_names.append(name)
            self._literals.append(set())
            self._regexes.append([])
        return self._read_names.index(name)

    def _compile_spec(self, pid: int, spec: Any) -> _Spec:
        """One pattern token as predicates, with values hashed as the Matcher does."""
        import re

        from spacy.strings import get_string_id

        if not isinstance(spec, dict):
            raise UnsupportedPattern(f"pattern {pid}: token spec {spec!r}")
        preds: list[tuple[int, str, Any]] = []
        for key, value in spec.items():
            name = key.upper() if isinstance(key, str) else None
            name = "ORTH" if name == "TEXT" else name
            if name not in _STRING_ATTRS and name not in _FLAG_ATTRS:
                raise UnsupportedPattern(f"pattern {pid}: attribute {key!r}")
            col = self._column(name)
            if isinstance(value, (str, int)):  # bool is an int
                h = get_string_id(value)
                self._literals[col].add(h)
                preds.append((col, "eq", h))
            elif isinstance(value, dict):
                for op, arg in value.items():
                    op_name = op.upper() if isinstance(op, str) else op
                    if op_name in ("IN", "NOT_IN") and isinstance(arg, (list, tuple)) and all(isinstance(v, (str, int)) for v in arg):
                        hashes = frozenset(get_string_id(v) for v in arg)
                        self._literals[col].update(hashes)
                        preds.append((col, "in" if op_name == "IN" else "not_in", hashes))
                    elif op_name == "REGEX" and isinstance(arg, str) and name in _STRING_ATTRS:
                        self._regexes[col].append(re.compile(arg))
                        preds.append((col, "regex", len(self._regexes[col]) - 1))
                    else:
                        raise UnsupportedPattern(f"pattern {pid}: {key}: {{{op!r}: {arg!r}}}")
            else:
                raise UnsupportedPattern(f"pattern {pid}: {key}: {value!r}")
        return _Spec(preds)

    # -- memoized answers --------------------------------------------------------

    def _reset_caches(self) -> None:
        cols = range(self._n_read)
        self._raw: dict[tuple[int, ...], int] = {}  # signature -> entry
        self._value_masks: list[dict[int, int]] = [{} for _ in cols]  # per column: value -> spec mask
        self._class_masks: list[dict[Any, int]] = [{} for _ in cols]  # per column: value class -> spec mask
        self._by_mask: dict[int, int] = {}  # spec mask -> entry
        self._combined: dict[tuple[int, tuple[int, ...]], int] = {}  # (entry, multi-token patterns) -> entry
        self._e_mask: list[int] = []  # per entry: specs the token fills
        self._e_pids: list[tuple[int, ...]] = []  # per entry: patterns applied to the token
        self._e_first: list[tuple[int, ...]] = []  # per entry: multi-token patterns it may start
        self._e_vals: list[tuple[Any, ...]] = []  # per entry: value per write column, None = keep
        self._tables_for = -1
        self._t_vals: Any = None
        self._t_set: Any = None
        self._t_first: Any = None

    def _column_mask(self, col: int, value: int) -> int:
        """Specs whose predicates on column ``col`` hold for ``value``."""
        if value in self._literals[col]:
            cls: Any = value
        elif self._regexes[col]:  # the Matcher tests REGEX on the string
            text = self.stock.vocab.strings[value]
            cls = tuple(bool(rx.search(text)) for rx in self._regexes[col])
        else:
            cls = None  # a value no pattern names
        mask = self._class_masks[col].get(cls)
        if mask is None:
            mask = self._free[col]
            for bit, preds in self._constrained[col]:
                if all(self._holds(kind, arg, cls, value, col) for kind, arg in preds):
                    mask |= 1 << bit
            self._class_masks[col][cls] = mask
        cache = self._value_masks[col]
        if len(cache) >= _RAW_CACHE_LIMIT:
            cache.clear()
        cache[value] = mask
        return mask

    def _holds(self, kind: str, arg: Any, cls: Any, value: int, col: int) -> bool:
        """One predicate, for a value of class ``cls`` (the value itself when a
        pattern names it, else None or the column's regex outcomes)."""
        named = isinstance(cls, int)
        if kind == "eq":
            return named and cls == arg
        if kind == "in":
            return named and cls in arg
        if kind == "not_in":
            return not (named and cls in arg)
        return cls[arg] if not named else bool(self._regexes[col][arg].search(self.stock.vocab.strings[value]))

    def _entry(self, raw: tuple[int, ...]) -> int:
        """The entry for a signature not in the signature cache."""
        mask = self._full
        for col, value in enumerate(raw):
            m = self._value_masks[col].get(value)
            mask &= self._column_mask(col, value) if m is None else m
        entry = self._by_mask.get(mask)
        if entry is None:
            pids = tuple(pid for bit, pid in self._single if mask >> bit & 1)
            entry = self._by_mask[mask] = self._new_entry(mask, pids)
        if len(self._raw) >= _RAW_CACHE_LIMIT:
            self._raw.clear()
        self._raw[raw] = entry
        return entry

    def _new_entry(self, mask: int, pids: tuple[int, ...]) -> int:
        vals: list[Any] = [None] * len(self._write_ids)
        for pid in sorted(pids):  # the stock order: later patterns win
            for attr, value in self._attrs[pid].items():
                vals[self._write_col[attr]] = value
        self._e_mask.append(mask)
        self._e_pids.append(pids)
        self._e_first.append(tuple(j for j, (_, bits, _) in enumerate(self._multi) if mask >> bits[0] & 1))
        self._e_vals.append(tuple(vals))
        return len(self._e_vals) - 1

    def _with_multi(self, entry: int, extra: tuple[int, ...]) -> int:
        """The entry for a token that is also the target of these multi-token patterns."""
        key = (entry, extra)
        found = self._combined.get(key)
        if found is None:
            pids = tuple(sorted(set(self._e_pids[entry]) | set(extra)))
            found = self._combined[key] = self._new_entry(self._e_mask[entry], pids)
        return found

    def _tables(self) -> None:
        """Numpy copies of the entries (values, which columns they set, whether
        they may start a multi-token pattern), rebuilt when entries were added."""
        import numpy

        if self._tables_for == len(self._e_vals):
            return
        width = len(self._write_ids)
        self._t_set = numpy.array([[v is not None for v in vals] for vals in self._e_vals], dtype=bool).reshape(-1, width)
        self._t_vals = numpy.array([[v or 0 for v in vals] for vals in self._e_vals], dtype=numpy.uint64).reshape(-1, width)
        self._t_first = numpy.array([bool(f) for f in self._e_first], dtype=bool)
        self._tables_for = len(self._e_vals)

    # -- processing --------------------------------------------------------------

    def _fast_batch(self, docs: list[Any]) -> bool:
        import numpy

        version = self._version()
        if version != self._compiled_version:  # patterns were added or cleared: recompile
            if version == self._refused_version:
                return False
            try:
                self._compile()
            except UnsupportedPattern:
                self._refused_version = version
                return False
        if not self._own_vocab(docs):
            return False
        docs = [doc for doc in docs if len(doc)]
        if not docs:
            return True
        big, starts = _concat(docs, self._read_ids)
        nr = self._n_read
        keys = list(zip(*big[:, :nr].T.tolist()))
        ids = list(map(self._raw.get, keys))
        if None in ids:
            ids = [self._entry(key) if e is None else e for key, e in zip(keys, ids)]
        self._tables()
        idx = numpy.array(ids, dtype=numpy.intp)
        if self._multi:
            firsts = numpy.flatnonzero(self._t_first[idx])
            if len(firsts):
                self._match_multi(ids, idx, firsts.tolist(), starts)
                self._tables()
        out = big[:, nr:]
        sets = self._t_set[idx]
        numpy.copyto(out, self._t_vals[idx], where=sets)
        # Write each doc's changed columns only (TAG and DEP change on few docs).
        per_doc = numpy.logical_or.reduceat(sets, starts[:-1], axis=0).tolist()
        attr_lists: dict[tuple[int, ...], list[int]] = {}
        for k, doc in enumerate(docs):
            cols = tuple(c for c, changed in enumerate(per_doc[k]) if changed)
            if cols:
                attrs = attr_lists.get(cols)
                if attrs is None:
                    attrs = attr_lists[cols] = [self._write_ids[c] for c in cols]
                doc.from_array(attrs, out[starts[k] : starts[k + 1], list(cols)])
        return True

    def _match_multi(self, ids: list[int], idx: Any, firsts: list[int], starts: list[int]) -> None:
        """Match the multi-token patterns that may start at ``firsts`` (within
        their doc) and point the targets they hit at combined entries."""
        from bisect import bisect_right

        extra: dict[int, set[int]] = {}
        for p in firsts:
            end = starts[bisect_right(starts, p)]
            for j in self._e_first[ids[p]]:
                pid, bits, target = self._multi[j]
                if p + len(bits) <= end and all(self._e_mask[ids[p + k]] >> bits[k] & 1 for k in range(1, len(bits))):
                    extra.setdefault(p + target, set()).add(pid)
        for t, pids in extra.items():
            idx[t] = self._with_multi(ids[t], tuple(sorted(pids)))


class FastLemmatizer(_StockProxy):
    """Drop-in replacement for a loaded rule or lookup ``Lemmatizer``.

    A stock lemma depends only on the token's text, POS and morphology
    (``rule_lemmatize`` keys its own cache on ``(orth, pos, morph)``), so it is
    memoized per ``(orth, pos, morph)`` and written back as one column per doc.
    New lemmas come from the stock component itself (its tables, its
    ``is_base_form``), run against a copy of its lookups whose ``lemma_index``
    word lists are sets: the stock code tests ``form in index`` on lists of up
    to 57,000 words, which made each new word cost about 100 µs. Tokens without
    a POS always go to the stock component (it warns about them each time).

    Lemma strings added inside a memory zone are freed when the zone ends, so
    lemmas learned inside one are kept apart and dropped with the zone.
    """

    def __init__(self, stock: Any) -> None:
        from spacy.lang.en.lemmatizer import EnglishLemmatizer
        from spacy.pipeline import Lemmatizer

        cls = type(stock)
        pure = (Lemmatizer.rule_lemmatize, Lemmatizer.lookup_lemmatize)
        if (
            cls.__call__ is not Lemmatizer.__call__
            or cls.rule_lemmatize is not Lemmatizer.rule_lemmatize
            or cls.lookup_lemmatize is not Lemmatizer.lookup_lemmatize
            or cls.is_base_form not in (Lemmatizer.is_base_form, EnglishLemmatizer.is_base_form)
            or getattr(stock.lemmatize, "__func__", None) not in pure
        ):
            raise UnsupportedPattern(f"{cls.__name__} in mode {stock.mode!r} is not a stock rule or lookup lemmatizer")
        self.stock = stock
        self.name = stock.name
        self.counts = {"fast": 0, "stock": 0}
        self._lookups: Any = None  # the stock lookups the caches below come from
        self._indexed: Any = None  # the same, with the lemma_index lists as sets
        self._cache: dict[tuple[int, int, int], int] = {}  # (orth, pos, morph) -> lemma kept for good
        self._zone_cache: dict[tuple[int, int, int], int] = {}  # the same, for the current memory zone
        self._sentinel = f"\x00humanize-lint fast lemmatizer zone {id(self)}"

    def memory_zone(self, mem: Any = None) -> Any:
        """Called by ``Language.memory_zone``: forget the zone's lemmas when it ends."""
        from contextlib import contextmanager

        @contextmanager
        def zone() -> Any:
            try:
                yield mem
            finally:
                self._zone_cache.clear()

        return zone()

    def _sync(self) -> None:
        """Start over when the stock tables were replaced; drop the lemmas of a
        memory zone that is over (also one opened on the vocab directly)."""
        stock = self.stock
        if stock.lookups is not self._lookups:
            self._lookups = stock.lookups
            self._indexed = _indexed_lookups(stock.lookups)
            self._cache.clear()
            self._zone_cache.clear()
        if self._zone_cache:
            vocab = stock.vocab
            if not getattr(vocab, "in_memory_zone", False) or self._sentinel not in vocab.strings:
                self._zone_cache.clear()

    def _fast_batch(self, docs: list[Any]) -> bool:
        import numpy
        from spacy.attrs import LEMMA, MORPH, ORTH, POS
        from spacy.errors import Errors

        stock = self.stock
        if not self._own_vocab(docs):
            return False
        if not stock._validated:
            stock._validate_tables(Errors.E1004)
        self._sync()
        docs = [doc for doc in docs if len(doc)]
        if not docs:
            return True
        big, starts = _concat(docs, [ORTH, POS, MORPH, LEMMA])
        need = numpy.arange(len(big)) if stock.overwrite else numpy.flatnonzero(big[:, 3] == 0)
        if not len(need):
            return True
        keys = list(zip(*big[need, :3].T.tolist()))
        lemmas = list(map(self._cache.get, keys))
        if None in lemmas:
            self._fill(docs, starts, need, keys, lemmas)
        big[need, 3] = lemmas
        counts = numpy.diff(numpy.searchsorted(need, starts)).tolist()
        for k, doc in enumerate(docs):
            if counts[k]:
                doc.from_array([LEMMA], big[starts[k] : starts[k + 1], 3])
        return True

    def _fill(self, docs: list[Any], starts: list[int], need: Any, keys: list[tuple[int, int, int]], lemmas: list[Any]) -> None:
        """Fill the lemmas the cache lacks, asking the stock component."""
        from bisect import bisect_right

        stock = self.stock
        vocab = stock.vocab
        in_zone = getattr(vocab, "in_memory_zone", False)
        own = stock.lookups
        stock.lookups = self._indexed
        try:
            for k, key in enumerate(keys):
                if lemmas[k] is not None:
                    continue
                lemma = self._cache.get(key)  # maybe learned earlier in this batch
                if lemma is None:
                    lemma = self._zone_cache.get(key)
                if lemma is None:
                    g = int(need[k])
                    d = bisect_right(starts, g) - 1
                    token = docs[d][g - starts[d]]
                    lemma = vocab.strings.add(stock.lemmatize(token)[0])  # as ``token.lemma_ = ...``
                    stock.cache.pop(key, None)  # ours replaces it: memory stays flat over new words
                    if key[1] != 0:  # no POS: the stock component warns each time, so never remember
                        cache = self._zone_cache if in_zone else self._cache
                        if len(cache) >= _LEMMA_CACHE_LIMIT:
                            cache.clear()
                        if in_zone and not cache:  # gone with the zone's strings: tells us the zone ended
                            vocab.strings.add(self._sentinel, allow_transient=True)
                        cache[key] = lemma
                lemmas[k] = lemma
        finally:
            stock.lookups = own


def _indexed_lookups(lookups: Any) -> Any:
    """A copy of lemmatizer lookups sharing every table, except that the word
    lists of ``lemma_index`` are frozensets: ``form in index`` then gives the
    same answer in constant time."""
    from spacy.lookups import Lookups, Table

    out = Lookups()
    for name in lookups.tables:
        table = lookups.get_table(name)
        if name == "lemma_index":
            data = {key: frozenset(words) if isinstance(words, list) and all(isinstance(w, str) for w in words) else words for key, words in table.items()}
            table = Table(name=table.name, data=data)
        out.set_table(name, table)
    return out
