# F6 `session_factories` (facts only): SQLModel's session classes, imported under their names or
# an alias.
from sqlmodel import Session, SQLModel, create_engine, select
from sqlmodel.ext.asyncio.session import AsyncSession as AsyncDBSession

engine = create_engine("postgresql+psycopg://app@db/app", pool_pre_ping=True)


def list_names():
    with Session(engine) as session:
        return session.exec(select(SQLModel)).all()
