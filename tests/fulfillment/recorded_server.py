"""A real HTTP server on 127.0.0.1 (an OS-chosen free port) that answers like EasyPost from the recordings in
recorded/: each test says which recording answers which request, and reads back what the SDK sent."""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

RECORDED = Path(__file__).parent / "recorded"


@dataclass
class Route:
    method: str
    path: str  # a regular expression matched against the whole path
    recording: str
    status: int = 200
    body_contains: str | None = None  # only requests whose body has this text


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, list[str]]
    body: Any
    headers: dict[str, str]


@dataclass
class RecordedServer:
    routes: list[Route] = field(default_factory=list)
    seen: list[Seen] = field(default_factory=list)
    base: str = ""

    def answer(self, method: str, path: str, recording: str, *, status: int = 200,
               body_contains: str | None = None) -> None:
        """Answer matching requests with this recording (the newest matching route wins)."""
        self.routes.insert(0, Route(method, path, recording, status, body_contains))

    def requests(self, method: str, path: str) -> list[Seen]:
        return [s for s in self.seen if s.method == method and re.fullmatch(path, s.path)]

    def respond(self, method: str, raw_path: str, body: bytes, headers: dict[str, str]) -> tuple[int, str, bytes]:
        url = urlsplit(raw_path)
        text = body.decode() if body else ""
        self.seen.append(Seen(method, url.path, parse_qs(url.query), json.loads(text) if text else None, headers))
        for route in self.routes:
            if route.method == method and re.fullmatch(route.path, url.path) and (
                    route.body_contains is None or route.body_contains in text):
                data = (RECORDED / route.recording).read_bytes()
                if route.recording.endswith(".json"):
                    return route.status, "application/json", data.replace(b"{base}", self.base.encode())
                return route.status, "application/pdf", data
        return 404, "application/json", json.dumps({"error": {"code": "NOT_FOUND", "message": "The requested "
                                                    f"resource could not be found: {url.path}", "errors": []}}).encode()


def start(recorded: RecordedServer) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            status, kind, data = recorded.respond(self.command, self.path, self.rfile.read(length) if length else b"",
                                                  dict(self.headers.items()))
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _serve

        def log_message(self, format: str, *args: Any) -> None:  # quiet test output
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)  # port 0: the OS picks a free one
    recorded.base = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return server
