"""HTTP API of the job service."""

import time

import requests
from fastapi import APIRouter

router = APIRouter()
BILLING_URL = "https://billing.internal/charge"


@router.post("/jobs/{job_id}/charge")
async def charge(job_id: int):
    # Blocking HTTP call without a timeout on the event loop.
    resp = requests.post(BILLING_URL, json={"job": job_id})
    return {"status": resp.status_code}


@router.post("/jobs/{job_id}/retry")
async def retry(job_id: int):
    # Sleeps on the event loop: every other request waits.
    time.sleep(2)
    return {"retried": job_id}
