from functools import cached_property, lru_cache

from sqlalchemy import func, select

from .models import Engine, Flag, Language
from .db import SessionLocal


class FlagService:
    def __init__(self, session):
        self.session = session
        self._flags_cache = {}

    def enabled(self, name: str) -> bool:
        if not self._flags_cache:
            self._flags_cache = self._load()
        return self._flags_cache.get(name, False)

    def _load(self):
        # ppa: query.wrong_caching_scope MEDIUM
        return {f.name: f.on for f in self.session.scalars(select(Flag))}


class LanguageCatalog:
    def __init__(self, session):
        self.session = session

    @cached_property
    def codes(self):
        # ppa-ok: query.wrong_caching_scope   built once, at module level: application scope
        return [l.code for l in self.session.scalars(select(Language))]


class Formatter:
    def __init__(self):
        self._cache = {}

    def format(self, value: str) -> str:
        # ppa-ok: query.wrong_caching_scope   the cache holds no query results
        if value not in self._cache:
            self._cache[value] = value.strip().lower()
        return self._cache[value]


class StatsCache:
    def __init__(self, session):
        self.session = session
        self._memo = None

    def totals(self):
        # ppa-ok: query.wrong_caching_scope   created by an @lru_cache provider: application scope
        self._memo = self._memo or self.session.scalar(select(func.count()).select_from(Engine))
        return self._memo


catalog = LanguageCatalog(SessionLocal())


@lru_cache
def get_stats() -> StatsCache:
    return StatsCache(SessionLocal())
