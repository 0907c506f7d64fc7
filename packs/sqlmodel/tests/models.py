# F5 `models` (facts only): SQLModel table classes. See packs/tests/snapshots/facts__sqlmodel.snap.
from typing import Optional

from sqlalchemy import Column, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, Relationship, SQLModel


class HeroTeamLink(SQLModel, table=True):
    team_id: int | None = Field(default=None, foreign_key="team.id", primary_key=True)
    hero_id: int | None = Field(default=None, foreign_key="hero.id", primary_key=True)


class TeamBase(SQLModel):
    """A data model, not a table."""

    name: str = Field(index=True, max_length=100)
    headquarters: str


class Team(TeamBase, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    heroes: list["Hero"] = Relationship(back_populates="team", sa_relationship_kwargs={"lazy": "selectin"})


class Hero(SQLModel, table=True):
    __tablename__ = "heroes"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=80)
    secret_name: str
    notes: str = Field(sa_column=Column(Text))
    powers: dict = Field(default_factory=dict, sa_type=JSONB)
    team_id: int | None = Field(default=None, foreign_key="team.id")
    team: Team | None = Relationship(back_populates="heroes")
    allies: list["Team"] = Relationship(link_model=HeroTeamLink)


class HeroPublic(TeamBase):
    """An API schema: no table."""

    id: int
