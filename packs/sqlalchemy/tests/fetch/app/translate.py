from sqlalchemy import select
from sqlalchemy.orm import Session

from .db import SyncSession
from .models import Language, User


def translate(s: Session, text: str, lang_code: str) -> str:
    # ppa: query.unnecessary_resolve MEDIUM
    dialect_id = s.scalar(select(Language).where(Language.code == lang_code)).dialect_id
    return f"{dialect_id}:{text}"


def translate_by_dialect(text: str, dialect_id: int) -> str:
    return f"{dialect_id}:{text}"


def render_greeting(s: Session, lang_id: int) -> str:
    lang = s.get(Language, lang_id)
    return translate(s, "hello", lang.code)


def render_fixed(s: Session, lang: Language) -> str:
    return translate_by_dialect("hello", lang.dialect_id)


def locale_of(s: Session, user_id: int) -> str:
    # ppa: query.unnecessary_resolve MEDIUM
    user = s.scalars(select(User).where(User.id == user_id)).one()
    return user.locale


def show_profile(s: Session, user: User) -> str:
    return locale_of(s, user.id) + user.name


def user_summary(user_id: int) -> dict:
    with SyncSession() as s:
        # ppa-ok: query.unnecessary_resolve   reads three fields: a redundant fetch, not a resolve
        # ppa: query.redundant_fetch MEDIUM
        user = s.get(User, user_id)
        return {"email": user.email, "name": user.name, "locale": user.locale}


def show_summary(user: User) -> dict:
    return user_summary(user.id)


def cached_locale(s: Session, user_id: int) -> str:
    # ppa-ok: query.unnecessary_resolve   `get` on the caller's session: the identity map answers
    user = s.get(User, user_id)
    return user.locale


def show_cached(s: Session, user: User) -> str:
    return cached_locale(s, user.id)


def label_of(s: Session, lang_id: int) -> str:
    # ppa-ok: query.unnecessary_resolve   no caller holds a Language
    lang = s.scalars(select(Language).where(Language.id == lang_id)).one()
    return lang.label


def page(s: Session, lang_id: int) -> str:
    return label_of(s, lang_id)


def email_of(s: Session, user_id: int) -> str:
    # ppa-ok: query.unnecessary_resolve   the key is also used for something else
    user = s.scalars(select(User).where(User.id == user_id)).one()
    log_access(user_id)
    return user.email


def show_email(s: Session, user: User) -> str:
    return email_of(s, user.id)


def log_access(user_id: int) -> None:
    print(user_id)


def by_key_name(s: Session, user: User) -> str:
    # The caller passes `user.name`: not a key of User, so not the same row.
    return locale_by_name(s, user.name)


def locale_by_name(s: Session, name: str) -> str:
    # ppa-ok: query.unnecessary_resolve   `User.name` is neither a primary key nor unique
    u = s.scalars(select(User).where(User.name == name)).first()
    return u.locale


def dialect_label(s: Session, lang_code: str) -> str:
    # ppa-todo: query.unnecessary_resolve   the caller holds the derived value under its name
    dialect_id = s.scalar(select(Language).where(Language.code == lang_code)).dialect_id
    return str(dialect_id)


def render_label(s: Session, lang_code: str, dialect_id: int) -> str:
    return dialect_label(s, lang_code) + str(dialect_id)


def locale_in_loop(s: Session, users: list[User]) -> list[str]:
    # A call per iteration is query.n_plus_one's (CHECKS.md §3.7), not a resolve.
    # ppa: query.n_plus_one
    return [locale_twice(s, u.id) for u in users]


def locale_twice(s: Session, user_id: int) -> str:
    # ppa-ok: query.unnecessary_resolve   its only caller calls it per iteration
    user = s.scalars(select(User).where(User.id == user_id)).one()
    return user.locale
