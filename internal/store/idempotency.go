package store

import (
	"context"
	"errors"
	"time"

	"github.com/pogate/pogate/internal/fault"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// IdempotencyRecord is the first answer to a POST with an Idempotency-Key.
type IdempotencyRecord struct {
	ID           int64 `gorm:"primaryKey"`
	Principal    string
	Key          string
	RequestHash  string
	Status       int
	ResponseBody string
	CreatedAt    time.Time
}

func (IdempotencyRecord) TableName() string { return "idempotency_keys" }

// IdempotentResponse returns the stored answer for (principal, key), if any.
// A different request body under the same key is a Conflict.
func (s *Store) IdempotentResponse(ctx context.Context, principal, key, requestHash string) (*IdempotencyRecord, error) {
	var r IdempotencyRecord
	err := s.db.WithContext(ctx).Where("principal = ? AND key = ?", principal, key).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, notFound(err, "idempotency key")
	}
	if r.RequestHash != requestHash {
		return nil, fault.New(fault.Conflict, "Idempotency-Key %q was already used for a different request", key)
	}
	return &r, nil
}

// SaveIdempotentResponse stores the first answer; a concurrent duplicate
// keeps the one that got there first.
func (s *Store) SaveIdempotentResponse(ctx context.Context, r IdempotencyRecord) error {
	r.CreatedAt = s.Now()
	err := s.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&r).Error
	return notFound(err, "idempotency key")
}

// ImportFile records an imported file by content hash.
type ImportFile struct {
	ID          int64 `gorm:"primaryKey"`
	Kind        string
	SHA256      string `gorm:"column:sha256"`
	Filename    string
	RowsTotal   int64
	RowsApplied int64
	CreatedAt   time.Time
}

func (ImportFile) TableName() string { return "import_files" }

// RecordImport notes a file as imported; false when it was seen before.
func (tx *Tx) RecordImport(f ImportFile) (bool, error) {
	f.CreatedAt = tx.Now()
	res := tx.db.Clauses(clause.OnConflict{DoNothing: true}).Create(&f)
	if res.Error != nil {
		return false, notFound(res.Error, "import file")
	}
	return res.RowsAffected == 1, nil
}

// ImportSeen reports whether a file with this hash was imported before.
func (s *Store) ImportSeen(ctx context.Context, kind, sha string) (bool, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&ImportFile{}).Where("kind = ? AND sha256 = ?", kind, sha).Count(&n).Error
	return n > 0, notFound(err, "import file")
}
