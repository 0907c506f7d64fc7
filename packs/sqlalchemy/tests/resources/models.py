from sqlalchemy import Column, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class Job(Base):
    __tablename__ = "jobs"
    id = Column(Integer, primary_key=True)


class Cfg(Base):
    __tablename__ = "cfg"
    id = Column(Integer, primary_key=True)
