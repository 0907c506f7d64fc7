# CHECKS.md §4 transaction.long_held_transaction, PY example: an IdP call in a read-only span.
import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from .models import User

idp = httpx.AsyncClient(base_url="https://idp.example.com")


async def load_profile(s: AsyncSession, uid: int):
    async with s.begin():
        user = await s.get(User, uid)
        # ppa: transaction.long_held_transaction
        profile = await idp.get(f"/users/{uid}")  # read-only span
    return user, profile.json()
