"""The screens the nav lists, in order. A screen module adds its entry here; an entry shows only to roles with
its permission (None: every signed-in staff member)."""

from __future__ import annotations

from dataclasses import dataclass

from orderworks.core.permissions import Permission


@dataclass(frozen=True)
class Screen:
    key: str  # the `active` name a template passes to mark its nav entry
    label: str
    path: str  # under /admin
    permission: Permission | None = None


NAV: list[Screen] = [
    # Screens added by the dashboard / entry / catalog / settings helper go in this list, in the order shown.
    Screen("dashboard", "Dashboard", "/", Permission.ORDERS_READ),
    Screen("orders", "Orders", "/orders", Permission.ORDERS_READ),
    Screen("entry", "New order", "/orders/new", Permission.ORDERS_WRITE),
    Screen("catalog", "Catalog", "/catalog", Permission.CATALOG_READ),
    Screen("stock", "Stock", "/stock", Permission.CATALOG_READ),
    Screen("setup", "Shipping & tax", "/setup", Permission.CATALOG_READ),
    Screen("settings", "Settings", "/settings", Permission.SETTINGS_WRITE),
    Screen("webhooks", "Webhooks", "/webhooks", Permission.SETTINGS_WRITE),
    Screen("events", "Failed events", "/events", Permission.SETTINGS_WRITE),
    Screen("staff", "Staff", "/staff", Permission.SETTINGS_WRITE),
]
