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

// ReserveIdempotencyKey claims (principal, key) for a request before it
// runs. When the key was used before it returns that record instead: a
// finished one (Status > 0) is replayed, an unfinished one means the same
// request is running right now. The same key with another request body is a
// Conflict. Claiming first is what makes two concurrent retries create one PO.
func (s *Store) ReserveIdempotencyKey(ctx context.Context, principal, key, requestHash string) (*IdempotencyRecord, error) {
	rec := IdempotencyRecord{Principal: principal, Key: key, RequestHash: requestHash, CreatedAt: s.Now()}
	res := s.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&rec)
	if res.Error != nil {
		return nil, notFound(res.Error, "idempotency key")
	}
	if res.RowsAffected == 1 {
		return nil, nil
	}
	var prev IdempotencyRecord
	err := s.db.WithContext(ctx).Where("principal = ? AND key = ?", principal, key).Take(&prev).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, fault.New(fault.Conflict, "a request with Idempotency-Key %q is being retried; try again", key)
	}
	if err != nil {
		return nil, notFound(err, "idempotency key")
	}
	if prev.RequestHash != requestHash {
		return nil, fault.New(fault.Conflict, "Idempotency-Key %q was already used for a different request", key)
	}
	if prev.Status == 0 {
		return nil, fault.New(fault.Conflict, "a request with Idempotency-Key %q is still being processed; retry in a moment", key)
	}
	return &prev, nil
}

// CompleteIdempotencyKey stores the answer to replay.
func (s *Store) CompleteIdempotencyKey(ctx context.Context, principal, key string, status int, body string) error {
	err := s.db.WithContext(ctx).Model(&IdempotencyRecord{}).Where("principal = ? AND key = ?", principal, key).
		Updates(map[string]any{"status": status, "response_body": body}).Error
	return notFound(err, "idempotency key")
}

// ReleaseIdempotencyKey forgets a claim whose request failed on our side, so
// the client's retry runs again.
func (s *Store) ReleaseIdempotencyKey(ctx context.Context, principal, key string) error {
	err := s.db.WithContext(ctx).Where("principal = ? AND key = ? AND status = 0", principal, key).Delete(&IdempotencyRecord{}).Error
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
