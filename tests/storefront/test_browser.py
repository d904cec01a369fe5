"""The customer's path in a real browser (Debian's chromium, no JavaScript needed): look the order up, read it on a
phone-sized screen, leave feedback after delivery. The app runs in uvicorn on 127.0.0.1 and a free port."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import uvicorn

playwright = pytest.importorskip("playwright.sync_api")

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


@pytest.fixture
def server(app) -> Iterator[str]:  # type: ignore[no-untyped-def]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    running = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    for _ in range(200):
        if running.started:
            break
        time.sleep(0.05)
    else:
        pytest.fail("uvicorn did not start")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        running.should_exit = True
        thread.join(timeout=10)


def test_a_customer_finds_reads_and_rates_the_order_on_a_phone(server, order, pay, ship, client) -> None:  # type: ignore[no-untyped-def]
    pay(order)
    ship(order, deliver=True)

    def steps() -> None:
        with playwright.sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(viewport={"width": 390, "height": 844}, java_script_enabled=False)
                page.goto(f"{server}/track")
                page.fill("#number", order.number)
                page.fill("#email", "Ada@Example.com")
                page.click("button[type=submit]")
                page.wait_for_url(f"{server}/track/*")
                assert page.inner_text(".status") == "Delivered"
                assert "$110.47" in page.inner_text(".totals")
                # Mobile-friendly: nothing wider than the phone's screen.
                assert page.evaluate("document.documentElement.scrollWidth") <= 390

                page.check("input[name=rating][value='4']")
                page.fill("#comment", "Comfortable, well packed.")
                page.click("#feedback button[type=submit]")
                page.wait_for_url("**feedback=thanks*")
                assert page.inner_text(".message.ok") == "Thank you for your feedback!"
            finally:
                browser.close()

    # Playwright's sync API refuses to start on a thread where another instance runs (the back office's
    # browser tests may share this worker process): this one gets a thread of its own.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(steps).result()
    feedback = client.get(f"/api/v1/orders/{order.id}/feedback").json()["feedback"]
    assert (feedback["rating"], feedback["comment"]) == (4, "Comfortable, well packed.")
