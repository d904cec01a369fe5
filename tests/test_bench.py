"""The order placement benchmark still runs: its quickest mode on SQLite, service layer and raw-SQL ceiling.

No timing is asserted (the machine decides those); what is checked is that both cells placed orders without
errors and that the result file carries the table and the statement counts.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_quickest_bench_places_orders_and_writes_its_result(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "place_orders.py"), "--only", "sqlite-service,sqlite-ceiling",
         "--clients", "1", "--warmup", "0", "--seconds", "1", "--out", str(tmp_path)],
        check=False, capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    [written] = tmp_path.glob("place_orders-*.json")
    result = json.loads(written.read_text())

    cells = {(c["database"], c["layer"]): c for c in result["cells"]}
    assert set(cells) == {("sqlite", "ceiling"), ("sqlite", "service")}
    for cell in cells.values():
        assert cell["orders"] > 0 and cell["errors"] == 0, cell
    [ratio] = result["ratios"]
    assert ratio["layer"] == "service" and ratio["ratio"] > 0
    counted = result["statements_per_order"]["sqlite"]
    assert counted["service"]["by_statement"]["UPDATE stock_levels"] == 3  # one guarded reservation per line
    assert counted["http"]["by_statement"]["INSERT idempotency_keys"] == 1
    assert result["durability"]["sqlite"]["synchronous"] == "FULL"
