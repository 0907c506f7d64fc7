# transaction.scope_too_wide: external work inside a SQLAlchemy transaction that writes
# (CHECKS.md §4.2). Network and subprocess calls are HIGH, file I/O is MEDIUM.
import subprocess

import httpx
import requests
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from app.models import Order, Outbox, Invoice
from app.tasks import send_receipt

from .notifications import request_label

WEBHOOK = "https://hooks.example.com/orders"
http = httpx.AsyncClient()


async def pay(s: AsyncSession, oid: int, payload: dict):
    async with s.begin():
        order = await s.get(Order, oid)
        order.status = "paid"
        await s.flush()
        # ppa: transaction.scope_too_wide HIGH
        # ppa-ok: transaction.long_held_transaction
        await http.post(WEBHOOK, json=payload)


async def pay_with_outbox(s: AsyncSession, oid: int, payload: dict):
    # The safe pattern: an outbox row written in the same transaction, delivered later.
    async with s.begin():
        order = await s.get(Order, oid)
        order.status = "paid"
        # ppa-ok: transaction.scope_too_wide
        s.add(Outbox(topic="order.paid", payload=payload))


async def pay_then_notify(s: AsyncSession, oid: int, payload: dict):
    async with s.begin():
        order = await s.get(Order, oid)
        order.status = "paid"
    # After the block committed: no transaction is open.
    # ppa-ok: transaction.scope_too_wide
    await http.post(WEBHOOK, json=payload)


def close_invoice(db: Session, invoice_id: int):
    # Implicit (autobegin) span: from the first operation to the commit.
    db.execute(update(Invoice).where(Invoice.id == invoice_id).values(closed=True))
    # ppa: transaction.scope_too_wide HIGH
    requests.post("https://erp.example.com/invoices", json={"id": invoice_id})
    db.commit()
    # ppa-ok: transaction.scope_too_wide
    requests.post("https://erp.example.com/invoices/closed", json={"id": invoice_id})


def export_order(db: Session, order: Order, path: str):
    db.add(order)
    # ppa: transaction.scope_too_wide MEDIUM
    with open(path, "w") as fh:
        fh.write(order.to_json())
    db.commit()


def render_and_save(db: Session, order: Order):
    db.add(order)
    # ppa: transaction.scope_too_wide HIGH
    subprocess.run(["wkhtmltopdf", order.url, "/tmp/order.pdf"], check=True)
    db.commit()


def enqueue_before_commit(db: Session, order: Order):
    db.add(order)
    db.flush()
    # ppa: transaction.scope_too_wide HIGH
    send_receipt.delay(order.id)
    db.commit()


def enqueue_after_commit(db: Session, order: Order):
    db.add(order)
    db.commit()
    # ppa-ok: transaction.scope_too_wide
    send_receipt.delay(order.id)


def prefetch_then_write(db: Session, order: Order):
    # The call comes before the first operation: no transaction yet.
    # ppa-ok: transaction.scope_too_wide
    rate = requests.get("https://fx.example.com/eur").json()["rate"]
    order.total_eur = order.total * rate
    db.add(order)
    db.commit()


def callback_defined_in_span(db: Session, order: Order):
    db.add(order)

    def later():
        # Defined inside the span, run elsewhere: not in the transaction.
        # ppa-ok: transaction.scope_too_wide
        requests.post(WEBHOOK, json={"id": order.id})

    db.commit()
    return later


class OrderService:
    def __init__(self, session: Session, http_client: httpx.Client):
        self.session = session
        self.http = http_client

    def ship(self, order_id: int):
        order = self.session.get(Order, order_id)
        order.status = "shipped"
        # ppa: transaction.scope_too_wide HIGH
        self.http.post("/shipments", json={"order": order_id})
        self.session.commit()


def notify_helper(order):
    requests.post(WEBHOOK, json={"id": order.id})


def write_then_helper(db: Session, order: Order):
    db.add(order)
    # A helper that does not receive the session: CHECKS.md §3.5 expands only callees that
    # receive it, so the HTTP call it makes inside this transaction is not seen.
    # ppa-todo: transaction.scope_too_wide
    notify_helper(order)
    db.commit()


def ship_with_label(db: Session, order: Order):
    db.add(order)
    # A helper that receives the session and posts to the shipping service: CHECKS.md §4.2
    # expands it one level; not yet (measured too costly for what it found, bench/README.md).
    # ppa-todo: transaction.scope_too_wide HIGH
    request_label(db, order.id)
    db.commit()
