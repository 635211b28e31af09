#!/usr/bin/env python3
"""Time humanize-lint against the prose linters people use today, on the same files.

Peers: proselint (PyPI), alex and write-good (npm), a plain ``grep -E`` over
the default pack's cue words (the floor: what any word list costs), and a
bare ``spacy.blank("en")`` tokenizer pass (what reading the text with spaCy
costs before any model runs). The peers are installed into a scratch
directory; a peer that cannot be installed is skipped with a note.

Every tool gets the same explicit list of Markdown files (batched under the
argument-length limit; each batch is one more start-up, which is counted).
Each measurement runs in a fresh wrapper process, so peak memory is that
run's alone (see ``_measure.py``). Runs are interleaved round-robin so noise
from other work on the machine spreads over all tools.

    python bench/compare.py                      # default corpus, 3 runs
    python bench/compare.py --corpus DIR --runs 1 --markdown out.md --json out.json

See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import (  # noqa: E402
    Command,
    Measurement,
    default_humanize_lint,
    help_has,
    git_describe,
    markdown_table,
    measure,
    median,
    python_of,
    repo_root,
)

MARKDOWN_EXTS = (".md", ".markdown")
SKIP_DIRS = {".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__"}

CLEAN_TEXT = "# Notes\n\nMaria called about the invoice. We sent the corrected copy today.\n"
# A finding for every tool: HL101 'The renewal' (humanize-lint), 'very' and
# 'obviously' (proselint, write-good), 'He' and 'obviously' (alex), 'renewal' (grep).
FINDING_TEXT = "# Notes\n\nThe renewal called twice and is very upset. He said the bill was obviously wrong.\n"

SPACY_SCRIPT = r"""
import json, sys, spacy
nlp = spacy.blank("en")
nlp.max_length = 10**9
tokens = 0
with open(sys.argv[1], encoding="utf-8") as fh:
    paths = [p for p in fh.read().split("\0") if p]
for p in paths:
    with open(p, encoding="utf-8", errors="replace") as f:
        tokens += len(nlp.make_doc(f.read()))
