"""Shared measurement helpers for the benchmark scripts (stdlib only).

Every measurement runs in a fresh wrapper process (``python -c WRAPPER``).
The wrapper runs one or more commands in sequence, times them with
``time.perf_counter`` (so the wrapper's own start-up is not counted) and,
when they are done, reports ``getrusage(RUSAGE_CHILDREN).ru_maxrss``: the
largest resident set of any single descendant it waited for. Because the
wrapper is new for every measurement, that number belongs to this
measurement alone. The wrapper makes itself a child subreaper, so worker
processes orphaned by the tool are reparented to it, reaped, and counted.

``ru_maxrss`` is a per-process maximum: three workers of 300 MB each report
300 MB. So while the wrapper runs, the parent also samples the whole process
tree under the wrapper through /proc (RSS from ``statm``, PSS from
``smaps_rollup`` where readable) and keeps the peak of the sums. RSS sums
count pages shared between forked workers once per process (an upper
bound); PSS splits them fairly (closer to what the machine really spends).
"""

from __future__ import annotations

import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional, Sequence

PAGE = os.sysconf("SC_PAGE_SIZE")

WRAPPER = r'''
import json, os, resource, signal, subprocess, sys, time
spec = json.loads(sys.argv[1])
try:  # PR_SET_CHILD_SUBREAPER: orphaned grandchildren come back to us and are counted
    import ctypes
    ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)
except Exception:
    pass
state = {"proc": None, "stop": False}
def on_term(signum, frame):
    state["stop"] = True
    p = state["proc"]
    if p is not None and p.poll() is None:
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except OSError:
            pass
signal.signal(signal.SIGTERM, on_term)
rcs, walls = [], []
t_start = time.perf_counter()
for cmd in spec["commands"]:
    if state["stop"]:
        break
    out = open(cmd["stdout"], "ab") if cmd.get("stdout") else subprocess.DEVNULL
    err = open(cmd["stderr"], "ab") if cmd.get("stderr") else subprocess.DEVNULL
    env = dict(os.environ)
    # Tools run as they would from a normal install, which has its bytecode
    # cached: a PYTHONDONTWRITEBYTECODE inherited from a sandbox would make every
    # Python tool recompile its modules on every start.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(cmd.get("env") or {})
    t0 = time.perf_counter()
    try:
        p = subprocess.Popen(cmd["argv"], stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                             cwd=cmd.get("cwd"), env=env, start_new_session=True)
    except OSError as exc:
        rcs.append(127); walls.append(0.0)
        sys.stderr.write("cannot run %s: %s\n" % (cmd["argv"][0], exc))
        continue
    state["proc"] = p
    rc = p.wait()
    walls.append(time.perf_counter() - t0)
    rcs.append(rc)
    state["proc"] = None
    if out is not subprocess.DEVNULL: out.close()
    if err is not subprocess.DEVNULL: err.close()
wall = time.perf_counter() - t_start
# Reap anything left (workers reparented to us); give them a moment, then kill.
deadline = time.time() + 5
while True:
    try:
        pid, _ = os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        break
    if pid == 0:
        if time.time() > deadline:
            for line in os.popen("ps -o pid= --ppid %d" % os.getpid()).read().split():
                try: os.kill(int(line), signal.SIGKILL)
                except OSError: pass
            deadline = time.time() + 5
        time.sleep(0.05)
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"returncodes": rcs, "walls": walls, "wall": wall, "stopped": state["stop"],
                  "maxrss_kb": ru.ru_maxrss, "user": ru.ru_utime, "sys": ru.ru_stime}))
'''


def _children(pid: int) -> list[int]:
    kids: list[int] = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{tid}/children") as fh:
                    kids.extend(int(x) for x in fh.read().split())
            except OSError:
                pass
    except OSError:
        pass
    return kids


