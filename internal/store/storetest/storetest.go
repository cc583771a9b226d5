// Package storetest opens a fresh, migrated store for a test: an SQLite file
// in the test's temp folder by default, or a new PostgreSQL schema when
// POGATE_TEST_DATABASE_URL is set (CI sets it), so every store and command
// test runs on both databases against a real connection.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/pogate/pogate/internal/store"
)

// EnvURL is the variable that points tests at PostgreSQL.
const EnvURL = "POGATE_TEST_DATABASE_URL"

// Open returns a migrated store private to t; it is closed (and its
// PostgreSQL schema dropped) when t ends.
func Open(t testing.TB) *store.Store {
	t.Helper()
	s, _ := OpenWithURL(t)
	return s
}

// OpenWithURL also returns the URL (PostgreSQL) or SQLite path the store
// uses, for tests that start a second process or pool on the same database.
func OpenWithURL(t testing.TB) (*store.Store, string) {
	t.Helper()
	ctx := context.Background()
	base := os.Getenv(EnvURL)
	var opts store.Options
	var where string
	if base == "" {
		opts.SQLitePath = filepath.Join(t.TempDir(), "pogate.db")
		where = opts.SQLitePath
	} else {
		opts.DatabaseURL = EmptyPostgres(t)
		where = opts.DatabaseURL
	}
	s, err := store.Open(ctx, opts)
	if err != nil {
		t.Fatalf("storetest: open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("storetest: migrate: %v", err)
	}
	return s, where
}

// EmptyPostgres creates an empty schema for t (dropped when t ends) and
// returns a URL that uses it; "" when POGATE_TEST_DATABASE_URL is not set.
// For tests of migrations and of commands that open the database themselves.
func EmptyPostgres(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvURL)
	if base == "" {
		return ""
	}
	ctx := context.Background()
	schema := "t_" + randomHex(8)
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("storetest: connect %s: %v", EnvURL, err)
	}
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("storetest: create schema: %v", err)
	}
	conn.Close(ctx)
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), base)
		if err == nil {
			c.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
			c.Close(context.Background())
		}
	})
	return WithSearchPath(base, schema)
}

// WithSearchPath points a PostgreSQL URL at one schema.
func WithSearchPath(raw, schema string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
