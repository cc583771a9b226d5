// Package store is pogate's persistence: gorm models and queries, one file
// per aggregate, on PostgreSQL or the embedded pure-Go SQLite. A public method
// that changes data owns its transaction and writes its audit event inside it.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
	"gorm.io/gorm/logger"
)

// Dialect names the database flavour; SQL that differs between them asks it.
type Dialect string

const (
	Postgres Dialect = "postgres"
	SQLite   Dialect = "sqlite"
)

// Store is the handle every command uses. It is safe for concurrent use.
type Store struct {
	db      *gorm.DB
	sqlDB   *sql.DB
	dialect Dialect
	// Now is the clock; tests move it instead of sleeping.
	Now func() time.Time
}

// Options tune Open.
type Options struct {
	// DatabaseURL is a postgres:// URL; empty selects SQLite at SQLitePath.
	DatabaseURL string
	SQLitePath  string
	Logger      *slog.Logger
	// MaxOpenConns for PostgreSQL (default 16).
	MaxOpenConns int
}

// Open connects and pings, without migrating.
func Open(ctx context.Context, o Options) (*Store, error) {
	gcfg := &gorm.Config{
		NowFunc:                func() time.Time { return time.Now().UTC() },
		SkipDefaultTransaction: true,
		PrepareStmt:            false,
		Logger:                 logger.Discard,
	}
	if o.Logger != nil {
		gcfg.Logger = logger.NewSlogLogger(o.Logger, logger.Config{SlowThreshold: 500 * time.Millisecond, LogLevel: logger.Warn, IgnoreRecordNotFoundError: true})
	}
	var (
		dialector gorm.Dialector
		dialect   Dialect
	)
	if o.DatabaseURL != "" {
		dialector = postgres.New(postgres.Config{DSN: o.DatabaseURL})
		dialect = Postgres
	} else {
		if o.SQLitePath == "" {
			return nil, errors.New("store: no database URL and no SQLite path")
		}
		if err := os.MkdirAll(filepath.Dir(o.SQLitePath), 0o750); err != nil {
			return nil, fmt.Errorf("store: create data folder: %w", err)
		}
		dialector = sqlite.Open(sqliteDSN(o.SQLitePath))
		dialect = SQLite
	}
	db, err := gorm.Open(dialector, gcfg)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", dialect, err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	if dialect == SQLite {
		// One writer at a time is SQLite's rule; immediate transactions plus a
		// busy timeout make writers queue instead of failing, and a small pool
		// still lets readers run beside them under WAL.
		sqlDB.SetMaxOpenConns(4)
	} else {
		n := o.MaxOpenConns
		if n <= 0 {
			n = 16
		}
		sqlDB.SetMaxOpenConns(n)
		sqlDB.SetMaxIdleConns(n)
	}
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := sqlDB.PingContext(pctx); err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("store: cannot reach the %s database: %w", dialect, err)
	}
	return &Store{db: db, sqlDB: sqlDB, dialect: dialect, Now: func() time.Time { return time.Now().UTC() }}, nil
}

func sqliteDSN(path string) string {
	q := url.Values{}
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "synchronous(NORMAL)")
	// go-sqlite v1.23.0 stops reading DSN options after _time_format, so it
	// must not be set (its default is the same "sqlite" format) or _txlock
	// would be ignored and transactions would start deferred.
	q.Set("_txlock", "immediate")
	return "file:" + path + "?" + q.Encode()
}

// Close releases the pool.
func (s *Store) Close() error { return s.sqlDB.Close() }

// Dialect tells which database this is.
func (s *Store) Dialect() Dialect { return s.dialect }

// DB exposes the gorm handle for read queries in packages that own a
// projection (reports, pages). Writes go through Store methods.
func (s *Store) DB(ctx context.Context) *gorm.DB { return s.db.WithContext(ctx) }

// SQL exposes the pool for River and the session store.
func (s *Store) SQL() *sql.DB { return s.sqlDB }

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.sqlDB.PingContext(ctx) }

// forUpdate returns the row-locking clause on PostgreSQL; SQLite serialises
// writers with immediate transactions, so it needs none.
func (s *Store) forUpdate(q *gorm.DB) *gorm.DB {
	if s.dialect == Postgres {
		return q.Clauses(clause.Locking{Strength: clause.LockingStrengthUpdate})
	}
	return q
}

// escapeLike makes a user's search text literal inside a LIKE pattern.
func escapeLike(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s)
}

// BatchSize is how many rows one multi-row INSERT should carry. The pure-Go
// SQLite driver matches each bound parameter by a linear scan over all
// arguments, so its cost grows with the square of the batch; PostgreSQL
// prefers large batches (fewer round trips).
func (s *Store) BatchSize() int {
	if s.dialect == SQLite {
		return 40
	}
	return 500
}

// BatchSize is the store's batch size, for bulk writes in a transaction.
func (tx *Tx) BatchSize() int { return tx.store.BatchSize() }
