# CHECKS.md §4 runtime.blocking_io_in_async, PY examples.
import asyncio
from pathlib import Path

import requests
from fastapi import APIRouter, UploadFile

router = APIRouter()
TMP = Path("/tmp/uploads")
url = "https://api.example.com/status"
path = TMP / "report.csv"


@router.post("/import")
async def imp(f: UploadFile):
    # ppa: runtime.blocking_io_in_async
    data = (TMP / f.filename).read_bytes()
    return len(data)


async def handler():
    # ppa: runtime.blocking_io_in_async
    r = requests.get(url)
    return r.status_code


async def handler_offloaded():
    # ppa-ok: runtime.blocking_io_in_async
    data = await asyncio.to_thread(path.read_bytes)
    return len(data)
