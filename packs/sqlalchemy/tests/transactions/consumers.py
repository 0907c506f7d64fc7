# Consumers (CHECKS.md §4.4 resource.missing_cleanup, §4.2 transaction.missing_rollback): an
# endless loop has no normal exit path; a loop that can stop has one.
import queue as q

from sqlalchemy.orm import sessionmaker

from app.db import engine
from app.models import Item

SessionLocal = sessionmaker(engine)
STOP = object()


def consume_until_stop(inbox: q.Queue):
    # `break` leaves the loop and the function returns with the session open.
    # ppa: resource.missing_cleanup HIGH
    s = SessionLocal()
    while True:
        msg = inbox.get()
        if msg is STOP:
            break
        s.add(Item(**msg))
        # ppa: transaction.missing_rollback CRITICAL
        s.commit()


def consume_or_return(inbox: q.Queue):
    # ppa: resource.missing_cleanup HIGH
    s = SessionLocal()
    while True:
        msg = inbox.get()
        if msg is STOP:
            return
        s.add(Item(**msg))
        # ppa: transaction.missing_rollback CRITICAL
        s.commit()


def consume_forever(inbox: q.Queue):
    # ppa-ok: resource.missing_cleanup
    s = SessionLocal()
    while True:
        msg = inbox.get()
        for part in msg:
            if part is STOP:
                # Leaves the inner loop only.
                break
            # ppa: query.missing_bulk_ops LOW
            s.add(Item(**part))
        # ppa: transaction.missing_rollback CRITICAL
        s.commit()


def consume_closed(inbox: q.Queue):
    # ppa-ok: resource.missing_cleanup
    s = SessionLocal()
    try:
        while True:
            msg = inbox.get()
            if msg is STOP:
                break
            s.add(Item(**msg))
            s.commit()
    finally:
        s.close()
