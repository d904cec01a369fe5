"""Stock locations, stock levels, the stock ledger and reservations for orders."""
