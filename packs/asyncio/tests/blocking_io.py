"""Fixture: runtime.blocking_io_in_async (asyncio pack)."""
import asyncio
import subprocess
from pathlib import Path

import anyio
import httpx
import requests
from fastapi import APIRouter, UploadFile

router = APIRouter()
TMP = Path("/tmp/uploads")


@router.post("/import")
async def imp(f: UploadFile):
    # ppa: runtime.blocking_io_in_async HIGH
    data = (TMP / f.filename).read_bytes()
    return len(data)


async def handler(url):
    # ppa: runtime.blocking_io_in_async MEDIUM
    r = requests.get(url, timeout=5)
    return r.json()


async def with_client(url):
    client = httpx.Client()
    # ppa: runtime.blocking_io_in_async
    return client.get(url)


async def read_config(path):
    # ppa: runtime.blocking_io_in_async
    with open(path) as fh:
        return fh.read()


async def run_tool():
    # ppa: runtime.blocking_io_in_async
    out = subprocess.check_output(["git", "rev-parse", "HEAD"])
    return out


async def offloaded(path: Path):
    # Passing the function object is not a call.
    # ppa-ok: runtime.blocking_io_in_async
    data = await asyncio.to_thread(path.read_bytes)
    return data


async def offloaded_lambda(url):
    loop = asyncio.get_running_loop()
    # ppa-ok: runtime.blocking_io_in_async
    return await loop.run_in_executor(None, lambda: requests.get(url, timeout=5))


async def async_client(url):
    async with httpx.AsyncClient() as client:
        # ppa-ok: runtime.blocking_io_in_async
        return await client.get(url)


async def anyio_path(p):
    # An awaited read_text is anyio.Path's async method.
    # ppa-ok: runtime.blocking_io_in_async
    return await anyio.Path(p).read_text()


def sync_endpoint(url):
    # Sync functions run in a threadpool.
    # ppa-ok: runtime.blocking_io_in_async
    return requests.get(url, timeout=5)


async def local_open():
    def open(name):  # noqa: A001
        return name

    # ppa-ok: runtime.blocking_io_in_async
    return open("x")


async def via_session(url):
    # Methods of a requests.Session() made elsewhere: the receiver is not typed here.
    # ppa-todo: runtime.blocking_io_in_async
    return SESSION.get(url)


SESSION = None


async def presign(bucket, key):
    import boto3

    s3 = boto3.client("s3")
    # Signing a URL is local computation, not a network call.
    # ppa-ok: runtime.blocking_io_in_async
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": key})
    # ppa: runtime.blocking_io_in_async
    s3.put_object(Bucket=bucket, Key=key, Body=b"")
    return url


async def builds_a_request(url):
    import requests as rq

    # Building a request object does no I/O.
    # ppa-ok: runtime.blocking_io_in_async
    req = rq.Request("GET", url)
    # ppa: runtime.blocking_io_in_async
    return rq.Session().send(req.prepare())


async def bundle_upload(temp_dir, key, payload):
    # An awaited chain in parentheses is anyio.Path's async write.
    await (
        # ppa-ok: runtime.blocking_io_in_async
        anyio.Path(temp_dir)
        .joinpath(key)
        .write_bytes(payload)
    )
