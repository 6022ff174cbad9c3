"""Write the example notebooks of this folder (run from anywhere: ``python
examples/notebooks/make_notebooks.py``). The notebooks are stored without outputs; the test
suite (tests/test_notebooks.py) runs each one from top to bottom."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent


def notebook(cells: list[tuple[str, str]]) -> nbformat.NotebookNode:
    nb = new_notebook(cells=[new_markdown_cell(text) if kind == "md" else new_code_cell(text)
                             for kind, text in cells])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


ELMIRA = [
    ("md", "# Elmira: a walk-through\n\nThe Elmira groundwater conflict (Ontario, 1989) is "
     "the textbook case of the Graph Model for Conflict Resolution: the Ministry of the "
     "Environment (MoE) ordered Uniroyal Chemical to clean up the town's aquifer; Uniroyal "
     "could delay, accept or abandon, and the local government could insist on the order. "
     "This notebook loads the model, looks at its states, computes stability, draws the "
     "state graph and asks why."),
    ("code", "import standoff\n\nconflict = standoff.load('../elmira.yaml')\nconflict"),
    ("md", "Every state, its options and each decision maker's preference rank (higher is "
     "preferred):"),
    ("code", "conflict.show()"),
    ("md", "Stability under the five standard concepts. The notebook view lists the "
     "equilibria and the stability table."),
    ("code", "result = standoff.analyze(conflict)\nresult"),
    ("md", "## The state graph\n\nArrows are unilateral improvements in the colour of "
     "the decision maker who would make them; grey lines join states whose moves improve "
     "for nobody who can make them. The orange band is the evolution from the status quo "
     "(ringed) to the equilibria it can reach; green fills mark equilibria, and the "
     "concepts are named under each state."),
    ("code", "result.plot()"),
    ("md", "Only the local government's moves:"),
    ("code", "result.plot(decision_makers='lg')"),
    ("md", "## Why?\n\nWhy is the status quo not SEQ stable for the local government?"),
    ("code", "result.explain(1, 'lg', 'seq')"),
    ("md", "## Where the conflict can go from the status quo"),
    ("code", "paths = standoff.status_quo_analysis(conflict, result)\npaths"),
    ("code", "paths.to_frame()"),
    ("md", "## Coalitions and inverse analysis"),
    ("code", "standoff.analyze_coalitions(conflict)"),
    ("md", "How many rankings of the local government's preferences make state 5 an "
     "equilibrium?"),
    ("code", "standoff.inverse_analysis(conflict, 5, ['lg'], concepts='nash,gmr,seq')"),
    ("md", "## The data behind it\n\nA DataFrame of every verdict, and the state graph as a "
     "networkx graph with the same attributes as the GraphML export."),
    ("code", "result.to_frame().head()"),
    ("code", "graph = result.to_networkx()\ngraph.number_of_nodes(), graph.number_of_edges()"),
]

ISTANBUL = [
    ("md", "# The Istanbul talks: which of the commentary's claims follow?\n\nThe model "
     "encodes one commentary's view of the June 2025 Istanbul talks between Russia and "
     "Ukraine, with the US administration pulled two ways. Each claim of the commentary is "
     "written as a checkable statement; standoff says where it holds, under which "
     "concepts, and in which variants of the model."),
    ("code", "import standoff\nfrom standoff.analysis.variants import variant_conflicts\n\n"
     "conflict = standoff.load('../istanbul-2025/istanbul-2025.yaml')\nresult = "
     "standoff.analyze(conflict)\nresult"),
    ("md", "## The claims in the base model"),
    ("code", "claims = standoff.check_claims(result)\nclaims"),
    ("code", "claims.to_frame()"),
    ("md", "Each claim's verdict per concept, with the reason:"),
    ("code", "failing = [c for c in claims if not c.holds]\nfailing[0] if failing else "
     "claims[0]"),
    ("md", "## Across the variants\n\nThe commentary says Trump \"hesitates\": the variants "
     "change his preferences (and what Ukraine can do without the US). The same claims, "
     "checked in every variant:"),
    ("code", "import pandas as pd\n\nruns = {name: standoff.analyze(c) for name, c in "
     "variant_conflicts(conflict).items()}\nacross = pd.concat([standoff.check_claims(r, "
     "name).to_frame() for name, r in runs.items()])\nacross.pivot(index='claim', "
     "columns='variant', values='verdict')"),
    ("md", "## The state graph of a variant"),
    ("code", "runs['maga'].plot()"),
]

BARGAINING = [
    ("md", "# A bargaining forecast: EC car-emission standards\n\nIssues on a scale "
     "(here: years until an emission standard applies) call for bargaining models rather "
     "than a graph model. The input gives each actor's position, salience and capability "
     "(Bueno de Mesquita 1994)."),
    ("code", "from standoff.bargaining import MODELS, load_model, run_model\n"
     "from standoff.bargaining.zopa import zopa\n\nmodel = "
     "load_model('../bargaining/ec_emissions.yaml')\nmodel.title, list(MODELS)"),
    ("md", "One model's forecast; forecasts are shown to four significant digits (the "
     "record keeps every digit), with why an iterative run stopped:"),
    ("code", "forecast = run_model(model, 'expected_utility')\nforecast"),
    ("md", "Every model side by side, and the outcome recorded in the file:"),
    ("code", "import pandas as pd\n\nframes = []\nfor name in ['compromise', 'median', "
     "'exchange', 'expected_utility']:\n    frame = run_model(model, name).to_frame()\n"
     "    frame.insert(0, 'model', name)\n    frames.append(frame)\ntable = "
     "pd.concat(frames, ignore_index=True)\ntable['recorded outcome'] = "
     "[next(i.outcome for i in model.issues if i.id == k) for k in table['issue']]\ntable"),
    ("md", "Positions by round in the expected-utility run:"),
    ("code", "from IPython.display import SVG\nfrom standoff.bargaining.plot import rounds_svg"
     "\n\nSVG(rounds_svg(forecast))"),
    ("md", "## Is there a zone of possible agreement?\n\nThis input gives no acceptable "
     "ranges, reservations or status quo, so the zone is the whole scale by default and "
     "says nothing; the view says so."),
    ("code", "zopa(model)"),
    ("code", "zopa(load_model('../bargaining/trade_no_zone.yaml'))"),
]


def main() -> None:
    for name, cells in [("elmira-walkthrough", ELMIRA), ("istanbul-claims", ISTANBUL),
                        ("bargaining-forecast", BARGAINING)]:
        nbformat.write(notebook(cells), HERE / f"{name}.ipynb")


if __name__ == "__main__":
    main()