print(json.dumps({"tokens": tokens, "files": len(paths)}))
"""


# --------------------------------------------------------------------------- corpus


@dataclass
class Corpus:
    root: Path
    files: list[str]
    bytes: int
    words: int


def load_corpus(root: Path, max_files: Optional[int]) -> Corpus:
    files: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        for name in sorted(filenames):
            if name.lower().endswith(MARKDOWN_EXTS):
                files.append(str(Path(dirpath, name).resolve()))
    files.sort()
    if max_files:
        files = files[:max_files]
    size = words = 0
    for f in files:  # this also warms the page cache for every tool alike
        data = Path(f).read_bytes()
        size += len(data)
        words += len(data.decode("utf-8", errors="replace").split())
    return Corpus(root, files, size, words)


def chunks(fixed: list[str], files: list[str], budget: int) -> list[list[str]]:
    """Split ``files`` so that ``fixed + chunk`` stays under ``budget`` bytes of argv."""
    base = sum(len(a.encode()) + 1 for a in fixed)
    out: list[list[str]] = []
    cur: list[str] = []
    size = base
    for f in files:
        n = len(f.encode()) + 1 + 8  # + pointer
        if cur and size + n > budget:
            out.append(cur)
            cur, size = [], base
        cur.append(f)
        size += n
    if cur:
        out.append(cur)
    return out


def arg_budget() -> int:
    try:
        arg_max = os.sysconf("SC_ARG_MAX")
    except (ValueError, OSError):
        arg_max = 131072
    env = sum(len(k) + len(v) + 2 for k, v in os.environ.items())
    return max(32768, min(arg_max // 2, 1_000_000) - env)


# --------------------------------------------------------------------------- findings parsers


def _json_docs(text: str) -> list[object]:
    dec, i, docs = json.JSONDecoder(), 0, []
    while True:
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text):
            return docs
        obj, i = dec.raw_decode(text, i)
        docs.append(obj)


def count_humanize_lint(out: str, err: str) -> int:
    return sum(int(d["summary"]["findings"]) for d in _json_docs(out))  # type: ignore[index]


def count_proselint(out: str, err: str) -> int:
    n = 0
    for d in _json_docs(out):
        for _, fr in (d.get("result") or {}).items():  # type: ignore[union-attr]
            n += len(fr.get("diagnostics") or [])
    return n


_ALEX_LINE = re.compile(r"^\s+\d+:\d+(?:-\d+:\d+)?\s+(?:warning|error)\s", re.M)


def count_alex(out: str, err: str) -> int:
    return len(_ALEX_LINE.findall(err)) + len(_ALEX_LINE.findall(out))


_WG_LINE = re.compile(r"^.+:\d+:\d+:", re.M)


def count_write_good(out: str, err: str) -> int:
    return len(_WG_LINE.findall(out))


def count_lines(out: str, err: str) -> int:
    return sum(1 for line in out.splitlines() if line.strip())


def count_none(out: str, err: str) -> Optional[int]:
    return None


# --------------------------------------------------------------------------- tools


@dataclass
class Tool:
    name: str
    version: str
    # (files, stdout path, stderr path) -> commands; files may be batched
    argv_prefix: list[str]
    counter: Callable[[str, str], Optional[int]]
    ok_codes: tuple[int, ...] = (0, 1)
    argv_suffix: list[str] = field(default_factory=list)
    files_via_list: bool = False  # pass a NUL-separated file list path instead of argv
    env: dict[str, str] = field(default_factory=dict)
    is_humanize_lint: bool = False
    note: str = ""

    def commands(self, files: list[str], listfile: str, out: str, err: str, budget: int) -> list[Command]:
        if self.files_via_list:
            return [Command(self.argv_prefix + [listfile] + self.argv_suffix, out, err, env=self.env)]
        return [Command(self.argv_prefix + c + self.argv_suffix, out, err, env=self.env) for c in chunks(self.argv_prefix + self.argv_suffix, files, budget)]


def run_quiet(argv: list[str], timeout: float = 900, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, **kw)


def first_line(argv: list[str]) -> str:
    try:
        r = run_quiet(argv, timeout=120)
        return ((r.stdout or r.stderr).strip().splitlines() or ["?"])[0].strip()
    except (OSError, subprocess.TimeoutExpired):
        return "?"


def setup_proselint(scratch: Path, spec: str, install: bool, notes: list[str]) -> Optional[Tool]:
    venv = scratch / "proselint-venv"
    exe = venv / "bin" / "proselint"
    if not exe.exists():
        if not install:
            notes.append(f"proselint: skipped (not installed in {venv}; --no-install)")
            return None
        print(f"installing {spec} into {venv} ...", file=sys.stderr)
        try:
            r = run_quiet([sys.executable, "-m", "venv", str(venv)])
            if r.returncode == 0:
                r = run_quiet([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check", spec])
        except (OSError, subprocess.TimeoutExpired) as exc:
            notes.append(f"proselint: skipped (install failed: {exc})")
            return None
        if r.returncode != 0 or not exe.exists():
            notes.append(f"proselint: skipped (pip install {spec} failed: {(r.stderr or r.stdout).strip().splitlines()[-1:]})")
            return None
    ver = first_line([str(venv / "bin" / "python"), "-c", "import importlib.metadata as m; print(m.version('proselint'))"])
    return Tool("proselint", ver, [str(exe), "check", "--output-format", "json"], count_proselint)


def setup_npm(scratch: Path, packages: dict[str, str], install: bool, notes: list[str]) -> dict[str, tuple[Path, str]]:
    """Install npm packages under scratch/npm; returns name -> (bin path, version)."""
    prefix = scratch / "npm"
    found: dict[str, tuple[Path, str]] = {}

    def present(name: str) -> Optional[tuple[Path, str]]:
        pkg = prefix / "node_modules" / name / "package.json"
        binp = prefix / "node_modules" / ".bin" / name
        if pkg.exists() and binp.exists():
            return binp, str(json.loads(pkg.read_text()).get("version", "?"))
        return None

    missing = [n for n in packages if present(n) is None]
    if missing and install:
        npm = shutil.which("npm")
        if npm is None or shutil.which("node") is None:
            for n in missing:
                notes.append(f"{n}: skipped (node/npm not found)")
            missing = []
        else:
            prefix.mkdir(parents=True, exist_ok=True)
            specs = [packages[n] for n in missing]
            print(f"installing {' '.join(specs)} with npm --prefix {prefix} ...", file=sys.stderr)
            for group in ([*specs],) + tuple([s] for s in specs):
                try:
                    r = run_quiet([npm, "install", "--prefix", str(prefix), "--no-audit", "--no-fund", "--loglevel", "error", *group])
                except (OSError, subprocess.TimeoutExpired) as exc:
                    r = subprocess.CompletedProcess([], 1, "", str(exc))
                if r.returncode == 0:
                    break
            else:
                pass
    for n in packages:
        p = present(n)
        if p is None:
            if not any(note.startswith(f"{n}:") for note in notes):
                notes.append(f"{n}: skipped ({'npm install failed' if install else 'not installed; --no-install'})")
        else:
            found[n] = p
    return found


def default_lexicon_regex(rules_dir: Path, notes: list[str]) -> Optional[str]:
    """ERE alternation of the default pack's words: the person rules' cue words, acronym expansion keys, terms."""
    py = None
    try:
        import yaml  # type: ignore  # noqa: F401

        py = sys.executable
    except ImportError:
        cand = python_of(default_humanize_lint())
        if run_quiet([cand, "-c", "import yaml"]).returncode == 0:
            py = cand
    if py is None:
        notes.append("grep: skipped (no PyYAML to read the rule pack)")
        return None
    script = r"""
