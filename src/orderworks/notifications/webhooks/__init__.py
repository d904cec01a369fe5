"""Webhooks to the seller's other systems: endpoints, signed deliveries (Standard Webhooks), retries with backoff,
and endpoints that keep failing disabled. See docs/webhooks.md."""
