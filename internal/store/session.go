package store

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"gorm.io/gorm/clause"
	"gorm.io/gorm/schema"
)

// WebSession is one browser session as scs stores it. Token is the SHA-256
// of the cookie value (scs HashTokenInStore), so the table grants nothing if
// read. UserID is copied out of the session data at each commit so that an
// admin disabling a user can end every session of theirs with one DELETE.
type WebSession struct {
	Token     string `gorm:"primaryKey"`
	Data      []byte
	Expiry    time.Time
	UserID    *int64
	UpdatedAt time.Time
}

func (WebSession) TableName() string { return "web_sessions" }

func init() { RegisterModel(&WebSession{}) }

// SessionStore implements scs.Store and scs.CtxStore on the pogate database,
// so sessions work the same on PostgreSQL and SQLite and survive restarts
// and several replicas.
type SessionStore struct {
	store *Store
	// OwnerOf reads the signed-in user id out of encoded session data (the
	// portal sets it to decode with the session manager's codec); 0 = nobody.
	OwnerOf func(data []byte) int64
	// SkipTouch skips re-writing a session whose data did not change when its
	// expiry moved by less than this. With an idle timeout scs commits on
	// every request; this turns most of those writes into none at the cost
	// of the idle deadline being up to SkipTouch early.
	SkipTouch time.Duration
}

// Sessions returns the session store of s.
func (s *Store) Sessions() *SessionStore { return &SessionStore{store: s} }

type sessionSeenKey struct{}

// sessionSeen remembers what FindCtx read for this request, so CommitCtx can
// tell an unchanged session from a changed one, and the session's user and
// their supplier, read in the same query, so the page needs no second and
// third round trip to know who is asking.
type sessionSeen struct {
	token    string
	data     []byte
	expiry   time.Time
	user     *User
	supplier *Supplier
}

// SessionUser returns the user (and, for a supplier user, their supplier)
// of the session FindCtx read for this request, when it read one with a
// user row. Callers still check that the id matches the session's data.
func SessionUser(ctx context.Context) (*User, *Supplier, bool) {
	seen, ok := ctx.Value(sessionSeenKey{}).(*sessionSeen)
	if !ok || seen.user == nil {
		return nil, nil, false
	}
	return seen.user, seen.supplier, true
}

// sessionWithUser is one row of the session query: the session, its user
// and the user's supplier (LEFT JOINs: either may be absent).
type sessionWithUser struct {
	Data     []byte
	Expiry   time.Time
	UserID   *int64
	User     User     `gorm:"embedded;embeddedPrefix:u_"`
	Supplier Supplier `gorm:"embedded;embeddedPrefix:p_"`
}

// sessionQuery is built once from the models, so a column added to users
// or suppliers is read without editing this file.
var sessionQuery = sync.OnceValues(func() (string, error) {
	cols := []string{"s.data AS data", "s.expiry AS expiry", "s.user_id AS user_id"}
	for _, m := range []struct {
		model  any
		alias  string
		prefix string
	}{{&User{}, "u", "u_"}, {&Supplier{}, "p", "p_"}} {
		sch, err := schema.Parse(m.model, &sync.Map{}, schema.NamingStrategy{})
		if err != nil {
			return "", fmt.Errorf("store: session query: %w", err)
		}
		for _, name := range sch.DBNames {
			cols = append(cols, m.alias+"."+name+" AS "+m.prefix+name)
		}
	}
	return "SELECT " + strings.Join(cols, ", ") + ` FROM web_sessions s
		LEFT JOIN users u ON u.id = s.user_id
		LEFT JOIN suppliers p ON p.id = u.supplier_id
		WHERE s.token = ? AND s.expiry > ?`, nil
})

// WithSessionMemo prepares ctx so that a Find followed by a Commit of the same
// unchanged session in one request can skip the write.
func WithSessionMemo(ctx context.Context) context.Context {
	return context.WithValue(ctx, sessionSeenKey{}, &sessionSeen{})
}

