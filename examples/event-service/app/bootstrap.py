"""Startup code: runs once, before the service accepts requests."""

import json


async def init_settings() -> dict:
    # A blocking read, but at startup, of a small file in the repository.
    with open("settings.json") as f:
        return json.load(f)
