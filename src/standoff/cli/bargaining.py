"""Commands for issues on a scale: ``forecast``, ``zopa`` and ``backtest``."""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from standoff.cli.common import (
    OutputOption,
    ProgressBar,
    check_not_input,
    check_writable,
    emit,
    emit_csv,
    emit_rendered,
    parse_format,
)
from standoff.errors import COMMAND_LINE, ModelError

DEFAULT_MODELS = "weighted_mean,median_actor,constant_50,exchange,expected_utility"


def _fail(error: ModelError) -> None:
    from standoff.cli import fail

    fail(error)


#: ``-s/--set NAME=VALUE``: a bargaining model's option. ``--option`` is the old name, still
#: accepted (and hidden from the help); ``-o`` is ``--output`` on every command.
_SET_HELP = ("Set an option of the bargaining model, NAME=VALUE (repeatable; see "
             "docs/bargaining.md).")


def _settings(values: list[str] | None, old: list[str] | None) -> list[str]:
    """The ``--set`` values, then any given with the deprecated ``--option`` (a note on
    standard error says so)."""
    if old:
        sys.stderr.write("note: --option is now --set (short -s); -o means --output on every "
                         "command\n")
    return [*(values or ()), *(old or ())]


def forecast_csv(forecast: Any) -> str:
    """Positions by round in long form, one row per issue, round and actor
    (``issue,round,actor,position``), then one row per issue with round ``forecast``.

    Issue and actor ids are text from the model file and go through
    :func:`standoff.output.csv_text` (an id such as ``=HYPERLINK(…)`` is written ``'=HYPERL…``
    so a spreadsheet does not evaluate it); rounds and positions are numbers and are written
    as numbers, negative ones included."""
    from standoff.output import csv_text

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["issue", "round", "actor", "position"])
    for iid, res in forecast.issues.items():
        issue = csv_text(iid)
        for r, row in enumerate(res.rounds):
            for actor, value in zip(res.actors, row, strict=True):
                writer.writerow([issue, r, csv_text(actor), repr(float(value))])
        writer.writerow([issue, "forecast", "", repr(float(res.forecast))])
    return out.getvalue()


def _parse_options(pairs: list[str] | None) -> dict[str, str]:
    from standoff.bargaining.options import parse_settings

    return parse_settings(pairs)


_OPTION_MODELS = ("exchange", "expected_utility", "spatial")


def _backtest_options(pairs: dict[str, str]) -> dict[str, dict[str, str]]:
    """``MODEL.NAME=VALUE`` pairs by model; a bare ``NAME`` belongs to expected_utility."""
    out: dict[str, dict[str, str]] = {}
    for key, value in pairs.items():
        model, _, name = key.rpartition(".")
        model = model or "expected_utility"
        if model not in _OPTION_MODELS:
            raise ModelError(f"option '{key}': '{model}' takes no options", file=COMMAND_LINE,
                             hint="prefix the option with one of: " + ", ".join(_OPTION_MODELS))
        out.setdefault(model, {})[name] = value
    return out


def _fmt(x: float | None) -> str:
    return "-" if x is None else f"{x:.4g}"


def shown_rounds(n: int, fit: int) -> list[int | None]:
    """Which of ``n`` round columns to show when only ``fit`` fit; ``None`` marks the gap.

    The start and the first rounds are kept, then the last rounds, so a reader sees how the
    positions move off and where they settle.

    >>> shown_rounds(4, 10)
    [0, 1, 2, 3]
    >>> shown_rounds(14, 7)
    [0, 1, 2, None, 11, 12, 13]
    """
    if n <= fit:
        return list(range(n))
    fit = max(fit, 3)
    head = (fit - 1) // 2
    tail = fit - 1 - head
    return [*range(head), None, *range(n - tail, n)]


