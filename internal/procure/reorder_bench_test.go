package procure_test

import (
	"context"
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
	"github.com/pogate/pogate/internal/store/storetest"
)

const (
	benchSKUs = 100_000
	benchDays = 90
)

// seedReorderBench fills a store with benchSKUs products, one catalog item
// each (every tenth SKU has a second supplier, every third a price break),
// one stock row each and benchDays days of sales per SKU (9M rows), using
// set-based INSERT ... SELECT statements so seeding stays outside the timing.
func seedReorderBench(b *testing.B, s *store.Store) {
	b.Helper()
	ctx := context.Background()
	now := s.Now()
	db := s.DB(ctx)
	exec := func(sql string, args ...any) {
		b.Helper()
		if err := db.Exec(sql, args...).Error; err != nil {
			b.Fatalf("seed: %v\n%s", err, sql)
		}
	}
	for _, code := range []string{"BENCH-A", "BENCH-B"} {
		sp := store.Supplier{Code: code, Name: code, Currency: "USD", AckSLAHours: 24, BackorderPolicy: store.BackorderCreate, Channel: store.ChannelPortal}
		if err := s.CreateSupplier(ctx, store.System("bench"), &sp); err != nil {
			b.Fatal(err)
		}
	}
	exec(`INSERT INTO locations (code, name, created_at) VALUES ('MAIN', 'Main', ?)`, now)
	exec(`WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < ?)
		INSERT INTO products (sku, name, gtin, stock_unit, category, active, created_at, updated_at)
		SELECT 'B' || n, 'Bench product ' || n, '', 'EA', '', TRUE, ?, ? FROM g`, benchSKUs, now, now)
	exec(`INSERT INTO catalog_items (supplier_id, product_id, supplier_part, unit_price_micros, currency, moq, order_multiple,
		purchase_unit, units_per_purchase_unit, lead_time_days, last_reviewed_at, created_at, updated_at)
		SELECT (SELECT id FROM suppliers WHERE code = 'BENCH-A'), id, 'A-' || id, 1000000 + (id % 100) * 10000, 'USD',
		       (id % 5) * 10 + 1, id % 4 + 1, 'EA', 1, 7 + id % 21, ?, ?, ? FROM products`, now, now, now)
	exec(`INSERT INTO catalog_items (supplier_id, product_id, supplier_part, unit_price_micros, currency, moq, order_multiple,
		purchase_unit, units_per_purchase_unit, lead_time_days, last_reviewed_at, created_at, updated_at)
		SELECT (SELECT id FROM suppliers WHERE code = 'BENCH-B'), id, 'B-' || id, 950000 + (id % 50) * 10000, 'USD',
		       12, 12, 'EA', 1, 5 + id % 30, ?, ?, ? FROM products WHERE id % 10 = 0`, now, now, now)
	exec(`INSERT INTO price_breaks (catalog_item_id, min_qty, unit_price_micros)
		SELECT id, 100, unit_price_micros - 50000 FROM catalog_items WHERE product_id % 3 = 0`)
	exec(`INSERT INTO stock_levels (product_id, location_id, on_hand, allocated, updated_at)
		SELECT id, (SELECT id FROM locations WHERE code = 'MAIN'), (id * 13) % 300, id % 7, ? FROM products`, now)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	for d := 1; d <= benchDays; d++ {
		exec(`INSERT INTO sales (product_id, sold_on, channel, quantity, source_ref, created_at)
			SELECT id, ?, 'bench', (id * 7 + ? * 3) % 13 + 1, 'b' || id || '-' || ?, ? FROM products`, today.AddDate(0, 0, -d), d, strconv.Itoa(d), now)
	}
	// Fresh statistics and (PostgreSQL) a set visibility map, as a running
	// system has after autovacuum: without it the demand query cannot use
	// the covering index for an index-only scan.
	if s.Dialect() == store.Postgres {
		exec(`VACUUM ANALYZE sales`)
	}
	exec(`ANALYZE`)
}

