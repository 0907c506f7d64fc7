async def reindex(item_id, db=None):
    return item_id
