"""The built-in test gateway: a card network in a box, with the test cards integrators know from Stripe.

It keeps its own state in its own SQLite file, written on its own connection: a rollback of ours never erases a
charge it made, exactly like a remote network. Each money call is one transaction in that file; a repeated
idempotency key returns the first result and moves no money. The cards are listed in docs/payments.md.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path

from orderworks.payments.cards import CardDetails, brand_of
from orderworks.payments.gateways.port import CardToken, GatewayResult, GatewayTimeout

DECLINES = {
    "generic_decline": "Your card was declined.",
    "insufficient_funds": "Your card has insufficient funds.",
    "expired_card": "Your card has expired.",
    "incorrect_cvc": "Your card's security code is incorrect.",
}
# number -> what the network does with it. Any other valid number approves.
TEST_CARDS = {
    "4242424242424242": "approve",
    "5555555555554444": "approve",
    "378282246310005": "approve",
    "4000000000000002": "generic_decline",
    "4000000000009995": "insufficient_funds",
    "4000000000000069": "expired_card",
    "4000000000000127": "incorrect_cvc",
    "4000000000000101": "cvc_check_fails",  # approves, CVV result N
    "4000000000000010": "avs_mismatch",  # approves, AVS result N
    "4000000000009011": "timeout_after_charge",  # charges, then never answers
    "4000000000009029": "timeout_before_charge",  # never answers, charges nothing
}

SCHEMA = """
CREATE TABLE IF NOT EXISTS tokens (token TEXT PRIMARY KEY, scenario TEXT NOT NULL, brand TEXT, last4 TEXT);
CREATE TABLE IF NOT EXISTS charges (reference TEXT PRIMARY KEY, token TEXT, currency TEXT, authorized INTEGER,
    captured INTEGER DEFAULT 0, refunded INTEGER DEFAULT 0, voided INTEGER DEFAULT 0);
CREATE TABLE IF NOT EXISTS operations (idempotency_key TEXT PRIMARY KEY, kind TEXT, reference TEXT,
    amount INTEGER, approved INTEGER, result TEXT);
