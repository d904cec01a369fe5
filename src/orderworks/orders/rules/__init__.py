"""Pure order rules: statuses and their transitions, and pricing maths. No I/O."""
