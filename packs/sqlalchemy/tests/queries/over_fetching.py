# query.over_fetching: whole-row loads of wide models (Customer: 24 columns, a large avatar,
# two deferred columns; Product: 11 narrow columns) that the function reads a few fields of.
from sqlalchemy import select
from sqlalchemy.orm import Session, defer, load_only

from .models import Customer, Product


def customer_emails(s: Session):
    # ppa: query.over_fetching MEDIUM, list query on the request path, the avatar is unused
    emails = [u.email for u in s.scalars(select(Customer))]
    return emails


def customer_emails_column(s: Session):
    # ppa-ok: query.over_fetching, selects one column
    return s.scalars(select(Customer.email)).all()


def customer_emails_load_only(s: Session):
    # ppa-ok: query.over_fetching, load_only
    return [u.email for u in s.scalars(select(Customer).options(load_only(Customer.email)))]


def customer_emails_background(s: Session):
    # ppa: query.over_fetching LOW, not on the request path
    rows = s.scalars(select(Customer).where(Customer.status == "active")).all()
    for u in rows:
        print(u.email, u.name)


def one_customer(s: Session, cid):
    # ppa: query.over_fetching LOW, a single row
    c = s.scalars(select(Customer).where(Customer.id == cid)).first()
    return c.email


def export_customers(s: Session):
    # ppa: query.over_fetching LOW, rows leave the function and the avatar is large
    return s.scalars(select(Customer)).all()


def export_products(s: Session):
    # ppa-ok: query.over_fetching, rows leave the function and nothing is large
    return s.scalars(select(Product)).all()


def product_prices(s: Session):
    # ppa: query.over_fetching LOW, 11 columns, two read
    return {p.sku: p.price for p in s.scalars(select(Product))}


def customer_avatar_deferred(s: Session):
    # ppa-ok: query.over_fetching, defer() of the large column
    return [c.email for c in s.scalars(select(Customer).options(defer(Customer.avatar)))]


def legacy_names(db):
    # ppa: query.over_fetching MEDIUM
    return [c.name for c in db.query(Customer).filter(Customer.status == "active")]
