# runtime.blocking_io_in_async for SQLAlchemy: database calls on sync sessions and connections
# inside coroutines (CHECKS.md §3.3 "ops on sync sa.session/sa.connection"). Handlers are
# declared in ppa-facts.toml.
import asyncio

from fastapi import Depends
from sqlalchemy import create_engine, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session, sessionmaker

from .models import Job, User

engine = create_engine("sqlite://")
SessionLocal = sessionmaker(bind=engine)
AsyncSessionLocal = async_sessionmaker()


def get_db():
    db = SessionLocal()
    try:
        yield db
    finally:
        db.close()


async def list_users(db: Session = Depends(get_db)):
    # ppa: runtime.blocking_io_in_async HIGH, sync Session in an async endpoint
    return db.query(User).all()


async def get_user(user_id: int, db: Session = Depends(get_db)):
    # ppa: runtime.blocking_io_in_async HIGH
    user = db.get(User, user_id)
    user.status = "seen"
    # ppa: runtime.blocking_io_in_async HIGH
    db.commit()
    return user


async def nightly_cleanup():
    with SessionLocal() as session:
        # ppa: runtime.blocking_io_in_async MEDIUM, not on the request path
        session.execute(update(Job).where(Job.status == "done").values(status="archived"))
        # ppa: runtime.blocking_io_in_async MEDIUM
        session.commit()


async def report():
    with engine.connect() as conn:
        # ppa: runtime.blocking_io_in_async MEDIUM, a sync engine connection
        rows = conn.execute(select(User.id)).all()
    return rows


async def list_users_async(session: AsyncSession):
    # ppa-ok: runtime.blocking_io_in_async, AsyncSession awaited
    result = await session.execute(select(User))
    # ppa-ok: runtime.blocking_io_in_async, add() does no I/O
    session.add(User(email="x"))
    # ppa-ok: runtime.blocking_io_in_async
    await session.commit()
    return result.scalars().all()


async def with_factory():
    async with AsyncSessionLocal() as s:
        # ppa-ok: runtime.blocking_io_in_async, an async session from `async with`
        return (await s.scalars(select(User))).all()


async def named_awaited(db_session):
    # ppa-ok: runtime.blocking_io_in_async, awaited: the async API
    return await db_session.scalar(select(User.id))


async def gathered(session):
    # ppa-ok: runtime.blocking_io_in_async, coroutines collected by gather
    return await asyncio.gather(session.execute(select(User)), session.execute(select(Job)))


def count_sync(db: Session):
    # ppa-ok: runtime.blocking_io_in_async, a sync function (threadpool endpoint)
    return db.query(User).count()


async def offloaded():
    def work():
        with SessionLocal() as s:
            # ppa-ok: runtime.blocking_io_in_async, a nested sync def run in a thread
            return s.scalars(select(User)).all()

    return await asyncio.to_thread(work)


async def run_sync_style(session: AsyncSession):
    # ppa-ok: runtime.blocking_io_in_async, run_sync hands a sync session to the lambda
    return await session.run_sync(lambda s: s.query(User).count())


async def http(session):
    # ppa-ok: runtime.blocking_io_in_async, an HTTP session get with a URL, not a DB get
    async with session.get("https://example.org") as resp:
        return await resp.text()


async def named_unawaited(db):
    # ppa: runtime.blocking_io_in_async MEDIUM, a `db` never awaited: a sync session by its use
    return db.execute(select(User)).scalars().all()
