from flask import Blueprint, jsonify
from sqlalchemy import select
from sqlalchemy.orm import load_only

from ..extensions import db
from ..models import Customer

bp = Blueprint("customers", __name__)


@bp.get("/customers/emails")
def customer_emails():
    # Planted: loads all 16 columns (the notes are Text) to read two.
    customers = db.session.scalars(select(Customer).where(Customer.marketing_opt_in.is_(True)))
    return jsonify([{"name": c.name, "email": c.email} for c in customers])


@bp.get("/customers/emails-lean")
def customer_emails_lean():
    stmt = select(Customer).options(load_only(Customer.name, Customer.email))
    return jsonify([{"name": c.name, "email": c.email} for c in db.session.scalars(stmt)])
