package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pogate/pogate/internal/fault"
	"gorm.io/gorm"
)

// Tx is one database transaction. Commands in internal/procure run their
// reads, writes and audit events through it so that a state change and its
// audit event commit together or not at all.
type Tx struct {
	db    *gorm.DB
	store *Store
	// afterCommit runs once the transaction has committed (notifications
	// that must not fire for a rolled-back change).
	afterCommit []func()
}

// InTx runs fn in one transaction; fn's error rolls it back. A transaction
// that loses a race the database reports as retryable (SQLite busy, a
// PostgreSQL serialization failure or deadlock) is run again from the start,
// a few times, so callers see only real failures. fn must therefore keep its
// effects inside tx (or in AfterCommit hooks).
func (s *Store) InTx(ctx context.Context, fn func(tx *Tx) error) error {
	var err error
	for attempt := 0; attempt < 6; attempt++ {
		err = s.inTxOnce(ctx, fn)
		if err == nil || !retryable(err) || ctx.Err() != nil {
			return err
		}
		time.Sleep(time.Duration(attempt+1) * 15 * time.Millisecond)
	}
	return err
}

// retryable reports errors that mean "another transaction got there first;
// try again", not "this is wrong".
func retryable(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "database is locked") || strings.Contains(msg, "SQLITE_BUSY") ||
		strings.Contains(msg, "(SQLSTATE 40001)") || strings.Contains(msg, "(SQLSTATE 40P01)")
}

func (s *Store) inTxOnce(ctx context.Context, fn func(tx *Tx) error) error {
	var hooks []func()
	err := s.db.WithContext(ctx).Transaction(func(gtx *gorm.DB) error {
		tx := &Tx{db: gtx, store: s}
		if err := fn(tx); err != nil {
			return err
		}
		hooks = tx.afterCommit
		return nil
	})
	if err != nil {
		return err
	}
	for _, h := range hooks {
		h()
	}
	return nil
}

// AfterCommit registers f to run after a successful commit.
func (tx *Tx) AfterCommit(f func()) { tx.afterCommit = append(tx.afterCommit, f) }

// DB exposes the transaction's gorm handle for queries that belong to the
// caller's own projection.
func (tx *Tx) DB() *gorm.DB { return tx.db }

// Store returns the store this transaction belongs to.
func (tx *Tx) Store() *Store { return tx.store }

// Now is the store's clock.
func (tx *Tx) Now() time.Time { return tx.store.Now() }

// Audit appends an audit event in this transaction. before and after are
// marshalled to JSON; nil leaves them empty.
func (tx *Tx) Audit(actor Actor, action, entity string, entityID, supplierID int64, before, after any) error {
	ev, err := tx.AuditEvent(actor, action, entity, entityID, supplierID, before, after)
	if err != nil {
		return err
	}
	if err := tx.db.Create(&ev).Error; err != nil {
		return fmt.Errorf("store: audit %s %s/%d: %w", action, entity, entityID, err)
	}
	return nil
}

// AuditEvent builds the event Audit would append, for AppendAudit: a
// command that changes many records writes their events in one INSERT.
func (tx *Tx) AuditEvent(actor Actor, action, entity string, entityID, supplierID int64, before, after any) (AuditEvent, error) {
	ev := AuditEvent{
		At: tx.store.Now(), ActorKind: string(actor.Kind), ActorLabel: actor.Label,
		Channel: actor.Channel, Action: action, Entity: entity, EntityID: entityID,
	}
	if ev.Channel == "" {
		ev.Channel = "system"
	}
	if ev.ActorLabel == "" {
		ev.ActorLabel = string(actor.Kind)
	}
	if actor.ID != 0 {
		id := actor.ID
		ev.ActorID = &id
	}
	if supplierID != 0 {
		sid := supplierID
		ev.SupplierID = &sid
	}
	var err error
	if ev.BeforeJSON, err = marshalOrEmpty(before); err != nil {
		return ev, err
	}
	if ev.AfterJSON, err = marshalOrEmpty(after); err != nil {
		return ev, err
	}
	return ev, nil
}

// AppendAudit appends events built by AuditEvent, in order, in this
// transaction, with one multi-row INSERT per batch.
func (tx *Tx) AppendAudit(evs []AuditEvent) error {
	if len(evs) == 0 {
		return nil
	}
	if err := tx.db.CreateInBatches(&evs, tx.BatchSize()).Error; err != nil {
		return fmt.Errorf("store: audit %d events: %w", len(evs), err)
	}
	return nil
}

func marshalOrEmpty(v any) (string, error) {
	if v == nil {
		return "", nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("store: audit payload: %w", err)
	}
	return string(b), nil
}

// notFound turns gorm's not-found into the one NotFound fault, so callers
// never see gorm errors.
func notFound(err error, what string) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return fault.New(fault.NotFound, "%s not found", what)
	}
	if err != nil {
		return fmt.Errorf("store: %s: %w", what, err)
	}
	return nil
}

// requireSupplier refuses a zero supplier id: a supplier-scoped query with
// no supplier would otherwise silently match every supplier.
func requireSupplier(supplierID int64) error {
	if supplierID <= 0 {
		return fault.New(fault.Forbidden, "store: supplier-scoped query without a supplier id")
	}
	return nil
}
