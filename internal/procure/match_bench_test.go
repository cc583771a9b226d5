package procure_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
	"github.com/pogate/pogate/matching"
)

// benchWorkers is how many goroutines submit invoices at once on
// PostgreSQL; enough to keep two cores and the server busy while others
// wait on I/O.
const benchWorkers = 8

// BenchmarkSubmitInvoicePersisted is matching with persistence: each
// iteration submits one three-line invoice through SubmitInvoice (PO and
// line locks, tolerances, candidate duplicates, then the invoice, its
// lines, match run, payable, invoiced quantities and audit events written
// in one transaction) against its own fully received PO, from benchWorkers
// parallel workers.
// The POs are seeded in bulk before the timer. Run the figure with
//
//	POGATE_TEST_DATABASE_URL=... go test ./internal/procure -run '^$' \
//	  -bench SubmitInvoicePersisted -benchtime 100000x
//
// Besides invoices/s (wall clock, which on a shared machine says little),
// it reports CPU per invoice: the test process's own (getrusage) and, on
// PostgreSQL, the CPU of the server backends serving its connections (from
// /proc/<pid>/stat, when the server runs on this host), and invoices per
// CPU-second of both together: what two dedicated cores would sustain is
// twice that figure.
func BenchmarkSubmitInvoicePersisted(b *testing.B) {
	benchInvoices(b, 1, func(f *rcvFixture, ins []procure.InvoiceInput) error {
		res, err := f.svc.SubmitInvoice(context.Background(), f.acmeUser, ins[0])
		if err == nil && (res.Invoice.Status != store.InvoiceMatched || !res.Queued) {
			err = fmt.Errorf("invoice %s: %s %v", ins[0].Number, res.Invoice.Status, res.Decision.Messages())
		}
		return err
	})
}

// BenchmarkSubmitInvoicesBatch is the same work through SubmitInvoices, in
// batches of procure.MaxInvoiceBatch (an 810 file, an upload, a nightly
// run), so each table is written with a few multi-row statements per batch
// instead of a few statements per invoice. Same fixture and figures as
// BenchmarkSubmitInvoicePersisted; the figure is
//
//	POGATE_TEST_DATABASE_URL=... go test ./internal/procure -run '^$' \
//	  -bench SubmitInvoicesBatch -benchtime 100000x
func BenchmarkSubmitInvoicesBatch(b *testing.B) {
	benchInvoices(b, procure.MaxInvoiceBatch, func(f *rcvFixture, ins []procure.InvoiceInput) error {
		outs, err := f.svc.SubmitInvoices(context.Background(), f.acmeUser, ins)
		if err != nil {
			return err
		}
		for i, o := range outs {
			if o.Err != nil || o.Invoice.Status != store.InvoiceMatched || !o.Queued {
				return fmt.Errorf("invoice %s: %s %v %v", ins[i].Number, o.Invoice.Status, o.Decision.Messages(), o.Err)
			}
		}
		return nil
	})
}

