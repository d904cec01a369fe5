"""Orders: placement from any channel, lines, addresses, pricing, status and history, edits, hold, cancel."""