// Find is scs.Store.Find.
func (ss *SessionStore) Find(token string) ([]byte, bool, error) {
	return ss.FindCtx(context.Background(), token)
}

// FindCtx returns live session data; expired rows are not found. With a
// memo in ctx (WithSessionMemo) it also keeps the session's user and
// supplier, read in the same query, for SessionUser.
func (ss *SessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	q, err := sessionQuery()
	if err != nil {
		return nil, false, err
	}
	var rows []sessionWithUser
	if err := ss.store.db.WithContext(ctx).Raw(q, token, ss.store.Now()).Scan(&rows).Error; err != nil {
		return nil, false, fmt.Errorf("store: find session: %w", err)
	}
	if len(rows) == 0 {
		return nil, false, nil
	}
	row := rows[0]
	if seen, ok := ctx.Value(sessionSeenKey{}).(*sessionSeen); ok {
		*seen = sessionSeen{token: token, data: row.Data, expiry: row.Expiry}
		if row.UserID != nil && row.User.ID == *row.UserID {
			seen.user = &row.User
			if row.User.SupplierID != nil && row.Supplier.ID == *row.User.SupplierID {
				seen.supplier = &row.Supplier
			}
		}
	}
	return row.Data, true, nil
}

// Commit is scs.Store.Commit.
func (ss *SessionStore) Commit(token string, b []byte, expiry time.Time) error {
	return ss.CommitCtx(context.Background(), token, b, expiry)
}

// CommitCtx inserts or overwrites a session.
func (ss *SessionStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	if seen, ok := ctx.Value(sessionSeenKey{}).(*sessionSeen); ok && ss.SkipTouch > 0 &&
		seen.token == token && string(seen.data) == string(b) && expiry.Sub(seen.expiry) < ss.SkipTouch {
		return nil
	}
	row := WebSession{Token: token, Data: b, Expiry: expiry.UTC(), UpdatedAt: ss.store.Now()}
	if ss.OwnerOf != nil {
		if id := ss.OwnerOf(b); id > 0 {
			row.UserID = &id
		}
	}
	err := ss.store.db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "token"}},
		DoUpdates: clause.AssignmentColumns([]string{"data", "expiry", "user_id", "updated_at"}),
	}).Create(&row).Error
	if err != nil {
		return fmt.Errorf("store: commit session: %w", err)
	}
	return nil
}

// Delete is scs.Store.Delete.
func (ss *SessionStore) Delete(token string) error { return ss.DeleteCtx(context.Background(), token) }

// DeleteCtx removes a session; a missing one is not an error.
func (ss *SessionStore) DeleteCtx(ctx context.Context, token string) error {
	if err := ss.store.db.WithContext(ctx).Where("token = ?", token).Delete(&WebSession{}).Error; err != nil {
		return fmt.Errorf("store: delete session: %w", err)
	}
	return nil
}

// EndUserSessions deletes every session of a user (disable, password reset).
func (s *Store) EndUserSessions(ctx context.Context, userID int64) (int64, error) {
	res := s.db.WithContext(ctx).Where("user_id = ?", userID).Delete(&WebSession{})
	if res.Error != nil {
		return 0, fmt.Errorf("store: end sessions of user %d: %w", userID, res.Error)
	}
	return res.RowsAffected, nil
}

// CountUserSessions counts live sessions of a user (admin page, tests).
func (s *Store) CountUserSessions(ctx context.Context, userID int64) (int64, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&WebSession{}).Where("user_id = ? AND expiry > ?", userID, s.Now()).Count(&n).Error
	return n, notFound(err, "sessions")
}

// DeleteExpiredSessions removes dead rows; the portal runs it periodically.
func (s *Store) DeleteExpiredSessions(ctx context.Context) (int64, error) {
	res := s.db.WithContext(ctx).Where("expiry <= ?", s.Now()).Delete(&WebSession{})
	if res.Error != nil {
		return 0, fmt.Errorf("store: delete expired sessions: %w", res.Error)
	}
	return res.RowsAffected, nil
}
