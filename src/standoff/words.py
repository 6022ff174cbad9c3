"""Small wording helpers shared by the sentences standoff writes."""

from __future__ import annotations


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """A count with its noun in the right number: ``1 state``, ``2 states``, ``1,024 states``.

    >>> plural(1, "state"), plural(1024, "state"), plural(2, "more equilibrium", "more equilibria")
    ('1 state', '1,024 states', '2 more equilibria')
    """
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{count:,} {word}"
