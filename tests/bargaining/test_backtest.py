"""DEU III loader and backtest: a tiny hand-made file, then the real copy if present."""

from __future__ import annotations

import json

import pytest

from standoff.bargaining.backtest import backtest, score
from standoff.bargaining.deu3 import ACTORS, load_deu3
from standoff.errors import ModelError


def _deu_file(write, rows, gdp=True, name="mini.csv"):
    cols = ["prnr", "isnr"] + [f"p{a}" for a, _ in ACTORS] + [f"s{a}" for a, _ in ACTORS]
    cols += ["rp", "out"]
    lines = ["\t".join(f'"{c}"' for c in cols)]
    if gdp:
        lines.append("\t".join(["", ""] + ["2"] * 2 + ["1"] * 28 + [""] * 32))
    for prnr, isnr, pos, sal, rp, out in rows:
        p = [""] * 30
        s = [""] * 30
        for k, v in pos.items():
            p[k] = str(v)
        for k, v in sal.items():
            s[k] = str(v)
        lines.append("\t".join([f'"{prnr}"', f'"{isnr}"', *p, *s, str(rp), str(out)]))
    return write(name, "\n".join(lines) + "\n")


ROWS = [
    # Commission 100 (sal 50), EP 0 (sal 100), Austria 40 (sal 50): equal capability
    # weighted mean = (50*100 + 0 + 50*40) / 200 = 35; outcome 30 -> error 5
    ("d1", "d1i1", {0: 100, 1: 0, 2: 40}, {0: 50, 1: 100, 2: 50}, 0, 30),
    # one actor only, no outcome: not scored
    ("d1", "d1i2", {0: 20}, {0: 80}, "", ""),
    # second proposal: positions 0 and 100, saliences 100 and 0 -> mean 0, outcome 60
    ("d2", "d2i1", {3: 0, 4: 100}, {3: 100, 4: 0}, "", 60),
]


def test_loader_treatment(write):
    ds = load_deu3(_deu_file(write, ROWS))
    assert [p.title for p in ds.proposals] == ["d1", "d2"]
    assert ds.scored_issues == 2
    issue = ds.proposals[0].issues[0]
    assert issue.actors == ["COM", "EP", "AT"]
    assert [s.salience for s in issue.stances] == [0.5, 1.0, 0.5]
    assert issue.status_quo == 0 and issue.outcome == 30
    assert "left out" in ds.treatment and "capability = equal" in ds.treatment
    gdp = load_deu3(_deu_file(write, ROWS), capability="gdp")
    assert gdp.proposals[0].issues[0].stances[0].capability == 2.0


def test_backtest_by_hand(write):
    ds = load_deu3(_deu_file(write, ROWS))
    r = backtest(ds, ["weighted_mean", "median_actor", "constant_50", "exchange",
                      "expected_utility"])
    assert r["issues"] == 2
    wm = r["models"]["weighted_mean"]
    assert wm["mae"] == pytest.approx((5 + 60) / 2)
    assert wm["median_error"] == pytest.approx(32.5)
    assert wm["within_10"] == pytest.approx(0.5)
    # median actor: weights 0.5 (100), 1.0 (0), 0.5 (40) -> 0 (cum 1.0 >= 1.0: tie ->
    # midpoint of 0 and 40 = 20), error 10; second issue 0, error 60
    assert r["models"]["median_actor"]["mae"] == pytest.approx((10 + 60) / 2)
    assert r["models"]["constant_50"]["mae"] == pytest.approx((20 + 10) / 2)
    assert set(r["models"]["expected_utility"]) >= {"mae", "median_error", "within_10"}


def test_score():
    s = score([-10, 5, 30])
    assert s == {"mae": 15.0, "median_error": 10.0, "within_10": pytest.approx(2 / 3), "n": 3}


def test_loader_errors(write, run):
    bad = _deu_file(write, [("d1", "d1i1", {0: 100}, {0: 150}, "", 10)], name="bad.csv")
    with pytest.raises(ModelError) as info:
        load_deu3(bad)
    assert info.value.line == 3 and "outside 0-100" in info.value.message
    r = run("backtest", "deu3", "--data", bad)
    assert r.exit_code == 2 and "bad.csv:3:" in r.output
    bad2 = _deu_file(write, [("d1", "d1i1", {0: "x"}, {0: 50}, "", 10)], name="bad2.csv")
    r = run("backtest", "deu3", "--data", bad2)
    assert r.exit_code == 2 and "bad2.csv:3:" in r.output and "must be a number" in r.output
    bad3 = write("bad3.csv", '"prnr"\t"isnr"\n"d1"\t"x"\n')
    r = run("backtest", "deu3", "--data", bad3)
    assert r.exit_code == 2 and "bad3.csv:1:" in r.output and "missing columns" in r.output
    r = run("backtest", "deu3", "--data", _deu_file(write, ROWS), "--models", "oracle")
    assert r.exit_code == 2 and "unknown backtest model" in r.output
    nogdp = _deu_file(write, ROWS, gdp=False, name="nogdp.csv")
    r = run("backtest", "deu3", "--data", nogdp, "--capability", "gdp")
    assert r.exit_code == 2 and "GDP line" in r.output


