package store

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/pogate/pogate/internal/fault"
	"gorm.io/gorm"
)

// EDICredential is a trading partner's SFTP login. PasswordHash is an
// argon2id PHC string (internal/auth); AuthorizedKeys holds public keys in
// authorized_keys form, one per line. Either may be empty; a login with
// neither cannot sign in.
type EDICredential struct {
	ID             int64 `gorm:"primaryKey"`
	PartnerID      int64
	Username       string
	PasswordHash   string
	AuthorizedKeys string
	DisabledAt     *time.Time
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

func (EDICredential) TableName() string { return "edi_credentials" }

// SetEDICredential creates or replaces the SFTP login of a partner (one per
// partner). The audit event records the username, never the secrets.
func (s *Store) SetEDICredential(ctx context.Context, actor Actor, c *EDICredential) error {
	c.Username = strings.TrimSpace(c.Username)
	if c.Username == "" {
		return fault.FieldErr("username", "is required")
	}
	return s.InTx(ctx, func(tx *Tx) error {
		var p EDIPartner
		if err := tx.db.Where("id = ?", c.PartnerID).Take(&p).Error; err != nil {
			return notFound(err, "EDI partner")
		}
		now := tx.Now()
		var existing EDICredential
		err := tx.db.Where("partner_id = ?", c.PartnerID).Take(&existing).Error
		switch {
		case err == nil:
			c.ID, c.CreatedAt, c.UpdatedAt = existing.ID, existing.CreatedAt, now
			if err := tx.db.Save(c).Error; err != nil {
				return credentialErr(err, c.Username)
			}
		case errors.Is(err, gorm.ErrRecordNotFound):
			c.CreatedAt, c.UpdatedAt = now, now
			if err := tx.db.Create(c).Error; err != nil {
				return credentialErr(err, c.Username)
			}
		default:
			return notFound(err, "EDI credential")
		}
		return tx.Audit(actor, "edi_credential.set", "edi_partner", p.ID, p.SupplierID, nil,
			map[string]any{"username": c.Username, "password": c.PasswordHash != "", "keys": strings.Count(strings.TrimSpace(c.AuthorizedKeys), "\n") + boolInt(strings.TrimSpace(c.AuthorizedKeys) != "")})
	})
}

func credentialErr(err error, username string) error {
	if isUniqueViolation(err) {
		return fault.New(fault.Conflict, "the SFTP username %q is taken by another partner", username)
	}
	return notFound(err, "EDI credential")
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// EDICredentialByUsername finds an enabled SFTP login.
func (s *Store) EDICredentialByUsername(ctx context.Context, username string) (EDICredential, error) {
	var c EDICredential
	err := s.db.WithContext(ctx).Where("username = ? AND disabled_at IS NULL", username).Take(&c).Error
	return c, notFound(err, "SFTP login")
}
