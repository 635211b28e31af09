"""Apply findings' fixes to files: plan the edits, show a diff, write atomically.

This is the only module that writes user files. It takes a decoded
``Document`` and the findings the engine reported for it, and:

- ``plan`` picks the edits that can be applied together (each finding's
  ``fix``, in document offsets), sorted and without overlaps;
- ``apply`` turns the document text into the fixed text;
- ``unified_diff`` shows the change git-style (``--- a/path`` / ``+++ b/path``);
- ``encode`` turns the fixed text back into bytes in the file's own
  encoding, with its BOM;
- ``write_atomic`` replaces the file, but only if it still has the bytes that
  were read: temp file in the same directory, same mode, fsync, ``os.replace``.

Only plain text, Markdown and HTML documents are rewritten. Record exports (JSON,
JSON Lines, CSV) and email are never rewritten: ``plan`` returns no edits
for them and says why.

Decoding is lossless (strict UTF-8/16/32, BOM recorded, newlines untouched;
mail's bytes that are not UTF-8 kept as lone surrogates), so ``encode(doc, doc.text)`` gives back exactly the bytes the
document was read from. ``write_atomic`` relies on that: by default it
compares the file on disk with those bytes, so a caller only has to keep the
``Document`` it linted (or, to be explicit, the raw bytes or a ``Snapshot``).
"""

from __future__ import annotations

import codecs
import difflib
import hashlib
import os
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from .model import Document, Edit, Finding, InputError

FIXABLE_FORMATS = ("text", "markdown", "html")

_NOT_REWRITTEN = {
    "jsonl": "JSON Lines exports",
    "json": "JSON exports",
    "csv": "CSV exports",
    "eml": "email files",
    "mbox": "mailboxes",
}

_BOMS = {
    "utf-8": codecs.BOM_UTF8,
    "utf-16-le": codecs.BOM_UTF16_LE,
    "utf-16-be": codecs.BOM_UTF16_BE,
    "utf-32-le": codecs.BOM_UTF32_LE,
    "utf-32-be": codecs.BOM_UTF32_BE,
}


# -- planning -----------------------------------------------------------------


@dataclass
class FixPlan:
    """What ``plan`` decided for one document.

    ``edits`` are sorted and never overlap. ``fixed`` are the findings those
    edits fix (an identical edit offered by two findings fixes both).
    ``skipped`` pairs each finding whose fix was not applied with the reason,
    in plain words. ``note`` is set when the whole document is not rewritten
    (a record export or email), for the CLI's notices.
    """

    edits: list[Edit] = field(default_factory=list)
    fixed: list[Finding] = field(default_factory=list)
    skipped: list[tuple[Finding, str]] = field(default_factory=list)
    note: str | None = None


def unfixable_reason(doc: Document) -> str | None:
    """Why ``doc`` is never rewritten (a record export, email, or part of a file), or None."""
    if getattr(doc, "first_line", 1) != 1:
        return "chunks of a file are not rewritten by --fix"
    from .sources import compression_of

    if compression_of(doc.path):
        return "compressed files are not rewritten by --fix"
    if doc.format in FIXABLE_FORMATS:
        return None
    kind = _NOT_REWRITTEN.get(doc.format, f"{doc.format} files")
    return f"{kind} are not rewritten by --fix"


def plan_fixes(doc: Document, findings: Iterable[Finding]) -> FixPlan:
    """Choose the edits to apply to ``doc``, and say which fixes were skipped and why.

    Only findings of this document (same ``path``) that carry a ``fix`` are
    considered. Edits are taken in text order; one that overlaps an edit
    already taken is skipped (the earliest wins), as is one that would change
    nothing, one that falls outside the text, or one whose finding no longer
    matches the text (stale findings). In a CRLF document a newline inside a
    replacement is written as CRLF.
    """
    out = FixPlan()
    mine = [f for f in findings if f.path == doc.path and f.fix is not None]
    reason = unfixable_reason(doc)
    if reason is not None:
        if mine:
            out.note = f"{doc.path}: {reason}; {_count(len(mine), 'fix')} not applied"
            out.skipped = [(f, reason) for f in mine]
        return out
    text = doc.text
    candidates: list[tuple[Edit, Finding]] = []
    for f in mine:
        edit = f.fix
        assert edit is not None
        if not 0 <= edit.start <= edit.end <= len(text):
            out.skipped.append((f, "the fix lies outside the text"))
            continue
        if (edit.start, edit.end) == (f.doc_start, f.doc_end) and text[edit.start : edit.end] != f.text:
            out.skipped.append((f, "the text changed since it was linted"))
            continue
        replacement = edit.replacement
        if doc.newline == "\r\n" and "\n" in replacement:
            replacement = replacement.replace("\r\n", "\n").replace("\n", "\r\n")
        if text[edit.start : edit.end] == replacement:
            out.skipped.append((f, "the fix would change nothing"))
            continue
        if replacement != edit.replacement:
            edit = Edit(edit.start, edit.end, replacement)
        candidates.append((edit, f))
    candidates.sort(key=lambda c: (c[0].start, c[0].end, c[1].rule.code, c[0].replacement))
    for edit, f in candidates:
        if out.edits and out.edits[-1] == edit:
            out.fixed.append(f)  # two findings, one identical edit: both are fixed
            continue
        if out.edits and _overlap(out.edits[-1], edit):
            pos = doc.position(out.edits[-1].start)
            out.skipped.append((f, f"overlaps the fix at {pos.line}:{pos.column}"))
            continue
        out.edits.append(edit)
        out.fixed.append(f)
    return out


