"""Number series: order numbers, and later gapless invoice numbers.

A series is a row; taking a number is one conditional UPDATE ... RETURNING inside the caller's transaction, so a
rolled-back transaction gives its number back (gapless) and two transactions never get the same number.
"""

from __future__ import annotations

from sqlalchemy import String, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from orderworks.core.db import Base


class NumberSeries(Base):
    __tablename__ = "number_series"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_value: Mapped[int] = mapped_column(default=0)


def next_number(session: Session, series: str, *, start: int = 1) -> int:
    stmt = (
        update(NumberSeries)
        .where(NumberSeries.name == series)
        .values(last_value=NumberSeries.last_value + 1)
        .returning(NumberSeries.last_value)
    )
    value = session.execute(stmt).scalar_one_or_none()
    if value is not None:
        return int(value)
    # First number of a new series: create the row, tolerating a concurrent creator.
    try:
        with session.begin_nested():
            session.execute(insert(NumberSeries).values(name=series, last_value=start))
        return start
    except IntegrityError:
        return int(session.execute(stmt).scalar_one())


def peek_number(session: Session, series: str) -> int:
    return int(session.execute(select(NumberSeries.last_value).where(NumberSeries.name == series)).scalar() or 0)
