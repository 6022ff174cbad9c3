"""Helpers shared by the command modules."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from rich.console import Console


def make_console(**kwargs: Any) -> Console:
    """A console that prints text literally: names from a model file such as "[red]" or
    "[/]" are shown as written, never read as rich markup (styles are passed explicitly)."""
    return Console(markup=False, highlight=False, **kwargs)


def load_conflict(model: Path, max_states: int):
    """Load and compile a model file, with a spinner on a terminal (large models take a
    while to compile)."""
    from standoff import load

    if not sys.stderr.isatty():
        return load(model, max_states=max_states)
    with make_console(stderr=True).status(f"compiling {model} …"):
        return load(model, max_states=max_states)
