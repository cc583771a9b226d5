package main

import (
	"context"

	"github.com/pogate/pogate/internal/jobs"
	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
)

// gatewayRenderer renders 850s through the app's EDI gateway, so every PO
// sent to an EDI supplier is recorded as an outbound EDI file (its 997 can be
// matched and a missing one flagged) and takes the partner's next control
// number. It looks the gateway up at send time: the gateway needs the job
// queue, which is built after the dispatcher.
type gatewayRenderer struct{ a *app }

func (r gatewayRenderer) Render850(ctx context.Context, tx *store.Tx, po store.PurchaseOrder, sup store.Supplier) (string, error) {
	return ediGateway(r.a).Render850(ctx, tx, po, sup)
}

// newDispatch builds the send/chase worker side of procure for this app.
func newDispatch(a *app) *procure.Dispatch {
	return &procure.Dispatch{Service: a.procure, EDI: gatewayRenderer{a: a}, BaseURL: a.cfg.BaseURL}
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
