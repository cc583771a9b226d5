package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"gorm.io/gorm/clause"
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
	// batch reads concurrent lookups together (PostgreSQL).
	batch *sessionBatcher
}

// Sessions returns the session store of s.
func (s *Store) Sessions() *SessionStore {
	ss := &SessionStore{store: s}
	ss.batch = &sessionBatcher{ss: ss}
	return ss
}

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
	// poListVersion is the supplier's PO list version (0 before its first
	// order), read in the same query; see SessionPOListVersion.
	poListVersion int64
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

// SessionPOListVersion returns the PO list version of the session user's
// supplier (supplier_po_versions, moved by triggers in the same transaction
// as any change to that supplier's purchase orders), read with the session
// in FindCtx. ok is false unless this request read a supplier user's
// session. A page rendered from data read after this call may be reused
// for as long as the version stays the same.
func SessionPOListVersion(ctx context.Context) (version int64, ok bool) {
	seen, found := ctx.Value(sessionSeenKey{}).(*sessionSeen)
	if !found || seen.supplier == nil {
		return 0, false
	}
	return seen.poListVersion, true
}

// sessionColumns and sessionFrom read a live session with its user and
// the user's supplier (LEFT JOINs: either may be absent), and that
// supplier's PO list version. Every page view runs this, so it is scanned
// by hand: gorm's reflection over 27 columns cost more than the query
// itself. scanSessionRow lists the same columns in the same order.
const (
	sessionColumns = `s.data, s.expiry,
	u.id, u.email, u.name, u.role, u.supplier_id, u.password_hash, u.disabled_at, u.created_at, u.updated_at,
	p.id, p.code, p.name, p.contact_name, p.email, p.phone, p.currency, p.payment_terms, p.ack_sla_hours,
	p.backorder_policy, p.channel, p.approval_threshold_minor, p.active, p.created_at, p.updated_at,
	v.version`
	sessionFrom = `FROM web_sessions s
	LEFT JOIN users u ON u.id = s.user_id
	LEFT JOIN suppliers p ON p.id = u.supplier_id
	LEFT JOIN supplier_po_versions v ON v.supplier_id = p.id`
	// sessionQuery reads one session (SQLite: in-process, nothing to batch).
	sessionQuery = `SELECT ` + sessionColumns + ` ` + sessionFrom + ` WHERE s.token = ? AND s.expiry > ?`
	// sessionBatchQuery reads the sessions of a batch (PostgreSQL): the
	// single-session query once per token, by index. Written as
	// "token = ANY($1)", PostgreSQL's generic plan scanned every session
	// once the table held a thousand (0.4 ms a batch); the LIMIT keeps the
	// lateral subquery from being flattened into that join.
	sessionBatchQuery = `SELECT t.token, x.* FROM unnest($1::text[]) AS t(token),
	LATERAL (SELECT ` + sessionColumns + ` ` + sessionFrom + ` WHERE s.token = t.token AND s.expiry > $2 LIMIT 1) x`
)

// sessionRow is one session as the session query reads it.
type sessionRow struct {
	found         bool
	data          []byte
	expiry        time.Time
	user          *User // nil: the session has no user
	supplier      *Supplier
	poListVersion int64
}

// scanSessionRow reads one row of the session query; lead are scanned
// first (the batch query's token).
func scanSessionRow(rows *sql.Rows, lead ...any) (sessionRow, error) {
	r := sessionRow{found: true}
	var (
		uID, uSupplierID                                  *int64
		uEmail, uName, uRole, uHash                       *string
		uDisabled, uCreated, uUpdated                     *time.Time
		pID, pThreshold                                   *int64
		pCode, pName, pContact, pEmail, pPhone, pCurrency *string
		pTerms, pBackorder, pChannel                      *string
		pSLA                                              *int
		pActive                                           *bool
		pCreated, pUpdated                                *time.Time
		vVersion                                          *int64
	)
	err := rows.Scan(append(lead, &r.data, &r.expiry,
		&uID, &uEmail, &uName, &uRole, &uSupplierID, &uHash, &uDisabled, &uCreated, &uUpdated,
		&pID, &pCode, &pName, &pContact, &pEmail, &pPhone, &pCurrency, &pTerms, &pSLA,
		&pBackorder, &pChannel, &pThreshold, &pActive, &pCreated, &pUpdated, &vVersion)...)
	if err != nil || uID == nil {
		return r, err
	}
	r.user = &User{ID: *uID, Email: valueOr(uEmail), Name: valueOr(uName), Role: Role(valueOr(uRole)), SupplierID: uSupplierID,
		PasswordHash: valueOr(uHash), DisabledAt: uDisabled, CreatedAt: valueOr(uCreated), UpdatedAt: valueOr(uUpdated)}
	if pID != nil {
		r.supplier = &Supplier{ID: *pID, Code: valueOr(pCode), Name: valueOr(pName), ContactName: valueOr(pContact), Email: valueOr(pEmail),
			Phone: valueOr(pPhone), Currency: valueOr(pCurrency), PaymentTerms: valueOr(pTerms), AckSLAHours: valueOr(pSLA),
			BackorderPolicy: valueOr(pBackorder), Channel: valueOr(pChannel), ApprovalThresholdMinor: pThreshold,
			Active: valueOr(pActive), CreatedAt: valueOr(pCreated), UpdatedAt: valueOr(pUpdated)}
		r.poListVersion = valueOr(vVersion)
	}
	return r, nil
}

// valueOr is *p, or the zero value for a NULL column.
func valueOr[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

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
	var r sessionRow
	var err error
	if ss.store.dialect == Postgres {
		r, err = ss.batch.find(ctx, token)
	} else {
		r, err = ss.findOne(ctx, token)
	}
	if err != nil {
		return nil, false, fmt.Errorf("store: find session: %w", err)
	}
	if !r.found {
		return nil, false, nil
	}
	if seen, ok := ctx.Value(sessionSeenKey{}).(*sessionSeen); ok {
		*seen = sessionSeen{token: token, data: r.data, expiry: r.expiry, user: r.user, supplier: r.supplier, poListVersion: r.poListVersion}
	}
	return r.data, true, nil
}

// findOne reads one session with one query. Straight to database/sql:
// gorm's statement building cost a tenth of a cached page view.
func (ss *SessionStore) findOne(ctx context.Context, token string) (sessionRow, error) {
	rows, err := ss.store.sqlDB.QueryContext(ctx, sessionQuery, token, ss.store.Now())
	if err != nil {
		return sessionRow{}, err
	}
	defer rows.Close()
	if !rows.Next() {
		return sessionRow{}, rows.Err()
	}
	return scanSessionRow(rows)
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
