from fastapi import FastAPI
from sqlalchemy import text

from .db import SessionLocal

app = FastAPI()


@app.get("/health")
async def health():
    async with SessionLocal() as session:
        return (await session.execute(text("select 1"))).scalar()
