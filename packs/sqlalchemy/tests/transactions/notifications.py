"""A helper the services call with their session: the external work happens while the caller's
transaction is open (CHECKS.md §4.2 expands such callees one level; not yet)."""
import requests
from sqlalchemy.orm import Session

SHIPPING = "https://shipping.example.com/labels"


def request_label(session: Session, order_id: int):
    requests.post(SHIPPING, json={"order": order_id})
    return session.info.get("tenant")
