package main

import (
	"context"
	"errors"
	"time"

	"github.com/pogate/pogate/internal/jobs"
	"github.com/pogate/pogate/portal"
)

// serve works jobs: sends, chases and every registered job kind. Periodic
// jobs are enqueued by River's elected leader, so several replicas of serve
// run each schedule once.
func init() {
	serveHooks = append(serveHooks, func(ctx context.Context, a *app, _ *portal.Server) (func(), error) {
		q, ok := a.procure.Queue.(*jobs.Queue)
		if !ok {
			return nil, errors.New("jobs: the app has no River queue (app_jobs.go hook missing)")
		}
		if err := q.Start(ctx); err != nil {
			return nil, err
		}
		return func() {
			sctx, cancel := context.WithTimeout(context.Background(), a.cfg.ShutdownTimeout+5*time.Second)
			defer cancel()
			if err := q.Stop(sctx); err != nil {
				a.log.Warn("jobs: stop", "err", err)
			}
		}, nil
	})
}
