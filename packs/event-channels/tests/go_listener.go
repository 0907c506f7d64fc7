// Go subscribers: lib/pq's Listener (channels quoted by the driver), pgx LISTEN, go-redis
// Subscribe/PSubscribe.
package inventory

import (
	"context"
	"net"
	"os"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/lib/pq"
	"github.com/redis/go-redis/v9"
)

func listen(ctx context.Context, dsn string, conn *pgx.Conn, rdb *redis.Client) error {
	listener := pq.NewListener(dsn, time.Second, time.Minute, nil)
	// The constant of go_publisher.go (same package).
	// ppa-ok: transaction.event_channel_consistency
	if err := listener.Listen(StockChannel); err != nil {
		return err
	}
	// The pgx way of quoting a LISTEN channel.
	// ppa-ok: transaction.event_channel_consistency
	conn.Exec(ctx, "LISTEN "+pgx.Identifier{PriceChannel}.Sanitize())
	// Quoted, so exact: the publisher's unquoted NOTIFY RefundIssued arrives as `refundissued`.
	// ppa: transaction.event_channel_consistency CRITICAL
	conn.Exec(ctx, `LISTEN "RefundIssued"`)
	// Nobody notifies it.
	// ppa: transaction.event_channel_consistency MEDIUM
	listener.Listen("warehouse_sync")
	// From the environment: cannot be decided, no finding.
	// ppa-ok: transaction.event_channel_consistency
	listener.Listen(os.Getenv("AUDIT_FEED"))
	// A local variable: Go locals are not followed yet, so this orphan is undecided.
	ch := "ledger_entries"
	// ppa-todo: transaction.event_channel_consistency
	conn.Exec(ctx, "LISTEN "+ch)
	// Not a listener of the database.
	// ppa-ok: transaction.event_channel_consistency
	ln, _ := net.Listen("tcp", ":7070")
	defer ln.Close()

	// ppa-ok: transaction.event_channel_consistency
	sub := rdb.PSubscribe(ctx, "inventory:*")
	defer sub.Close()
	// Both covered by the publisher's `inventory:%s` template.
	// ppa-ok: transaction.event_channel_consistency
	reserved := rdb.Subscribe(ctx, "inventory:reserved", "inventory:released")
	defer reserved.Close()
	// A listener used straight from its constructor.
	// ppa-ok: transaction.event_channel_consistency
	pq.NewListener(dsn, time.Second, time.Minute, nil).Listen("stock_levels")
	return nil
}
