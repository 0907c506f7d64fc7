from flask import Blueprint, request
from sqlalchemy import update

from ..extensions import db
from ..models import Review

bp = Blueprint("admin", __name__)


@bp.post("/reviews/approve")
def approve_reviews():
    for review_id in request.json["ids"]:
        # Planted, admin-only: one UPDATE per review (one level lower under /admin).
        db.session.execute(update(Review).where(Review.id == review_id).values(status="approved"))
    db.session.commit()
    return "", 204


@bp.post("/reviews/reject")
def reject_reviews():
    ids = request.json["ids"]
    db.session.execute(update(Review).where(Review.id.in_(ids)).values(status="rejected"))
    db.session.commit()
    return "", 204
