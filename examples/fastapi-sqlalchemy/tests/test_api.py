"""API tests on SQLite: the test engine is out of scope for the pool check."""

from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

test_engine = create_async_engine("sqlite+aiosqlite:///./test.db", poolclass=NullPool)


def test_engine_url():
    assert test_engine.url.drivername == "sqlite+aiosqlite"
