"""The HTTP API: app factory, error mapping, router registration."""
