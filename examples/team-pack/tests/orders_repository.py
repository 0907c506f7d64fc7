"""Order persistence for the shop API (psycopg 3, DB-API cursors).

Fixture for acme.query.sql_string_formatting: the explanation of each case is the comment
above its annotation.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

import psycopg
from psycopg import sql

log = logging.getLogger(__name__)

ORDER_COLUMNS = "id, customer_id, status, total_cents, created_at"
# A module-level template, filled in with `%` further down.
ORDERS_BY_STATUS = "SELECT id, total_cents FROM orders WHERE status = '%s'"
# A module-level template with `{}` placeholders, filled in with `.format()`.
ARCHIVE_ORDERS = "DELETE FROM orders WHERE created_at < '{}'"
SORTABLE = {"created": "created_at", "total": "total_cents"}


@dataclass
class Order:
    id: int
    customer_id: int
    status: str
    total_cents: int


class OrderRepository:
    def __init__(self, conn: psycopg.Connection):
        self.conn = conn

    def get(self, order_id: int) -> Order | None:
        with self.conn.cursor() as cur:
            # The classic: an f-string with the id spliced in. A read: MEDIUM.
            # ppa: acme.query.sql_string_formatting MEDIUM
            cur.execute(f"SELECT {ORDER_COLUMNS} FROM orders WHERE id = {order_id}")
            row = cur.fetchone()
        return Order(*row[:4]) if row else None

    def get_safe(self, order_id: int) -> Order | None:
        with self.conn.cursor() as cur:
            # Parameterised: the driver binds order_id. Quiet.
            # ppa-ok: acme.query.sql_string_formatting
            cur.execute("SELECT id, customer_id, status, total_cents FROM orders WHERE id = %s", (order_id,))
            row = cur.fetchone()
        return Order(*row) if row else None

    def by_status(self, status: str) -> list[tuple]:
        with self.conn.cursor() as cur:
            # `%` formatting of a module-level template: the value ends up in the SQL text.
            # ppa: acme.query.sql_string_formatting MEDIUM
            cur.execute(ORDERS_BY_STATUS % status)
            return cur.fetchall()

    def by_customer(self, customer_id: int, limit: int) -> list[tuple]:
        with self.conn.cursor() as cur:
            # `%` formatting of an inline literal, lower-case verb, parenthesised operands.
            # ppa: acme.query.sql_string_formatting MEDIUM
            cur.execute("select id from orders where customer_id = %d limit %d" % (customer_id, limit))
            return cur.fetchall()

    def by_customer_safe(self, customer_id: int) -> list[tuple]:
        with self.conn.cursor() as cur:
            # Named parameters with a dict: still bound by the driver. Quiet.
            # ppa-ok: acme.query.sql_string_formatting
            cur.execute("SELECT id FROM orders WHERE customer_id = %(cid)s", {"cid": customer_id})
            return cur.fetchall()

    def set_status(self, order_id: int, status: str) -> None:
        with self.conn.cursor() as cur:
            # A write built with an f-string across lines: HIGH, reported on the call's line.
            # ppa: acme.query.sql_string_formatting HIGH
            cur.execute(
                f"""
                UPDATE orders
                   SET status = '{status}'
                 WHERE id = {order_id}
                """
            )
        self.conn.commit()

    def add_lines(self, order_id: int, lines: list[tuple[int, int]]) -> None:
        with self.conn.cursor() as cur:
            # executemany with the order id concatenated into the INSERT: HIGH.
            # ppa: acme.query.sql_string_formatting HIGH
            cur.executemany("INSERT INTO order_lines (order_id, sku, qty) VALUES (" + str(order_id) + ", %s, %s)", lines)
        self.conn.commit()

    def add_lines_safe(self, order_id: int, lines: list[tuple[int, int]]) -> None:
        with self.conn.cursor() as cur:
            # The same insert with every value bound. Quiet.
            # ppa-ok: acme.query.sql_string_formatting
            cur.executemany(
                "INSERT INTO order_lines (order_id, sku, qty) VALUES (%s, %s, %s)",
                [(order_id, sku, qty) for sku, qty in lines],
            )
        self.conn.commit()

    def archive_before(self, day: str) -> int:
        with self.conn.cursor() as cur:
            # `.format()` on a module-level DELETE template: HIGH.
            # ppa: acme.query.sql_string_formatting HIGH
            cur.execute(ARCHIVE_ORDERS.format(day))
            return cur.rowcount

    def cancel(self, order_id: int, reason: str) -> None:
        # The statement is built in a variable first, then executed: followed through `stmt`.
        stmt = "UPDATE orders SET status = 'cancelled', note = '{}' WHERE id = {}".format(reason, order_id)
        with self.conn.cursor() as cur:
            # ppa: acme.query.sql_string_formatting HIGH
            cur.execute(stmt)
        self.conn.commit()

    def count(self) -> int:
        with self.conn.cursor() as cur:
            # An f-string without any interpolation is a constant. Quiet.
            # ppa-ok: acme.query.sql_string_formatting
            cur.execute(f"SELECT count(*) FROM orders")
            return cur.fetchone()[0]

    def count_constant_concat(self) -> int:
        with self.conn.cursor() as cur:
            # `+` between two literals only: constant text. Quiet.
            # ppa-ok: acme.query.sql_string_formatting
            cur.execute("SELECT count(*) " + "FROM orders WHERE status = 'open'")
            return cur.fetchone()[0]

    def analyze(self, table: str) -> None:
        with self.conn.cursor() as cur:
            # Formatted, but not one of the four verbs (maintenance statement). Quiet.
            # ppa-ok: acme.query.sql_string_formatting
            cur.execute(f"ANALYZE {table}")

    def list_sorted(self, sort_key: str) -> list[tuple]:
        # The identifier is composed with psycopg.sql, the safe API for dynamic identifiers.
        query = sql.SQL("SELECT id FROM orders ORDER BY {}").format(sql.Identifier(SORTABLE[sort_key]))
        with self.conn.cursor() as cur:
            # ppa-ok: acme.query.sql_string_formatting
            cur.execute(query)
            return cur.fetchall()

    def search(self, term: str, status: str | None) -> list[tuple]:
        # Known gap: the query is assembled in several steps (`+=`), so `sql_text` is assigned
        # more than once and its value is unknown to the predicate.
        sql_text = "SELECT id FROM orders WHERE note ILIKE '%" + "%'"
        if status:
            sql_text += f" AND status = '{status}'"
        with self.conn.cursor() as cur:
            # ppa-todo: acme.query.sql_string_formatting
            cur.execute(sql_text)
            return cur.fetchall()

    def purge(self, order_id: int) -> None:
        # Known gap: the statement is passed by keyword, not as the first positional argument.
        with self.conn.cursor() as cur:
            # ppa-todo: acme.query.sql_string_formatting
            cur.execute(query=f"DELETE FROM orders WHERE id = {order_id}")

    def log_deleted(self, order_id: int) -> None:
        # A log line that merely starts like SQL (`Deleted`), not passed to execute. Quiet.
        # ppa-ok: acme.query.sql_string_formatting
        log.info(f"Deleted order {order_id}")