def _print_forecast(console: Console, forecast: Any, model: Any = None) -> None:
    """A forecast on the terminal: the file's title, the model, and per issue the forecast
    beside the recorded outcome (when the file gives one), the positions by round and why
    the run stopped."""
    if model is not None:
        console.print(Text(model.title, style="bold"))
    console.print(Text.assemble(("model:", "bold"), f" {forecast.model}   ({forecast.citation})"))
    if forecast.options:
        console.print("options: " + ", ".join(f"{k}={v}" for k, v in forecast.options.items()))
    for iid, res in forecast.issues.items():
        outcome = None
        if model is not None:
            outcome = next((i.outcome for i in model.issues if i.id == iid), None)
        recorded = "" if outcome is None else f", recorded outcome {outcome:.4g}"
        console.print(Text(f"issue {iid}: forecast {res.forecast:.4g}{recorded}", style="bold"))
        table = Table()
        n = len(res.rounds)
        names = [*res.actors, "median", "mean"]
        name_width = min(16, max(len(a) for a in names))
        biggest = max((abs(v) for row in res.rounds for v in row if v is not None), default=0)
        digits = 3 if biggest < 10 else 2 if biggest < 1000 else 0

        def fixed(v: float | None, digits: int = digits) -> str:
            return "-" if v is None else f"{v:.{digits}f}"

        cells = [[fixed(res.rounds[r][a]) for a in range(len(res.actors))] for r in range(n)]
        cell_width = max(5, *(len(c) for col in cells for c in col))
        fit = max(3, (console.width - name_width - 4) // (cell_width + 3))
        columns = shown_rounds(n, fit)
        table.add_column("actor", no_wrap=True, max_width=name_width)
        weights = res.details.get("weights") if n == 1 else None
        if n == 1:  # a static model: positions and the weights that average them
            table.add_column("position", justify="right", no_wrap=True)
            if weights is not None:
                table.add_column("weight (capability x salience)", justify="right")
            for a, actor in enumerate(res.actors):
                extra = [f"{weights[a]:.4g}"] if weights is not None else []
                table.add_row(actor, cells[0][a], *extra)
            console.print(table)
            if "note" in res.details:
                console.print(f"note: {res.details['note']}")
            continue
        if "note" in res.details:
            console.print(f"note: {res.details['note']}")
        for r in columns:
            label = "…" if r is None else ("start" if r == 0 else f"r{r}")
            table.add_column(label, justify="right", no_wrap=True)
        for a, actor in enumerate(res.actors):
            table.add_row(actor, *("…" if r is None else cells[r][a] for r in columns))
        for key in ("median", "mean"):
            if key in res.details and len(res.details[key]) == n:
                values = res.details[key]
                table.add_row(Text(key, style="italic"),
                              *("…" if r is None else fixed(values[r]) for r in columns))
        console.print(table)
        if None in columns:
            hidden = n - len(columns) + 1
            console.print(f"({hidden} rounds in the middle not shown; --format json or --plot "
                          "FILE.svg give every round)")
        if "stopped" in res.details:
            steps = res.details["steps"]
            console.print(f"stopped after {steps} round{'s' if steps != 1 else ''}: "
                          f"{res.details['stopped']}")


def _print_monte_carlo(console: Console, mc: dict[str, Any]) -> None:
    console.print(Text.assemble(("Monte Carlo", "bold"), f": {mc['samples']} draws of "
                                f"{mc['model']} (seed {mc['seed']})"))
    bars = " ▁▂▃▄▅▆▇█"
    for iid, d in mc["issues"].items():
        counts = d["histogram"]["counts"]
        edges = d["histogram"]["edges"]
        top = max(counts) or 1
        spark = "".join(bars[round(8 * c / top)] for c in counts)
        console.print(
            f"  {iid}: mean {d['mean']:.4g}, sd {d['sd']:.3g}, median {d['p50']:.4g}, "
            f"5–95% [{d['p05']:.4g}, {d['p95']:.4g}]"
        )
        console.print(f"    {edges[0]:.4g} {spark} {edges[-1]:.4g}")


def register(app: typer.Typer) -> None:
    """Add ``forecast``, ``zopa`` and ``backtest`` to the main application."""

    @app.command("forecast")
    def forecast_cmd(
        model: Annotated[
            Path,
            typer.Argument(help="The bargaining file (YAML or JSON, KTAB CSV or decide TSV).",
                           show_default=False),
        ],
        model_name: Annotated[
            str,
            typer.Option(
                "--model", "-m", help="The bargaining model: compromise, median, exchange, "
                "expected_utility or spatial."
            ),
        ] = "compromise",
        rounds: Annotated[
            int | None,
            typer.Option("--rounds", min=0, help="The number of rounds to simulate."),
        ] = None,
        option: Annotated[
            list[str] | None,
            typer.Option("--set", "-s", metavar="<NAME=VALUE>", help=_SET_HELP,
                         show_default=False),
        ] = None,
        old_option: Annotated[
            list[str] | None,
            typer.Option("--option", hidden=True, help="The old name of --set."),
        ] = None,
        fmt: Annotated[
            str,
            typer.Option("--format", "-f", metavar="<table|json|csv>", help="Output format: "
                         "table (plain text; 'text' is accepted too), json or csv (positions "
                         "by round, long form)."),
        ] = "table",
        output: OutputOption = None,
        input_format: Annotated[
            str,
            typer.Option("--input-format", help="The input file's format: auto, yaml, ktab "
                         "or decide."),
        ] = "auto",
        plot: Annotated[
            Path | None,
            typer.Option(
                "--plot", help="Write the positions by round to FILE.svg, or FILE.png (needs "
                "matplotlib)."
            ),
        ] = None,
        samples: Annotated[
            int,
            typer.Option(
                "--monte-carlo", min=0, help="The number of Monte Carlo draws over the "
                "input ranges (0: none)."
            ),
        ] = 0,
        seed: Annotated[
            int,
            typer.Option("--seed", min=0, help="The random seed for --monte-carlo (0 or "
                         "more)."),
        ] = 1,
        workers: Annotated[
            int | None,
            typer.Option("--workers", min=1, help="The number of processes for "
                         "--monte-carlo."),
        ] = None,
    ) -> None:
        """Forecast the outcome of every issue with a bargaining model."""
        try:
            fmt = parse_format(fmt, ("table", "json", "csv"))
            opts = _parse_options(_settings(option, old_option))
            if output is not None:
                check_writable([output], inputs=[model])
            if plot is not None:
                check_not_input(plot, [model], "--plot")
            from standoff.bargaining import load_model, run_model

            m = load_model(model, input_format)
            result = run_model(m, model_name, rounds, **opts)
            payload = result.to_json()
            if samples:
                from standoff.bargaining.montecarlo import monte_carlo

                mc = monte_carlo(
                    m, model_name, samples, rounds=rounds, options=opts, seed=seed, workers=workers
                )
                payload["monte_carlo"] = mc
            if plot is not None:
                from standoff.bargaining.plot import write_plot

                write_plot(result, plot)
        except ModelError as err:
            if err.file is None:
                err.file = str(model)
            _fail(err)
            return
        if fmt == "json":
            emit(json.dumps(payload, indent=2) + "\n", output)
            return
        if fmt == "csv":
            emit_csv(forecast_csv(result), output)
            return

        def render(console: Console) -> None:
            _print_forecast(console, result, m)
            if samples:
                _print_monte_carlo(console, payload["monte_carlo"])
            if plot is not None:
                console.print(f"plot written to {plot}")

        emit_rendered(render, output)

    @app.command("zopa")
    def zopa_cmd(
        model: Annotated[
            Path,
            typer.Argument(help="The bargaining file (YAML or JSON, KTAB CSV or decide TSV).",
                           show_default=False),
        ],
        fmt: Annotated[
            str,
            typer.Option("--format", "-f", metavar="<table|json>", help="Output format: "
                         "table (plain text; 'text' is accepted too) or json."),
        ] = "table",
        output: OutputOption = None,
        input_format: Annotated[
            str,
            typer.Option("--input-format", help="The input file's format: auto, yaml, ktab "
                         "or decide."),
        ] = "auto",
        rule: Annotated[
            str | None,
            typer.Option("--rule", help="The agreement rule: unanimity or qualified_majority "
                         "(default: the file's)."),
        ] = None,
        threshold: Annotated[
            float | None,
            typer.Option(
                "--threshold", min=0.0, max=1.0, help="The share of the weight a qualified "
                "majority needs."
            ),
        ] = None,
        weight: Annotated[
            str | None,
            typer.Option("--weight", help="What a qualified majority weighs: capability or "
                         "count."),
        ] = None,
        veto: Annotated[
            list[str] | None,
            typer.Option("--veto", help="An actor who holds a veto (repeatable)."),
        ] = None,
        max_coalitions: Annotated[
            int,
            typer.Option(
                "--max-coalitions",
                min=1,
                help="Under a qualified majority, the most minimal winning coalitions the "
                "package-deal search checks before refusing.",
            ),
        ] = 2000,
    ) -> None:
        """Find the zone of possible agreement, per issue and across issues."""
        from dataclasses import replace

        try:
            fmt = parse_format(fmt, ("table", "json"))
            if output is not None:
                check_writable([output], inputs=[model])
            from standoff.bargaining import load_model
            from standoff.bargaining.zopa import zopa

            m = load_model(model, input_format)
            ag = m.agreement
            if rule is not None:
                match rule:
                    case "unanimity" | "qualified_majority":
                        ag = replace(ag, rule=rule)
                    case _:
                        raise typer.BadParameter("rule must be unanimity or qualified_majority")
            if threshold is not None:
                if threshold <= 0:
                    raise typer.BadParameter("--threshold must be above 0 (a share of the "
                                             "weight, e.g. 0.65)")
                ag = replace(ag, threshold=threshold)
            if weight is not None:
                match weight:
                    case "capability" | "count":
                        ag = replace(ag, weight=weight)
                    case _:
                        raise typer.BadParameter("weight must be capability or count")
            if veto:
                unknown = [v for v in veto if v not in {a.id for a in m.actors}]
                if unknown:
                    raise ModelError(
                        f"unknown veto player(s): {', '.join(unknown)}",
                        file=str(model),
                        hint="use actor ids from the file",
                    )
                ag = replace(ag, veto=tuple(veto))
            if ag.rule == "qualified_majority" and ag.threshold >= 1.0 and threshold is None:
                raise typer.BadParameter("a qualified majority needs --threshold")
            if ag.rule == "unanimity" and threshold is not None:
                raise typer.BadParameter("--threshold applies to --rule qualified_majority; "
                                         "under unanimity every party must agree")
            result = zopa(m, ag, max_coalitions=max_coalitions, strict=True)
        except ModelError as err:
            _fail(err)
            return
        if fmt == "json":
            emit(json.dumps(result, indent=2) + "\n", output)
            return
        emit_rendered(lambda console: _print_zopa(console, result), output)

    @app.command("backtest")
    def backtest_cmd(
        dataset: Annotated[
            str,
            typer.Argument(help="The dataset's name (deu3)."),
        ] = "deu3",
        data: Annotated[
            Path | None,
            typer.Option(
                "--data",
                help="The path of deu3.csv (default: $STANDOFF_DEU3 or "
                "../shared/data/deu3/deu3.csv).",
            ),
        ] = None,
        fmt: Annotated[
            str,
            typer.Option("--format", "-f", metavar="<table|json>", help="Output format: "
                         "table (plain text; 'text' is accepted too) or json."),
        ] = "table",
        output: OutputOption = None,
        models: Annotated[
            str,
            typer.Option("--models", help="The models to score, comma-separated."),
        ] = DEFAULT_MODELS,
        capability: Annotated[
            str,
            typer.Option(
                "--capability", help="The actors' capability: equal, gdp (the copy's GDP "
                "line) or qmv (Nice Council votes)."
            ),
        ] = "equal",
        limit: Annotated[
            int | None,
            typer.Option("--limit", min=1, help="Score the first N proposals only."),
        ] = None,
        option: Annotated[
            list[str] | None,
            typer.Option(
                "--set", "-s", metavar="<MODEL.NAME=VALUE>",
                help="Set an option of one model, e.g. spatial.victory=square (repeatable); "
                "a bare NAME=VALUE goes to expected_utility.", show_default=False,
            ),
        ] = None,
        old_option: Annotated[
            list[str] | None,
            typer.Option("--option", hidden=True, help="The old name of --set."),
        ] = None,
    ) -> None:
        """Score every model on the DEU III issues with a recorded outcome.

        On a terminal, a progress bar on standard error counts the proposals.
        """
        try:
            fmt = parse_format(fmt, ("table", "json"))
            if dataset != "deu3":
                raise ModelError(f"unknown dataset '{dataset}'", file="DATASET",
                                 hint="the only dataset available is deu3")
            if output is not None:
                check_writable([output])
            from standoff.bargaining.backtest import backtest
            from standoff.bargaining.deu3 import find_data, load_deu3

            chosen = [m.strip() for m in models.split(",") if m.strip()]
            model_options = _backtest_options(_parse_options(_settings(option, old_option)))
            path = data or find_data(os.environ.get("STANDOFF_DEU3"))
            ds = load_deu3(path, capability=capability)
            with ProgressBar("backtest") as progress:
                result = backtest(ds, chosen, limit=limit, model_options=model_options,
                                  progress=progress)
        except ModelError as err:
            _fail(err)
            return
        if fmt == "json":
            emit(json.dumps(result, indent=2) + "\n", output)
            return
        emit_rendered(lambda console: _print_backtest(console, result, capability), output)


def _print_backtest(console: Console, result: dict[str, Any], capability: str) -> None:
    """The backtest's scores, best first, and how the data were treated."""
    table = Table(
        title=f"DEU III backtest: {result['issues']} issues with an outcome "
        f"(capability: {capability})"
    )
    for col in ("model", "MAE", "median error", "within 10"):
        table.add_column(col, justify="right" if col != "model" else "left")
    for name, s in sorted(result["models"].items(), key=lambda kv: kv[1]["mae"]):
        table.add_row(
            name, f"{s['mae']:.2f}", f"{s['median_error']:.2f}", f"{100 * s['within_10']:.1f}%"
        )
    console.print(table)
    console.print(result["treatment"])


def _print_zopa(console: Console, result: dict[str, Any]) -> None:
    """The zone of possible agreement per issue, then across issues."""
    table = Table(title=f"zone of possible agreement ({result['rule']})")
    for col in ("issue", "zone", "gap", "blocking", "smallest concession"):
        table.add_column(col)
    from standoff.report.content import zopa_rows

    for row in zopa_rows(result):
        table.add_row(*row)
    console.print(table)
    j = result["joint"]
    from standoff.report.content import zopa_joint_sentence

    console.print(zopa_joint_sentence(result))
    if "package" in j and j["package"].get("exists") is not None:
        pk = j["package"]
        who = "every actor"
        if pk.get("rule") == "qualified_majority" and pk.get("coalition") is not None:
            who = "every member of the winning coalition " + ", ".join(pk["coalition"])
            console.print(
                f"package deal: {pk['coalitions_checked']} minimal winning coalition(s) "
                f"checked, {len(pk['coalitions_with_package'])} admit a package"
            )
        if pk["exists"] and pk.get("vacuous"):
            console.print(f"package deal: {who} is indifferent to these issues (salience "
                          "0), so any package within their limits passes")
        elif pk["exists"]:
            console.print(
                f"package deal strictly better for {who}: "
                + ", ".join(f"{k}={v:.4g}" for k, v in pk["outcome"].items())
            )
        elif pk.get("rule") == "qualified_majority":
            console.print("no winning coalition strictly prefers any package to the status "
                          "quo")
        else:
            console.print("no package deal is strictly better than the status quo for all")
