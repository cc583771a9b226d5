package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// OutboxEvent is a domain event (po.approved, po.acknowledged, ...) written
// in the same transaction as its change; webhook delivery reads it from here.
type OutboxEvent struct {
	ID          int64 `gorm:"primaryKey"`
	Topic       string
	Entity      string
	EntityID    int64
	SupplierID  *int64
	PayloadJSON string
	CreatedAt   time.Time
}

func (OutboxEvent) TableName() string { return "outbox_events" }

func init() { RegisterModel(&OutboxEvent{}) }

// PublishEvent appends an event in this transaction.
func (tx *Tx) PublishEvent(topic, entity string, entityID, supplierID int64, payload any) error {
	b, err := json.Marshal(payload)
	if err != nil {
		return fmt.Errorf("store: event %s payload: %w", topic, err)
	}
	ev := OutboxEvent{Topic: topic, Entity: entity, EntityID: entityID, PayloadJSON: string(b), CreatedAt: tx.Now()}
	if supplierID != 0 {
		ev.SupplierID = &supplierID
	}
	return notFound(tx.db.Create(&ev).Error, "outbox event")
}

// OutboxEventsAfter lists events with id > afterID in id order, for
// delivery loops that remember the last id they handled.
func (s *Store) OutboxEventsAfter(ctx context.Context, afterID int64, limit int) ([]OutboxEvent, error) {
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	var out []OutboxEvent
	err := s.db.WithContext(ctx).Where("id > ?", afterID).Order("id").Limit(limit).Find(&out).Error
	return out, notFound(err, "outbox events")
}
