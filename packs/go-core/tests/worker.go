// Background work: goroutines, cron jobs, commands.
package main

import (
	"context"
	"net/http"

	"github.com/robfig/cron/v3"
	"github.com/spf13/cobra"
)

// ppa-context: background framework=go
func worker(ctx context.Context, jobs <-chan int) {
	for j := range jobs {
		process(ctx, j)
	}
}

// ppa-context: library background=true         only workers call it
func process(ctx context.Context, j int) {}

// ppa-context: background
func runScheduler(ctx context.Context) {}

// ppa-context: background framework=cron
func purgeSessions() {}

// ppa-context: cli framework=cobra
func runMigrate(cmd *cobra.Command, args []string) error {
	return nil
}

// ppa-context: library                         near miss: a goroutine outside loops and main
func fireAndForget() {}

// ppa-context: library
func notify(ctx context.Context) {
	go fireAndForget()
}

func main() {
	ctx := context.Background()
	jobs := make(chan int)
	for i := 0; i < 4; i++ {
		go worker(ctx, jobs)
	}
	go runScheduler(ctx)
	c := cron.New()
	_, _ = c.AddFunc("@every 1m", purgeSessions)
	root := &cobra.Command{Use: "svc", RunE: runMigrate}
	_ = root
	_ = http.ListenAndServe(":8080", nil)
}
