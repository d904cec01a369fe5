"""The orders grid: saved views, filters, search, sort and keyset pages."""

from __future__ import annotations

import re
from datetime import timedelta

import time_machine

from orderworks.core.clock import now
from orderworks.orders.service.lifecycle import hold_order
from tests.builders import STAFF


def _numbers(html: str) -> list[str]:
    return re.findall(r'<tr data-order="([^"]+)"', html)


def test_the_grid_lists_orders_newest_first_with_seller_statuses(staff_client, placed, authorized):
    first, second = placed(), authorized()
    page = staff_client("owner").get("/admin/orders").text
    assert _numbers(page) == [second.number, first.number]
    assert "Balance due" in page and "Authorized" in page and "$110.47" in page and "Unfulfilled" in page


def test_saved_views(staff_client, placed, authorized, new_uow):
    unpaid, to_capture, held = placed(), authorized(), placed()
    hold_order(new_uow(), held.id, actor=STAFF, reason="check")
    client = staff_client("owner")
    assert _numbers(client.get("/admin/orders?view=to_capture").text) == [to_capture.number]
    assert _numbers(client.get("/admin/orders?view=on_hold").text) == [held.number]
    assert _numbers(client.get("/admin/orders?view=ready_to_ship").text) == []
    assert _numbers(client.get("/admin/orders?view=late").text) == []
    with time_machine.travel(now() + timedelta(days=3), tick=False):  # past the 2-day promise
        assert _numbers(staff_client("owner").get("/admin/orders?view=late").text) == [to_capture.number,
                                                                                       unpaid.number]


def test_search_filters_and_sort(staff_client, placed):
    ada = placed()
    grace = placed(email="grace@example.com")
    client = staff_client("owner")
    assert _numbers(client.get("/admin/orders?q=grace@example.com").text) == [grace.number]
    assert _numbers(client.get(f"/admin/orders?q=%23{ada.number}").text) == [ada.number]
    assert _numbers(client.get("/admin/orders?q=ada").text) == [grace.number, ada.number]  # both named Ada
    assert _numbers(client.get("/admin/orders?payment_status=paid").text) == []
    assert _numbers(client.get("/admin/orders?sort=oldest").text) == [ada.number, grace.number]
    assert client.get("/admin/orders?status=nonsense").status_code == 200  # an unknown choice is ignored


def test_keyset_pages_and_htmx_fragment(staff_client, placed):
    orders = [placed() for _ in range(5)]
    client = staff_client("owner")
    first = client.get("/admin/orders?limit=2").text
    assert _numbers(first) == [orders[4].number, orders[3].number]
    next_url = re.search(r'class="button" href="([^"]+)"', first).group(1).replace("&amp;", "&")
    second = client.get(next_url, headers={"hx-request": "true", "hx-target": "grid"}).text
    assert _numbers(second) == [orders[2].number, orders[1].number] and "<html" not in second
    assert client.get("/admin/orders?cursor=garbage").status_code == 422


def test_sort_by_total_pages_through_every_order_once(staff_client, placed):
    orders = {n: placed(quantity=n) for n in (3, 1, 4, 2, 5)}  # totals grow with the quantity
    client = staff_client("owner")
    largest = client.get("/admin/orders?sort=largest&limit=2").text
    assert _numbers(largest) == [orders[5].number, orders[4].number]
    seen = list(_numbers(largest))
    url = re.search(r'class="button" href="([^"]+)"', largest).group(1).replace("&amp;", "&")
    while url:
        page = client.get(url).text
        seen += _numbers(page)
        found = re.search(r'class="button" href="([^"]+)"', page)
        url = found.group(1).replace("&amp;", "&") if found else ""
    assert seen == [orders[n].number for n in (5, 4, 3, 2, 1)]
    assert _numbers(client.get("/admin/orders?sort=smallest").text) == [orders[n].number for n in (1, 2, 3, 4, 5)]
    assert client.get("/admin/orders?sort=largest&cursor=garbage").status_code == 422
