"""Customer persistence for the shop API (SQLAlchemy 2.0, textual SQL).

Fixture for acme.query.sql_string_formatting, SQLAlchemy side.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.ui import text as ui_text


class CustomerRepository:
    def __init__(self, session: Session):
        self.session = session

    def find_by_email(self, email: str):
        # text() around an f-string: the finding is on text(), not on execute(). MEDIUM.
        # ppa: acme.query.sql_string_formatting MEDIUM
        return self.session.execute(text(f"SELECT * FROM customers WHERE email = '{email}'")).first()

    def find_by_email_safe(self, email: str):
        # Bound parameter with text(): quiet.
        # ppa-ok: acme.query.sql_string_formatting
        return self.session.execute(text("SELECT * FROM customers WHERE email = :email"), {"email": email}).first()

    def rename(self, customer_id: int, name: str) -> None:
        # `sa.text` through a module alias, `+` concatenation: a write, HIGH.
        # ppa: acme.query.sql_string_formatting HIGH
        stmt = sa.text("UPDATE customers SET name = '" + name + "' WHERE id = " + str(customer_id))
        self.session.execute(stmt)

    def delete(self, customer_id: int) -> None:
        # Raw SQL straight to Session.execute with %-formatting: HIGH.
        # ppa: acme.query.sql_string_formatting HIGH
        self.session.execute("DELETE FROM customers WHERE id = %s" % customer_id)

    def bulk_import(self, rows: list[dict], source: str) -> None:
        # Implicitly concatenated literals, one of them an f-string: HIGH.
        # ppa: acme.query.sql_string_formatting HIGH
        self.session.execute(text("INSERT INTO customers (name, email, source) "
                                  f"VALUES (:name, :email, '{source}')"), rows)

    def greeting(self, name: str) -> str:
        # A different `text()` (our UI helper) with a message that starts like SQL. Quiet.
        # ppa-ok: acme.query.sql_string_formatting
        return ui_text(f"Select a plan, {name}")

    def by_tier(self, tier: str):
        # The verb itself is interpolated: the text does not start with a literal SQL verb. Quiet
        # by design (we only flag text that visibly starts with SELECT/INSERT/UPDATE/DELETE).
        verb = "SELECT"
        # ppa-ok: acme.query.sql_string_formatting
        return self.session.execute(text(f"{verb} * FROM customers WHERE tier = :tier"), {"tier": tier})
