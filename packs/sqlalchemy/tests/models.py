# F5 `models` (facts only, no findings): the declarative styles of SQLAlchemy 1.4/2.0 and what
# is recorded of each class. See packs/tests/snapshots/facts__sqlalchemy.snap for the records.
from datetime import datetime
from typing import List, Optional

import sqlalchemy as sa
from sqlalchemy import (
    JSON,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.declarative import declarative_base
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    WriteOnlyMapped,
    as_declarative,
    column_property,
    declared_attr,
    deferred,
    mapped_column,
    registry,
    relationship,
    select,
)


class Base(DeclarativeBase):
    """The 2.0 base: not a model."""


class TimestampMixin:
    """Mapped columns without a base or a table: a mixin, not a model."""

    created_at: Mapped[datetime] = mapped_column(default=datetime.utcnow)


class AuditBase(Base):
    __abstract__ = True
    updated_by: Mapped[Optional[str]] = mapped_column(String(64))


class User(TimestampMixin, Base):
    __tablename__ = "users"
    __table_args__ = (
        Index("ix_users_email_lower", "email"),
        UniqueConstraint("tenant_id", "username"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))
    username: Mapped[str] = mapped_column(String(50))
    email: Mapped[str]
    bio: Mapped[Optional[str]] = mapped_column(Text, deferred=True)
    settings: Mapped[dict] = mapped_column(JSONB)
    tenant: Mapped["Tenant"] = relationship(back_populates="users")
    posts: Mapped[List["Post"]] = relationship(back_populates="author", lazy="selectin")
    events: WriteOnlyMapped["Event"] = relationship()
    post_count = column_property(select(sa.func.count()).scalar_subquery())


class Tenant(Base):
    __tablename__ = "tenants"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    users: Mapped[list["User"]] = relationship(back_populates="tenant")


LegacyBase = declarative_base()

post_tags = Table(
    "post_tags",
    LegacyBase.metadata,
    Column("post_id", ForeignKey("posts.id"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id"), primary_key=True),
)


class Post(LegacyBase):
    __tablename__ = "posts"
    id = Column(Integer, primary_key=True)
    author_id = Column("author", Integer, ForeignKey("users.id"), index=True)
    title = Column(String(200), nullable=False)
    body = deferred(Column(Text))
    payload = Column(JSON)
    slug = Column(sa.String)
    author = relationship("User", back_populates="posts")
    tags = relationship("Tag", secondary=post_tags, lazy="joined")
    comments = relationship("Comment", backref="post", lazy="dynamic")


mapper_registry = registry()
RegistryBase = mapper_registry.generate_base()


class Tag(RegistryBase):
    __tablename__ = "tags"
    id = Column(Integer, primary_key=True)
    label = Column(String(30), unique=True)


@as_declarative()
class DeclBase:
    @declared_attr
    def __tablename__(cls):
        return cls.__name__.lower()


class Comment(DeclBase):
    """Table named by the base's `__tablename__` function: no literal table name."""

    id = Column(Integer, primary_key=True)
    post_id = Column(Integer, ForeignKey("posts.id"))
    text = Column(Text)


class Event(Base):
    __table__ = Table("events", Base.metadata, Column("id", Integer, primary_key=True))


class NotAModel:
    """Plain class with a `relationship` name that is not SQLAlchemy's."""

    def relationship(self):
        return None


class AuditMixin:
    created_by_fk = Column(Integer, ForeignKey("users.id"))


class Queryable(AuditMixin):
    """Columns over mixins only, and a `__tablename__` of None: a base for subclasses."""

    __tablename__: Optional[str] = None
    description = Column(Text)


class Admin(User):
    """Single-table inheritance from a model of this file: a model without a table of its own."""

    level: Mapped[int] = mapped_column(default=0)