def _children_by_scan(root: int) -> list[int]:
    parent: dict[int, int] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as fh:
                stat = fh.read()
            parent[int(name)] = int(stat[stat.rindex(")") + 2 :].split()[1])
        except (OSError, ValueError):
            pass
    out, todo = [], [root]
    while todo:
        p = todo.pop()
        kids = [c for c, pp in parent.items() if pp == p]
        out.extend(kids)
        todo.extend(kids)
    return out


_HAVE_CHILDREN_FILE = os.path.exists(f"/proc/{os.getpid()}/task/{os.getpid()}/children")


def descendants(pid: int) -> list[int]:
    """All processes below ``pid`` (not ``pid`` itself)."""
    if not _HAVE_CHILDREN_FILE:
        return _children_by_scan(pid)
    out, todo = [], [pid]
    while todo:
        kids = _children(todo.pop())
        out.extend(kids)
        todo.extend(kids)
    return out


def rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as fh:
            return int(fh.read().split()[1]) * PAGE // 1024
    except (OSError, ValueError, IndexError):
        return 0


def pss_kb(pid: int) -> Optional[int]:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


@dataclass
class Command:
    argv: list[str]
    stdout: Optional[str] = None  # file path (appended to) or None for /dev/null
    stderr: Optional[str] = None
    cwd: Optional[str] = None
    env: dict[str, str] = field(default_factory=dict)


@dataclass
class Measurement:
    wall: float
    returncodes: list[int]
    maxrss_kb: int  # largest single process (RUSAGE_CHILDREN of the wrapper)
    tree_rss_kb: int  # peak of the sampled RSS sum over the tree
    tree_pss_kb: Optional[int]  # peak of the sampled PSS sum, when readable
    max_procs: int  # most processes seen at once in the tree
    samples: int
    stopped: bool  # ended early by the time limit
    cpu_seconds: float
    # (seconds, tree RSS sum MB, largest process RSS MB, main process RSS MB, processes), <= 400 points
    timeline: list[tuple[float, float, float, float, int]] = field(default_factory=list)

    @property
    def peak_kb(self) -> int:
        """Peak memory of the tree: the larger of the single-process maximum and the sampled sum."""
        return max(self.maxrss_kb, self.tree_rss_kb)

    def as_dict(self) -> dict[str, object]:
        return {
            "wall_s": round(self.wall, 4),
            "returncodes": self.returncodes,
            "maxrss_single_process_mb": round(self.maxrss_kb / 1024, 1),
            "tree_rss_sum_peak_mb": round(self.tree_rss_kb / 1024, 1),
            "tree_pss_sum_peak_mb": None if self.tree_pss_kb is None else round(self.tree_pss_kb / 1024, 1),
            "peak_mb": round(self.peak_kb / 1024, 1),
            "max_processes": self.max_procs,
            "samples": self.samples,
            "stopped_early": self.stopped,
            "cpu_s": round(self.cpu_seconds, 2),
            "timeline": [list(x) for x in self.timeline],
        }