// BenchmarkReorder100k runs the reorder engine over 100,000 SKUs with 90
// days of sales each (target: under 10 s on 2 cores), on SQLite by default
// and on PostgreSQL when POGATE_TEST_DATABASE_URL is set. dry_run computes
// and records proposals; create_drafts also writes the draft POs (the
// drafts are deleted between iterations, outside the timing).
//
// Seeding 9M sales rows takes minutes; POGATE_BENCH_SQLITE_FILE names an
// SQLite file, POGATE_BENCH_PG_SCHEMA a PostgreSQL schema, to seed once and
// reuse on later runs.
func BenchmarkReorder100k(b *testing.B) {
	s := benchStore(b)
	fixed := time.Date(2026, 3, 15, 6, 0, 0, 0, time.UTC)
	s.Now = func() time.Time { return fixed }
	var n int64
	if err := s.DB(context.Background()).Model(&store.Product{}).Count(&n).Error; err != nil {
		b.Fatal(err)
	}
	if n < benchSKUs {
		start := time.Now()
		seedReorderBench(b, s)
		b.Logf("%s: seeded %d SKUs × %d days in %s", s.Dialect(), benchSKUs, benchDays, time.Since(start).Round(time.Millisecond))
	}
	clearReorderDrafts(b, s)
	svc := procure.New(s, nil)
	ctx := context.Background()
	actor := store.System("bench")
	for _, dry := range []bool{true, false} {
		name := "create_drafts"
		if dry {
			name = "dry_run"
		}
		b.Run(name, func(b *testing.B) {
			var res procure.ReorderResult
			var cpu time.Duration
			for i := 0; i < b.N; i++ {
				var err error
				before := processCPU()
				res, err = svc.RunReorder(ctx, actor, procure.ReorderOptions{DryRun: dry})
				cpu += processCPU() - before
				if err != nil {
					b.Fatal(err)
				}
				if res.SKUsConsidered != benchSKUs || len(res.Proposals) == 0 {
					b.Fatalf("considered %d, proposed %d", res.SKUsConsidered, len(res.Proposals))
				}
				if !dry {
					b.StopTimer()
					clearReorderDrafts(b, s)
					b.StartTimer()
				}
			}
			b.ReportMetric(float64(res.SKUsConsidered)*float64(b.N)/b.Elapsed().Seconds(), "skus/s")
			// CPU seconds of this process per run: on a shared, overloaded
			// machine wall time says little; on SQLite this is all the work,
			// on PostgreSQL the server's own CPU is not included.
			b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
			b.ReportMetric(float64(len(res.Proposals)), "proposals")
			b.ReportMetric(float64(len(res.Orders)), "drafts")
		})
	}
}

// benchStore is the reusable SQLite file named by POGATE_BENCH_SQLITE_FILE,
// the reusable PostgreSQL schema named by POGATE_BENCH_PG_SCHEMA (with
// POGATE_TEST_DATABASE_URL), or a fresh store from storetest.
func benchStore(b *testing.B) *store.Store {
	ctx := context.Background()
	opts := store.Options{SQLitePath: os.Getenv("POGATE_BENCH_SQLITE_FILE")}
	if base := os.Getenv(storetest.EnvURL); base != "" {
		schema := os.Getenv("POGATE_BENCH_PG_SCHEMA")
		if schema == "" {
			return storetest.Open(b)
		}
		s, err := store.Open(ctx, store.Options{DatabaseURL: base})
		if err != nil {
			b.Fatal(err)
		}
		err = s.DB(ctx).Exec(`CREATE SCHEMA IF NOT EXISTS "` + schema + `"`).Error
		s.Close()
		if err != nil {
			b.Fatal(err)
		}
		opts = store.Options{DatabaseURL: storetest.WithSearchPath(base, schema)}
	} else if opts.SQLitePath == "" {
		return storetest.Open(b)
	}
	s, err := store.Open(ctx, opts)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	// A file seeded by an earlier run is used as it is: migrating it again
	// would trip over migrations other work added since (out of order).
	var n int64
	if s.Dialect() == store.Postgres {
		s.DB(ctx).Raw("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'reorder_runs'").Scan(&n)
	} else {
		s.DB(ctx).Raw("SELECT COUNT(*) FROM sqlite_master WHERE name = 'reorder_runs'").Scan(&n)
	}
	if n == 0 {
		if err := s.Migrate(ctx); err != nil {
			b.Fatal(err)
		}
	}
	return s
}

// processCPU is the user + system CPU time this process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func clearReorderDrafts(b *testing.B, s *store.Store) {
	b.Helper()
	db := s.DB(context.Background())
	for _, q := range []string{
		`DELETE FROM reorder_proposals`,
		`DELETE FROM reorder_runs`,
		`DELETE FROM po_lines WHERE po_id IN (SELECT id FROM purchase_orders WHERE source = 'reorder')`,
		`DELETE FROM purchase_orders WHERE source = 'reorder'`,
	} {
		if err := db.Exec(q).Error; err != nil {
			b.Fatal(err)
		}
	}
}