def plan(doc: Document, findings: Sequence[Finding], *, notes: list[str] | None = None) -> tuple[list[Edit], list[Finding]]:
    """The edits to apply to ``doc`` (sorted, non-overlapping) and the findings whose fix was skipped.

    See ``plan_fixes`` for the rules. When the document is not rewritten at
    all (record exports, email), no edits are returned, every fix is
    skipped, and a one-line reason is appended to ``notes`` if given.
    """
    result = plan_fixes(doc, findings)
    if result.note and notes is not None:
        notes.append(result.note)
    return result.edits, [f for f, _ in result.skipped]


def _overlap(a: Edit, b: Edit) -> bool:
    """Whether ``b`` (sorted after ``a``) conflicts with ``a``.

    Ranges that share characters conflict; so do two insertions at the same
    point (their order would be arbitrary) and an insertion strictly inside a
    replaced range. Touching ranges do not conflict.
    """
    if a.start == a.end and b.start == b.end:
        return a.start == b.start
    if a.start == a.end:
        return b.start < a.start < b.end
    if b.start == b.end:
        return a.start < b.start < a.end
    return b.start < a.end


def apply(text: str, edits: Iterable[Edit]) -> str:
    """``text`` with ``edits`` applied (document offsets into the original ``text``).

    Raises ValueError for an edit outside the text or two conflicting edits.
    """
    ordered = sorted(edits, key=lambda e: (e.start, e.end))
    parts: list[str] = []
    pos = 0
    prev: Edit | None = None
    for e in ordered:
        if not 0 <= e.start <= e.end <= len(text):
            raise ValueError(f"edit {e!r} lies outside the text (length {len(text)})")
        if prev is not None and (_overlap(prev, e) or e.start < pos):
            raise ValueError(f"edits {prev!r} and {e!r} overlap")
        parts.append(text[pos : e.start])
        parts.append(e.replacement)
        pos = e.end
        prev = e
    parts.append(text[pos:])
    return "".join(parts)


def _count(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "es" if word.endswith(("s", "x")) else "s")


# -- showing ------------------------------------------------------------------


def _lines(text: str) -> list[str]:
    """Lines with their endings; only ``\\n`` ends a line, as in git (``\\r\\n`` keeps its ``\\r``)."""
    lines = text.split("\n")
    out = [line + "\n" for line in lines[:-1]]
    if lines[-1]:
        out.append(lines[-1])
    return out


def diff_path(path: str) -> str:
    """``path`` as it appears after ``a/`` and ``b/`` in a diff header (forward slashes, no ``./``)."""
    p = path.replace(os.sep, "/")
    while p.startswith("./"):
        p = p[2:]
    return p.lstrip("/")


def unified_diff(doc: Document, new_text: str, *, context: int = 3) -> str:
    """A git-style unified diff from ``doc.text`` to ``new_text``; empty when they are equal.

    Headers are ``--- a/PATH`` and ``+++ b/PATH`` and end in ``\\n``. Content
    lines keep the file's own line endings, so a CRLF file's diff carries
    ``\\r\\n`` in its content lines (as ``git diff`` does) and applies with
    ``git apply`` or ``patch``; write it to a binary stream (or a text stream
    with ``newline=""``) so the ``\\r`` is not doubled. A last line without
    a newline is followed by ``\\ No newline at end of file``.
    """
    if new_text == doc.text:
        return ""
    name = diff_path(doc.path)
    out: list[str] = []
    for line in difflib.unified_diff(_lines(doc.text), _lines(new_text), fromfile=f"a/{name}", tofile=f"b/{name}", n=context):
        if line.endswith("\n"):
            out.append(line)
        else:
            out.append(line + "\n\\ No newline at end of file\n")
    return "".join(out)


# -- writing ------------------------------------------------------------------


def encode(doc: Document, new_text: str) -> bytes:
    """``new_text`` in ``doc``'s encoding, with the BOM when the file had one.

    Raises InputError when a character cannot be written in that encoding
    (a lone surrogate that is no escaped byte, or a character outside a
    legacy encoding) or the encoding has no BOM to restore.
    """
    try:
        codec = codecs.lookup(doc.encoding).name
    except LookupError:
        raise InputError(f"unknown encoding {doc.encoding!r}; not fixed", doc.path) from None
    bom = b""
    if doc.bom:
        if codec not in _BOMS:
            raise InputError(f"cannot restore a byte order mark for {doc.encoding}; not fixed", doc.path)
        bom = _BOMS[codec]
    try:
        # A mail file's bytes that are not UTF-8 were read as lone surrogates: written back as they were.
        return bom + new_text.encode(codec, "surrogateescape" if codec == "utf-8" else "strict")
    except UnicodeEncodeError as exc:
        bad = exc.object[exc.start : exc.end]
        line = new_text.count("\n", 0, exc.start) + 1
        col = exc.start - (new_text.rfind("\n", 0, exc.start) + 1) + 1
        raise InputError(f"{bad!r} cannot be written in {doc.encoding}; not fixed", doc.path, line, col) from None