// benchInvoices seeds b.N received POs, then has benchWorkers workers (one
// on SQLite) submit one invoice per PO, batch invoices per call, and
// reports the figures described on BenchmarkSubmitInvoicePersisted.
func benchInvoices(b *testing.B, batch int, submit func(f *rcvFixture, ins []procure.InvoiceInput) error) {
	f := newRcvFixture(b)
	ctx := context.Background()
	pos := seedReceivedPOs(b, f, b.N)
	workers := benchWorkers
	var backends []int
	if f.s.Dialect() == store.Postgres {
		// A fixed pool, so the server backends measured are the ones used.
		sqlDB, err := f.s.DB(ctx).DB()
		if err != nil {
			b.Fatal(err)
		}
		sqlDB.SetMaxOpenConns(workers)
		sqlDB.SetMaxIdleConns(workers)
		sqlDB.SetConnMaxLifetime(0)
		sqlDB.SetConnMaxIdleTime(0)
		backends = backendPIDs(b, f, workers)
	} else {
		// SQLite has one writer at a time: one worker measures the same
		// throughput without busy waits (under heavy machine load, parallel
		// writers starved past busy_timeout and the retries).
		workers = 1
	}

	stopAnalyze := analyzeLikeAutovacuum(b, f)
	defer stopAnalyze()

	var next atomic.Int64
	var failed atomic.Value
	pgBefore := procCPU(backends)
	goBefore := selfCPU()
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ins := make([]procure.InvoiceInput, 0, batch)
			for {
				lo := int(next.Add(int64(batch))) - batch
				if lo >= len(pos) {
					return
				}
				ins = ins[:0]
				for i := lo; i < min(lo+batch, len(pos)); i++ {
					ins = append(ins, pos[i].invoice(i))
				}
				if err := submit(f, ins); err != nil {
					failed.CompareAndSwap(nil, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if err, _ := failed.Load().(error); err != nil {
		b.Fatal(err)
	}
	goCPU := selfCPU() - goBefore
	pgCPU := procCPU(backends) - pgBefore
	n := float64(b.N)
	b.ReportMetric(n/elapsed.Seconds(), "invoices/s")
	b.ReportMetric(goCPU.Seconds()*1e6/n, "go-cpu-µs/invoice")
	if len(backends) > 0 {
		b.ReportMetric(pgCPU.Seconds()*1e6/n, "pg-cpu-µs/invoice")
	}
	if total := (goCPU + pgCPU).Seconds(); total > 0 {
		b.ReportMetric(n/total, "invoices/cpu-s")
	}
}

// analyzeLikeAutovacuum stands in for autovacuum on a PostgreSQL server
// that runs without it (as the test server does): every few seconds it
// analyzes the tables the run grows, through the measured pool, as
// autovacuum would once a table has grown by a tenth. Without statistics
// the planner takes the supplier's invoices for a few hundred rows and
// reads all of them for a batch's duplicate check instead of looking its
// totals and numbers up in the index. The returned func stops it.
func analyzeLikeAutovacuum(b *testing.B, f *rcvFixture) func() {
	ctx := context.Background()
	var on string
	if f.s.Dialect() != store.Postgres || f.s.DB(ctx).Raw("SHOW autovacuum").Scan(&on).Error != nil || on == "on" {
		return func() {}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(3 * time.Second)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				for _, table := range []string{"invoices", "invoice_lines", "match_runs", "payables"} {
					if err := f.s.DB(ctx).Exec("ANALYZE " + table).Error; err != nil {
						b.Error(err)
						return
					}
				}
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

// benchPO is a seeded, fully received three-line PO.
type benchPO struct {
	id    int64
	lines [3]store.POLine
}

// invoice bills the whole PO. The first line's quantity is unique per PO,
// so no two invoices share a total (which would make them near-duplicates).
func (p benchPO) invoice(i int) procure.InvoiceInput {
	in := procure.InvoiceInput{POID: p.id, Number: "BINV-" + strconv.Itoa(i), Date: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC),
		Currency: "USD", Source: "api"}
	for _, l := range p.lines {
		amt := matching.LineAmount(l.Quantity, l.UnitPriceMicros, 2)
		in.Lines = append(in.Lines, procure.InvoiceLineInput{POLineID: l.ID, Quantity: l.Quantity, UnitPriceMicros: l.UnitPriceMicros, AmountMinor: amt})
		in.TotalMinor += amt
	}
	return in
}

// seedReceivedPOs writes n received POs of three lines (SKU-1..3) for ACME
// with multi-row inserts, as if they had been sent and received in full.
func seedReceivedPOs(b testing.TB, f *rcvFixture, n int) []benchPO {
	b.Helper()
	ctx := context.Background()
	var items []store.CatalogItem
	if err := f.s.DB(ctx).Where("supplier_id = ?", f.acme.ID).Order("product_id").Find(&items).Error; err != nil || len(items) != 3 {
		b.Fatalf("catalog: %d items, %v", len(items), err)
	}
	now := f.now
	out := make([]benchPO, 0, n)
	const chunk = 2000
	for lo := 0; lo < n; lo += chunk {
		hi := min(lo+chunk, n)
		headers := make([]store.PurchaseOrder, 0, hi-lo)
		for i := lo; i < hi; i++ {
			headers = append(headers, store.PurchaseOrder{Number: "BENCH-" + strconv.Itoa(i), SupplierID: f.acme.ID, LocationID: &f.loc.ID,
				Status: store.POStatusReceived, Currency: "USD", SentAt: &now, Source: "bench", Version: 1, CreatedAt: now, UpdatedAt: now})
		}
		err := f.s.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.DB().CreateInBatches(&headers, tx.BatchSize()).Error; err != nil {
				return err
			}
			lines := make([]store.POLine, 0, 3*len(headers))
			for k, h := range headers {
				for j, it := range items {
					qty := int64(1 + j)
					if j == 0 {
						qty = int64(lo + k + 1)
					}
					itemID := it.ID
					lines = append(lines, store.POLine{POID: h.ID, SupplierID: f.acme.ID, LineNo: j + 1, ProductID: it.ProductID, CatalogItemID: &itemID,
						SupplierPart: it.SupplierPart, Quantity: qty, Unit: "EA", UnitsPerPurchaseUnit: 1, UnitPriceMicros: it.UnitPriceMicros,
						AmountMinor: matching.LineAmount(qty, it.UnitPriceMicros, 2), PromisedAt: &now, ExpectedAt: &now, ReceivedQty: qty,
						CreatedAt: now, UpdatedAt: now})
				}
			}
			if err := tx.DB().CreateInBatches(&lines, tx.BatchSize()).Error; err != nil {
				return err
			}
			for k, h := range headers {
				out = append(out, benchPO{id: h.ID, lines: [3]store.POLine{lines[3*k], lines[3*k+1], lines[3*k+2]}})
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	// Statistics as a running system has them from autovacuum: without
	// them PostgreSQL guesses the bulk-loaded PO lines small and scans the
	// table instead of its index when a batch looks up hundreds of POs.
	for _, table := range []string{"purchase_orders", "po_lines"} {
		if err := f.s.DB(ctx).Exec("ANALYZE " + table).Error; err != nil {
			b.Fatal(err)
		}
	}
	return out
}

// backendPIDs opens n connections at once and returns the server process
// ids behind them (PostgreSQL only); the pool keeps them for the run.
func backendPIDs(b *testing.B, f *rcvFixture, n int) []int {
	ctx := context.Background()
	sqlDB, err := f.s.DB(ctx).DB()
	if err != nil {
		b.Fatal(err)
	}
	var pids []int
	for i := 0; i < n; i++ {
		conn, err := sqlDB.Conn(ctx)
		if err != nil {
			b.Fatal(err)
		}
		defer conn.Close()
		var pid int
		if err := conn.QueryRowContext(ctx, "SELECT pg_backend_pid()").Scan(&pid); err != nil {
			b.Fatal(err)
		}
		pids = append(pids, pid)
	}
	if _, err := os.Stat(fmt.Sprintf("/proc/%d/stat", pids[0])); err != nil {
		b.Logf("PostgreSQL backends are not visible in /proc (server on another host?): no server CPU figure")
		return nil
	}
	return pids
}

// procCPU sums user+system CPU of pids from /proc/<pid>/stat.
func procCPU(pids []int) time.Duration {
	var ticks int64
	for _, pid := range pids {
		raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			continue
		}
		s := string(raw)
		fields := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
		// fields[11], fields[12] are utime and stime (fields 14 and 15 of stat).
		u, _ := strconv.ParseInt(fields[11], 10, 64)
		st, _ := strconv.ParseInt(fields[12], 10, 64)
		ticks += u + st
	}
	const clkTck = 100 // USER_HZ on Linux
	return time.Duration(ticks) * time.Second / clkTck
}

// selfCPU is this process's user+system CPU time.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
