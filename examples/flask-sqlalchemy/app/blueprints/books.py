from flask import Blueprint, jsonify, request
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import Book
from ..services import catalog, inventory

bp = Blueprint("books", __name__)


@bp.get("/books")
def list_books():
    books = db.session.scalars(select(Book).order_by(Book.title)).all()
    # Planted: one SELECT of the author per book (lazy many-to-one).
    return jsonify([{"id": b.id, "title": b.title, "author": b.author.name} for b in books])


@bp.get("/books/eager")
def list_books_eager():
    stmt = select(Book).options(joinedload(Book.author)).order_by(Book.title)
    books = db.session.scalars(stmt).all()
    return jsonify([{"id": b.id, "title": b.title, "author": b.author.name} for b in books])


@bp.get("/books/<int:book_id>/reviews")
def book_reviews(book_id):
    book = db.get_or_404(Book, book_id)
    # Book.reviews is lazy="selectin": loaded with the book.
    return jsonify([{"rating": r.rating, "body": r.body} for r in book.reviews])


@bp.post("/books/restock")
def restock():
    inventory.restock(request.json["book_ids"], request.json["amount"])
    return "", 204


@bp.post("/books/restock-all")
def restock_all():
    inventory.restock_set_based(request.json["book_ids"], request.json["amount"])
    return "", 204


@bp.post("/books/import")
def import_books():
    inventory.import_rows(request.json["rows"])
    return "", 201


@bp.post("/orders/price")
def price_order():
    return jsonify(total=inventory.order_total(request.json["lines"]))


@bp.get("/books/stats")
async def stats():
    # Planted: a sync session call inside an async view blocks the worker's event loop.
    count = db.session.scalar(select(db.func.count(Book.id)))
    return jsonify(count=count)


@bp.post("/books/titles")
def titles():
    # Planted: the service reads one book per id (N+1 through an in-project function).
    return jsonify([catalog.book_title(i) for i in request.json["ids"]])


@bp.post("/books/titles-batched")
def titles_batched():
    return jsonify(catalog.book_titles(request.json["ids"]))