import glob, json, os, sys, yaml
d = sys.argv[1]
pack = yaml.safe_load(open(os.path.join(d, "pack.yaml")))
lex = pack.get("lexicons") or {}
words = []
def take(v, key=""):
    if key in ("shapes", "standalone"):   # regexes (Python syntax), not words
        return
    if isinstance(v, str):
        if v.startswith("$"):
            take(lex.get(v[1:], []), key)
        else:
            words.append(v)
    elif isinstance(v, list):
        for x in v:
            if isinstance(x, str):
                take(x, key)
    elif isinstance(v, dict):
        for k, x in v.items():
            take(x, k)
for f in sorted(glob.glob(os.path.join(d, "*.yaml"))):
    if os.path.basename(f) == "pack.yaml":
        continue
    rule = yaml.safe_load(open(f)) or {}
    # The person rules have no noun list any more (open vocabulary): the floor greps
    # their cue words (the verbs and words the cheap gate looks for), the acronym
    # rule's expansion keys, and any terms.
    for key in ("cues", "expansions", "terms"):
        v = rule.get(key)
        if isinstance(v, str):
            v = lex.get(v[1:], {}) if v.startswith("$") else v
        if isinstance(v, dict) and key == "expansions":
            words.extend(k for k in v if isinstance(k, str))
        elif v is not None:
            take(v, key)
