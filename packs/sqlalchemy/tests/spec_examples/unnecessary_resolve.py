# CHECKS.md §4 query.unnecessary_resolve, PY examples: the caller has the Language row and
# passes its unique code; the callee queries the row again for another column.
from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Language

s: Session


def translate(text, lang_code):
    # ppa: query.unnecessary_resolve
    dialect_id = s.scalar(select(Language).where(Language.code == lang_code)).dialect_id
    return f"{dialect_id}:{text}"


def render(t, lang: Language):
    return translate(t, lang.code)


def translate_by_dialect(text, dialect_id):
    # ppa-ok: query.unnecessary_resolve
    return f"{dialect_id}:{text}"


def render_by_dialect(t, lang: Language):
    return translate_by_dialect(t, lang.dialect_id)