@dataclass(frozen=True)
class Snapshot:
    """What a file held when it was read: its size and the sha256 of its bytes."""

    size: int
    sha256: str

    @classmethod
    def of(cls, data: bytes) -> "Snapshot":
        """The snapshot of some bytes."""
        return cls(len(data), hashlib.sha256(data).hexdigest())

    @classmethod
    def of_document(cls, doc: Document) -> "Snapshot":
        """The snapshot of the bytes ``doc`` was decoded from (decoding is lossless)."""
        return cls.of(encode(doc, doc.text))


def _expected(doc: Document, original: bytes | Snapshot | str | None) -> Snapshot:
    """The snapshot the file must still match; checks it agrees with ``doc``."""
    derived = Snapshot.of_document(doc)
    if original is None:
        return derived
    if isinstance(original, (bytes, bytearray, memoryview)):
        want = Snapshot.of(bytes(original))
    elif isinstance(original, Snapshot):
        want = original
    elif isinstance(original, str):
        want = Snapshot(derived.size, original.lower())  # a bare sha256 hex digest
    else:
        raise TypeError(f"original must be bytes, a Snapshot or a sha256 hex digest, not {type(original).__name__}")
    if want.sha256 != derived.sha256 or want.size != derived.size:
        raise InputError("does not re-encode to the bytes that were read; not fixed", doc.path)
    return want


def _read_only(path: Path, st: os.stat_result) -> bool:
    return stat.S_IMODE(st.st_mode) & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) == 0 or not os.access(path, os.W_OK)


def _reason(exc: OSError) -> str:
    return exc.strerror.lower() if exc.strerror else str(exc)


def write_atomic(path: Path, doc: Document, new_text: str, original: bytes | Snapshot | str | None = None) -> None:
    """Replace the file at ``path`` with ``new_text`` encoded like ``doc``; atomically.

    ``original`` is what was read: the raw bytes, a ``Snapshot`` or a sha256
    hex digest. Without it, the bytes ``doc`` was decoded from are used (they
    are the same, since decoding is lossless). The file is written only if it
    still holds exactly those bytes; otherwise InputError("changed on disk
    since it was read; not fixed"). Read-only files, non-regular files and
    documents that are never rewritten (exports, email) are refused with an
    InputError and left untouched. A symlink is followed: its target is
    rewritten and the link kept.

    The new bytes go to a temp file in the same directory, which gets the
    file's permission bits (``stat.S_IMODE``) and, when possible, its owner;
    it is fsynced and then ``os.replace``-d over the file. On any error the
    temp file is removed and the file is untouched. Nothing is written when
    the text is unchanged. Every error is an InputError naming ``doc.path``.
    """
    shown = doc.path
    reason = unfixable_reason(doc)
    if reason is not None:
        raise InputError(f"{reason}; not fixed", shown)
    expected = _expected(doc, original)
    data = encode(doc, new_text)
    target = Path(os.path.realpath(path))
    try:
        st = os.stat(target)
    except FileNotFoundError:
        raise InputError("no longer exists; not fixed", shown) from None
    except OSError as exc:
        raise InputError(f"cannot read: {_reason(exc)}; not fixed", shown) from None
    if not stat.S_ISREG(st.st_mode):
        raise InputError("not a regular file; not fixed", shown)
    try:
        current = target.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {_reason(exc)}; not fixed", shown) from None
    if Snapshot.of(current) != expected:
        raise InputError("changed on disk since it was read; not fixed", shown)
    if data == current:
        return
    if _read_only(target, st):
        raise InputError("is read-only; not fixed", shown)
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".humanize-lint.tmp", dir=target.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.chmod(tmp, stat.S_IMODE(st.st_mode))
            if hasattr(os, "chown") and (st.st_uid, st.st_gid) != (os.getuid(), os.getgid()):
                try:
                    os.chown(tmp, st.st_uid, st.st_gid)
                except OSError:
                    pass  # best effort: only root may give a file away
            os.fsync(fh.fileno())
        # Last check, as close to the replace as we can get it.
        now = os.stat(target)
        if (now.st_size, now.st_mtime_ns, now.st_ino) != (st.st_size, st.st_mtime_ns, st.st_ino):
            raise InputError("changed on disk since it was read; not fixed", shown)
        os.replace(tmp, target)
        tmp = None
    except OSError as exc:
        raise InputError(f"cannot write: {_reason(exc)}; not fixed", shown) from None
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
    _fsync_dir(target.parent)


def _fsync_dir(directory: Path) -> None:
    """Make the rename durable (POSIX); best effort elsewhere."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
