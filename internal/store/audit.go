package store

import (
	"context"
	"time"
)

// AuditEvent is one append-only row of the audit trail.
type AuditEvent struct {
	ID         int64 `gorm:"primaryKey"`
	At         time.Time
	ActorKind  string
	ActorID    *int64
	ActorLabel string
	Channel    string
	Action     string
	Entity     string
	EntityID   int64
	SupplierID *int64
	BeforeJSON string `gorm:"column:before_json"`
	AfterJSON  string `gorm:"column:after_json"`
}

func (AuditEvent) TableName() string { return "audit_events" }

// AuditFor returns the events of one record, oldest first. supplierID > 0
// restricts them to that supplier's events (for supplier users).
func (s *Store) AuditFor(ctx context.Context, entity string, entityID, supplierID int64, page Page) ([]AuditEvent, error) {
	q := s.db.WithContext(ctx).Where("entity = ? AND entity_id = ?", entity, entityID)
	if supplierID != 0 {
		q = q.Where("supplier_id = ?", supplierID)
	}
	var evs []AuditEvent
	err := q.Order("id").Limit(page.limit()).Offset(page.offset()).Find(&evs).Error
	return evs, notFound(err, "audit events")
}

// CountAuditFor counts the events AuditFor pages through.
func (s *Store) CountAuditFor(ctx context.Context, entity string, entityID, supplierID int64) (int64, error) {
	q := s.db.WithContext(ctx).Model(&AuditEvent{}).Where("entity = ? AND entity_id = ?", entity, entityID)
	if supplierID != 0 {
		q = q.Where("supplier_id = ?", supplierID)
	}
	var n int64
	err := q.Count(&n).Error
	return n, notFound(err, "audit events")
}
