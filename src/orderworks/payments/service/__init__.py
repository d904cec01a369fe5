"""Payment use cases, one module per group: authorize (card), capture and void, refund, offline receipts,
reconcile and the stock of declined orders, and queries. `claims` holds the claim/call/record machinery."""
