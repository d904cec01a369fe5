"""The ASGI entry point for uvicorn: `orderworks.api.asgi:app`."""

from orderworks.api.app import create_app

app = create_app()
