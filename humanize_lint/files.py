"""Where an output file (``--output-file``, ``--write-baseline``) is written.

Reports and baselines are written to a temporary file beside the target and
renamed over it, so a run that fails leaves the target as it was. Renaming
over a device, a FIFO or a socket would replace it with a regular file (as
root, ``-o /dev/null`` would replace the system's ``/dev/null``), and
renaming over a symlink would replace the link: such targets are resolved
the way a shell redirection treats them.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


def output_target(path: str | os.PathLike[str]) -> tuple[Path, bool]:
    """(the file to write, whether to write it in place).

    A symlink is followed to the file it names. A target that exists and is not
    a regular file (``/dev/null``, a FIFO, a socket) is written in place, as
    ``>`` would; anything else is written atomically (temporary file, rename).
    """
    target = Path(os.path.realpath(path)) if os.path.islink(path) else Path(path)
    try:
        mode = os.stat(target).st_mode
    except OSError:
        return target, False  # (a new file, or an error the write reports)
    return target, not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


class AtomicOutput:
    """A text stream into a temporary file beside the target, which ``commit`` fsyncs and
    renames over it: a run that fails leaves the target as it was. A device or FIFO is
    written in place and a symlink followed (``output_target``). Text a terminal shows with
    backslash escapes (a lone surrogate from a JSON escape, a file name's undecodable byte)
    is written so too, which JSON reads back. Opening raises OSError."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        import tempfile  # (only a run that writes a file needs it: start-up stays lean)

        self.target, self.in_place = output_target(path)
        self.tmp = ""
        if self.in_place:
            self.stream = open(self.target, "w", encoding="utf-8", errors="backslashreplace", newline="\n")
            return
        fd, self.tmp = tempfile.mkstemp(prefix=f".{self.target.name}.", suffix=".tmp", dir=self.target.parent if str(self.target.parent) else ".")
        self.stream = open(fd, "w", encoding="utf-8", errors="backslashreplace", newline="\n")

    def write(self, text: str) -> int:
        return self.stream.write(text)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return False

    def commit(self) -> None:
        """Make the written file the target."""
        self.stream.flush()
        if self.in_place:
            self.stream.close()
            return
        os.fsync(self.stream.fileno())
        self.stream.close()
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(self.tmp, 0o666 & ~mask)
        os.replace(self.tmp, self.target)
        self.tmp = ""

    def discard(self) -> None:
        """Remove the temporary file (nothing was committed)."""
        if not self.stream.closed:
            self.stream.close()
        if self.tmp:
            try:
                os.unlink(self.tmp)
            except OSError:
                pass
            self.tmp = ""


def write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write a whole file as ``AtomicOutput`` does; OSError when it cannot be written."""
    out = AtomicOutput(path)
    try:
        out.write(text)
        out.commit()
    finally:
        out.discard()
