"""Catalogue lookups shared by the routes."""
from ..extensions import db
from ..models import Book


def book_title(book_id):
    return db.session.get(Book, book_id).title


def book_titles(book_ids):
    books = db.session.scalars(db.select(Book).where(Book.id.in_(book_ids))).all()
    return {b.id: b.title for b in books}
