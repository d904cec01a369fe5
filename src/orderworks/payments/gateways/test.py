"""The built-in test gateway: a card network in a box, with the test cards integrators know from Stripe.

It keeps its own state in its own SQLite file, written on its own connection: a rollback of ours never erases a
charge it made, exactly like a remote network. Each money call is one transaction in that file; a repeated
idempotency key returns the first result and moves no money. The cards are listed in docs/payments.md.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import threading
from collections.abc import Callable, Iterator
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
    "4000000000000341": "generic_decline",  # Stripe: attaches, but every charge fails
    "4000000000009995": "insufficient_funds",
    "4000000000000069": "expired_card",
    "4000000000000127": "incorrect_cvc",
    "4000000000000101": "cvc_check_fails",  # approves, CVV result N
    "4000000000000010": "avs_mismatch",  # approves, AVS result N
    "4000000000009011": "timeout_after_charge",  # charges, then never answers
    "4000000000009029": "timeout_before_charge",  # never answers, charges nothing
}

SCENARIO_CODES = {scenario: f"s{i}" for i, scenario in enumerate(sorted(set(TEST_CARDS.values())))}
SCENARIOS = {code: scenario for scenario, code in SCENARIO_CODES.items()}

SCHEMA = """
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
        self._local = threading.local()
        conn = self._connect()
        conn.execute("PRAGMA journal_mode=WAL")
        conn.executescript(SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        """One connection per thread, kept open (closing the last one of a WAL file checkpoints it: slow)."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = self._open()
        return conn

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA busy_timeout=30000")
        # A stand-in for a remote network: safe against our crashes and rollbacks (its own file and connection);
        # a power cut may lose its last calls, which a test double can afford.
        conn.execute("PRAGMA synchronous=NORMAL")
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

    # -- the port ---------------------------------------------------------------------------------------------

    def tokenize(self, card: CardDetails) -> CardToken:
        # The token carries the card's behaviour, not its number: tokenizing needs no write.
        token = f"tok_{SCENARIO_CODES[TEST_CARDS.get(card.number, 'approve')]}_{secrets.token_hex(10)}"
        return CardToken(token, brand_of(card.number), card.number[-4:], card.exp_month, card.exp_year)

    def authorize(self, *, token: str, amount: int, currency: str, capture: bool,
                  idempotency_key: str) -> GatewayResult:
        scenario = self._scenario(token)
        if scenario == "timeout_before_charge":
            raise GatewayTimeout("The test network did not answer (nothing was charged)")

        def charge(conn: sqlite3.Connection, _: tuple[int, int, int, int]) -> GatewayResult:
            if scenario in DECLINES:
                return GatewayResult(False, amount=amount, decline_code=scenario, message=DECLINES[scenario],
                                     avs_result="U", cvv_result="N" if scenario == "incorrect_cvc" else "U")
            reference = "ch_" + secrets.token_hex(12)
            conn.execute("INSERT INTO charges (reference, token, currency, authorized, captured) "
                         "VALUES (?, ?, ?, ?, ?)", (reference, token, currency, amount, amount if capture else 0))
            return GatewayResult(True, reference, amount, message="Approved",
                                 avs_result="N" if scenario == "avs_mismatch" else "Y",
                                 cvv_result="N" if scenario == "cvc_check_fails" else "M")

        result, first_time = self._once(idempotency_key, "authorize", None, charge)
        if first_time and scenario == "timeout_after_charge":
            raise GatewayTimeout("The test network charged the card but did not answer")
        return result

    def capture(self, *, reference: str, amount: int, idempotency_key: str) -> GatewayResult:
        def take(conn: sqlite3.Connection, charge: tuple[int, int, int, int]) -> GatewayResult:
            authorized, captured, _, voided = charge
            if voided or amount > authorized - captured:
                return self._refused(reference, amount, "charge_voided" if voided else "amount_too_large",
                                     f"Only {authorized - captured} of the authorization can still be captured")
            conn.execute("UPDATE charges SET captured = captured + ? WHERE reference = ?", (amount, reference))
            return GatewayResult(True, reference, amount, message="Captured")

        return self._once(idempotency_key, "capture", reference, take)[0]

    def void(self, *, reference: str, idempotency_key: str) -> GatewayResult:
        def release(conn: sqlite3.Connection, charge: tuple[int, int, int, int]) -> GatewayResult:
            authorized, captured, _, voided = charge
            if captured or voided:
                return self._refused(reference, 0, "charge_already_captured" if captured else "charge_voided",
                                     "This authorization can no longer be voided")
            conn.execute("UPDATE charges SET voided = 1 WHERE reference = ?", (reference,))
            return GatewayResult(True, reference, authorized, message="Voided")

        return self._once(idempotency_key, "void", reference, release)[0]

    def refund(self, *, reference: str, amount: int, idempotency_key: str) -> GatewayResult:
        def give_back(conn: sqlite3.Connection, charge: tuple[int, int, int, int]) -> GatewayResult:
            _, captured, refunded, _ = charge
            if amount > captured - refunded:
                return self._refused(reference, amount, "amount_too_large",
                                     f"Only {captured - refunded} can still be refunded")
            conn.execute("UPDATE charges SET refunded = refunded + ? WHERE reference = ?", (amount, reference))
            return GatewayResult(True, "re_" + secrets.token_hex(12), amount, message="Refunded")

        return self._once(idempotency_key, "refund", reference, give_back)[0]

    def _once(self, key: str, kind: str, reference: str | None,
              act: Callable[[sqlite3.Connection, tuple[int, int, int, int]], GatewayResult]
              ) -> tuple[GatewayResult, bool]:
        """Run `act` in one transaction of the network's file, unless this key was seen: then its first answer."""
        with self._transaction() as conn:
            seen = self._seen(conn, key)
            if seen is not None:
                return seen, False
            result = act(conn, self._charge(conn, reference) if reference else (0, 0, 0, 0))
            self._remember(conn, key, kind, result)
        return result, True

    def lookup(self, *, kind: str, idempotency_key: str, reference: str | None) -> GatewayResult | None:
        return self._seen(self._connect(), idempotency_key)

    # -- the network's own books, for tests and support -------------------------------------------------------

    def operations(self, kind: str | None = None) -> list[dict[str, object]]:
        """Every call that moved (or refused to move) money, oldest first."""
        rows = self._connect().execute("SELECT kind, reference, amount, approved FROM operations "
                                       "WHERE ? IS NULL OR kind = ? ORDER BY rowid", (kind, kind)).fetchall()
        return [{"kind": k, "reference": r, "amount": a, "approved": bool(ok)} for k, r, a, ok in rows]

    def charge(self, reference: str) -> dict[str, int]:
        authorized, captured, refunded, voided = self._charge(self._connect(), reference)
        return {"authorized": authorized, "captured": captured, "refunded": refunded, "voided": voided}

    # -- inside -----------------------------------------------------------------------------------------------

    @staticmethod
    def _scenario(token: str) -> str:
        parts = token.split("_")
        return SCENARIOS.get(parts[1], "approve") if len(parts) == 3 else "approve"

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
