package store

import (
	"context"
	"strings"
	"time"

	"github.com/pogate/pogate/internal/fault"
)

// User is a person who signs in to the portal.
type User struct {
	ID           int64 `gorm:"primaryKey"`
	Email        string
	Name         string
	Role         Role
	SupplierID   *int64
	PasswordHash string
	DisabledAt   *time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

func (User) TableName() string { return "users" }

// Actor is the user as the actor of a portal command.
func (u User) Actor(channel string) Actor {
	a := Actor{Kind: ActorUser, ID: u.ID, Label: u.Email, Role: u.Role, Channel: channel}
	if u.SupplierID != nil {
		a.SupplierID = *u.SupplierID
	}
	return a
}

// NormaliseEmail is how e-mails are compared and stored.
func NormaliseEmail(e string) string { return strings.ToLower(strings.TrimSpace(e)) }

// CreateUser inserts a user; passwordHash is already an argon2id PHC string.
func (s *Store) CreateUser(ctx context.Context, actor Actor, u *User) error {
	u.Email = NormaliseEmail(u.Email)
	if !strings.Contains(u.Email, "@") {
		return fault.FieldErr("email", "%q is not an e-mail address", u.Email)
	}
	if !ValidRole(u.Role) {
		return fault.FieldErr("role", "unknown role %q; use one of admin, buyer, approver, warehouse, ap, supplier", u.Role)
	}
	if (u.Role == RoleSupplier) != (u.SupplierID != nil) {
		return fault.FieldErr("supplier", "a supplier user needs a supplier, and only supplier users may have one")
	}
	return s.InTx(ctx, func(tx *Tx) error {
		var n int64
		if err := tx.db.Model(&User{}).Where("email = ?", u.Email).Count(&n).Error; err != nil {
			return notFound(err, "user")
		}
		if n > 0 {
			return fault.FieldErr("email", "a user with e-mail %s already exists", u.Email)
		}
		if err := tx.db.Create(u).Error; err != nil {
			return notFound(err, "user")
		}
		var sid int64
		if u.SupplierID != nil {
			sid = *u.SupplierID
		}
		return tx.Audit(actor, "user.created", "user", u.ID, sid, nil, map[string]any{"email": u.Email, "role": u.Role})
	})
}

// UserByEmail finds a user for sign-in.
func (s *Store) UserByEmail(ctx context.Context, email string) (User, error) {
	var u User
	err := s.db.WithContext(ctx).Where("email = ?", NormaliseEmail(email)).Take(&u).Error
	return u, notFound(err, "user")
}

// UserByID finds a user by id.
func (s *Store) UserByID(ctx context.Context, id int64) (User, error) {
	var u User
	err := s.db.WithContext(ctx).Take(&u, id).Error
	return u, notFound(err, "user")
}

// Users lists users by e-mail.
func (s *Store) Users(ctx context.Context, page Page) ([]User, error) {
	var us []User
	err := s.db.WithContext(ctx).Order("email").Limit(page.limit()).Offset(page.offset()).Find(&us).Error
	return us, notFound(err, "users")
}

// SetPassword replaces a user's password hash.
func (s *Store) SetPassword(ctx context.Context, actor Actor, userID int64, hash string) error {
	return s.InTx(ctx, func(tx *Tx) error {
		res := tx.db.Model(&User{}).Where("id = ?", userID).Updates(map[string]any{"password_hash": hash, "updated_at": s.Now()})
		if res.Error != nil {
			return notFound(res.Error, "user")
		}
		if res.RowsAffected == 0 {
			return fault.New(fault.NotFound, "user not found")
		}
		return tx.Audit(actor, "user.password_set", "user", userID, 0, nil, nil)
	})
}

// SetUserDisabled disables or re-enables a user.
func (s *Store) SetUserDisabled(ctx context.Context, actor Actor, userID int64, disabled bool) error {
	return s.InTx(ctx, func(tx *Tx) error {
		var at any
		if disabled {
			at = s.Now()
		}
		res := tx.db.Model(&User{}).Where("id = ?", userID).Updates(map[string]any{"disabled_at": at, "updated_at": s.Now()})
		if res.Error != nil {
			return notFound(res.Error, "user")
		}
		if res.RowsAffected == 0 {
			return fault.New(fault.NotFound, "user not found")
		}
		action := "user.enabled"
		if disabled {
			action = "user.disabled"
		}
		return tx.Audit(actor, action, "user", userID, 0, nil, nil)
	})
}

// APIToken is a machine credential; only the SHA-256 of the secret is stored.
type APIToken struct {
	ID         int64 `gorm:"primaryKey"`
	Name       string
	Role       Role
	SupplierID *int64
	Prefix     string
	TokenHash  string
	CreatedAt  time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
}

func (APIToken) TableName() string { return "api_tokens" }

// Actor is the token as the actor of an API command.
func (t APIToken) Actor() Actor {
	a := Actor{Kind: ActorToken, ID: t.ID, Label: "token:" + t.Name, Role: t.Role, Channel: "api"}
	if t.SupplierID != nil {
		a.SupplierID = *t.SupplierID
	}
	return a
}

// CreateToken stores a token whose secret the caller has already hashed.
func (s *Store) CreateToken(ctx context.Context, actor Actor, t *APIToken) error {
	if strings.TrimSpace(t.Name) == "" {
		return fault.FieldErr("name", "is required")
	}
	if !ValidRole(t.Role) {
		return fault.FieldErr("role", "unknown role %q", t.Role)
	}
	if (t.Role == RoleSupplier) != (t.SupplierID != nil) {
		return fault.FieldErr("supplier", "a supplier token needs a supplier, and only supplier tokens may have one")
	}
	return s.InTx(ctx, func(tx *Tx) error {
		if err := tx.db.Create(t).Error; err != nil {
			return notFound(err, "token")
		}
		return tx.Audit(actor, "token.created", "api_token", t.ID, 0, nil, map[string]any{"name": t.Name, "role": t.Role})
	})
}

// TokenByHash finds a live (not revoked) token.
func (s *Store) TokenByHash(ctx context.Context, hash string) (APIToken, error) {
	var t APIToken
	err := s.db.WithContext(ctx).Where("token_hash = ? AND revoked_at IS NULL", hash).Take(&t).Error
	return t, notFound(err, "token")
}
