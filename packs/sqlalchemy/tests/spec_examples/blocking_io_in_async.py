# CHECKS.md §4 runtime.blocking_io_in_async, PY example: a sync Session in an async handler.
from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from .db import SessionLocal
from .models import User

router = APIRouter()


def get_db():
    db = SessionLocal()
    try:
        yield db
    finally:
        db.close()


@router.get("/users")
async def list_users(db: Session = Depends(get_db)):
    # ppa: runtime.blocking_io_in_async
    # ppa: query.over_fetching      also: every column of User leaves the handler
    return db.query(User).all()  # sync Session
