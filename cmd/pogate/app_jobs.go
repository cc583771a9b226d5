package main

import (
	"context"
	"path/filepath"

	"github.com/pogate/pogate/internal/jobs"
	"github.com/pogate/pogate/internal/procure"
)

// ediOutboxDir is where OutboxEDI850 writes 850s (one folder per partner)
// until the EDI gateway wires its own renderer into newDispatch.
func ediOutboxDir(a *app) string { return filepath.Join(a.cfg.DataDir, "edi", "outbox") }

// newDispatch builds the send/chase worker side of procure for this app.
// The EDI gateway may replace EDI with its own procure.EDIRenderer.
func newDispatch(a *app) *procure.Dispatch {
	return &procure.Dispatch{Service: a.procure, EDI: procure.OutboxEDI850{Dir: ediOutboxDir(a)}, BaseURL: a.cfg.BaseURL}
}

// Every app gets the durable job queue so commands can enqueue in their
// transactions; only `serve` starts working jobs (serve_jobs.go).
func init() {
	appHooks = append(appHooks, func(ctx context.Context, a *app) error {
		q, err := jobs.New(ctx, jobs.Options{Store: a.store, DatabaseURL: a.cfg.DatabaseURL, SQLitePath: a.cfg.SQLitePath(), Log: a.log,
			Deps: jobs.Deps{Service: a.procure, Dispatch: newDispatch(a), Log: a.log}})
		if err != nil {
			return err
		}
		a.procure.Queue = q
		return nil
	})
}