print(json.dumps(sorted(set(words), key=lambda w: (-len(w), w.lower()))))
"""
    r = run_quiet([py, "-c", script, str(rules_dir)])
    if r.returncode != 0:
        notes.append(f"grep: skipped (could not read {rules_dir}: {r.stderr.strip()[-200:]})")
        return None
    words = json.loads(r.stdout)
    seen, uniq = set(), []
    for w in words:
        if w.lower() not in seen:
            seen.add(w.lower())
            uniq.append(w)
    esc = [re.sub(r"([.\[\]()*+?{}|^$\\])", r"\\\1", w) for w in uniq]
    return "(" + "|".join(esc) + ")s?"


def build_tools(args: argparse.Namespace, scratch: Path, notes: list[str]) -> list[Tool]:
    wanted = set(t.strip() for t in args.tools.split(",")) if args.tools else None

    def want(name: str) -> bool:
        return wanted is None or name in wanted

    tools: list[Tool] = []
    hl = args.humanize_lint
    hl_py = python_of(hl)
    if want("humanize-lint"):
        ver = first_line([hl, "--version"])
        base = [hl, "check", "--format", "json", "--exit-zero"]
        if help_has([hl, "check"], "--no-cache"):
            base.append("--no-cache")  # every timed run lints, not reads the results cache the warm-up run wrote
        if help_has([hl, "check"], "--no-progress"):
            base.append("--no-progress")
        if help_has([hl, "check"], "--jobs"):
            for j in args.jobs:
                tools.append(Tool(f"humanize-lint (jobs {j})", ver, base + ["--jobs", str(j)], count_humanize_lint, ok_codes=(0,), is_humanize_lint=True))
        else:
            notes.append("humanize-lint: no --jobs flag in `check --help`; one row (single process)")
            tools.append(Tool("humanize-lint", ver, base, count_humanize_lint, ok_codes=(0,), is_humanize_lint=True))
    if want("proselint"):
        t = setup_proselint(scratch, args.proselint_spec, not args.no_install, notes)
        if t:
            tools.append(t)
    npm_wanted = {n: s for n, s in (("alex", args.alex_spec), ("write-good", args.write_good_spec)) if want(n)}
    if npm_wanted:
        got = setup_npm(scratch, npm_wanted, not args.no_install, notes)
        if "alex" in got:
            # alex reports on stderr; its exit code is 1 when it finds something.
            tools.append(Tool("alex", got["alex"][1], [str(got["alex"][0])], count_alex))
        if "write-good" in got:
            # With --parse, write-good exits 255 when the last file had suggestions, 1 on errors.
            tools.append(Tool("write-good", got["write-good"][1], [str(got["write-good"][0]), "--parse"], count_write_good, ok_codes=(0, 255)))
    if want("grep"):
        grep = shutil.which("grep")
        rx = default_lexicon_regex(repo_root() / "rules" / "default", notes) if grep else None
        if grep is None:
            notes.append("grep: skipped (not found)")
        elif rx:
            ver = first_line([grep, "--version"])
            tools.append(Tool("grep -E (cue words)", ver, [grep, "-E", "-i", "-w", "-o", "-h", "-e", rx, "--"], count_lines))
            tools[-1].note = f"{rx.count('|') + 1} terms"
    if want("spacy-blank"):
        ver = first_line([hl_py, "-c", "import spacy; print(spacy.__version__)"])
        if ver == "?" or not re.match(r"\d", ver):
            notes.append("spacy.blank: skipped (spaCy not importable from the humanize-lint interpreter)")
        else:
            tools.append(Tool('spacy.blank("en") tokenizer', ver, [hl_py, "-c", SPACY_SCRIPT], count_none, ok_codes=(0,), files_via_list=True))
    return tools


# --------------------------------------------------------------------------- running


@dataclass
class Row:
    tool: Tool
    runs: list[Measurement] = field(default_factory=list)
    findings: Optional[int] = None
    failed: str = ""

    @property
    def wall(self) -> float:
        return median([m.wall for m in self.runs])

    @property
    def peak_mb(self) -> float:
        return max((m.peak_kb for m in self.runs), default=0) / 1024

    @property
    def pss_mb(self) -> float:
        """Peak PSS sum of the tree: pages shared by forked workers counted once."""
        return max((max(m.maxrss_kb if m.max_procs <= 1 else 0, m.tree_pss_kb or m.peak_kb) for m in self.runs), default=0) / 1024


def run_once(tool: Tool, files: list[str], scratch: Path, tag: str, args: argparse.Namespace) -> tuple[Measurement, Optional[int], str]:
    outdir = scratch / "out" / f"run-{os.getpid()}"  # per run: several runs may share a scratch dir
    outdir.mkdir(parents=True, exist_ok=True)
    slug = re.sub(r"[^a-z0-9]+", "-", tool.name.lower()).strip("-")
    out, err = outdir / f"{slug}.{tag}.out", outdir / f"{slug}.{tag}.err"
    listfile = outdir / f"{slug}.{tag}.files"
    listfile.write_text("\0".join(files))
    for p in (out, err):
        p.unlink(missing_ok=True)
    m = measure(tool.commands(files, str(listfile), str(out), str(err), args.arg_budget), interval=args.interval, time_limit=args.timeout)
    problem = ""
    bad = [rc for rc in m.returncodes if rc not in tool.ok_codes]
    if m.stopped:
        problem = f"timed out after {args.timeout:.0f} s"
    elif bad:
        tail = err.read_text(errors="replace").strip().splitlines()[-1:] if err.exists() else []
        problem = f"exit {bad[0]}: {' '.join(tail)[:160]}"
    findings: Optional[int] = None
    if not problem:
        try:
            findings = tool.counter(out.read_text(errors="replace") if out.exists() else "", err.read_text(errors="replace") if err.exists() else "")
        except (ValueError, KeyError, TypeError) as exc:
            problem = f"could not parse output: {exc}"
    if not args.keep_output:
        for p in (out, err, listfile):
            p.unlink(missing_ok=True)
    return m, findings, problem


def fmt_rate(x: float, unit: str = "") -> str:
    if x != x:  # nan
        return "—"
    if x >= 100:
        return f"{x:,.0f}{unit}"
    if x >= 10:
        return f"{x:.1f}{unit}"
    return f"{x:.2f}{unit}"


def fmt_ratio(r: float) -> str:
    if r != r:
        return "—"
    if r >= 10:
        return f"{r:.0f}×"
    if r >= 1:
        return f"{r:.1f}×"
    return f"{r:.2g}×"


def main() -> int:
    root = repo_root()
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=root.parent / "shared" / "bench-corpus", help="directory of Markdown files (default: ../shared/bench-corpus)")
    ap.add_argument("--scratch", type=Path, default=Path.home() / ".cache" / "humanize-lint-bench", help="where peers are installed and outputs written (default: ~/.cache/humanize-lint-bench)")
    ap.add_argument("--runs", type=int, default=3, help="timed runs per tool over the corpus; the median is reported (default 3)")
    ap.add_argument("--cold-runs", type=int, default=5, help="runs per tool for each single-file cold start (default 5)")
    ap.add_argument("--no-cold", action="store_true", help="skip the single-file cold-start table")
    ap.add_argument("--max-files", type=int, default=None, help="only the first N files of the corpus (sorted by path)")
    ap.add_argument("--tools", default=None, help="comma-separated subset: humanize-lint,proselint,alex,write-good,grep,spacy-blank")
    ap.add_argument("--humanize-lint", default=default_humanize_lint(), help="humanize-lint executable (default: the repo's .venv)")
    ap.add_argument("--jobs", default="1,2", help="--jobs values to time when the CLI has --jobs (default 1,2)")
    ap.add_argument("--proselint-spec", default="proselint", help="pip requirement for proselint (default: latest)")
    ap.add_argument("--alex-spec", default="alex", help="npm spec for alex (default: latest)")
    ap.add_argument("--write-good-spec", default="write-good", help="npm spec for write-good (default: latest)")
    ap.add_argument("--no-install", action="store_true", help="use only peers already in --scratch")
    ap.add_argument("--interval", type=float, default=0.1, help="seconds between /proc memory samples (default 0.1)")
    ap.add_argument("--timeout", type=float, default=1800, help="give up on one run after this many seconds (default 1800)")
    ap.add_argument("--keep-output", action="store_true", help="keep each tool's stdout/stderr under SCRATCH/out/run-PID")
    ap.add_argument("--markdown", type=Path, help="also write the tables as Markdown to this file")
    ap.add_argument("--json", type=Path, help="also write all measurements as JSON to this file")
    args = ap.parse_args()
    args.jobs = [int(j) for j in str(args.jobs).split(",") if j.strip()]
    args.arg_budget = arg_budget()
    if args.runs < 1 or args.cold_runs < 1:
        ap.error("--runs and --cold-runs must be at least 1")

    corpus_dir = args.corpus.resolve()
    if not corpus_dir.is_dir():
        ap.error(f"--corpus {corpus_dir}: not a directory")
    scratch = args.scratch.expanduser().resolve()
    scratch.mkdir(parents=True, exist_ok=True)
    corpus = load_corpus(corpus_dir, args.max_files)
    if not corpus.files:
        ap.error(f"no Markdown files under {corpus_dir}")
    print(f"corpus: {corpus_dir}: {len(corpus.files)} files, {corpus.bytes / 1e6:.2f} MB, {corpus.words:,} words", file=sys.stderr)

    notes: list[str] = []
    commit = git_describe()
    tools = build_tools(args, scratch, notes)
    for n in notes:
        print(f"note: {n}", file=sys.stderr)
    if not tools:
        print("nothing to run", file=sys.stderr)
        return 1

    # Full-corpus runs, round-robin.
    rows = [Row(t) for t in tools]
    for r in range(args.runs):
        for row in rows:
            if row.failed:
                continue
            print(f"run {r + 1}/{args.runs}: {row.tool.name} ...", file=sys.stderr, end="", flush=True)
            m, findings, problem = run_once(row.tool, corpus.files, scratch, f"corpus{r}", args)
            print(f" {m.wall:.2f} s, {m.peak_kb / 1024:.0f} MB" + (f"  [{problem}]" if problem else ""), file=sys.stderr)
            if problem:
                row.failed = problem
                continue
            row.runs.append(m)
            if row.findings is not None and findings != row.findings:
                notes.append(f"{row.tool.name}: findings differ between runs ({row.findings} vs {findings})")
            row.findings = findings

    # Single-file cold starts.
    cold: dict[str, dict[str, object]] = {}
    if not args.no_cold:
        cold_dir = scratch / "out" / f"run-{os.getpid()}"
        cold_dir.mkdir(parents=True, exist_ok=True)
        clean = cold_dir / "cold-clean.md"
        finding = cold_dir / "cold-finding.md"
        clean.write_text(CLEAN_TEXT)
        finding.write_text(FINDING_TEXT)
        for case, path in (("clean", clean), ("finding", finding)):
            # One unmeasured run per tool first: it writes Python bytecode caches
            # (as installing does) and loads the file into the page cache.
            for t in tools:
                run_once(t, [str(path)], scratch, f"cold-{case}-warmup", args)
            for i in range(args.cold_runs):
                for t in tools:
                    c = cold.setdefault(t.name, {})
                    if c.get(f"{case}_failed"):
                        continue
                    m, findings, problem = run_once(t, [str(path)], scratch, f"cold-{case}{i}", args)
                    if problem:
                        c[f"{case}_failed"] = problem
                        continue
                    c.setdefault(f"{case}_walls", []).append(m.wall)  # type: ignore[union-attr]
                    c[f"{case}_findings"] = findings
                    c[f"{case}_peak_kb"] = max(int(c.get(f"{case}_peak_kb", 0)), m.peak_kb)  # type: ignore[arg-type]
            print(f"cold start ({case}): done", file=sys.stderr)

    if not args.keep_output:
        shutil.rmtree(scratch / "out" / f"run-{os.getpid()}", ignore_errors=True)

    # ------------------------------------------------------------------ report
    hl_rows = [r for r in rows if r.tool.is_humanize_lint and r.runs]
    ratio_heads = [f"{r.tool.name.replace('humanize-lint', 'HL')} speed ÷ this" for r in hl_rows]
    headers = ["tool", "version", "wall s (median)", "CPU s (median)", "MB/s", "words/s", "peak MB (RSS)", "peak MB (PSS)", "findings", *ratio_heads]
    table_rows = []
    out_rows = []
    for row in rows:
        if not row.runs:
            table_rows.append([row.tool.name, row.tool.version, "failed", "", "", "", "", "", row.failed, *["" for _ in hl_rows]])
            out_rows.append({"tool": row.tool.name, "version": row.tool.version, "failed": row.failed})
            continue
        w = row.wall
        ratios = [r.wall and (w / r.wall) for r in hl_rows]  # HL speed ÷ this speed = this time ÷ HL time
        findings = "n/a" if row.findings is None else f"{row.findings:,}"
        table_rows.append([
            row.tool.name, row.tool.version, f"{w:.2f}", f"{median([m.cpu_seconds for m in row.runs]):.1f}", fmt_rate(corpus.bytes / 1e6 / w), fmt_rate(corpus.words / w),
            f"{row.peak_mb:.0f}", f"{row.pss_mb:.0f}", findings, *[fmt_ratio(x) for x in ratios],
        ])
        out_rows.append({
            "tool": row.tool.name, "version": row.tool.version, "argv_prefix": row.tool.argv_prefix,
            "wall_s_median": round(w, 4), "cpu_s_median": round(median([m.cpu_seconds for m in row.runs]), 2), "mb_per_s": corpus.bytes / 1e6 / w, "words_per_s": corpus.words / w,
            "peak_mb": round(row.peak_mb, 1), "peak_pss_mb": round(row.pss_mb, 1), "findings": row.findings, "note": row.tool.note,
            "speed_ratio": {r.tool.name: x for r, x in zip(hl_rows, ratios)},
            "runs": [m.as_dict() for m in row.runs],
        })
    main_table = markdown_table(headers, table_rows, "llrrrrrrr" + "r" * len(hl_rows))

    cold_table = ""
    if cold:
        cheads = ["tool", "clean file s (median)", "file with finding s (median)", "findings (clean / finding)", "peak MB"]
        crows = []
        for t in tools:
            c = cold.get(t.name, {})
            cells = [t.name]
            for case in ("clean", "finding"):
                walls = c.get(f"{case}_walls")
                cells.append(f"{median(walls):.3f}" if walls else f"failed: {c.get(f'{case}_failed', '')}"[:60])  # type: ignore[arg-type]

            def fnd(case: str) -> str:
                v = c.get(f"{case}_findings")
                return "n/a" if v is None else str(v)

            cells.append(f"{fnd('clean')} / {fnd('finding')}")
            cells.append(f"{max(int(c.get('clean_peak_kb', 0)), int(c.get('finding_peak_kb', 0))) / 1024:.0f}")  # type: ignore[arg-type]
            crows.append(cells)
            c["clean_median_s"] = median(c.get("clean_walls") or [])  # type: ignore[arg-type]
            c["finding_median_s"] = median(c.get("finding_walls") or [])  # type: ignore[arg-type]
        cold_table = markdown_table(cheads, crows, "lrrrr")

    cpu = ""
    try:
        with open("/proc/cpuinfo") as fh:
            cpu = next((line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")), "")
    except OSError:
        pass
    header = (
        f"Corpus: `{corpus_dir}` — {len(corpus.files)} Markdown files, {corpus.bytes / 1e6:.2f} MB, {corpus.words:,} words "
        f"(whitespace-separated). Median of {args.runs} run(s); MB/s counts 10^6 bytes, peak MB is 2^20 bytes (see bench/README.md). Machine: {os.cpu_count()} cores"
        f"{', ' + cpu if cpu else ''}; Python {platform.python_version()}; humanize-lint at commit {commit}; {time.strftime('%Y-%m-%d %H:%M')}."
    )
    md = [header, "", main_table]
    if cold_table:
        md += ["", f"Single-file cold start (median of {args.cold_runs}; whole process, including interpreter start and model load):", "", cold_table]
    if notes:
        md += [""] + [f"- {n}" for n in notes]
    text = "\n".join(md) + "\n"
    print()
    print(text)
    if args.markdown:
        args.markdown.write_text(text)
    if args.json:
        args.json.write_text(json.dumps({
            "corpus": {"path": str(corpus_dir), "files": len(corpus.files), "bytes": corpus.bytes, "words": corpus.words},
            "runs": args.runs, "cold_runs": args.cold_runs, "machine": {"cores": os.cpu_count(), "cpu": cpu, "python": platform.python_version()},
            "date": time.strftime("%Y-%m-%dT%H:%M:%S"), "commit": commit, "tools": out_rows, "cold_start": cold, "notes": notes,
        }, indent=2, default=str) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
