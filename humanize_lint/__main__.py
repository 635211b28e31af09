"""``python -m humanize_lint``: the same as the ``humanize-lint`` command."""

from .cli import run

run()
