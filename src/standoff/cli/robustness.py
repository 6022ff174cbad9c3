"""``standoff robustness``: how firm each claim and equilibrium is (docs/robustness.md)."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from standoff.cli.analysis import AllVariantsOption, MaxStates, ModelPath, VariantOption
from standoff.cli.common import check_writable, emit, emit_text
from standoff.errors import ModelError


class RobustnessFormat(StrEnum):
    table = "table"
    json = "json"
    markdown = "markdown"


def robustness_command(
    model: ModelPath,
    claim: Annotated[
        list[str] | None,
        typer.Option("--claim", help="Only this claim (repeat for several)."),
    ] = None,
    concepts: Annotated[
        str | None,
        typer.Option("--concepts", "-c", help="Concepts (default: nash,gmr,smr,seq; sim, "
                     "l1.. and nm are computed profile by profile)."),
    ] = None,
    samples: Annotated[
        int | None,
        typer.Option("--samples", help="Sample this many profiles instead of enumerating "
                     "(sampling is automatic beyond 10^6 profiles: 10,000 samples)."),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the sampling.")] = 0,
    workers: Annotated[
        int | None,
        typer.Option("--workers", help="Start a dask LocalCluster of N worker processes "
                     "for the sweep (without the 'distributed' extra: a local process pool "
                     "of N). Default: a local process pool on every core."),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option("--scheduler", help="Run the sweep on the dask.distributed cluster at "
                     "this address (needs the 'distributed' extra)."),
    ] = None,
    max_set_size: Annotated[
        int, typer.Option("--max-set-size", help="Largest sufficient premise set searched.")
    ] = 3,
    margin_steps: Annotated[
        int, typer.Option("--margin-steps", help="Deepest ranking change searched for the "
                          "robustness margin (0: no margins).")
    ] = 2,
    variant: VariantOption = None,
    all_variants: AllVariantsOption = False,
    format: Annotated[
        RobustnessFormat, typer.Option("--format", "-f", help="Output format.")
    ] = RobustnessFormat.table,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead.")
    ] = None,
    max_states: MaxStates = 1 << 22,
) -> None:
    """How firm each claim and equilibrium is under the declared uncertainty, and what carries it.

    The premises each verdict rests on are told apart as quoted from the source or assumed."""
    from standoff import load
    from standoff.analysis.robustness import robustness
    from standoff.errors import LookupArgumentError
    from standoff.output import json_text
    from standoff.report.robustness import robustness_markdown, robustness_text

    if output is not None:
        check_writable([output], inputs=[model])
    for value, option in ((samples, "--samples"), (workers, "--workers")):
        if value is not None and value < 1:
            raise ModelError(f"{option} must be at least 1, not {value}", file=option,
                             hint=f"give a positive number to {option}")
    if workers is not None and scheduler is not None:
        raise ModelError("--workers and --scheduler cannot be used together", file="--workers",
                         hint="give --scheduler ADDRESS for an existing cluster, or --workers "
                         "N for a local one")
    backend = None
    if scheduler is not None or workers is not None:
        backend = "dask" if _has_dask() else "processes"
        if scheduler is not None and backend != "dask":
            raise ModelError("--scheduler needs dask.distributed, which is not installed",
                             file="--scheduler",
                             hint='pip install "standoff[distributed]"')
    if max_set_size < 0 or margin_steps < 0:
        raise ModelError("--max-set-size and --margin-steps cannot be negative",
                         file="--max-set-size" if max_set_size < 0 else "--margin-steps",
                         hint="give 0 or more")
    keys = None
    if concepts is not None:
        from standoff.cli.analysis import parse_concepts_option

        keys = parse_concepts_option(concepts, example="nash,gmr,smr,seq")
    if variant is not None and all_variants:
        raise ModelError("--variant and --all-variants cannot be used together",
                         file="--variant", hint="give one of them")
    from standoff.analysis.variants import compile_variant, variant_names

    base = load(model, max_states=max_states)
    names = variant_names(base.spec) if all_variants else (variant or "base",)
    results = []
    for name in names:
        conflict = base if name == "base" else \
            compile_variant(base.spec, name, max_states=max_states)
        progress = _progress() if sys.stderr.isatty() else None
        try:
            results.append(robustness(
                conflict, claims=claim, concepts=keys, samples=samples, seed=seed,
                workers=workers, max_set_size=max_set_size, margin_steps=margin_steps,
                progress=progress, backend=backend, scheduler=scheduler))
        except LookupArgumentError as error:
            raise ModelError(error.message, file="--claim", hint=error.hint) from None
        finally:
            if progress is not None:
                sys.stderr.write("\n")
    if not all_variants:
        (result,) = results
        if format is RobustnessFormat.json:
            emit(json_text(result.to_dict()), output)
        elif format is RobustnessFormat.markdown:
            emit(robustness_markdown(result), output)
        else:
            emit_text(robustness_text(result), output)
        return
    from standoff.report.robustness import across_variants, across_variants_lines

    if format is RobustnessFormat.json:
        emit(json_text({"variants": [{"variant": r.conflict.spec.variant, **r.to_dict()}
                                     for r in results],
                        "across_variants": across_variants(results)}), output)
        return
    from standoff.report.markdown import md_text

    parts = []
    for r in results:
        text = robustness_markdown(r) if format is RobustnessFormat.markdown \
            else robustness_text(r)
        title = f"Variant {r.conflict.spec.variant}"
        if format is RobustnessFormat.markdown:
            parts.append(f"# {md_text(title)}\n\n{text}")
        else:
            parts.append(f"== {title} ==\n{text}")
    summary = across_variants_lines(results)
    if format is RobustnessFormat.markdown:
        parts.append("# Across variants\n\n" + "".join(f"- {md_text(x)}\n" for x in summary))
        emit("\n".join(parts), output)
    else:
        parts.append("== Across variants ==\n" + "".join(f"{x}\n" for x in summary))
        emit_text("\n".join(parts), output)


def _has_dask() -> bool:
    try:
        import distributed  # noqa: F401
    except ImportError:
        return False
    return True


def _progress():
    def show(done: int, total: int) -> None:
        sys.stderr.write(f"\rprofiles: {done:,} of {total:,}")
        sys.stderr.flush()

    return show


def register(app: typer.Typer) -> None:
    app.command("robustness")(robustness_command)