def measure(
    commands: Sequence[Command],
    interval: float = 0.5,
    time_limit: Optional[float] = None,
    on_sample: Optional[Callable[[list[int], float], None]] = None,
    pss: bool = True,
) -> Measurement:
    """Run ``commands`` in sequence in a fresh wrapper; see the module docstring."""
    spec = {"commands": [c.__dict__ for c in commands]}
    with tempfile.TemporaryFile() as out:
        wrapper = subprocess.Popen([sys.executable, "-c", WRAPPER, json.dumps(spec)], stdout=out, stdin=subprocess.DEVNULL)
        t0 = time.monotonic()
        peak_rss = 0
        peak_pss: Optional[int] = None
        max_procs = 0
        samples = 0
        timeline: list[tuple[float, float, float, float, int]] = []
        terminated = False
        while True:
            try:
                wrapper.wait(timeout=interval)
                break
            except subprocess.TimeoutExpired:
                pass
            pids = descendants(wrapper.pid)
            if pids:
                samples += 1
                max_procs = max(max_procs, len(pids))
                rss = [rss_kb(p) for p in pids]
                peak_rss = max(peak_rss, sum(rss))
                top = set(_children(wrapper.pid)) if _HAVE_CHILDREN_FILE else set()
                main_rss = sum(r for p, r in zip(pids, rss) if p in top)
                timeline.append((round(time.monotonic() - t0, 2), round(sum(rss) / 1024, 1), round(max(rss) / 1024, 1), round(main_rss / 1024, 1), len(pids)))
                if pss:
                    vals = [pss_kb(p) for p in pids]
                    if all(v is not None for v in vals):
                        peak_pss = max(peak_pss or 0, sum(v for v in vals if v is not None))
                if on_sample is not None:
                    on_sample(pids, time.monotonic() - t0)
            if time_limit is not None and not terminated and time.monotonic() - t0 > time_limit:
                wrapper.send_signal(signal.SIGTERM)
                terminated = True
        out.seek(0)
        raw = out.read().decode()
    try:
        res = json.loads(raw.strip().splitlines()[-1])
    except (ValueError, IndexError):
        raise RuntimeError(f"measurement wrapper failed (exit {wrapper.returncode}): {raw[-500:]!r}") from None
    return Measurement(
        wall=res["wall"],
        returncodes=res["returncodes"],
        maxrss_kb=res["maxrss_kb"],
        tree_rss_kb=peak_rss,
        tree_pss_kb=peak_pss,
        max_procs=max_procs,
        samples=samples,
        stopped=res["stopped"],
        cpu_seconds=res["user"] + res["sys"],
        timeline=_thin(timeline, 400),
    )


def _thin(points: list, limit: int) -> list:
    """At most ``limit`` points, keeping the first, the last and the highest."""
    if len(points) <= limit:
        return points
    step = len(points) / limit
    keep = {int(i * step) for i in range(limit)} | {len(points) - 1, max(range(len(points)), key=lambda i: points[i][1])}
    return [points[i] for i in sorted(keep)]


def median(xs: Sequence[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


def help_has(argv: Sequence[str], flag: str) -> bool:
    """Whether ``argv --help`` mentions ``flag`` (as a whole option name)."""
    import re

    try:
        text = subprocess.run([*argv, "--help"], capture_output=True, text=True, timeout=120, env={**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}).stdout
    except (OSError, subprocess.TimeoutExpired):
        return False
    return re.search(r"(?<![\w-])" + re.escape(flag) + r"(?![\w-])", text) is not None


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[object]], align: Optional[str] = None) -> str:
    """A GitHub-flavoured Markdown table; ``align`` is a string of l/r per column."""
    cells = [[str(h) for h in headers]] + [["" if c is None else str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    align = align or "l" * len(headers)

    def line(r: Sequence[str]) -> str:
        return "| " + " | ".join(c.rjust(w) if a == "r" else c.ljust(w) for c, w, a in zip(r, widths, align)) + " |"

    sep = "| " + " | ".join(("-" * (w - 1) + ":") if a == "r" else "-" * w for w, a in zip(widths, align)) + " |"
    return "\n".join([line(cells[0]), sep] + [line(r) for r in cells[1:]])


def repo_root() -> Path:
    return Path(__file__).resolve().parent.parent


def git_describe() -> str:
    """The repository's commit (short), with '+dirty' when humanize_lint/ or rules/ have local changes."""
    root = repo_root()
    try:
        head = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, timeout=30).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--", "humanize_lint", "rules"], capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    return (head or "?") + ("+dirty" if dirty else "")


def default_humanize_lint() -> str:
    venv = repo_root() / ".venv" / "bin" / "humanize-lint"
    return str(venv) if venv.exists() else "humanize-lint"


def python_of(executable: str) -> str:
    """The Python interpreter a console script runs under (its shebang), else this one."""
    import shutil

    path = shutil.which(executable) or executable
    try:
        with open(path, "rb") as fh:
            first = fh.readline().decode(errors="replace").strip()
        if first.startswith("#!"):
            interp = first[2:].strip().split()[0]
            if "python" in os.path.basename(interp) and os.path.exists(interp):
                return interp
    except OSError:
        pass
    return sys.executable
