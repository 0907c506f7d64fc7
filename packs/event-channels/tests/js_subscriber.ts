// JavaScript subscribers: ioredis, node-redis v4, node-postgres LISTEN, pg-listen, postgres.js.
import Redis from "ioredis";
import { createClient } from "redis";
import { Client } from "pg";
import createSubscriber from "pg-listen";
import postgres from "postgres";
import express from "express";
import { Channel, Topics, ALERTS, DISPATCH } from "./js_channels";

const sub = new Redis(process.env.REDIS_URL);
const v4 = createClient().duplicate();
const sql = postgres(process.env.DATABASE_URL as string);

export async function start(pg: Client, onMessage: (m: string) => void) {
  // ppa-ok: transaction.event_channel_consistency
  await sub.subscribe(Channel.OrderPaid, (err, n) => console.log(err, n));
  // ppa-ok: transaction.event_channel_consistency
  await v4.pSubscribe("refunds:*", onMessage);
  // The Go publisher says `delivery:dispatched` (go_publisher.go).
  // ppa: transaction.event_channel_consistency CRITICAL
  await v4.subscribe(DISPATCH, onMessage);
  // An env-sourced name: undecided, no finding.
  // ppa-ok: transaction.event_channel_consistency
  await sub.subscribe(ALERTS);
  // Nothing publishes it.
  // ppa: transaction.event_channel_consistency MEDIUM
  await sub.subscribe(["audit:trail", Channel.OrderPaid]);

  // node-postgres: unquoted, folded to `stock_levels`, which go_publisher.go notifies.
  // ppa-ok: transaction.event_channel_consistency
  await pg.query("LISTEN Stock_Levels");
  // ppa-ok: transaction.event_channel_consistency
  await pg.query(`LISTEN "${Topics.SHIPPED}"`);
  // postgres.js quotes the channel.
  // ppa-ok: transaction.event_channel_consistency
  await sql.listen(Topics.PRICE, (payload) => console.log(payload));
  // ppa-ok: transaction.event_channel_consistency
  console.log("LISTEN ready");
  // A server's listen, in a file that imports postgres.js: the receiver is an Express app.
  const app = express();
  // ppa-ok: transaction.event_channel_consistency
  app.listen(Number(process.env.PORT), () => console.log("up"));
}

export async function listenWithPgListen() {
  const subscriber = createSubscriber({ connectionString: process.env.DATABASE_URL });
  // ppa-ok: transaction.event_channel_consistency
  await subscriber.listenTo("order_shipped");
  // A template: undecided.
  // ppa-ok: transaction.event_channel_consistency
  await subscriber.listenTo(`tenant_${process.pid}`);
}
