"""The payment rules, pure: whatever sequence of captures, refunds and voids the table lets through, the state
derived from the ledger is the one the move aimed at, and the amounts never go out of bounds."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from orderworks.payments.rules import (
    PAYMENT_TRANSITIONS,
    LedgerEntry,
    PaymentState,
    capture_target,
    derive_amounts,
    derive_order_money,
    derive_state,
    line_refund_amount,
    refund_target,
)

Move = st.tuples(st.sampled_from(["capture", "refund", "void"]), st.integers(min_value=1, max_value=12_000))


@given(authorized=st.integers(min_value=1, max_value=10_000), moves=st.lists(Move, max_size=12),
       final=st.booleans())
def test_the_derived_state_is_always_the_move_the_table_allowed(authorized: int, moves: list[tuple[str, int]],
                                                                final: bool) -> None:
    ledger = [LedgerEntry("authorize", "succeeded", authorized)]
    state = derive_state(derive_amounts(ledger))
    assert state == PaymentState.AUTHORIZED
    for action, amount in moves:
        a = derive_amounts(ledger)
        if action == "capture":
            amount = min(amount, a.capturable)
            target = capture_target(a, amount, final=final)
        elif action == "refund":
            amount = min(amount, a.refundable)
            target = refund_target(a, amount)
        else:
            target = PaymentState.VOIDED
        if amount <= 0 and action != "void" or not PAYMENT_TRANSITIONS.can(state, target):
            continue  # the use case refuses it: nothing is written
        ledger.append(LedgerEntry(action, "succeeded", amount, final=final and action == "capture"))
        state = derive_state(derive_amounts(ledger))
        assert state == target
        after = derive_amounts(ledger)
        assert 0 <= after.refunded <= after.captured <= after.authorized
        assert after.capturable >= 0


def test_a_payment_still_processing_counts_for_nothing_but_holds_its_amount() -> None:
    claim = derive_amounts([LedgerEntry("authorize", "processing", 5000)])
    assert derive_state(claim) == PaymentState.PENDING
    money = derive_order_money(5000, [(PaymentState.PENDING, claim)], pending=5000)
    assert (money.payment_status, money.balance_due, money.open_amount) == ("unpaid", 5000, 0)


@given(total=st.integers(min_value=0, max_value=10**9), quantity=st.integers(min_value=1, max_value=1000),
       parts=st.lists(st.integers(min_value=1, max_value=50), max_size=30))
def test_refunding_a_line_in_parts_gives_back_exactly_its_total_once_every_unit_is_back(
        total: int, quantity: int, parts: list[int]) -> None:
    refunded = units = 0
    for part in parts:
        part = min(part, quantity - units)
        if part <= 0:
            break
        refunded += line_refund_amount(total, quantity, part, already=units)
        units += part
    refunded += line_refund_amount(total, quantity, quantity - units, already=units) if units < quantity else 0
    assert refunded == total


def test_five_cents_over_two_units_is_three_then_two() -> None:
    assert [line_refund_amount(5, 2, 1), line_refund_amount(5, 2, 1, already=1)] == [3, 2]
