from functools import lru_cache

from sqlalchemy import select

from .models import Engine, Language


class EngineRegistry:
    # Injected as `Depends(EngineRegistry)` (ppa-facts.toml: the fastapi pack's record).
    def __init__(self, db):
        self.db, self._cache = db, None

    async def engines(self):
        # ppa: query.wrong_caching_scope HIGH
        self._cache = self._cache or (await self.db.scalars(select(Engine).join(Engine.profile))).all()
        return self._cache


class LanguageList:
    def __init__(self, db):
        self.db = db
        self._languages_cache = None

    def all(self):
        if self._languages_cache is None:
            # ppa: query.wrong_caching_scope MEDIUM
            self._languages_cache = list(self.db.scalars(select(Language)))
        return self._languages_cache


# Used as `Depends(get_languages)`: no cache decorator, so one LanguageList per request.
def get_languages(db) -> LanguageList:
    return LanguageList(db)


class CachedRegistry:
    def __init__(self, factory):
        self.factory = factory
        self._cache = None

    def engines(self):
        # ppa-ok: query.wrong_caching_scope   an @lru_cache provider: one registry per process
        self._cache = self._cache or list(self.factory().scalars(select(Engine)))
        return self._cache


@lru_cache
def get_registry() -> CachedRegistry:
    return CachedRegistry(None)


class UnusedRegistry:
    def __init__(self, db):
        self.db = db
        self._cache = None

    def engines(self):
        # ppa-ok: query.wrong_caching_scope   never created per request
        self._cache = self._cache or list(self.db.scalars(select(Engine)))
        return self._cache


def build_unused(db):
    return UnusedRegistry(db)
