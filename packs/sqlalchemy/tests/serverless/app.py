# A FastAPI app deployed as AWS Lambda functions (serverless.yml): every invocation may run in a
# fresh container, so pooling connections in the process buys nothing.
from fastapi import FastAPI
from mangum import Mangum
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

# The spec's ✓: NullPool when F9 is serverless, even with HTTP handlers.
# ppa-ok: resource.pool_configuration
engine = create_engine("postgresql+psycopg://app@db.example.com/app", poolclass=NullPool)

# Default sizes are no finding in a serverless deployment; liveness and monitoring still are.
# ppa: resource.pool_configuration HIGH
# ppa: resource.pool_configuration MEDIUM
reporting = create_engine("postgresql+psycopg://app@replica.example.com/app")

app = FastAPI()


@app.get("/orders/{order_id}")
def get_order(order_id: int):
    with engine.connect() as conn:
        return conn.execute(text("select 1")).scalar()


handler = Mangum(app)
