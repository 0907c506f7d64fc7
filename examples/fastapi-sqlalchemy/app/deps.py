"""Planted resource defect: a provider that closes its session only on the success path."""

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends
from sqlalchemy.ext.asyncio import AsyncSession

from .db import SessionLocal


# resource.error_path_leak (CRITICAL): FastAPI throws the endpoint's exception into the generator
# at the `yield`, so `close()` never runs when a handler fails.
async def get_unsafe_session() -> AsyncIterator[AsyncSession]:
    session = SessionLocal()
    yield session
    await session.close()


UnsafeSessionDep = Annotated[AsyncSession, Depends(get_unsafe_session)]
