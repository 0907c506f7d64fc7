# CHECKS.md §4 query.over_fetching, PY examples: User has 24 columns incl. a LargeBinary avatar.
from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import User


def mailing_list(s: Session) -> list[str]:
    # ppa: query.over_fetching
    emails = [u.email for u in s.scalars(select(User))]
    return emails


def mailing_list_columns(s: Session) -> list[str]:
    # ppa-ok: query.over_fetching
    emails = s.scalars(select(User.email)).all()
    return emails
