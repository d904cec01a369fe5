"""Draw docs/images/label.png, packing-slip.png, pick-list.png and manifest.png: page one of each warehouse
document, from the same sample data the document tests read back.

Run from the repository root: .venv/bin/python scripts/doc_pictures_fulfillment.py
It renders each PDF with the product's renderers (the label through the built-in carrier's real purchase) and
rasterizes page one with pdftoppm (poppler-utils) at 80 dpi.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the samples live beside the tests

from tests.fulfillment import samples
from tests.fulfillment.conftest import label_request

from orderworks.fulfillment.carriers.builtin import BuiltinCarrier
from orderworks.fulfillment.documents import render_manifest, render_packing_slip, render_pick_list

OUT = ROOT / "docs" / "images"


def picture(pdf: bytes, name: str, dpi: int = 80) -> Path:
    target = OUT / f"{name}.png"
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "doc.pdf"
        source.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile", str(source),
                        str(target.with_suffix(""))], check=True)
    return target


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    label = BuiltinCarrier(tracking_base_url="https://shop.example.com").buy_label(label_request(service="express"))
    for pdf, name in ((label.label_pdf, "label"), (render_packing_slip(samples.packing_slip()), "packing-slip"),
                      (render_pick_list(samples.pick_list()), "pick-list"),
                      (render_manifest(samples.manifest()), "manifest")):
        print(picture(pdf, name).relative_to(ROOT))


if __name__ == "__main__":
    main()
