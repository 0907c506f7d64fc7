"""Order routes, mounted two routers deep."""
from fastapi import APIRouter

router = APIRouter()


# ppa-context: http_handler route=/v2/orders/{order_id} admin=false   `/orders` inside `/v2`
@router.get("/{order_id}")
async def get_order(order_id: int):
    return {"id": order_id}
