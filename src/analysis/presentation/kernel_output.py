"""Withholding what a notebook's kernel would print or display.

When no output of a notebook may be published (a cohort too small to publish,
:func:`analysis.disclosure.too_small_to_publish`), the notebook still runs every cell, and
:func:`withhold_kernel_output` makes its kernel show nothing: no printed text, no warnings, no
value of a cell's last expression, no displayed table or figure. Only what is shown inside
:func:`shown` reaches the notebook (the statement of why nothing else is published).
Outside an IPython kernel both do nothing. :func:`release_kernel_output` ends the withholding,
for a kernel that goes on to run another notebook (:mod:`analysis.running.kernel_state`).
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["withhold_kernel_output", "release_kernel_output", "shown", "is_withholding"]

_STATE: dict[str, Any] = {"publish": None}


def is_withholding() -> bool:
    """Whether this kernel's output is withheld (:func:`withhold_kernel_output` was called)."""
    return _STATE["publish"] is not None


def _discard(*_args: Any, **_kwargs: Any) -> None:
    """A display publisher that publishes nothing."""


def withhold_kernel_output() -> None:
    """From now on, the running IPython kernel prints and displays nothing (but :func:`shown`).

    Printed text and warnings go to a null stream, a cell's last expression is not displayed
    (``ast_node_interactivity = "none"``) and displayed objects (tables, figures, Markdown,
    figures the inline backend would show) are dropped. It lasts until
    :func:`release_kernel_output`, which the runner calls before the kernel runs another notebook.
    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is installed with ipykernel
        return
    shell = get_ipython()
    if shell is None or is_withholding():
        return
    _STATE["before"] = (sys.stdout, sys.stderr, shell.ast_node_interactivity)
    sys.stdout = sys.stderr = _NullStream()
    shell.ast_node_interactivity = "none"
    _STATE["publish"] = shell.display_pub.publish
    shell.display_pub.publish = _discard


def release_kernel_output() -> None:
    """Show the kernel's output again, as before :func:`withhold_kernel_output` (if it was called)."""
    publish = _STATE["publish"]
    if publish is None:
        return
    from IPython import get_ipython

    shell = get_ipython()
    sys.stdout, sys.stderr, interactivity = _STATE["before"]
    if shell is not None:
        shell.ast_node_interactivity = interactivity
        shell.display_pub.publish = publish
    _STATE["publish"] = None


@contextmanager
def shown() -> Iterator[None]:
    """Let what is displayed in this block reach the notebook, even while output is withheld."""
    publish: Callable[..., None] | None = _STATE["publish"]
    if publish is None:
        yield
        return
    from IPython import get_ipython

    shell = get_ipython()
    shell.display_pub.publish = publish
    try:
        yield
    finally:
        shell.display_pub.publish = _discard


class _NullStream(io.TextIOBase):
    """A text stream that drops everything written to it."""

    def write(self, text: str) -> int:
        """Drop ``text``; return its length."""
        return len(text)

    def writable(self) -> bool:
        """A null stream is writable."""
        return True
