"""Roles and what each may do. Pure: the API and back office check these before calling a use case."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    OWNER = "owner"
    CUSTOMER_SERVICE = "customer_service"
    FULFILLMENT = "fulfillment"
    FINANCE = "finance"
    INTEGRATION = "integration"  # a storefront or marketplace: places and reads orders


class Permission(StrEnum):
    ORDERS_READ = "orders:read"
    ORDERS_WRITE = "orders:write"
    CATALOG_READ = "catalog:read"
    CATALOG_WRITE = "catalog:write"
    STOCK_WRITE = "stock:write"
    SETTINGS_WRITE = "settings:write"
    PAYMENTS_WRITE = "payments:write"
    REFUNDS_WRITE = "refunds:write"
    FULFILLMENT_WRITE = "fulfillment:write"
    INVOICES_WRITE = "invoices:write"  # issue and void invoices, issue credit notes


P = Permission
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.OWNER: frozenset(Permission),
    Role.CUSTOMER_SERVICE: frozenset({P.ORDERS_READ, P.ORDERS_WRITE, P.CATALOG_READ, P.PAYMENTS_WRITE, P.REFUNDS_WRITE}),
    Role.FULFILLMENT: frozenset({P.ORDERS_READ, P.CATALOG_READ, P.STOCK_WRITE, P.FULFILLMENT_WRITE}),
    Role.FINANCE: frozenset({P.ORDERS_READ, P.CATALOG_READ, P.PAYMENTS_WRITE, P.REFUNDS_WRITE, P.INVOICES_WRITE}),
    Role.INTEGRATION: frozenset({P.ORDERS_READ, P.ORDERS_WRITE, P.CATALOG_READ, P.CATALOG_WRITE, P.STOCK_WRITE}),
}


def role_allows(role: str, permission: Permission) -> bool:
    try:
        return permission in ROLE_PERMISSIONS[Role(role)]
    except ValueError:
        return False
