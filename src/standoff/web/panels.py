"""The documents of the workbench's Evidence, Firmness and Bargaining views.

- :func:`evidence_document`: every quote of the model text with whether it is found in its
  source's text, judged as ``standoff check`` judges it (the loader's
  :func:`~standoff.model.loader.normalise_text`, and for a quote not found the loader's
  message naming the closest passage). It reads the parsed YAML, not the validated model,
  so every quote is listed even when one of them is not found (the check stops there).
- :func:`firmness_document`: ``standoff robustness`` on the model as written (how firm each
  claim and equilibrium is over the admissible profiles of its declared uncertainty), with
  the command's sentences.
- :func:`bargaining_document`: the bargaining models a report runs on the text's
  ``bargaining:`` section, each issue's positions by round as one series per actor.

Nothing here computes anything of its own: each is the library's result as JSON.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from standoff.errors import ModelError

Progress = Callable[[int, int, str], object]
DocPath = tuple[str | int, ...]


def _quotes(value: Any, path: DocPath = ()) -> Iterator[tuple[DocPath, dict]]:
    """Every mapping of the document that carries a ``quote`` (the ``sources:`` section
    itself left out), in document order, with its path."""
    if isinstance(value, dict):
        if "quote" in value and path:
            yield path, value
        for key, item in value.items():
            if path == () and key == "sources":
                continue
            yield from _quotes(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _quotes(item, (*path, index))


def evidence_document(text: str, name: str, base: Path, root: Path | None = None
                      ) -> dict[str, Any]:
    """The sources of the model text and each of its quotes, checked against the source's
    text. ``base`` is the folder source files are read from; with ``root``, a source file
    outside that folder is not read (the workbench reads nothing outside its folder).

    Each quote: ``path`` (keys in the document), ``where`` (the path as one string),
    ``line``, ``source``, ``quote``, ``statement`` (if the entry has one), ``found``
    (True, False, or None when there is no text to check it in) and, when it is not
    found, ``message``/``fix``/``text``: the error ``standoff check`` gives for it.
    Raises the located error of a text that does not parse."""
    from standoff.model.files import MAX_SOURCE_BYTES, read_user_text
    from standoff.model.loader import normalise_text, quote_not_found
    from standoff.model.yamlio import parse_text
    from standoff.web.library import text_too_large

    too_large = text_too_large(text, name)
    if too_large is not None:
        raise too_large
    data, locs = parse_text(text[1:] if text.startswith("\ufeff") else text, name)
    if not isinstance(data, dict):
        return {"sources": [], "quotes": []}
    declared: dict[Any, Any] = data["sources"] if isinstance(data.get("sources"), dict) \
        else {}
    sources: dict[str, dict[str, Any]] = {}
    texts: dict[str, tuple[str, str] | None] = {}
    for source, entry in declared.items():
        entry = entry if isinstance(entry, dict) else {}
        file = entry.get("file")
        doc: dict[str, Any] = {"name": str(source), "title": entry.get("title"),
                               "file": file, "readable": False, "problem": None}
        texts[str(source)] = None
        if not isinstance(file, str):
            doc["problem"] = "no file given: its quotes cannot be checked"
        else:
            located = (base / file).resolve()
            if root is not None and not located.is_relative_to(root.resolve()):
                doc["problem"] = (f"source file '{file}' of source '{source}' lies outside "
                                  "the folder the workbench serves")
            else:
                try:
                    raw = read_user_text(located, MAX_SOURCE_BYTES, what="source text",
                                         suffixes=(".txt", ".md"))
                    texts[str(source)] = (raw, normalise_text(raw))
                    doc["readable"] = True
                except ModelError as unreadable:
                    doc["problem"] = (f"source file '{file}' of source '{source}' cannot be "
                                      f"read: {unreadable.message}")
        sources[str(source)] = doc
    quotes = []
    for path, entry in _quotes(data):
        source, quote = entry.get("source"), entry.get("quote")
        line, _column = locs.find((*path, "quote"))
        item: dict[str, Any] = {
            "path": list(path), "where": ".".join(str(p) for p in path), "line": line,
            "source": source, "quote": quote,
            "statement": entry.get("statement") if isinstance(entry.get("statement"), str)
            else None,
            "found": None, "message": None, "fix": None, "text": None}
        if not isinstance(quote, str):
            item["message"] = "the quote is not text"
        elif not isinstance(source, str):
            item["message"] = "a quote needs a source"
            item["fix"] = "add 'source: NAME' naming an entry of 'sources:'"
        elif source not in sources:
            item["message"] = f"unknown source '{source}'"
            item["fix"] = ("define it under 'sources:' at the top (known: "
                           f"{', '.join(sources) or 'none defined'})")
        elif texts[source] is None:
            item["message"] = sources[source]["problem"]
        else:
            raw, plain = texts[source]  # type: ignore[misc]
            item["found"] = normalise_text(quote) in plain
            if not item["found"]:
                message, fix = quote_not_found(source, str(sources[source]["file"]), raw,
                                                quote)
                located_error = locs.error((*path, "quote"), message, fix)
                item.update(message=message, fix=fix, text=located_error.render())
        quotes.append(item)
    return {"sources": list(sources.values()), "quotes": quotes}


def firmness_document(conflict, progress: Progress | None = None) -> dict[str, Any]:
    """``standoff robustness`` on the model as written (default concepts, premises and
    margins as the command computes them), run in this process: each claim's firmness
    with the command's sentence (``line``) and what it rests on (``details``), each
    equilibrium's, and the whole text (``lines``) as the command prints it."""
    from standoff.analysis.robustness import robustness
    from standoff.report.robustness import (
        claim_line,
        has_source,
        premise_lines,
        robustness_lines,
    )
    from standoff.web.library import numpy_free

    def step(done: int, total: int) -> None:
        if progress is not None:
            progress(done, total, "how firm: admissible profiles evaluated")

    from standoff.errors import LookupArgumentError

    try:
        result = robustness(conflict, backend="serial", progress=step)
    except LookupArgumentError as error:
        raise ModelError(error.message, file=conflict.spec.file, hint=error.hint) from None
    sourced = has_source(result)
    claims = []
    for c in result.claims:
        f = c.firmness
        claims.append({
            "id": c.id, "check": c.check, "base": "holds" if f.base else "fails",
            "word": f.word, "holds": f.holds, "of": f.of, "exact": f.exact,
            "phrase": f.phrase(), "line": claim_line(c),
            "details": [line.strip() for line in premise_lines(c.premises, f, sourced)],
            "firmness": c.to_dict()})
    equilibria = [{"concept": e.concept, "state": e.state + 1, "pattern": e.pattern,
                   "word": e.firmness.word, "holds": e.firmness.holds, "of": e.firmness.of,
                   "base": e.firmness.base} for e in result.equilibria]
    lines = robustness_lines(result)
    return numpy_free({
        "declares_uncertainty": any(p.declares_uncertainty
                                    for p in conflict.spec.preferences),
        "profiles": result.provenance["profiles"], "exact": result.provenance["exact"],
        "heading": lines[0], "lines": lines, "claims": claims, "equilibria": equilibria})


