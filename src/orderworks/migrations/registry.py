"""Every area's tables in one metadata, for Alembic and for tests. Add an area's models module here."""

from __future__ import annotations

from orderworks.backoffice import models as _backoffice  # noqa: F401
from orderworks.catalog import models as _catalog  # noqa: F401
from orderworks.core import apikeys as _apikeys  # noqa: F401
from orderworks.core import idempotency as _idempotency  # noqa: F401
from orderworks.core import numbering as _numbering  # noqa: F401
from orderworks.core import outbox as _outbox  # noqa: F401
from orderworks.core import relay as _relay  # noqa: F401
from orderworks.core import store as _store  # noqa: F401
from orderworks.core.db import Base
from orderworks.fulfillment import models as _fulfillment  # noqa: F401
from orderworks.inventory import models as _inventory  # noqa: F401
from orderworks.invoicing import models as _invoicing  # noqa: F401
from orderworks.orders import models as _orders  # noqa: F401
from orderworks.payments import models as _payments  # noqa: F401

metadata = Base.metadata
