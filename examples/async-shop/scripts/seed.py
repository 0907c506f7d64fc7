"""Seeds a local database. A script, not a service: its sleeps block nobody."""
import asyncio
import time


async def seed():
    for _ in range(3):
        time.sleep(0.1)


if __name__ == "__main__":
    asyncio.run(seed())
