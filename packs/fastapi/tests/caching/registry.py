# The `depends` records of F13 (fact `cached_classes`) that python-core's
# query.wrong_caching_scope joins: `Depends(EngineRegistry)`, `Depends(get_languages)`,
# `Depends(get_registry)`, and the `Depends(get_db)` of an `Annotated` alias. The join itself is
# tested in python-core (tests/caching) and end to end (tests/fetch_caching.rs).
from functools import lru_cache
from typing import Annotated

from fastapi import APIRouter, Depends
from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Engine, Language

router = APIRouter()


def get_db():
    raise NotImplementedError


SessionDep = Annotated[Session, Depends(get_db)]


class EngineRegistry:
    def __init__(self, db: SessionDep):
        self.db, self._cache = db, None

    async def engines(self):
        # query.wrong_caching_scope HIGH (python-core): Depends(EngineRegistry) builds one per request
        self._cache = self._cache or (await self.db.scalars(select(Engine).join(Engine.profile))).all()
        return self._cache


class LanguageList:
    def __init__(self, db):
        self.db = db
        self._languages_cache = None

    def all(self):
        if self._languages_cache is None:
            # query.wrong_caching_scope MEDIUM (python-core): the provider has no cache
            self._languages_cache = list(self.db.scalars(select(Language)))
        return self._languages_cache


def get_languages(db: SessionDep) -> LanguageList:
    return LanguageList(db)


class CachedRegistry:
    def __init__(self, factory):
        self.factory = factory
        self._cache = None

    def engines(self):
        # not reported: an @lru_cache provider keeps one registry per process
        self._cache = self._cache or list(self.factory().scalars(select(Engine)))
        return self._cache


@lru_cache
def get_registry() -> CachedRegistry:
    return CachedRegistry(get_db)


@router.get("/engines")
async def list_engines(registry: Annotated[EngineRegistry, Depends(EngineRegistry)]):
    return await registry.engines()


@router.get("/languages")
def list_languages(langs: LanguageList = Depends(get_languages)):
    return langs.all()


@router.get("/cached")
def list_cached(reg: CachedRegistry = Depends(get_registry)):
    return reg.engines()
