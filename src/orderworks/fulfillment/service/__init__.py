"""Fulfilment use cases, one module per group: allocation (and backorders), readiness (may the order ship),
shipping (pick, pack, ship, deliver, bulk and CSV), tracking, digital goods, warehouse documents (pick lists,
packing slips, labels, manifests) and queries. `progress` recomputes the order's fulfilment status."""
