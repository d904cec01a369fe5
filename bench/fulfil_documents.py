"""Warehouse PDFs per second: built-in carrier labels, packing slips, pick lists and manifests, rendered by the
product's renderers (Jinja2 + WeasyPrint + Code128 SVG) in one process. No database: the documents are pure.
Prints a table and writes JSON to bench/results/fulfil_documents.json.

    .venv/bin/python bench/fulfil_documents.py              # 40 of each (about a minute)
    .venv/bin/python bench/fulfil_documents.py --count 10   # a short run

A label is one 4x6 page; the packing slip has 3 lines; the pick list 100 lines over several pages; the manifest
100 packages. The first render of each kind (template compile, font load) is a warm-up and is not counted.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the samples live beside the tests

from rich.console import Console
from rich.table import Table
from tests.fulfillment import samples
from tests.fulfillment.conftest import label_request

from orderworks.fulfillment.carriers.builtin import BuiltinCarrier
from orderworks.fulfillment.documents import render_manifest, render_packing_slip, render_pick_list


def kinds() -> dict[str, Callable[[int], bytes]]:
    carrier = BuiltinCarrier()
    base = samples.pick_entries()[0]
    entries = [replace(base, bin=f"R-{i % 30}", sku=f"SKU-{i:03}", order_number=f"#{2000 + i // 3}")
               for i in range(100)]
    return {
        "label (builtin carrier, 4x6)": lambda i: carrier.buy_label(label_request(f"bench:{i}")).label_pdf,
        "packing slip (3 lines)": lambda i: render_packing_slip(samples.packing_slip()),
        "pick list (100 lines)": lambda i: render_pick_list(samples.pick_list(entries=entries)),
        "manifest (100 packages)": lambda i: render_manifest(samples.manifest(packages=100)),
    }


def measure(render: Callable[[int], bytes], count: int) -> dict[str, float]:
    render(-1)  # warm-up
    times, size = [], 0
    for i in range(count):
        start = time.perf_counter()
        size = len(render(i))
        times.append(time.perf_counter() - start)
    times.sort()
    return {"per_second": round(count / sum(times), 2), "median_ms": round(times[len(times) // 2] * 1000, 1),
            "p95_ms": round(times[min(len(times) - 1, int(len(times) * 0.95))] * 1000, 1), "pdf_bytes": size}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=40)
    args = parser.parse_args()

    results = {name: measure(render, args.count) for name, render in kinds().items()}
    table = Table("document", "per second", "median ms", "p95 ms", "PDF bytes",
                  title=f"Warehouse PDFs, {args.count} of each, one process")
    for name, r in results.items():
        table.add_row(name, f"{r['per_second']:.1f}", f"{r['median_ms']:.0f}", f"{r['p95_ms']:.0f}",
                      f"{r['pdf_bytes']:,}")
    Console().print(table)
    out = ROOT / "bench" / "results" / "fulfil_documents.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"at": datetime.now(UTC).isoformat(), "machine": platform.platform(),
                               "python": platform.python_version(), "count": args.count, "results": results},
                              indent=2))
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
