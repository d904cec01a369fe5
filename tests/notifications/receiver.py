"""A real HTTP receiver on 127.0.0.1 (a free port) for webhook tests: it verifies every request's Standard
Webhooks signature and answers from a script (a status code; "timeout": answer too late; "hang": never), then 200."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks.webhooks import EmptyWebhookSecretError, Webhook, WebhookVerificationError

TIMEOUT_SLEEP = 1.5  # longer than the timeout the tests give the sender
HANG_SLEEP = 60.0


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    verified: bool
    answered: int | str

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    url: str
    secret: str | None = None  # set it once the endpoint (and its secret) exists
    script: list[int | str] = field(default_factory=list)  # answers for the next requests, then `default`
    default: int = 200
    requests: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def accepted(self) -> list[Received]:
        return [r for r in self.requests if r.answered == 200 and r.verified]


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            headers = {k.lower(): v for k, v in self.headers.items()}
            try:
                Webhook(receiver.secret or "").verify(body, headers)
                verified = True
            except (WebhookVerificationError, EmptyWebhookSecretError, ValueError):  # not verified
                verified = False
            with receiver.lock:
                answer: int | str = receiver.script.pop(0) if receiver.script else receiver.default
                if not verified and answer == 200:
                    answer = 401
                receiver.requests.append(Received(self.path, headers, body, verified, answer))
            if answer == "timeout":
                time.sleep(TIMEOUT_SLEEP)
                answer = 200
            if answer == "hang":  # until the test ends: the sender is killed meanwhile
                time.sleep(HANG_SLEEP)
                return
            payload = json.dumps({"ok": answer == 200}).encode()
            try:
                self.send_response(int(answer))
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except OSError:
                pass  # the sender gave up (timeout) and closed

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the default 5 drops connections when several workers send at once


@contextmanager
def running_receiver(path: str = "/hooks") -> Iterator[Receiver]:
    receiver = Receiver(url="")
    server = _Server(("127.0.0.1", 0), _handler(receiver))  # port 0: the OS picks a free one
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}{path}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
