"""Background jobs (Celery)."""
from celery import shared_task
from sqlalchemy import func, select

from .extensions import db
from .models import Customer, Order


@shared_task
def refresh_loyalty_points(customer_ids):
    for customer_id in customer_ids:
        # Planted: one aggregate query per customer (background: MEDIUM).
        spent = db.session.scalar(
            select(func.sum(Order.quantity)).where(Order.customer_id == customer_id)
        )
        db.session.execute(
            Customer.__table__.update().where(Customer.id == customer_id).values(points=spent or 0)
        )
    db.session.commit()


@shared_task
def purge_pending_orders(batch_size=500):
    while True:
        ids = db.session.scalars(select(Order.id).where(Order.quantity == 0).limit(batch_size)).all()
        if not ids:
            break
        db.session.execute(Order.__table__.delete().where(Order.id.in_(ids)))
        db.session.commit()
