"""docs/webhooks.md, generated from the event type table so the documented payloads are the code's.

Regenerate with `python -m orderworks.notifications.webhooks.docs > docs/webhooks.md` (a test checks it is current).
"""

from __future__ import annotations

import json
from datetime import timedelta

from orderworks.notifications.webhooks import rules
from orderworks.notifications.webhooks.event_types import API_VERSION, BY_NAME, EVENT_TYPES, envelope

_EXAMPLE_ID = "0193a8fb-5d6e-7f80-9a1b-2c3d4e5f6a7b"
_EXAMPLE_TIME = "2026-12-01T10:15:00.123456+00:00"

def _human(delay: timedelta) -> str:
    seconds = delay.total_seconds()
    value, unit = (seconds, "s") if seconds < 60 else (seconds / 60, "min") if seconds < 3600 else (seconds / 3600, "h")
    return f"{value:.1f}".removesuffix(".0") + f" {unit}"


def _schedule() -> str:
    return ", ".join(_human(rules.retry_delay(n)) for n in range(1, rules.MAX_ATTEMPTS))


_INTRO = f"""# Webhooks

orderworks tells the seller's other systems (ERP, accounting, marketing, a warehouse) what happens to orders, by
POSTing a signed JSON message to each registered endpoint that wants the event. This page is generated from the
code (`src/orderworks/notifications/webhooks/event_types.py`; `python -m orderworks.notifications.webhooks.docs`).

## Registering an endpoint

All routes need an API key whose role has `settings:write` (the owner), and every change takes an
`Idempotency-Key` header.

| call | what it does |
|---|---|
| `POST /api/v1/webhooks` `{{url, events, secret?, description?}}` | register; answers the endpoint **with its `secret`** |
| `GET /api/v1/webhooks`, `GET /api/v1/webhooks/{{id}}` | list (paginated) / read; the secret is **not** shown again |
| `PATCH /api/v1/webhooks/{{id}}` `{{url?, events?, description?, enabled?}}` | change; `enabled: true` re-enables a disabled endpoint |
| `DELETE /api/v1/webhooks/{{id}}` | stop sending; waiting deliveries are canceled, history kept |
| `POST /api/v1/webhooks/{{id}}/rotate-secret` `{{secret?}}` | a new secret, shown in the answer; the old one also signs for 24 hours |
| `GET /api/v1/webhooks/{{id}}/deliveries?status=&cursor=&limit=` | deliveries newest first, each with all its attempts |
| `POST /api/v1/webhooks/{{id}}/deliveries/{{delivery_id}}/retry` | one more attempt now; answers the delivery after it |
| `POST /api/v1/webhooks/{{id}}/ping` | send a signed `webhook.ping` now (also to a disabled endpoint), one attempt |

- `url`: `http://` or `https://` with a host; anything else is refused (422, field `url`).
- `events`: dotted lower-case names from the table below, or `["*"]` for all (also types added later). An unknown
  name is refused (422, field `events[i]`).
- `secret`: optional; Standard Webhooks format, `whsec_` followed by base64 of 24 to 64 random bytes. Without
  one, 32 random bytes are generated. Keep it: the API shows it only in the answer to the create and rotate calls
  (and in their idempotent replays). Lost it? Rotate.

## What is sent

`POST {{url}}` with `Content-Type: application/json` and the [Standard Webhooks](https://www.standardwebhooks.com/)
headers:

- `webhook-id`: the event id (also the envelope's `id`); the same on every retry, so deduplicate on it.
- `webhook-timestamp`: Unix seconds when this attempt was sent.
- `webhook-signature`: `v1,<base64 HMAC-SHA256 of "{{webhook-id}}.{{webhook-timestamp}}.{{body}}">`, keyed with the
  secret's decoded bytes; two signatures separated by a space for 24 hours after a rotation.

Verify with any Standard Webhooks library, e.g. in Python:

```python
from standardwebhooks.webhooks import Webhook
payload = Webhook(secret).verify(request_body_bytes, request_headers)  # raises WebhookVerificationError
```

The body is a versioned envelope (`api_version` {API_VERSION}); a change to its shape or to any `data` gets a new
date. Amounts are integer minor units (cents) with the ISO 4217 `currency` beside them; times are ISO 8601 UTC.

```json
{{envelope}}
```

## Delivery, retries, disabling

- Answer with any **2xx** within {rules.TIMEOUT_SECONDS:g} seconds (`ORDERWORKS_WEBHOOK_TIMEOUT_SECONDS`) to accept. Anything else
  (another status, a redirect: not followed, a timeout, a refused connection) is a failed attempt.
- A failed delivery is retried with exponential backoff: after {_schedule()}
  (then {_human(rules.MAX_RETRY_DELAY)} at most), {rules.MAX_ATTEMPTS} attempts in all (`ORDERWORKS_WEBHOOK_MAX_ATTEMPTS`), then it is `failed`. Staff can
  retry it (the retry route). Retries are sent by the scheduled job `retry_due_deliveries`.
- While an endpoint is failing (an attempt failed since its last success), new deliveries to it are not sent at
  once but by the retry job, behind the ones waiting; the first success (or a new URL) ends that.
- Each attempt is recorded: number, status (`succeeded`, `failed`, `in_flight`, `abandoned` when a worker stopped
  during the call), response code, duration in ms, error, the start of the answer's body.
- Delivery is at least once: a worker that dies during a call leaves the attempt `abandoned` and the delivery is
  sent again. Deduplicate on `webhook-id`. Messages may arrive out of order; the envelope's `timestamp` is when the
  event happened.
- After {rules.DISABLE_AFTER_FAILED_DELIVERIES} deliveries in a row failed for good (`ORDERWORKS_WEBHOOK_DISABLE_AFTER`) the endpoint is
  disabled and staff are told (event `WebhookEndpointDisabled`). Its waiting deliveries stay; re-enable it
  (`PATCH enabled: true`) and they go out.

## Event types
"""


def _example(data: dict[str, object], name: str) -> str:
    body = envelope(BY_NAME[name], event_id=_EXAMPLE_ID, timestamp=_EXAMPLE_TIME, data=data)
    return json.dumps(body, indent=2, ensure_ascii=False)


def render() -> str:
    first = EVENT_TYPES[0]
    parts = [_INTRO.replace("{envelope}", _example(first.example, first.name)), "",
             "| type | sent when | orderworks event |", "|---|---|---|"]
    parts += [f"| `{t.name}` | {t.description} | `{t.event_class or '-'}` |" for t in EVENT_TYPES]
    for t in EVENT_TYPES:
        parts += ["", f"### `{t.name}`", "", t.description, "", "```json",
                  json.dumps(t.example, indent=2, ensure_ascii=False), "```"]
    return "\n".join(parts) + "\n"


if __name__ == "__main__":
    print(render(), end="")
