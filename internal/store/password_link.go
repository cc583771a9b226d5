package store

import (
	"context"
	"time"

	"github.com/pogate/pogate/internal/fault"
)

// Password link purposes.
const (
	LinkReset  = "reset"
	LinkInvite = "invite"
)

// PasswordLink is a one-time e-mailed link that lets its holder set a
// password: a reset for a forgotten one or the invitation of a new user.
// Only the SHA-256 of the secret in the link is stored.
type PasswordLink struct {
	ID        int64 `gorm:"primaryKey"`
	UserID    int64
	Purpose   string
	TokenHash string
	ExpiresAt time.Time
	UsedAt    *time.Time
	CreatedAt time.Time
}

func (PasswordLink) TableName() string { return "password_links" }

func init() { RegisterModel(&PasswordLink{}) }

// errLinkInvalid is the one answer for an unknown, used or expired link, so
// a guesser learns nothing about which it was.
var errLinkInvalid = fault.New(fault.NotFound, "this link is not valid any more; links work once and expire. Ask for a new one")

// CreatePasswordLink stores a new link and voids the user's earlier unused
// links of the same purpose, so only the newest e-mail works.
func (s *Store) CreatePasswordLink(ctx context.Context, actor Actor, userID int64, purpose, tokenHash string, ttl time.Duration) error {
	now := s.Now()
	return s.InTx(ctx, func(tx *Tx) error {
		if err := tx.db.Model(&PasswordLink{}).Where("user_id = ? AND purpose = ? AND used_at IS NULL", userID, purpose).
			Update("used_at", now).Error; err != nil {
			return notFound(err, "password links")
		}
		l := PasswordLink{UserID: userID, Purpose: purpose, TokenHash: tokenHash, ExpiresAt: now.Add(ttl), CreatedAt: now}
		if err := tx.db.Create(&l).Error; err != nil {
			return notFound(err, "password link")
		}
		return tx.Audit(actor, "user.link_"+purpose, "user", userID, 0, nil, map[string]any{"expires_at": l.ExpiresAt})
	})
}

// PasswordLinkUser returns the user a live link belongs to (to show the form).
func (s *Store) PasswordLinkUser(ctx context.Context, tokenHash, purpose string) (User, error) {
	var l PasswordLink
	err := s.db.WithContext(ctx).Where("token_hash = ? AND purpose = ? AND used_at IS NULL AND expires_at > ?", tokenHash, purpose, s.Now()).Take(&l).Error
	if err != nil {
		return User{}, errLinkInvalid
	}
	u, err := s.UserByID(ctx, l.UserID)
	if err != nil || u.DisabledAt != nil {
		return User{}, errLinkInvalid
	}
	return u, nil
}

// UsePasswordLink spends a link: sets the password, marks the link used and
// ends the user's sessions, in one transaction so a link works exactly once
// even when two requests race.
func (s *Store) UsePasswordLink(ctx context.Context, tokenHash, purpose, passwordHash string) (User, error) {
	var u User
	now := s.Now()
	err := s.InTx(ctx, func(tx *Tx) error {
		res := tx.db.Model(&PasswordLink{}).
			Where("token_hash = ? AND purpose = ? AND used_at IS NULL AND expires_at > ?", tokenHash, purpose, now).
			Update("used_at", now)
		if res.Error != nil {
			return notFound(res.Error, "password link")
		}
		if res.RowsAffected != 1 {
			return errLinkInvalid
		}
		var l PasswordLink
		if err := tx.db.Where("token_hash = ?", tokenHash).Take(&l).Error; err != nil {
			return notFound(err, "password link")
		}
		if err := tx.db.Where("id = ? AND disabled_at IS NULL", l.UserID).Take(&u).Error; err != nil {
			return errLinkInvalid
		}
		if err := tx.db.Model(&User{}).Where("id = ?", u.ID).Updates(map[string]any{"password_hash": passwordHash, "updated_at": now}).Error; err != nil {
			return notFound(err, "user")
		}
		if err := tx.db.Where("user_id = ?", u.ID).Delete(&WebSession{}).Error; err != nil {
			return notFound(err, "sessions")
		}
		var sid int64
		if u.SupplierID != nil {
			sid = *u.SupplierID
		}
		return tx.Audit(u.Actor("portal"), "user.password_set_by_link", "user", u.ID, sid, nil, map[string]string{"purpose": purpose})
	})
	return u, err
}
