"""Draw docs/images/invoice.png: the first page of a demo invoice, as a customer receives it.

Run from the repository root: .venv/bin/python scripts/invoice_picture.py
It builds the demo store in a scratch SQLite database, issues the invoice of the first demo order through the
real use case, renders its PDF and rasterizes page one with pdftoppm (poppler-utils) at 80 dpi.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from orderworks.core.actor import Actor
from orderworks.core.db import make_engine, make_session_factory
from orderworks.core.migrate import upgrade
from orderworks.core.uow import UnitOfWork
from orderworks.demo import load_demo
from orderworks.invoicing.documents import render_pdf
from orderworks.invoicing.service import PaymentLine, issue_invoice
from orderworks.invoicing.service.settings import update_invoice_settings
from orderworks.orders.models import Order
from orderworks.orders.pricing_setup import update_store

OUT = Path(__file__).resolve().parent.parent / "docs" / "images" / "invoice.png"
STAFF = Actor.system("docs")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/picture.db"
        upgrade(url)
        factory = make_session_factory(make_engine(url))
        load_demo(factory)
        update_invoice_settings(UnitOfWork(factory), {
            "legal_name": "Orderworks Demo Furniture Inc.", "tax_id": "EIN 12-3456789",
            "invoice_footer": "Thank you for your order. Paid in full by card: nothing is due.\n"
                              "Questions about this invoice: hello@demo.example"})
        update_store(UnitOfWork(factory), {"phone": "+1 415 555 0100", "address": {
            "line1": "500 Howard St", "city": "San Francisco", "region": "CA", "postal_code": "94105",
            "country": "US"}})
        with factory() as session:
            order = session.execute(select(Order).order_by(Order.number)).scalars().first()
            assert order is not None
            order_id, total = order.id, order.total
        invoice = issue_invoice(UnitOfWork(factory), order_id, actor=STAFF, payments=[
            PaymentLine("card", "Visa •••• 4242", total, datetime(2026, 12, 1, 9, 30, tzinfo=UTC))])
        pdf = Path(tmp) / "invoice.pdf"
        pdf.write_bytes(render_pdf(invoice.snapshot))
        OUT.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-singlefile", str(pdf), str(OUT.with_suffix(""))],
                       check=True)
    print(f"{invoice.number} drawn into {OUT}")


if __name__ == "__main__":
    sys.exit(main())
