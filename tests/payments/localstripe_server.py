"""Run localstripe (a fake Stripe; GPL, dev-only) on 127.0.0.1 only: its own command line binds every interface.

    python tests/payments/localstripe_server.py PORT

A separate process started by the tests; product code never imports localstripe.
"""

from __future__ import annotations

import sys

from aiohttp import web
from localstripe.server import app

if __name__ == "__main__":
    web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None)