def test_backtest_cli_json_shape(write, run):
    r = run("backtest", "deu3", "--data", _deu_file(write, ROWS), "--format", "json")
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["issues"] == 2
    for name in ("weighted_mean", "median_actor", "constant_50", "exchange",
                 "expected_utility"):
        assert {"mae", "median_error", "within_10"} <= set(d["models"][name])


def test_real_deu3_baselines(deu3_path):
    """Regression on the real copy: 353 scored issues; baselines as recorded in the docs."""
    ds = load_deu3(deu3_path)
    assert ds.scored_issues == 353
    r = backtest(ds, ["weighted_mean", "median_actor", "constant_50"])
    assert r["issues"] == 353
    assert r["models"]["weighted_mean"]["mae"] == pytest.approx(23.61, abs=0.01)
    assert r["models"]["median_actor"]["mae"] == pytest.approx(28.78, abs=0.01)
    assert r["models"]["constant_50"]["mae"] == pytest.approx(28.02, abs=0.01)


def test_real_deu3_small_model_run(deu3_path):
    ds = load_deu3(deu3_path, capability="qmv")
    r = backtest(ds, ["weighted_mean", "exchange", "expected_utility", "spatial"], limit=5)
    assert 0 < r["issues"] < 353
    for v in r["models"].values():
        assert 0 <= v["mae"] <= 100 and v["n"] == r["issues"]


def test_backtest_text_output(write, run):
    r = run("backtest", "deu3", "--data", _deu_file(write, ROWS), "--models",
            "weighted_mean,constant_50")
    assert r.exit_code == 0, r.output
    assert "weighted_mean" in r.stdout and "32.50" in r.stdout and "left out" in r.stdout


def test_unreadable_or_empty_data_is_refused(write, run, tmp_path):
    """A folder, a binary file, a non-finite outcome and a file with nothing to score all
    give a located error (exit 2), never a traceback or a table of NaN."""
    binary = tmp_path / "binary.csv"
    binary.write_bytes(bytes(range(256)) * 4)
    nan_out = _deu_file(write, [("d1", "d1i1", {0: 100}, {0: 50}, 0, "nan")], name="nan.csv")
    header_only = _deu_file(write, [], gdp=False, name="header.csv")
    cases = [(tmp_path, "folder"), (binary, "not UTF-8"),
             (nan_out, "must be a finite number"), (header_only, "nothing to score")]
    for path, message in cases:
        r = run("backtest", "deu3", "--data", path)
        assert r.exit_code == 2, (path, r.output)
        assert r.output.startswith(f"{path}") and message in r.output
        assert "Traceback" not in r.output


def test_model_names_and_options_on_the_command_line(write, run):
    path = _deu_file(write, ROWS)
    r = run("backtest", "deu3", "--data", path, "--models", "compromise,median", "--format",
            "json")
    assert r.exit_code == 0, r.output
    assert set(json.loads(r.output)["models"]) == {"weighted_mean", "median_actor"}
    r = run("backtest", "deu3", "--data", path, "--models", "")
    assert r.exit_code == 2 and "no model to score" in r.output
    # an option reaches the model it names, and is refused if that model is not scored
    r = run("backtest", "deu3", "--data", path, "--models", "spatial", "-s",
            "spatial.victory=cubic")
    assert r.exit_code == 2 and "victory='cubic' is not one of" in r.output
    r = run("backtest", "deu3", "--data", path, "--models", "spatial", "-s", "q=0.5")
    assert r.exit_code == 2 and "expected_utility is not among the models" in r.output
    r = run("backtest", "deu3", "--data", path, "--models", "weighted_mean", "-s",
            "median.x=1")
    assert r.exit_code == 2 and "'median' takes no options" in r.output
    ok = run("backtest", "deu3", "--data", path, "--models", "spatial", "-s",
             "spatial.victory=square", "--format", "json")
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.output)["options"]["spatial"] == {"victory": "square"}


def test_missing_salience_is_counted_and_set_to_50(write):
    """A position without a salience gets 50; the treatment note says how many."""
    rows = [("d1", "d1i1", {0: 100, 1: 0}, {0: 50}, 0, 30)]  # EP has no salience
    ds = load_deu3(_deu_file(write, rows))
    stances = {st.actor: st for st in ds.proposals[0].issues[0].stances}
    assert stances["EP"].salience == 0.5
    assert "1 recorded position without a salience was given salience 50" in ds.treatment
    # weighted mean: (50*100 + 50*0) / 100 = 50; error 20
    assert backtest(ds, ["weighted_mean"])["models"]["weighted_mean"]["mae"] == 20.0
