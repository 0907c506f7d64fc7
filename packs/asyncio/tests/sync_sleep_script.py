"""Fixture: a script file (a __main__ guard and no web framework) is not a service."""
import asyncio
import time


async def main():
    # ppa-ok: runtime.sync_sleep_in_async
    time.sleep(1)


if __name__ == "__main__":
    asyncio.run(main())
