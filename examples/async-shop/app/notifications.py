"""Background notification worker."""
import asyncio
from time import sleep as pause

import smtplib


async def send_digest(recipients, body):
    for r in recipients:
        # A blocking SMTP session per recipient inside a coroutine.
        with smtplib.SMTP("mail.internal") as smtp:
            smtp.sendmail("shop@example.com", r, body)


async def retry_loop(job):
    while True:
        ok = await job()
        if ok:
            return
        # An aliased time.sleep still blocks the loop.
        pause(2)


async def main():
    await asyncio.gather(send_digest([], ""), retry_loop(lambda: asyncio.sleep(0)))
