package store

import (
	"context"
	"time"
)

// Dispatch outcomes.
const (
	DispatchInProgress = "in_progress"
	DispatchSent       = "sent"
	DispatchFailed     = "failed"
)

// PODispatch is one attempt to send a PO to its supplier.
type PODispatch struct {
	ID         int64 `gorm:"primaryKey"`
	POID       int64 `gorm:"column:po_id"`
	SupplierID int64
	Attempt    int
	Channel    string
	Outcome    string
	Reference  string
	Error      string
	StartedAt  time.Time
	FinishedAt *time.Time
}

func (PODispatch) TableName() string { return "po_dispatches" }

func init() { RegisterModel(&PODispatch{}) }

// InsertDispatch records the start of an attempt.
func (tx *Tx) InsertDispatch(d *PODispatch) error {
	return notFound(tx.db.Create(d).Error, "dispatch attempt")
}

// FinishDispatch records how an attempt ended.
func (tx *Tx) FinishDispatch(id int64, outcome, reference, errText string) error {
	return notFound(tx.db.Model(&PODispatch{}).Where("id = ?", id).Updates(map[string]any{
		"outcome": outcome, "reference": reference, "error": errText, "finished_at": tx.Now(),
	}).Error, "dispatch attempt")
}

// PODispatches lists the send attempts of a PO, newest first; supplierID != 0 scopes it (a negative id matches nothing).
func (s *Store) PODispatches(ctx context.Context, poID, supplierID int64) ([]PODispatch, error) {
	q := s.db.WithContext(ctx).Where("po_id = ?", poID)
	if supplierID != 0 {
		q = q.Where("supplier_id = ?", supplierID)
	}
	var out []PODispatch
	err := q.Order("id DESC").Find(&out).Error
	return out, notFound(err, "dispatch attempts")
}

// UsersByID returns the users with the given ids.
func (s *Store) UsersByID(ctx context.Context, ids ...int64) ([]User, error) {
	var us []User
	if len(ids) == 0 {
		return us, nil
	}
	err := s.db.WithContext(ctx).Where("id IN ? AND disabled_at IS NULL", ids).Order("id").Find(&us).Error
	return us, notFound(err, "users")
}

// UsersWithRole returns active users with one of roles.
func (s *Store) UsersWithRole(ctx context.Context, roles ...Role) ([]User, error) {
	var us []User
	err := s.db.WithContext(ctx).Where("role IN ? AND disabled_at IS NULL", roles).Order("id").Find(&us).Error
	return us, notFound(err, "users")
}

// OverduePOIDs lists sent, unacknowledged POs whose ack_due_at is at or
// before dueBefore and that have not been chased yet.
func (s *Store) OverduePOIDs(ctx context.Context, dueBefore time.Time, limit int) ([]int64, error) {
	var ids []int64
	err := s.db.WithContext(ctx).Model(&PurchaseOrder{}).Where("status = ? AND acknowledged_at IS NULL AND chased_at IS NULL AND ack_due_at <= ?",
		POStatusSent, dueBefore).Order("ack_due_at, id").Limit(limit).Pluck("id", &ids).Error
	return ids, notFound(err, "overdue purchase orders")
}

// EscalationPOIDs lists sent, unacknowledged POs chased at or before
// chasedBefore and not escalated yet.
func (s *Store) EscalationPOIDs(ctx context.Context, chasedBefore time.Time, limit int) ([]int64, error) {
	var ids []int64
	err := s.db.WithContext(ctx).Table("purchase_orders").Where("status = ? AND acknowledged_at IS NULL AND chased_at IS NOT NULL AND chased_at <= ? AND escalated_at IS NULL",
		POStatusSent, chasedBefore).Order("chased_at, id").Limit(limit).Pluck("id", &ids).Error
	return ids, notFound(err, "purchase orders to escalate")
}

// EDIPartnerForSupplier returns the supplier's EDI partner profile.
func (tx *Tx) EDIPartnerForSupplier(supplierID int64) (EDIPartner, error) {
	var p EDIPartner
	err := tx.db.Where("supplier_id = ?", supplierID).Order("id").Take(&p).Error
	return p, notFound(err, "EDI partner of the supplier")
}
