"""Markdown text from model text: the one escaping rule (:func:`md_text`) and the one table
builder (:func:`markdown_table`) of every Markdown output, with the small pieces they share
(code spans, links, images). Nothing here knows about reports, so every view can use it."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from urllib.parse import quote

from standoff.output import terminal_text


class Md(str):
    """Text that is already Markdown (built by this module): table cells of this type are
    not escaped again."""


#: Characters that mean something to Markdown wherever they stand: emphasis, code, links,
#: table cells, headings, maths, and ``<``, ``>``, ``&``, which would start raw HTML, an
#: autolink, a block quote or a character reference.
_INLINE = re.compile(r"([\\`*\[\]|~#$<>&])")
#: ``_`` opens or closes emphasis only at a word boundary; inside a word it is a letter.
_UNDERSCORE = re.compile(r"(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")
#: What would start a block (list, heading, rule) at the beginning of a line.
_BLOCK_START = re.compile(r"^(\s*)([-+=]|\d+(?=[.)]))")


def md_text(text: object) -> str:
    """Model text (a name, a description, a quote, a claim's text…) made safe for Markdown:
    it reads as the same literal text wherever it is put (a paragraph, a list item, a table
    cell, a heading, an image's alt text).

    Every ASCII punctuation character that Markdown gives a meaning is backslash-escaped,
    which CommonMark reads as the character itself: ``\\ ` * [ ] | ~ # $`` (emphasis, code,
    links, table cells, headings, maths), ``<``, ``>`` and ``&`` (so no raw HTML, comment,
    autolink or character reference passes through: ``<script>`` is ``\\<script\\>`` and
    shows as written) and a ``_`` at a word boundary. No HTML entity is written, so the
    Markdown source reads as plain text too. A leading ``-``, ``+``, ``=`` or ``1.`` cannot
    start a block; line breaks and tabs become spaces, and other control characters visible
    escapes (:func:`standoff.output.terminal_text`), so printed Markdown cannot drive a
    terminal.
    This is the one escaping function of every Markdown output (reports, ``--format
    markdown`` of every command).
    """
    out = terminal_text(" ".join(str(text).split("\n")).replace("\r", " ").replace("\t", " "))
    out = _INLINE.sub(r"\\\1", out)
    out = _UNDERSCORE.sub(r"\\_", out)
    match = _BLOCK_START.match(out)
    if match:
        lead, mark = match.groups()
        if mark[0].isdigit():  # "1." or "1)": escape the punctuation after the number
            end = match.end()
            out = out[:end] + "\\" + out[end:]
        else:
            out = lead + "\\" + out[len(lead):]
    return out


#: A state as the explanations show it: its number and option pattern, "5 (NYNNY)".
_SHOWN_STATE = re.compile(r"\b(\d+) \(([YN–]+)\)")


def sentences_markdown(sentences: Sequence[str]) -> str:
    """An explanation's sentences as Markdown: the first (the verdict) as a paragraph, the
    others as list items; every sentence escaped with :func:`md_text`, and each state's
    option pattern ("5 (NYNNY)") put in a code span."""
    if not sentences:
        return ""
    verdict, *reasons = (md_text(s) for s in sentences)
    text = "\n".join([verdict, *(["", *(f"- {r}" for r in reasons)] if reasons else [])])
    return _SHOWN_STATE.sub(lambda m: f"{m.group(1)} (`{m.group(2)}`)", text) + "\n"


def md_code(text: object) -> Md:
    """Model text as a code span (shown literally; a backtick inside lengthens the fence)."""
    body = terminal_text(" ".join(str(text).splitlines()))
    if not body:
        return Md("")
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    fence = "`" * (longest + 1)
    if body.startswith("`") or body.endswith("`"):
        body = f" {body} "
    return Md(f"{fence}{body}{fence}")


def md_link_target(name: str) -> str:
    """A file name as a link destination: percent-encoded (spaces, parentheses, ``<``…), so
    ``sp ace.svg`` becomes ``sp%20ace.svg`` and the link stays valid CommonMark."""
    return quote(name, safe="/")


def md_image(alt: str, target: str) -> Md:
    """``![alt](target)`` with the alt text escaped and the target percent-encoded."""
    return Md(f"![{md_text(alt)}]({md_link_target(target)})")


def _cell(text: object) -> str:
    if isinstance(text, Md):  # already Markdown: only the table's own needs remain
        return text.replace("|", "\\|").replace("\n", " ")
    return md_text(text)


def markdown_table(header: Sequence[object], rows: Iterable[Sequence[object]]) -> list[str]:
    r"""A GitHub table as Markdown lines: the one table builder of every Markdown output
    (reports and ``--format markdown`` of every command). Plain cells, header included, are
    escaped with :func:`md_text` (pass model text as it is, never escaped beforehand);
    :class:`Md` cells (already Markdown, e.g. :func:`md_code`) are kept, with only ``|`` and
    line breaks made safe for the table. No blank line is added before or after.

    >>> print("\n".join(markdown_table(["state", "name"], [[1, "a | <b>*x*</b>"]])))
    | state | name |
    |---|---|
    | 1 | a \| \<b\>\*x\*\</b\> |
    """
    out = ["| " + " | ".join(_cell(h) for h in header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(_cell(x) for x in row) + " |" for row in rows]
    return out
