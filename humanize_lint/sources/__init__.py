"""Inputs: find files, decode them, and turn them into units and segments.

This package owns everything between a path (or stdin) and the text the
engine reads: directory walking with include/exclude globs, decoding (BOMs,
UTF-8/16/32, binary detection), format detection by extension or
``--stdin-filename``, record formats, and splitting a unit into segments
whose offsets map back to the file. It never runs NLP.
"""

from __future__ import annotations

import codecs
import errno
import re
import fnmatch
import os
import select
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Iterable, Iterator, Sequence

from ..lazyre import lazy
from ..model import Document, HumanizeLintError, InputError, InputNote, Segment, Unit, line_starts_of
from . import html, markdown, records, text

FORMATS = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".mdx": "markdown",
    ".mkd": "markdown",
    ".txt": "text",
    ".text": "text",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".csv": "csv",
    ".tsv": "csv",
    ".tab": "csv",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".eml": "eml",
    ".mbox": "mbox",
    ".mbx": "mbox",
}
RECORD_FORMATS = ("jsonl", "json", "csv")
MAIL_FORMATS = ("eml", "mbox")
DEFAULT_INCLUDE = ("*.md", "*.markdown", "*.txt")
ALWAYS_EXCLUDED_DIRS = {".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".mypy_cache", ".ruff_cache"}


@dataclass(frozen=True)
class SourceOptions:
    """How to read inputs (from config and CLI)."""

    text_fields: tuple[str, ...] = ("text",)
    id_field: str | None = None
    name_field: str | None = None
    first_name_field: str | None = None
    last_name_field: str | None = None
    records_key: str | None = None
    customer: str | None = None
    include: tuple[str, ...] = DEFAULT_INCLUDE
    exclude: tuple[str, ...] = ()
    root: Path = field(default_factory=Path.cwd)
    html: bool | None = None  # record fields: None = detect HTML bodies
    respect_gitignore: bool = True  # walks skip what git ignores (.gitignore, .git/info/exclude, core.excludesFile)
    include_quoted: bool = False  # email: lint quoted earlier replies too
    include_signature: bool = False  # email: lint signatures too
    group_field: str | None = None  # records: field whose value groups the summary (FIELD or FIELD:month)
    date_field: str | None = None  # records: ISO date field for the trend by period (FIELD, FIELD:month or FIELD:week)


# Compressed files are read through the standard library's decompressors, as the
# stream goes (memory stays flat); the format is the name's without the suffix
# ("tickets.jsonl.gz" is JSON Lines), and lines and columns count the decompressed text.
COMPRESSIONS = {".gz": "gzip", ".bz2": "bzip2", ".xz": "xz"}


def compression_of(path: str) -> str | None:
    """The compression a file name says (``gzip``, ``bzip2``, ``xz``), or None."""
    return COMPRESSIONS.get(os.path.splitext(path)[1].lower())


def detect_format(path: str) -> str:
    """Format name from a file name's extension (under a compression suffix); plain text by default."""
    root, ext = os.path.splitext(path)
    if ext.lower() in COMPRESSIONS:
        ext = os.path.splitext(root)[1]
    return FORMATS.get(ext.lower(), "text")


class Decompressed:
    """A binary stream read through a decompressor object (zlib's for gzip, bz2's, lzma's),
    fed the compressed bytes a small piece at a time, so that everything that decompresses
    before a break is returned: a download cut short, a bad checksum, or junk after the
    last member keep the records before them (``gzip -d`` keeps them too). The break is an
    InputError (``not a valid gzip file (...)``): raised at once when nothing came before
    it, else kept in ``failed`` for the reader to raise once it has read the rest
    (``_raise_pending``). Concatenated members or streams are read one after another.
    ``position()`` is how far the compressed input has been read (for progress)."""

    PIECE = 1 << 13  # compressed bytes fed at a time
    _MAGIC = {"gzip": b"\x1f\x8b", "bzip2": b"BZh", "xz": b"\xfd7zXZ\x00"}

    def __init__(self, handle: BinaryIO, kind: str, name: str) -> None:
        self.raw, self.kind, self.name = handle, kind, name
        self.buffer = bytearray()
        self.done = False  # no more output (the end, or a break)
        self.fed = False  # compressed bytes went into the current member
        self.members = 0  # members (streams) read to their end
        self.delivered = 0  # decompressed bytes returned so far
        self.failed: InputError | None = None
        self.decompressor = self._new()

    def _new(self) -> Any:
        import bz2
        import lzma
        import zlib

        self._errors = (zlib.error, OSError, EOFError, ValueError, lzma.LZMAError)  # what a decompressor raises on bad data
        if self.kind == "gzip":
            return zlib.decompressobj(16 + zlib.MAX_WBITS)
        if self.kind == "bzip2":
            return bz2.BZ2Decompressor()
        return lzma.LZMADecompressor()

    def _break(self, reason: str) -> None:
        what = "the rest of the file is skipped" if self.delivered or self.buffer else "skipped"
        self.failed = InputError(f"not a valid {self.kind} file ({reason}); {what}", self.name)
        self.done = True

    def _feed(self, data: bytes) -> None:
        while data and not self.done:
            if not self.fed and self.members and not data.strip(b"\0"):
                return  # zero padding after the last member (tape-style blocks): ignored, as gzip does
            if not self.fed and not data.startswith(self._MAGIC[self.kind][: len(data)]):
                self._break("junk after the compressed data" if self.members else f"no {self.kind} header")
                return
            self.fed = True
            # (zlib's decompressor can be copied: a piece that fails is fed again in slices a
            # sixteenth its size from the copy, down to single bytes, so that what decodes
            # before the break is kept: the output of the call that fails is lost.)
            backup = self.decompressor.copy() if self.kind == "gzip" and len(data) > 1 else None
            try:
                self.buffer += self.decompressor.decompress(data)
            except self._errors as exc:
                if backup is not None:
                    self.decompressor = backup
                    step = max(1, len(data) // 16)
                    for at in range(0, len(data), step):
                        self._feed(data[at : at + step])
                        if self.done:
                            return
                    return  # (read in slices, all of it)
                self._break(str(exc) or exc.__class__.__name__)
                return
            if not self.decompressor.eof:
                return
            data = self.decompressor.unused_data
            self.members += 1
            self.decompressor, self.fed = self._new(), False

    def _fill(self, want: int) -> None:
        while not self.done and (want < 0 or len(self.buffer) < want):
            piece = self.raw.read(self.PIECE)
            if not piece:
                if self.fed or not self.members:
                    self._break("it ends before its compressed data does" if self.fed else "the file is empty")
                self.done = True
                return
            self._feed(piece)

    def read(self, size: int = -1) -> bytes:
        self._fill(size)
        if self.failed is not None and not self.delivered and not self.buffer:
            raise self.failed  # nothing before the break: the file is skipped
        n = len(self.buffer) if size < 0 else min(size, len(self.buffer))
        data = bytes(self.buffer[:n])
        del self.buffer[:n]
        self.delivered += n
        return data

    def position(self) -> int:
        try:
            return self.raw.tell()
        except (OSError, ValueError, AttributeError):
            return 0


def _raise_pending(handle: BinaryIO) -> None:
    """The error a decompressed stream met after the data it returned (``Decompressed``)."""
    failed = getattr(handle, "failed", None)
    if failed is not None:
        raise failed


def decompressing(handle: BinaryIO, path: str, name: str) -> BinaryIO:
    """``handle``, decompressed when ``path`` names a compressed file (``tickets.jsonl.gz``)."""
    kind = compression_of(path)
    return handle if kind is None else Decompressed(handle, kind, name)  # type: ignore[return-value]


def _matches(rel: str, patterns: Sequence[str]) -> bool:
    """gitignore-style match: a pattern without '/' matches any path component."""
    rel = rel.replace(os.sep, "/")
    parts = rel.split("/")
    for pat in patterns:
        p = pat.rstrip("/")
        anchored = p.startswith("/")
        p = p.lstrip("/")
        if "/" in p or anchored:
            if fnmatch.fnmatchcase(rel, p) or fnmatch.fnmatchcase(rel, p + "/*") or rel.startswith(p.rstrip("*") if p.endswith("/**") else "\0"):
                return True
            if p.endswith("/**") and (rel == p[:-3] or rel.startswith(p[:-2])):
                return True
        else:
            if any(fnmatch.fnmatchcase(part, p) for part in parts):
                return True
    return False


def _relative(path: Path, root: Path) -> str:
    try:
        return str(_resolve(path).relative_to(_resolve(root)))
    except ValueError:
        return str(path)


def _resolve(path: Path) -> Path:
    """``path.resolve()``, or the absolute path when resolving fails (a symlink loop)."""
    try:
        return path.resolve()
    except (RuntimeError, OSError):
        return Path(os.path.abspath(path))


class _WalkPaths:
    """``_relative(Path(dirpath) / name, root)`` for the entries of one walk, resolving the
    root once and each directory once: a name that is no symlink resolves to its resolved
    directory and the name (``Path.resolve`` reads every part of a path, so resolving each
    file on its own read the whole tree's ancestors again for every file)."""

    def __init__(self, root: Path) -> None:
        self.root = _resolve(root)
        self.dirs: dict[str, Path] = {}

    def __call__(self, dirpath: str, name: str) -> str:
        path = Path(dirpath) / name
        if os.path.islink(path):
            full = _resolve(path)
        else:
            base = self.dirs.get(dirpath)
            if base is None:
                base = self.dirs[dirpath] = _resolve(Path(dirpath))
            full = base / name
        try:
            return str(full.relative_to(self.root))
        except ValueError:
            return str(path)


def is_excluded(path: Path, opts: SourceOptions) -> bool:
    """Whether config excludes ``path`` (also for a path that only names standard input)."""
    return _matches(_relative(path, opts.root), opts.exclude)


def _special(path: Path) -> str | None:
    """Why a directory entry met in a walk is not read: None for a regular file.

    Symlink loops and dangling links cannot be opened; FIFOs, sockets and
    devices would block the walk or never end.
    """
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symlink loop"
        if os.path.islink(path):
            return "dangling symlink"
        return f"cannot read: {exc.strerror}"
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISDIR(mode):
        return "a directory"
    return "not a regular file"


# Variables git sets for a repository (in hooks: GIT_INDEX_FILE, GIT_DIR ...): left out, so that
# each repository walked, a submodule included, is asked about itself.
_GIT_REPOSITORY_VARIABLES = frozenset(
    "GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_COMMON_DIR GIT_PREFIX GIT_OBJECT_DIRECTORY GIT_ALTERNATE_OBJECT_DIRECTORIES "
    "GIT_IMPLICIT_WORK_TREE GIT_SHALLOW_FILE GIT_GRAFT_FILE GIT_NAMESPACE".split()
)


def _git(directory: Path, *args: str) -> bytes | str | None:
    """``git -C directory ARGS``: its output (exit 0), git's message (it failed), or None
    (no git, or an exit 1: "not ignored" for check-ignore)."""
    import subprocess

    env = {k: v for k, v in os.environ.items() if k not in _GIT_REPOSITORY_VARIABLES}
    try:
        proc = subprocess.run(["git", "-C", str(directory), *args], capture_output=True, timeout=120, stdin=subprocess.DEVNULL, env=env)
    except (OSError, subprocess.SubprocessError):
        return None
    if proc.returncode == 0:
        return proc.stdout
    if proc.returncode == 1:
        return None
    lines = os.fsdecode(proc.stderr).strip().splitlines()
    return lines[0].removeprefix("fatal: ") if lines else f"git exited with {proc.returncode}"


class _GitView:
    """What git does not ignore under a directory: the files it tracks or would add
    (``git ls-files --cached --others --exclude-standard``, so every ``.gitignore``,
    ``.git/info/exclude`` and the user's ``core.excludesFile`` count), the directories
    that hold them, and the nested repositories (submodules, clones) that answer for
    themselves."""

    def __init__(self, base: Path, entries: list[str]) -> None:
        self.base = base
        self.files: set[str] = set()
        self.nested: set[str] = set()
        for e in entries:
            (self.nested if e.endswith("/") else self.files).add(e.rstrip("/"))
        self.dirs = {"."}
        for f in self.files | self.nested:
            parts = f.split("/")
            for i in range(1, len(parts)):
                self.dirs.add("/".join(parts[:i]))

    @classmethod
    def of(cls, directory: Path, named: bool, notes: list[HumanizeLintError]) -> "_GitView | None":
        """The view of ``directory``; None (nothing filtered) outside a git work tree, without
        git, or for a directory named on purpose that git ignores as a whole (``check _build``).
        Git failing inside a work tree (a repository it refuses: "dubious ownership") is a note,
        and nothing is filtered."""
        listing = _git(directory, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
        if isinstance(listing, str):
            if "not a git repository" not in listing:
                notes.append(InputNote(f"note: cannot ask git what it ignores ({listing}); nothing there is skipped for .gitignore", str(directory)))
            return None
        if listing is None:
            return None
        entries = [e for e in os.fsdecode(listing).split("\0") if e]
        if not entries and named and _git(directory, "check-ignore", "-q", ".") == b"":
            return None
        return cls(directory, entries)

    def _rel(self, path: Path) -> str:
        return os.path.relpath(path, self.base).replace(os.sep, "/")

    def keeps(self, path: Path) -> bool:
        return self._rel(path) in self.files

    def directory(self, path: Path) -> "str":
        """``own`` (a nested repository: ask it), ``walk`` or ``skip`` for a subdirectory."""
        rel = self._rel(path)
        if rel in self.nested or rel in self.files:  # (a submodule is listed as a file)
            return "own"
        return "walk" if rel in self.dirs else "skip"


def iter_paths(paths: Sequence[str], opts: SourceOptions, errors: list[HumanizeLintError], ignored: list[Path] | None = None) -> Iterator[Path]:
    """Files to lint: explicit files as given, directories walked recursively.

    A file named explicitly is read whatever it is: a FIFO or a process
    substitution (``<(cmd)``) is read once, to its end. In a walk, symlink
    loops, dangling links, FIFOs, sockets and devices are skipped with a
    one-line note; with ``respect_gitignore`` (the default), so is what git
    ignores (``_GitView``), as ruff does, and such files go to ``ignored``.
    Files named explicitly are always read.
    """
    relative = _WalkPaths(opts.root)
    for raw in paths:
        p = Path(raw)
        try:
            is_dir = p.is_dir()
            exists = is_dir or p.exists() or os.path.lexists(p)
        except OSError:
            is_dir, exists = False, os.path.lexists(p)
        if not exists:
            errors.append(InputError("no such file or directory", raw))
            continue
        if not is_dir:
            why = _special(p)
            if why is not None and why not in ("a FIFO (named pipe)", "a device", "a socket"):
                errors.append(InputError(f"{why}; skipped", raw))
                continue
            if not _matches(relative(os.fspath(p.parent), p.name), opts.exclude):
                yield p
            continue
        found: list[Path] = []
        # The git view that governs each directory of the walk (None: nothing filtered).
        views: dict[str, _GitView | None] = {}
        if opts.respect_gitignore:
            views[os.fspath(p)] = _GitView.of(p, True, errors)
        for dirpath, dirnames, filenames in os.walk(p):
            view = views.pop(dirpath, None)
            dirnames[:] = sorted(
                d for d in dirnames if d not in ALWAYS_EXCLUDED_DIRS and not _matches(relative(dirpath, d), opts.exclude)
            )
            if opts.respect_gitignore:
                kept = []
                for d in dirnames:
                    sub = Path(dirpath) / d
                    state = view.directory(sub) if view is not None else ("own" if os.path.exists(sub / ".git") else "walk")
                    if state == "skip":
                        continue
                    views[os.path.join(dirpath, d)] = _GitView.of(sub, False, errors) if state == "own" else view  # (os.walk's own spelling of it)
                    kept.append(d)
                dirnames[:] = kept
            for name in sorted(filenames):
                f = Path(dirpath) / name
                if any(fnmatch.fnmatchcase(name, g) for g in opts.include) and not _matches(relative(dirpath, name), opts.exclude):
                    if view is not None and not view.keeps(f):
                        if ignored is not None:
                            ignored.append(f)
                        continue
                    why = _special(f)
                    if why is not None:
                        errors.append(InputNote(f"note: {why}; skipped", str(f)))
                        continue
                    found.append(f)
        yield from found


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def _error_position(data: bytes, offset: int, encoding: str) -> tuple[int, int]:
    """Line and column (code points) of byte ``offset``: the bytes before it decoded in
    ``encoding`` (a UTF-16 or UTF-32 line break is not a ``0x0A`` byte)."""
    unit = 4 if "32" in encoding else 2 if "16" in encoding else 1
    before = data[: offset - offset % unit].decode(encoding, "replace")
    starts = line_starts_of(before)
    return len(starts), len(before) - starts[-1] + 1


def _looks_binary(data: bytes, fmt: str) -> bool:
    """A NUL byte in the first 8 KB, as git decides. In a record export or a mail file the
    NUL must be on the first line: a stray one in a later record is that record's problem
    (an invalid JSON line is reported and the rest is read), and a message in UTF-16 is
    that message's, not a reason to skip the whole export or mailbox."""
    head = data[:8192]
    if b"\0" not in head:
        return False
    if fmt in RECORD_FORMATS or fmt in MAIL_FORMATS:
        brk = head.find(b"\n")
        return b"\0" in (head if brk < 0 else head[:brk])
    return True


def decode(data: bytes, path: str, fmt: str | None = None) -> Document:
    """Decode bytes into a Document; raises InputError for binary or undecodable input."""
    encoding, bom = "utf-8", False
    for mark, enc in _BOMS:
        if data.startswith(mark):
            encoding, bom = enc, True
            data = data[len(mark) :]
            break
    fmt = fmt or detect_format(path)
    if not bom and _looks_binary(data, fmt):
        raise InputError("binary file, skipped", path)
    try:
        content = data.decode(encoding)
    except UnicodeDecodeError as exc:
        try:
            if fmt in STREAM_FORMATS:
                # A record export: each undecodable byte becomes a lone surrogate (which valid
                # text never holds), so the reader reports and skips only the records holding one.
                content = data.decode(encoding, "surrogateescape")
            elif fmt in MAIL_FORMATS and encoding == "utf-8":
                # Raw mail is often 8-bit in the charset its part declares, and a mailbox
                # mixes charsets: each byte that is not UTF-8 is kept as a lone surrogate,
                # one character per byte, and the email reader reads it in its part's
                # charset (see sources.email.read_bytes_as).
                content = data.decode(encoding, "surrogateescape")
            else:
                raise
        except UnicodeDecodeError:  # (or a byte surrogateescape cannot keep: an ASCII byte in a broken UTF-16 pair)
            line, col = _error_position(data, exc.start, encoding)
            skipped = len(next(mark for mark, enc in _BOMS if enc == encoding)) if bom else 0
            raise InputError(f"not valid {encoding.upper()} (byte {exc.start + skipped}: {exc.reason}); skipped", path, line, col) from None
    newline = "\r\n" if "\r\n" in content[:65536] else "\n"
    return Document(path=path, text=content, encoding=encoding, bom=bom, newline=newline, format=fmt)


def _read_error(exc: OSError, name: str) -> InputError:
    """The one-line input error for a file that cannot be opened or read."""
    if isinstance(exc, IsADirectoryError):
        return InputError("is a directory", name)
    if isinstance(exc, PermissionError):
        return InputError("permission denied", name)
    return InputError(f"cannot read: {exc.strerror}", name)


class PollingReader:
    """Reads a pipe, FIFO or terminal so that a signal is always handled.

    Python runs a signal's handler between bytecodes; a signal that lands
    just before a blocking ``read`` leaves the process asleep in it until
    the writer writes or closes (a Ctrl-C that never ends the run). Waiting
    in ``select`` with a timeout returns to Python four times a second, so
    the handler runs. Regular files, and systems without ``select`` on
    pipes, are read directly."""

    def __init__(self, handle: BinaryIO) -> None:
        self.handle = handle
        self.fd: int | None = None
        try:
            fd = handle.fileno()
            if os.name == "posix" and not stat.S_ISREG(os.fstat(fd).st_mode):
                self.fd = fd
        except (OSError, ValueError, AttributeError):
            pass

    def read(self, size: int = -1) -> bytes:
        if self.fd is None:
            return self.handle.read(size) if size >= 0 else self.handle.read()
        chunks: list[bytes] = []
        want = size
        while want != 0:
            if not select.select([self.fd], [], [], 0.25)[0]:
                continue
            chunk = os.read(self.fd, 1 << 16 if want < 0 else min(want, 1 << 16))
            if not chunk:
                break
            chunks.append(chunk)
            if want > 0:
                want -= len(chunk)
        return b"".join(chunks)


def read_path(path: Path, shown: str | None = None, fmt: str | None = None) -> Document:
    """Read and decode one file."""
    name = shown or str(path)
    try:
        with open(path, "rb") as fh:
            handle = decompressing(fh, str(path), name)
            data = PollingReader(handle).read()
    except OSError as exc:
        raise _read_error(exc, name) from None
    _raise_pending(handle)  # (a broken compressed file: open_path reads what it can)
    return decode(data, name, fmt or detect_format(str(path)))


# Record exports are read in blocks of this many bytes, cut at record
# boundaries, so memory stays flat however large the file. A block's records and
# findings stay in memory until the last of them is linted: with --jobs 2 on the dense
# 100,000-record export, 4 MB blocks took the process tree to 509-556 MB (PSS), 1 MB to 445.
CHUNK_BYTES = 1 << 20
STREAM_FORMATS = ("jsonl", "csv")


def open_path(path: Path, shown: str | None = None, fmt: str | None = None) -> Iterator[Document]:
    """The documents of one file: the whole file, or for a large CSV/JSONL export a stream of chunks.

    Raises InputError (possibly after some chunks, for an export that turns
    out to be undecodable half-way).
    """
    name = shown or str(path)
    fmt = fmt or detect_format(str(path))
    if fmt not in STREAM_FORMATS and compression_of(str(path)) is None:
        yield read_path(path, name, fmt)
        return
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise _read_error(exc, name) from None
    with handle:
        yield from read_stream(decompressing(handle, str(path), name), name, fmt)


def read_stream(handle: BinaryIO, name: str, fmt: str, block: int = CHUNK_BYTES) -> Iterator[Document]:
    """Decode a binary stream into documents: one if it is small or not an export, else chunks of whole records."""
    try:
        data = handle.read(block)
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", name) from None
    if fmt not in STREAM_FORMATS or len(data) < block:
        rest = handle.read() if fmt not in STREAM_FORMATS else b""
        yield decode(data + rest, name, fmt)
        _raise_pending(handle)
        return
    encoding, skip = "utf-8", 0
    for mark, enc in _BOMS:
        if data.startswith(mark):
            encoding, skip = enc, len(mark)
            break
    if not skip and _looks_binary(data, fmt):
        raise InputError("binary file, skipped", name)
    decoder = codecs.getincrementaldecoder(encoding)("surrogateescape")  # see decode(): records with bad bytes are skipped one by one
    data = data[skip:]
    consumed = skip  # bytes handed to the decoder so far
    carry = ""
    line = 1
    newline: str | None = None
    delimiter: str | None = None
    eof = False
    while True:
        try:
            text = carry + decoder.decode(data, final=eof)
        except UnicodeDecodeError as exc:  # a byte surrogateescape cannot keep (an ASCII byte in a broken UTF-16 pair)
            where = line + carry.count("\n") + _error_position(data, max(0, exc.start), encoding)[0] - 1
            raise InputError(
                f"not valid {encoding.upper()} (byte {consumed + exc.start}: {exc.reason}); rest of file skipped", name, where
            ) from None
        consumed += len(data)
        if newline is None:
            newline = "\r\n" if "\r\n" in text[:65536] else "\n"
        if fmt == "csv":
            if delimiter is None and (text.strip() or eof):
                # Sniffed from the first block that holds a row: leading blank lines say nothing.
                probe = Document(path=name, text=text.lstrip("\r\n")[:65536], format=fmt)
                delimiter = records._csv_delimiter(probe, None)
            cut = records.complete_prefix(text, delimiter or ",", eof)
        else:
            cut = len(text) if eof else text.rfind("\n") + 1
        if cut:
            doc = Document(
                path=name,
                text=text[:cut],
                encoding=encoding,
                bom=bool(skip),
                newline=newline,
                format=fmt,
                first_line=line,
                bytes_read=handle.position() if isinstance(handle, Decompressed) else consumed,
            )
            line += len(doc.line_starts) - 1
            yield doc
        carry = text[cut:]
        if eof:
            _raise_pending(handle)
            return
        try:
            data = handle.read(block)
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror}", name) from None
        eof = not data


def units(document: Document | Iterable[Document], opts: SourceOptions, errors: list[HumanizeLintError]) -> Iterator[Unit]:
    """The units of a document (or of a stream of export chunks): the whole text, or one per record field."""
    if isinstance(document, Document):
        fmt = document.format
        stream: Iterable[Document] = [document]
    else:
        it = iter(document)
        first = next(it, None)
        if first is None:
            return
        fmt = first.format

        def chained(first: Document = first) -> Iterator[Document]:
            yield first
            yield from it

        stream = chained()
        document = first
    if fmt in RECORD_FORMATS:
        kwargs = dict(
            text_fields=opts.text_fields,
            id_field=opts.id_field,
            name_field=opts.name_field,
            errors=errors,
            first_name_field=opts.first_name_field,
            last_name_field=opts.last_name_field,
            html=opts.html,
            group_field=opts.group_field,
            date_field=opts.date_field,
        )
        if fmt == "jsonl":
            yield from records.read_jsonl(stream, **kwargs)  # type: ignore[arg-type]
        elif fmt == "csv":
            yield from records.read_csv(stream, **kwargs)  # type: ignore[arg-type]
        else:
            yield from records.read_json(document, records_key=opts.records_key, **kwargs)  # type: ignore[arg-type]
        return
    if fmt in MAIL_FORMATS:
        from . import email as mail

        reader = mail.read_eml if fmt == "eml" else mail.read_mbox
        yield from reader(
            document,
            errors=errors,
            include_quoted=opts.include_quoted,
            include_signature=opts.include_signature,
            customer=opts.customer,
        )
    elif fmt == "html":
        yield from html.read_html(document, customer=opts.customer)
    elif document.text.strip():
        yield Unit(document=document, text=document.text, customer=opts.customer, markup="markdown" if fmt == "markdown" else "text")
    for _ in stream:
        pass  # (the one document a file of these formats has: its source may still report an error, a cut-off archive)


# A paragraph longer than this is cut into pieces of at most this many characters
# (at a sentence end, a line break or a space if it can): spaCy refuses texts
# over its max_length (1,000,000) and needs memory in proportion to the text,
# and the cheap stages keep a word list per segment. Real paragraphs are far shorter.
MAX_SEGMENT = 10_000
_SENTENCE_END = lazy(r"[.!?][\"')\]”’]*\s+|\n\s*")
# Zero-width, after one whitespace character: "\s+(?=...)" would be quadratic on a long run of spaces.
_BEFORE_CAPITAL = lazy(r"(?<=\s)(?=[\"'(“‘\[]?[A-Z])")


# spaCy's tokenizer strips affixes from a token one at a time, searching the
# whole token each time: quadratic in a long run without whitespace that is
# mostly punctuation (")))))…", "[][][]…": 10,000 characters took 20 s). No
# word is this long, so in a run of more than LONG_RUN characters every
# RUN_BREAK-th one is read as a space (offsets do not move).
LONG_RUN = 100
RUN_BREAK = 25
_LONG_RUN = lazy(r"\S{%d,}" % LONG_RUN)


def segment(unit: Unit) -> list[Segment]:
    """Split a unit into segments by its markup (long paragraphs into pieces, see MAX_SEGMENT;
    very long runs without whitespace broken up, see LONG_RUN)."""
    segs = markdown.segments(unit) if unit.markup == "markdown" else text.segments(unit)
    if any(len(s.text) > MAX_SEGMENT for s in segs):
        segs = [piece for s in segs for piece in split_segment(s, MAX_SEGMENT)]
    if any(len(s.text) > LONG_RUN and _LONG_RUN.search(s.text) for s in segs):
        segs = [_break_runs(s) for s in segs]
    return segs


def _break_runs(seg: Segment) -> Segment:
    """``seg`` with a space every RUN_BREAK characters inside each run longer than LONG_RUN."""
    if len(seg.text) <= LONG_RUN or not _LONG_RUN.search(seg.text):
        return seg
    chars = seg.text
    parts = []
    pos = 0
    for m in _LONG_RUN.finditer(chars):
        for cut in range(m.start() + RUN_BREAK, m.end(), RUN_BREAK):
            parts.append(chars[pos:cut])
            parts.append(" ")
            pos = cut + 1
    parts.append(chars[pos:])
    return Segment(unit=seg.unit, start=seg.start, text="".join(parts), masks=seg.masks, kind=seg.kind)


def _cut(text: str, start: int, limit: int) -> int:
    """Where to end the piece of ``text`` that starts at ``start`` (at most ``limit`` long)."""
    hi = start + limit
    lo = start + limit // 2
    for pattern in (_SENTENCE_END, _BEFORE_CAPITAL):
        last = None
        for m in pattern.finditer(text, lo, hi):
            last = m
        if last is not None:
            return last.end() if pattern is _SENTENCE_END else last.start()
    space = max(text.rfind(" ", lo, hi), text.rfind("\t", lo, hi), text.rfind("\n", lo, hi))
    return space if space > start else hi


def split_segment(seg: Segment, limit: int = MAX_SEGMENT) -> list[Segment]:
    """``seg`` cut into pieces of at most ``limit`` characters; offsets and masks kept exact."""
    t = seg.text
    if len(t) <= limit:
        return [seg]
    out: list[Segment] = []
    start = 0
    while start < len(t):
        end = len(t) if len(t) - start <= limit else _cut(t, start, limit)
        piece = t[start:end]
        lead = len(piece) - len(piece.lstrip())
        body = piece.strip()
        if body:
            a = start + lead
            b = a + len(body)
            masks = tuple((max(x, a) - a, min(y, b) - a) for x, y in seg.masks if x < b and y > a)
            out.append(Segment(unit=seg.unit, start=seg.start + a, text=body, masks=masks, kind=seg.kind))
        start = end
    return out
