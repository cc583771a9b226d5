// Package procure holds pogate's commands: the rules of the purchase-order
// loop. Every channel (portal form, JSON API, EDI mapping, CLI, job) ends in
// one of these methods; each runs in one database transaction that also
// writes its audit event, so no handler or mapper holds business rules.
package procure

import (
	"log/slog"
	"time"

	"github.com/pogate/pogate/internal/fault"
	"github.com/pogate/pogate/internal/store"
)

// Service runs commands against a store.
type Service struct {
	Store *store.Store
	Log   *slog.Logger
	// Mail sends e-mail (dispatch, chases, invites); nil logs instead.
	Mail Mailer
	// Queue enqueues durable jobs in the command's transaction.
	Queue Queue
}

// New builds a Service.
func New(s *store.Store, log *slog.Logger) *Service {
	if log == nil {
		log = slog.Default()
	}
	return &Service{Store: s, Log: log}
}

func (s *Service) now() time.Time { return s.Store.Now() }

// require refuses an actor without one of roles.
func require(a store.Actor, roles ...store.Role) error {
	if a.HasRole(roles...) {
		return nil
	}
	return fault.New(fault.Forbidden, "your role (%s) may not do this", a.Role)
}

// scope is the supplier id a query must be limited to for this actor: the
// actor's own supplier for supplier users and partners, 0 (all) otherwise.
func scope(a store.Actor) int64 {
	if a.IsSupplier() {
		if a.SupplierID == 0 {
			// A supplier actor without a supplier must see nothing.
			return -1
		}
		return a.SupplierID
	}
	return 0
}
