package main

import (
	"context"
	"time"

	"github.com/pogate/pogate/portal"
)

// Expired portal sessions are deleted hourly. Every replica may run this:
// deleting rows that are already gone is harmless, so no leader is needed.
func init() {
	serveHooks = append(serveHooks, func(ctx context.Context, a *app, _ *portal.Server) (func(), error) {
		ctx, cancel := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() {
			defer close(done)
			t := time.NewTicker(time.Hour)
			defer t.Stop()
			for {
				if n, err := a.store.DeleteExpiredSessions(ctx); err != nil && ctx.Err() == nil {
					a.log.Warn("deleting expired sessions", "error", err)
				} else if n > 0 {
					a.log.Info("expired sessions deleted", "count", n)
				}
				select {
				case <-ctx.Done():
					return
				case <-t.C:
				}
			}
		}()
		return func() { cancel(); <-done }, nil
	})
}