def firmness_task(payload: dict[str, Any], progress: Progress) -> dict[str, Any]:
    """The firmness job run in a worker process (payload as the analysis job's)."""
    from standoff.web.library import compile_text

    progress(0, 1, "compiling the model")
    root = payload.get("root")
    conflict = compile_text(payload["text"], payload["name"], Path(payload["base"]),
                            payload["max_states"], None if root is None else Path(root))
    return firmness_document(conflict, progress)


def has_bargaining(text: str, name: str) -> bool:
    """Whether the text (which parses) has a ``bargaining:`` section."""
    from standoff.model.yamlio import parse_text

    data, _ = parse_text(text[1:] if text.startswith("\ufeff") else text, name)
    return isinstance(data, dict) and "bargaining" in data


def bargaining_only(text: str, name: str) -> bool:
    """Whether the text holds a bargaining section and no graph model."""
    from standoff.model.yamlio import parse_text

    data, _ = parse_text(text[1:] if text.startswith("\ufeff") else text, name)
    return isinstance(data, dict) and "bargaining" in data and "decision_makers" not in data


def bargaining_model(text: str, name: str):
    """The bargaining model of the text's ``bargaining:`` section, read as ``standoff
    forecast`` reads a YAML file (the same located errors)."""
    from standoff.bargaining.inputs import from_data
    from standoff.model.yamlio import parse_text
    from standoff.web.library import text_too_large

    too_large = text_too_large(text, name)
    if too_large is not None:
        raise too_large
    data, locs = parse_text(text[1:] if text.startswith("\ufeff") else text, name)
    if not isinstance(data, dict) or "bargaining" not in data:
        raise ModelError("the model has no bargaining section", file=name,
                         hint="add 'bargaining:' with actors and issues (see "
                         "examples/bargaining/ and docs/bargaining.md)")
    return from_data(data, locs)


