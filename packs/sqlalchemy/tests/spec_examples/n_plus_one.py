# CHECKS.md §4 query.n_plus_one, PY examples.
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from .models import User


def order_counts(session: Session) -> int:
    total = 0
    # ppa: query.over_fetching      a second root cause: 24 columns loaded, only the relationship used
    for u in session.scalars(select(User)):  # User.orders: relationship(), default lazy
        # ppa: query.n_plus_one
        total += len(u.orders)
    return total


def order_counts_eager(session: Session) -> int:
    total = 0
    # ppa-ok: query.n_plus_one
    # ppa: query.over_fetching      the eager load fixes the N+1, not the column set
    for u in session.scalars(select(User).options(selectinload(User.orders))):
        # ppa-ok: query.n_plus_one
        total += len(u.orders)
    return total
