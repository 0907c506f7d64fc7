"""Helpers the services call with their session (CHECKS.md §4.2 scope_too_wide expands such
callees one level): the external work happens while the caller's transaction is open."""
import json

import requests
from sqlalchemy import update
from sqlalchemy.orm import Session

from app.models import Audit, Order

SHIPPING = "https://shipping.example.com/labels"


def request_label(session: Session, order_id: int):
    # ppa-ok: transaction.scope_too_wide        reported where a writing span calls this helper
    requests.post(SHIPPING, json={"order": order_id})
    return session.info.get("tenant")


def archive_payload(db, order_id: int, payload: dict):
    # ppa-ok: transaction.scope_too_wide        file I/O: MEDIUM at the caller
    with open(f"/var/archive/{order_id}.json", "w") as fh:
        json.dump(payload, fh)


def audit_and_notify(session: Session, order_id: int):
    session.add(Audit(order_id=order_id))
    session.commit()
    # ppa-ok: transaction.scope_too_wide        after the helper commits the caller's session:
    # no transaction is open any more
    requests.post(SHIPPING, json={"order": order_id, "audited": True})


def notify_in_own_span(session: Session, order_id: int):
    session.execute(update(Order).where(Order.id == order_id).values(notified=True))
    # ppa: transaction.scope_too_wide HIGH      inside this helper's own writing span: reported
    # here, not again where the caller passes its session
    requests.post(SHIPPING, json={"order": order_id})


def format_label(order_id: int, client):
    # Takes no session: not expanded (CHECKS.md §3.5 expands callees that receive it).
    return client.get(f"/labels/{order_id}")
