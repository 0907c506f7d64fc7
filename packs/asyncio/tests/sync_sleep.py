"""Fixture: runtime.sync_sleep_in_async (asyncio pack)."""
import asyncio
import time
import time as t
from time import sleep as zz

from fastapi import APIRouter

router = APIRouter()


async def poll(check):
    while True:
        await check()
        # ppa: runtime.sync_sleep_in_async MEDIUM
        time.sleep(1)


async def aliased_module():
    # ppa: runtime.sync_sleep_in_async
    t.sleep(0.2)


async def aliased_function():
    # ppa: runtime.sync_sleep_in_async
    zz(0.5)


@router.get("/health")
async def health():
    # On the request path.
    # ppa: runtime.sync_sleep_in_async HIGH
    time.sleep(0.1)
    return {"ok": True}


async def good_poll(check):
    while True:
        await check()
        # ppa-ok: runtime.sync_sleep_in_async
        await asyncio.sleep(1)


def cli_main():
    # A sync function: runs on its own thread, not on the loop.
    # ppa-ok: runtime.sync_sleep_in_async
    time.sleep(1)


async def nested_sync_helper():
    def backoff():
        # The nearest function boundary is a sync def.
        # ppa-ok: runtime.sync_sleep_in_async
        time.sleep(2)

    # ppa-ok: runtime.sync_sleep_in_async
    await asyncio.to_thread(time.sleep, 1)
    # ppa-ok: runtime.sync_sleep_in_async
    await asyncio.get_running_loop().run_in_executor(None, lambda: time.sleep(1))
    return backoff


async def shadowed():
    def sleep(n):
        return n

    # A local `sleep` is not `time.sleep`.
    # ppa-ok: runtime.sync_sleep_in_async
    sleep(3)


async def lambda_in_async():
    # A lambda is a function boundary: the sleep runs when the lambda is called.
    # ppa-todo: runtime.sync_sleep_in_async
    callback = lambda: time.sleep(1)  # noqa: E731
    return callback
