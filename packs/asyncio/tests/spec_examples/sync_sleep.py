# CHECKS.md §4 runtime.sync_sleep_in_async, PY examples.
import asyncio
import time
from time import sleep as zz


async def check():
    return True


async def poll():
    while True:
        await check()
        # ppa: runtime.sync_sleep_in_async
        time.sleep(1)


async def f():
    # ppa: runtime.sync_sleep_in_async
    zz(0.5)


async def poll_async():
    while True:
        await check()
        # ppa-ok: runtime.sync_sleep_in_async
        await asyncio.sleep(1)


def cli_main():
    # ppa-ok: runtime.sync_sleep_in_async
    time.sleep(1)  # sync function
