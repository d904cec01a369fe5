"""Payments: card payments through a gateway, offline receipts, the transaction ledger."""