"""


class TestGateway:
    """The test gateway (not a pytest class: it ships with the product for demos and staging)."""

    __test__ = False
    name = "test"
    multiple_captures = True

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as conn:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.executescript(SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA busy_timeout=30000")
        return conn

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        conn = self._connect()
        try:
            conn.execute("BEGIN IMMEDIATE")
            yield conn
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        finally:
            conn.close()

    # -- the port ---------------------------------------------------------------------------------------------

    def tokenize(self, card: CardDetails) -> CardToken:
        token = "tok_" + secrets.token_hex(12)
        scenario = TEST_CARDS.get(card.number, "approve")
        with self._transaction() as conn:
            conn.execute("INSERT INTO tokens VALUES (?, ?, ?, ?)", (token, scenario, brand_of(card.number),
                                                                    card.number[-4:]))
        return CardToken(token, brand_of(card.number), card.number[-4:], card.exp_month, card.exp_year)

    def authorize(self, *, token: str, amount: int, currency: str, capture: bool,
                  idempotency_key: str) -> GatewayResult:
        scenario = self._scenario(token)
        if scenario == "timeout_before_charge":
            raise GatewayTimeout("The test network did not answer (nothing was charged)")
        with self._transaction() as conn:
            seen = self._seen(conn, idempotency_key)
            if seen is not None:
                return seen
            if scenario in DECLINES:
                result = GatewayResult(False, amount=amount, decline_code=scenario, message=DECLINES[scenario],
                                       avs_result="U", cvv_result="N" if scenario == "incorrect_cvc" else "U")
            else:
                reference = "ch_" + secrets.token_hex(12)
                conn.execute("INSERT INTO charges (reference, token, currency, authorized, captured) "
                             "VALUES (?, ?, ?, ?, ?)", (reference, token, currency, amount, amount if capture else 0))
                result = GatewayResult(True, reference, amount, message="Approved",
                                       avs_result="N" if scenario == "avs_mismatch" else "Y",
                                       cvv_result="N" if scenario == "cvc_check_fails" else "M")
            self._remember(conn, idempotency_key, "authorize", result)
        if scenario == "timeout_after_charge":
            raise GatewayTimeout("The test network charged the card but did not answer")
        return result

    def capture(self, *, reference: str, amount: int, idempotency_key: str) -> GatewayResult:
        with self._transaction() as conn:
            seen = self._seen(conn, idempotency_key)
            if seen is not None:
                return seen
            authorized, captured, refunded, voided = self._charge(conn, reference)
            if voided or amount > authorized - captured:
                result = self._refused(reference, amount, "amount_too_large" if not voided else "charge_voided",
                                       f"Only {authorized - captured} of the authorization can still be captured")
            else:
                conn.execute("UPDATE charges SET captured = captured + ? WHERE reference = ?", (amount, reference))
                result = GatewayResult(True, reference, amount, message="Captured")
            self._remember(conn, idempotency_key, "capture", result)
        return result

    def void(self, *, reference: str, idempotency_key: str) -> GatewayResult:
        with self._transaction() as conn:
            seen = self._seen(conn, idempotency_key)
            if seen is not None:
                return seen
            authorized, captured, refunded, voided = self._charge(conn, reference)
            if captured or voided:
                result = self._refused(reference, 0, "charge_already_captured" if captured else "charge_voided",
                                       "This authorization can no longer be voided")
            else:
                conn.execute("UPDATE charges SET voided = 1 WHERE reference = ?", (reference,))
                result = GatewayResult(True, reference, authorized, message="Voided")
            self._remember(conn, idempotency_key, "void", result)
        return result

    def refund(self, *, reference: str, amount: int, idempotency_key: str) -> GatewayResult:
        with self._transaction() as conn:
            seen = self._seen(conn, idempotency_key)
            if seen is not None:
                return seen
            authorized, captured, refunded, voided = self._charge(conn, reference)
            if amount > captured - refunded:
                result = self._refused(reference, amount, "amount_too_large",
                                       f"Only {captured - refunded} can still be refunded")
            else:
                conn.execute("UPDATE charges SET refunded = refunded + ? WHERE reference = ?", (amount, reference))
                result = GatewayResult(True, "re_" + secrets.token_hex(12), amount, message="Refunded")
            self._remember(conn, idempotency_key, "refund", result)
        return result

    def lookup(self, *, kind: str, idempotency_key: str, reference: str | None) -> GatewayResult | None:
        conn = self._connect()
        try:
            return self._seen(conn, idempotency_key)
        finally:
            conn.close()

    # -- the network's own books, for tests and support -------------------------------------------------------

    def operations(self, kind: str | None = None) -> list[dict[str, object]]:
        """Every call that moved (or refused to move) money, oldest first."""
        conn = self._connect()
        try:
            rows = conn.execute("SELECT kind, reference, amount, approved FROM operations "
                                "WHERE ? IS NULL OR kind = ? ORDER BY rowid", (kind, kind)).fetchall()
        finally:
            conn.close()
        return [{"kind": k, "reference": r, "amount": a, "approved": bool(ok)} for k, r, a, ok in rows]

    def charge(self, reference: str) -> dict[str, int]:
        conn = self._connect()
        try:
            authorized, captured, refunded, voided = self._charge(conn, reference)
        finally:
            conn.close()
        return {"authorized": authorized, "captured": captured, "refunded": refunded, "voided": voided}

    # -- inside -----------------------------------------------------------------------------------------------

    def _scenario(self, token: str) -> str:
        conn = self._connect()
        try:
            row = conn.execute("SELECT scenario FROM tokens WHERE token = ?", (token,)).fetchone()
        finally:
            conn.close()
        return row[0] if row else "approve"

    @staticmethod
    def _charge(conn: sqlite3.Connection, reference: str) -> tuple[int, int, int, int]:
        row = conn.execute("SELECT authorized, captured, refunded, voided FROM charges WHERE reference = ?",
                           (reference,)).fetchone()
        return tuple(row) if row else (0, 0, 0, 1)  # type: ignore[return-value]

    @staticmethod
    def _refused(reference: str, amount: int, code: str, message: str) -> GatewayResult:
        return GatewayResult(False, reference, amount, decline_code=code, message=message)

    @staticmethod
    def _seen(conn: sqlite3.Connection, key: str) -> GatewayResult | None:
        row = conn.execute("SELECT result FROM operations WHERE idempotency_key = ?", (key,)).fetchone()
        return GatewayResult(**json.loads(row[0])) if row else None

    @staticmethod
    def _remember(conn: sqlite3.Connection, key: str, kind: str, result: GatewayResult) -> None:
        conn.execute("INSERT INTO operations VALUES (?, ?, ?, ?, ?, ?)",
                     (key, kind, result.reference, result.amount, int(result.approved), json.dumps(asdict(result))))
