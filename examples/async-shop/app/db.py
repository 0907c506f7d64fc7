"""Data access (kept minimal for the example)."""
from dataclasses import dataclass


@dataclass
class User:
    email: str
    password_hash: bytes


async def get_user(email: str) -> User:
    return User(email=email, password_hash=b"")
