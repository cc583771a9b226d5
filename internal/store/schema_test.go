package store_test

import (
	"context"
	"io/fs"
	"regexp"
	"sort"
	"testing"

	"github.com/pogate/pogate/internal/store"
	"github.com/pogate/pogate/internal/store/storetest"
	"github.com/pogate/pogate/migrations"
)

var versionRe = regexp.MustCompile(`^(\d+)_.*\.sql$`)

func migrationVersions(t *testing.T, fsys fs.FS, dir string) []string {
	t.Helper()
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		m := versionRe.FindStringSubmatch(e.Name())
		if m == nil {
			t.Errorf("%s/%s: migration file name must start with a version number", dir, e.Name())
			continue
		}
		out = append(out, e.Name())
	}
	sort.Strings(out)
	return out
}

// Both dialects must carry the same migrations under the same names, so that
// they end at the same schema version.
func TestMigrationsPairUp(t *testing.T) {
	pg := migrationVersions(t, migrations.Postgres, "postgres")
	lite := migrationVersions(t, migrations.SQLite, "sqlite")
	if len(pg) == 0 {
		t.Fatal("no migrations embedded")
	}
	if len(pg) != len(lite) {
		t.Fatalf("postgres has %d migrations, sqlite %d:\n%v\n%v", len(pg), len(lite), pg, lite)
	}
	for i := range pg {
		if pg[i] != lite[i] {
			t.Errorf("migration %d: postgres %s vs sqlite %s", i, pg[i], lite[i])
		}
	}
}

// After migrating, the schema version equals the newest file's version and
// every model's table answers a query.
func TestSchemaVersionAndModelTables(t *testing.T) {
	s := storetest.Open(t)
	ctx := context.Background()
	pg := migrationVersions(t, migrations.Postgres, "postgres")
	var want int64
	for _, c := range versionRe.FindStringSubmatch(pg[len(pg)-1])[1] {
		want = want*10 + int64(c-'0')
	}
	got, err := s.SchemaVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Fatalf("%s schema version = %d, want %d", s.Dialect(), got, want)
	}
	pending, err := s.Pending(ctx)
	if err != nil || pending {
		t.Fatalf("pending=%v err=%v after migrate", pending, err)
	}
	for _, m := range store.Models() {
		var n int64
		if err := s.DB(ctx).Model(m).Count(&n).Error; err != nil {
			t.Errorf("%s: table of %T: %v", s.Dialect(), m, err)
		}
	}
	// Migrating again is a no-op.
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
}
