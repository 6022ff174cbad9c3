"""Helpers shared by the command modules."""

from __future__ import annotations

import sys
from pathlib import Path


def load_conflict(model: Path, max_states: int):
    """Load and compile a model file, with a spinner on a terminal (large models take a
    while to compile)."""
    from standoff import load

    if not sys.stderr.isatty():
        return load(model, max_states=max_states)
    from rich.console import Console

    with Console(stderr=True).status(f"compiling {model} …"):
        return load(model, max_states=max_states)
