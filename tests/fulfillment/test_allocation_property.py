"""Property: whatever the order and the stock, an allocation plan never gives a line more than it ordered, never
takes more from a location than it holds, and backorders exactly what it does not fill."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from orderworks.fulfillment.rules import AllocationStrategy, LineNeed, LocationStock, plan_allocation

LOCATIONS = ["A", "B", "C", "D"]
VARIANTS = ["v1", "v2", "v3"]

stock_st = st.lists(st.tuples(st.sampled_from(LOCATIONS), st.sampled_from(VARIANTS), st.integers(-2, 20)),
                    max_size=12, unique_by=lambda t: (t[0], t[1]))
needs_st = st.lists(st.tuples(st.sampled_from(VARIANTS), st.integers(1, 30)), min_size=1, max_size=5)


@settings(max_examples=400, deadline=None)
@given(stock=stock_st, needs=needs_st, strategy=st.sampled_from(list(AllocationStrategy)),
       country=st.sampled_from(["US", "DE", None]))
def test_never_more_than_ordered_nor_stocked(stock, needs, strategy, country):
    levels = [LocationStock(loc, v, avail, priority=LOCATIONS.index(loc) * 10, code=loc,
                            country="US" if loc in "AB" else "DE") for loc, v, avail in stock]
    lines = [LineNeed(f"line{i}", v, q) for i, (v, q) in enumerate(needs)]
    plan = plan_allocation(lines, levels, strategy=strategy, ship_country=country)

    given_per_line: dict[object, int] = {}
    taken: dict[tuple[object, object], int] = {}
    variant_of = {line.line_key: line.variant_key for line in lines}
    for a in plan.assignments:
        assert a.quantity > 0
        given_per_line[a.line_key] = given_per_line.get(a.line_key, 0) + a.quantity
        key = (a.location_key, variant_of[a.line_key])
        taken[key] = taken.get(key, 0) + a.quantity
    available = {(s.location_key, s.variant_key): max(s.available, 0) for s in levels}
    for line in lines:
        filled = given_per_line.get(line.line_key, 0)
        assert filled <= line.quantity
        assert filled + plan.backordered.get(line.line_key, 0) == line.quantity
    for key, qty in taken.items():
        assert qty <= available.get(key, 0)
    # Nothing is backordered while stock of that variant is left unused somewhere.
    for line in lines:
        if plan.backordered.get(line.line_key):
            left = sum(available[k] - taken.get(k, 0) for k in available if k[1] == line.variant_key)
            assert left == 0


@settings(max_examples=200, deadline=None)
@given(stock=stock_st, needs=needs_st)
def test_fewest_shipments_uses_no_more_locations_than_priority(stock, needs):
    levels = [LocationStock(loc, v, avail, priority=LOCATIONS.index(loc) * 10, code=loc, country="US")
              for loc, v, avail in stock]
    lines = [LineNeed(f"line{i}", v, q) for i, (v, q) in enumerate(needs)]
    fewest = plan_allocation(lines, levels, strategy="fewest_shipments")
    by_priority = plan_allocation(lines, levels, strategy="priority")
    assert sum(fewest.backordered.values()) == sum(by_priority.backordered.values())
    assert len(fewest.locations()) <= len(by_priority.locations())
