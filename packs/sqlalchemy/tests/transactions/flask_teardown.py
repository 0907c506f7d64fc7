# A module-level scoped_session that the framework removes after every request: a failed commit
# does not outlive the request (CHECKS.md §4.2 missing_rollback, "Not reported").
from flask import Flask
from sqlalchemy.orm import scoped_session, sessionmaker

from app.db import engine

app = Flask(__name__)
db_session = scoped_session(sessionmaker(engine))


@app.teardown_appcontext
def shutdown_session(exception=None):
    db_session.remove()


@app.post("/items")
def add_item():
    db_session.add(make_item())
    # ppa-ok: transaction.missing_rollback
    db_session.commit()
    return "", 201
