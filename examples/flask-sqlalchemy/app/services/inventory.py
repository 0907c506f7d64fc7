"""Stock and catalogue updates: the service layer the book routes call."""
from sqlalchemy import insert, update

from ..extensions import db
from ..models import Book


def restock(book_ids, amount):
    for book_id in book_ids:
        # Planted: one UPDATE per book.
        db.session.execute(update(Book).where(Book.id == book_id).values(stock=Book.stock + amount))
    db.session.commit()


def restock_set_based(book_ids, amount):
    db.session.execute(update(Book).where(Book.id.in_(book_ids)).values(stock=Book.stock + amount))
    db.session.commit()


def import_rows(rows):
    for row in rows:
        # Planted: a flush and commit per imported book.
        db.session.add(Book(**row))
        db.session.commit()


def import_rows_bulk(rows):
    db.session.execute(insert(Book), rows)
    db.session.commit()


def import_rows_add_all(rows):
    db.session.add_all([Book(**row) for row in rows])
    db.session.commit()


def order_total(lines):
    total = 0
    for line in lines:
        # Planted: a primary-key lookup per order line.
        book = Book.query.get(line["book_id"])
        total += book.price * line["quantity"]
    return total


def order_total_one_query(lines):
    ids = [line["book_id"] for line in lines]
    prices = {b.id: b.price for b in Book.query.filter(Book.id.in_(ids)).all()}
    return sum(prices[line["book_id"]] * line["quantity"] for line in lines)
