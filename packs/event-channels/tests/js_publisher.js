// JavaScript publishers: ioredis publish, node-postgres pg_notify, pg-listen notify.
const Redis = require("ioredis");
const mqtt = require("mqtt");
const { Channel } = require("./js_channels");
const createSubscriber = require("pg-listen");

const pub = new Redis();
const broker = mqtt.connect("mqtt://localhost");
const ORDER_SHIPPED = "order_shipped";

async function paid(order) {
  // ppa-ok: transaction.event_channel_consistency
  await pub.publish("orders:paid", JSON.stringify(order));
  // ppa-ok: transaction.event_channel_consistency
  await pub.publish(`refunds:${order.id}`, "{}");
  // ppa-ok: transaction.event_channel_consistency
  await pub.publish(Channel.Refunds, "{}");
}

async function shipped(client, order) {
  // ppa-ok: transaction.event_channel_consistency
  await client.query("SELECT pg_notify($1, $2)", [ORDER_SHIPPED, String(order.id)]);
  const subscriber = createSubscriber({ connectionString: process.env.DATABASE_URL });
  // ppa-ok: transaction.event_channel_consistency
  await subscriber.notify("order_shipped", { id: order.id });
}

function telemetry(reading) {
  // MQTT: same method names, another protocol; the receiver is an MQTT client.
  // ppa-ok: transaction.event_channel_consistency
  broker.publish("sensors/temperature", String(reading));
  // ppa-ok: transaction.event_channel_consistency
  broker.subscribe("sensors/#", { qos: 1 });
}

module.exports = { paid, shipped, telemetry };
