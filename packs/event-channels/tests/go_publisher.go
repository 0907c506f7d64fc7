// Go publishers: pgx NOTIFY and pg_notify, go-redis Publish. Their subscribers are in
// go_listener.go and in the JavaScript fixtures.
package inventory

import (
	"context"
	"fmt"
	"log"

	paho "github.com/eclipse/paho.mqtt.golang"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	nats "github.com/nats-io/nats.go"
	"github.com/redis/go-redis/v9"
)

// Shared channel names (F14).
const (
	StockChannel        = "stock_levels"
	PriceChannel string = "price_changes"
)

// DispatchChannel is read by the JavaScript dispatcher, which misspells it.
var DispatchChannel = "delivery:dispatched"

type Publisher struct {
	pool *pgxpool.Pool
	rdb  *redis.Client
	nc   *nats.Conn
	mq   paho.Client
}

func (p *Publisher) StockChanged(ctx context.Context, conn *pgx.Conn) error {
	// ppa-ok: transaction.event_channel_consistency
	_, err := conn.Exec(ctx, "NOTIFY stock_levels")
	return err
}

func (p *Publisher) PriceChanged(ctx context.Context, sku string) error {
	// The channel is bound to $1: the constant, exact (pg_notify takes text).
	// ppa-ok: transaction.event_channel_consistency
	_, err := p.pool.Exec(ctx, "SELECT pg_notify($1, $2)", PriceChannel, sku)
	return err
}

func (p *Publisher) RefundIssued(ctx context.Context) error {
	// Unquoted: PostgreSQL delivers this on `refundissued`, not on the `RefundIssued` the
	// listener quotes (go_listener.go).
	// ppa-ok: transaction.event_channel_consistency
	_, err := p.pool.Exec(ctx, "NOTIFY RefundIssued")
	return err
}

func (p *Publisher) Dispatched(ctx context.Context, id string) error {
	// ppa-ok: transaction.event_channel_consistency
	return p.rdb.Publish(ctx, DispatchChannel, id).Err()
}

func (p *Publisher) Reserved(ctx context.Context, sku string, n int) error {
	// A dynamic channel, matched by the `inventory:*` pattern subscription.
	// ppa-ok: transaction.event_channel_consistency
	return p.rdb.Publish(ctx, fmt.Sprintf("inventory:%s", sku), n).Err()
}

func (p *Publisher) Evicted(ctx context.Context, key string) error {
	// Nothing in the project subscribes to it.
	// ppa: transaction.event_channel_consistency HIGH
	return p.rdb.Publish(ctx, "cache:evicted", key).Err()
}

func (p *Publisher) Elsewhere(ctx context.Context, data []byte) {
	// NATS and MQTT publish too, with other shapes: not Redis, no records.
	// ppa-ok: transaction.event_channel_consistency
	p.nc.Publish("orders.archived", data)
	// ppa-ok: transaction.event_channel_consistency
	p.mq.Publish("sensors/temperature", 0, false, data)
	// A log line that mentions NOTIFY is not SQL.
	// ppa-ok: transaction.event_channel_consistency
	log.Printf("NOTIFY lagging_channel skipped: %v", ctx.Err())
}
