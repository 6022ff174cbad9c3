"""The bargaining commands accept the same format names as the GMCR commands."""

from __future__ import annotations

from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "bargaining"


def test_table_is_accepted_as_the_text_format(run):
    text = run("zopa", EXAMPLES / "trade_no_zone.yaml", "--format", "text")
    table = run("zopa", EXAMPLES / "trade_no_zone.yaml", "--format", "table")
    assert text.exit_code == 0 and table.exit_code == 0
    assert table.output == text.output
    assert run("zopa", EXAMPLES / "trade_no_zone.yaml", "--format", "csv").exit_code == 2
