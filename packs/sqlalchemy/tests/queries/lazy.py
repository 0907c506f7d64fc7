# query.n_plus_one (B): lazy-loaded relationships read per row. The models are in models.py,
# joined at the end of the run (F5).
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, joinedload, selectinload, subqueryload

from .models import Order, User


def order_counts(session: Session):
    total = 0
    for u in session.scalars(select(User)):
        # ppa: query.n_plus_one HIGH, the orders relationship has the default lazy loading
        total += len(u.orders)
    return total


def order_counts_eager(session: Session):
    total = 0
    for u in session.scalars(select(User).options(selectinload(User.orders))):
        # ppa-ok: query.n_plus_one, loaded by selectinload
        total += len(u.orders)
    return total


def buyers(session: Session):
    rows = session.scalars(select(Order).where(Order.status == "paid")).all()
    # ppa: query.n_plus_one HIGH, many-to-one per row
    return [o.user.email for o in rows]


def buyers_joined(session: Session):
    stmt = select(Order).options(joinedload(Order.user)).where(Order.status == "paid")
    rows = session.scalars(stmt).all()
    # ppa-ok: query.n_plus_one, joinedload in the statement variable
    return [o.user.email for o in rows]


def legacy(db):
    out = []
    for u in db.query(User).filter(User.status == "active").all():
        # ppa: query.n_plus_one HIGH
        out.append(len(u.orders))
        # ppa-ok: query.n_plus_one, addresses are lazy="selectin"
        out.append(len(u.addresses))
        # ppa-ok: query.n_plus_one, audit is lazy="raise"
        out.append(u.email)
    return out


def legacy_eager(db):
    # ppa-ok: query.n_plus_one, subqueryload
    return [len(u.orders) for u in db.query(User).options(subqueryload(User.orders))]


def lines_are_joined(session: Session):
    for o in session.scalars(select(Order)):
        # ppa-ok: query.n_plus_one, lines are lazy="joined"
        print(len(o.lines))


def one_user(session: Session, uid):
    u = session.scalars(select(User).where(User.id == uid)).first()
    # ppa-ok: query.n_plus_one, one row: one lazy load
    return len(u.orders)


async def async_orders(session: AsyncSession):
    result = await session.scalars(select(User))
    # ppa: query.n_plus_one MEDIUM, an async session: MissingGreenlet as well
    return [len(u.orders) for u in await session.scalars(select(User))]


async def awaitable_attrs(session: AsyncSession):
    out = []
    for u in await session.scalars(select(User)):
        # ppa: query.n_plus_one MEDIUM
        out.append(len(await u.awaitable_attrs.orders))
    return out


def flask_style():
    # ppa: query.n_plus_one MEDIUM, a model query property with lazy rows
    return {u.id: [o.total for o in u.orders] for u in User.query.all()}


def few_users(session: Session):
    for u in session.scalars(select(User).limit(5)):
        # ppa: query.n_plus_one MEDIUM, a literal limit does not size the loop (iterable_size is unknown)
        print(u.orders)


def wildcard(session: Session):
    # ppa-ok: query.n_plus_one, wildcard loader option
    return [u.orders for u in session.scalars(select(User).options(selectinload("*")))]


async def through_result(session: AsyncSession):
    result = await session.execute(select(User).where(User.status == "active"))
    users = result.scalars().all()
    # ppa: query.n_plus_one MEDIUM, rows from a Result variable
    return {u.id: len(await u.awaitable_attrs.orders) for u in users}


async def through_result_eager(session: AsyncSession):
    result = await session.execute(select(User).options(selectinload(User.orders)))
    # ppa-ok: query.n_plus_one
    return {u.id: len(u.orders) for u in result.scalars()}
