"""Channels consumers hold a websocket open."""
from channels.generic.websocket import AsyncJsonWebsocketConsumer


class JobFeed(AsyncJsonWebsocketConsumer):
    # ppa-context: streaming websocket=true framework=channels
    async def connect(self):
        await self.accept()

    # ppa-context: streaming websocket=true
    async def receive_json(self, content):
        await self.send_json(content)
