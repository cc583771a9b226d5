package store

import (
	"context"
	"fmt"
	"io/fs"

	"github.com/pogate/pogate/migrations"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// MigrationStatus is one migration's state, for `pogate migrate status`.
type MigrationStatus struct {
	Version int64
	Source  string
	Applied bool
}

func (s *Store) provider() (*goose.Provider, error) {
	var (
		fsys    fs.FS
		dialect goose.Dialect
		opts    []goose.ProviderOption
		err     error
	)
	switch s.dialect {
	case Postgres:
		fsys, err = fs.Sub(migrations.Postgres, "postgres")
		dialect = goose.DialectPostgres
		// Several replicas may start together: the session lock makes one
		// migrate while the others wait.
		locker, lerr := lock.NewPostgresSessionLocker()
		if lerr != nil {
			return nil, fmt.Errorf("store: migration lock: %w", lerr)
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	default:
		fsys, err = fs.Sub(migrations.SQLite, "sqlite")
		dialect = goose.DialectSQLite3
	}
	if err != nil {
		return nil, fmt.Errorf("store: migrations: %w", err)
	}
	return goose.NewProvider(dialect, s.sqlDB, fsys, opts...)
}

// Migrate applies every pending migration.
func (s *Store) Migrate(ctx context.Context) error {
	p, err := s.provider()
	if err != nil {
		return err
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("store: migrate %s: %w", s.dialect, err)
	}
	return nil
}

// MigrationStatuses lists every known migration and whether it is applied.
func (s *Store) MigrationStatuses(ctx context.Context) ([]MigrationStatus, error) {
	p, err := s.provider()
	if err != nil {
		return nil, err
	}
	sts, err := p.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: migration status: %w", err)
	}
	out := make([]MigrationStatus, 0, len(sts))
	for _, st := range sts {
		out = append(out, MigrationStatus{Version: st.Source.Version, Source: st.Source.Path, Applied: st.State == goose.StateApplied})
	}
	return out, nil
}

// SchemaVersion is the highest applied migration version.
func (s *Store) SchemaVersion(ctx context.Context) (int64, error) {
	p, err := s.provider()
	if err != nil {
		return 0, err
	}
	return p.GetDBVersion(ctx)
}

// Pending reports whether migrations remain; /healthz answers 503 until none do.
func (s *Store) Pending(ctx context.Context) (bool, error) {
	p, err := s.provider()
	if err != nil {
		return false, err
	}
	return p.HasPending(ctx)
}