def _model_document(name: str, forecast, model, dynamic: bool, note: str | None
                    ) -> dict[str, Any]:
    """One bargaining model's forecast as the Bargaining view plots it."""
    names = {a.id: a.name for a in model.actors}
    issues = {i.id: i for i in model.issues}
    panels = []
    for iid, res in forecast.issues.items():
        values = [v for row in res.rounds for v in row] + [res.forecast]
        issue = issues.get(iid)
        panels.append({
            "issue": iid,
            "name": issue.name if issue is not None and issue.name else iid,
            "scale": None if issue is None else [issue.low, issue.high],
            "forecast": float(res.forecast),
            "rounds": len(res.rounds) - 1,
            "range": [float(min(values)), float(max(values))],
            "series": [{"actor": actor, "name": names.get(actor, actor),
                        "positions": [float(row[a]) for row in res.rounds]}
                       for a, actor in enumerate(res.actors)],
        })
    from standoff.web.library import numpy_free

    return {"model": name, "citation": forecast.citation, "dynamic": dynamic,
            "note": note, "options": numpy_free(dict(forecast.options)), "issues": panels}


def bargaining_run_document(model, name: str, rounds: int | None,
                            settings: list[str]) -> dict[str, Any]:
    """One bargaining model run as ``standoff forecast MODEL -m NAME --rounds N --set
    NAME=VALUE ...`` runs it (:func:`standoff.bargaining.run_model`; the settings read by
    :func:`standoff.bargaining.options.parse_settings`): the model's document as in
    :func:`bargaining_document` (``options``: every option it ran with), and
    ``rounds_asked`` and ``settings`` as given. Bad settings raise the command's
    :class:`ModelError` (unknown model or option, a value out of range, ...)."""
    from standoff.bargaining import run_model
    from standoff.bargaining.options import parse_settings

    options = parse_settings(settings)
    forecast = run_model(model, name, rounds, **options)
    dynamic = any(len(res.rounds) > 1 for res in forecast.issues.values())  # as the report
    doc = _model_document(name, forecast, model, dynamic, None)
    doc.update(rounds_asked=rounds, settings=list(settings))
    return doc


def bargaining_document(model) -> dict[str, Any]:
    """Every model a report runs on the bargaining model (compromise, median, exchange,
    expected utility, spatial), as series to plot: for each model and issue, each actor's
    position by round (round 0: the initial positions), the forecast, the issue's scale
    and the range of the values shown; models that could not run with the reason."""
    from standoff.report.content import build_bargaining

    section = build_bargaining(model)
    models = [_model_document(name, forecast, model, name in section.dynamic,
                              section.notes.get(name))
              for name, forecast in section.forecasts.items()]
    return {"title": model.title,
            "actors": [{"id": a.id, "name": a.name} for a in model.actors],
            "models": models, "failures": section.failures}
