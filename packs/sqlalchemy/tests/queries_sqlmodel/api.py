# SQLModel sessions: `session.exec(select(M))`, `with Session(engine) as session`, the FastAPI
# `SessionDep` alias.
from typing import Annotated

from fastapi import Depends
from sqlmodel import Session, create_engine, select, update

from .models import Hero, Team

engine = create_engine("sqlite:///database.db")


def get_session():
    with Session(engine) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def list_teams(session: SessionDep):
    teams = session.exec(select(Team)).all()
    # ppa: query.n_plus_one HIGH, heroes load lazily per team
    return [{"team": t.name, "heroes": [h.name for h in t.heroes]} for t in teams]


def list_teams_sponsors(session: SessionDep):
    # ppa-ok: query.n_plus_one, sponsors are lazy="selectin" through sa_relationship_kwargs
    return [[s.id for s in t.sponsors] for t in session.exec(select(Team))]


def hero_names(session: SessionDep):
    # ppa: query.over_fetching MEDIUM, the biography Text column is loaded for names
    return [h.name for h in session.exec(select(Hero).where(Hero.age > 30))]


def read_heroes(session: SessionDep, ids: list[int]):
    out = []
    for i in ids:
        # ppa: query.n_plus_one HIGH
        # ppa: query.over_fetching LOW, the rows leave the function with their biography
        out.append(session.exec(select(Hero).where(Hero.id == i)).first())
    return out


def create_heroes(names: list[str]):
    with Session(engine) as session:
        for n in names:
            # ppa: query.missing_bulk_ops MEDIUM, a commit per hero
            session.add(Hero(name=n, secret_name="?"))
            session.commit()


def age_heroes(ids: list[int]):
    with Session(engine) as session:
        for i in ids:
            # ppa: query.n_update_delete_loop HIGH
            session.exec(update(Hero).where(Hero.id == i).values(age=Hero.age + 1))
        session.commit()


async def async_endpoint(session: SessionDep):
    # ppa: runtime.blocking_io_in_async MEDIUM, a sync SQLModel session inside a coroutine
    # ppa: query.over_fetching LOW
    return session.exec(select(Hero)).all()


def create_heroes_bulk(names: list[str]):
    with Session(engine) as session:
        # ppa-ok: query.missing_bulk_ops
        session.add_all([Hero(name=n, secret_name="?") for n in names])
        session.commit()
