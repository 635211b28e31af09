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
