"""Order confirmation emails sent per second by one relay, to a real SMTP server (aiosmtpd on 127.0.0.1) and to
.eml files, on SQLite and on PostgreSQL.

Each email is the real path: the relay leases the OrderPlaced event, the subscriber composes the message (order
read, Jinja2 text + HTML), claims its email_messages row (commit), sends it, marks it sent (commit), and the relay
records the delivery (commit). Orders are placed beforehand and not timed.

    .venv/bin/python bench/emails.py [--emails 300] [--pg postgresql+psycopg://...]

PostgreSQL: the database in --pg (default $ORDERWORKS_BENCH_DATABASE_URL) is DROPPED and re-created.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aiosmtpd.controller import Controller
from tests.builders import STAFF, basic_store, order_cmd

from orderworks.core.db import make_engine, make_session_factory
from orderworks.core.migrate import upgrade
from orderworks.core.relay import relay_until_idle
from orderworks.core.settings import get_settings
from orderworks.core.uow import UnitOfWork
from orderworks.notifications import messages as m
from orderworks.notifications.subscribers import email
from orderworks.orders.service.placement import place_order

sys.path.insert(0, str(Path(__file__).resolve().parent))
from workload import recreate_postgres

REGISTRY = {"OrderPlaced": (email(m.ORDER_CONFIRMATION),)}


class Count:
    def __init__(self) -> None:
        self.n = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.n += 1
        return "250 OK"


def run(url: str, count: int, transport: str, tmp: Path, inbox: Count, port: int) -> dict[str, object]:
    os.environ["ORDERWORKS_VAR_DIR"] = str(tmp / f"var-{transport}")
    if transport == "smtp":
        os.environ.update(ORDERWORKS_SMTP_HOST="127.0.0.1", ORDERWORKS_SMTP_PORT=str(port))
    else:
        os.environ.pop("ORDERWORKS_SMTP_HOST", None)
    get_settings.cache_clear()
    upgrade(url)
    engine = make_engine(url)
    factory = make_session_factory(engine)
    new_uow = lambda: UnitOfWork(factory)
    basic_store(new_uow, stock=count + 10)
    for i in range(count):
        place_order(new_uow(), order_cmd(("RED-CHAIR", 1), email=f"b{i}@example.com"), actor=STAFF)
    before = inbox.n
    started = time.perf_counter()
    relay_until_idle(factory, REGISTRY)
    elapsed = time.perf_counter() - started
    engine.dispose()
    sent = inbox.n - before if transport == "smtp" else len(list((tmp / f"var-{transport}" / "mail").glob("*.eml")))
    assert sent == count, f"{sent} of {count} emails arrived"
    return {"database": engine.dialect.name, "transport": transport, "emails": count, "seconds": round(elapsed, 3),
            "emails_per_second": round(count / elapsed, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--emails", type=int, default=300)
    parser.add_argument("--pg", default=os.environ.get("ORDERWORKS_BENCH_DATABASE_URL"))
    args = parser.parse_args()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    inbox = Count()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    results = []
    try:
        with tempfile.TemporaryDirectory() as tmpdir:
            tmp = Path(tmpdir)
            for transport in ("smtp", "eml"):
                results.append(run(f"sqlite:///{tmp}/bench-{transport}.db", args.emails, transport, tmp / "s",
                                   inbox, port))
                if args.pg:
                    recreate_postgres(args.pg)
                    results.append(run(args.pg, args.emails, transport, tmp / "p", inbox, port))
    finally:
        controller.stop()
    print(f"{'database':<12}{'transport':>10}{'emails':>8}{'seconds':>10}{'emails/s':>10}")
    for r in results:
        print(f"{r['database']:<12}{r['transport']:>10}{r['emails']:>8}{r['seconds']:>10}{r['emails_per_second']:>10}")
    out = ROOT / "bench" / "results" / "emails.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"at": datetime.now(UTC).isoformat(), "machine": platform.platform(),
                               "cpus": os.cpu_count(), "what": "order confirmation emails through the relay, one "
                               "relay", "results": results}, indent=2))
    print(f"written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
