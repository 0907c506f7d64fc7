"""Test code is out of scope by default."""
import time


async def test_status_eventually_packed():
    time.sleep(0.01)
