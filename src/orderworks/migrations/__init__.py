"""Alembic migrations, shipped inside the package so `orderworks db upgrade` works wherever it is installed."""
