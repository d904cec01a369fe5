"""Order use cases, one module per group: placement, lifecycle (hold, release, cancel, notes), editing,
reordering, and queries."""
