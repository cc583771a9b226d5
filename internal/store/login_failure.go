package store

import (
	"context"
	"fmt"
	"time"
)

// LoginFailure is one failed sign-in, recorded once per throttle key (the
// account's e-mail and the client's socket address). Rows live in the
// database so that every replica throttles the same.
type LoginFailure struct {
	ID  int64 `gorm:"primaryKey"`
	Key string
	At  time.Time
}

func (LoginFailure) TableName() string { return "login_failures" }

func init() { RegisterModel(&LoginFailure{}) }

// RecordLoginFailure adds one failure under each key.
func (s *Store) RecordLoginFailure(ctx context.Context, keys ...string) error {
	now := s.Now()
	rows := make([]LoginFailure, len(keys))
	for i, k := range keys {
		rows[i] = LoginFailure{Key: k, At: now}
	}
	if err := s.db.WithContext(ctx).Create(&rows).Error; err != nil {
		return fmt.Errorf("store: record login failure: %w", err)
	}
	return nil
}

// LoginFailures counts failures under key since a time, and returns the
// oldest of them (when the window frees up again).
func (s *Store) LoginFailures(ctx context.Context, key string, since time.Time) (int64, time.Time, error) {
	var n int64
	q := s.db.WithContext(ctx).Model(&LoginFailure{}).Where("key = ? AND at > ?", key, since)
	if err := q.Count(&n).Error; err != nil {
		return 0, time.Time{}, fmt.Errorf("store: count login failures: %w", err)
	}
	if n == 0 {
		return 0, time.Time{}, nil
	}
	var first LoginFailure
	if err := s.db.WithContext(ctx).Where("key = ? AND at > ?", key, since).Order("at").Take(&first).Error; err != nil {
		return 0, time.Time{}, fmt.Errorf("store: oldest login failure: %w", err)
	}
	return n, first.At, nil
}

// ClearLoginFailures forgets failures under key (after a good sign-in) and
// drops rows older than before everywhere, so the table stays small.
func (s *Store) ClearLoginFailures(ctx context.Context, key string, before time.Time) error {
	if err := s.db.WithContext(ctx).Where("key = ? OR at < ?", key, before).Delete(&LoginFailure{}).Error; err != nil {
		return fmt.Errorf("store: clear login failures: %w", err)
	}
	return nil
}
