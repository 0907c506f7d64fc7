"""Invoice repository of the billing service (demo for the acme-data team pack)."""
import sqlite3

from sqlalchemy import text
from sqlalchemy.orm import Session


def invoice_total(conn: sqlite3.Connection, invoice_id: int) -> int:
    # Defect 1: the id is spliced into the SELECT with an f-string (MEDIUM).
    cur = conn.execute(f"SELECT total_cents FROM invoices WHERE id = {invoice_id}")
    return cur.fetchone()[0]


def void_invoice(session: Session, invoice_id: int, reason: str) -> None:
    # Defect 2: an UPDATE built with `+` inside text() (HIGH).
    session.execute(text("UPDATE invoices SET status = 'void', reason = '" + reason + "' WHERE id = " + str(invoice_id)))
    session.commit()


def invoices_for(session: Session, customer_id: int) -> list:
    # Safe: bound parameter.
    rows = session.execute(text("SELECT id, total_cents FROM invoices WHERE customer_id = :cid"), {"cid": customer_id})
    return list(rows)
