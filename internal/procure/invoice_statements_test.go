package procure_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/pogate/pogate/internal/store"
	"gorm.io/gorm"
)

// countStatements counts the SQL statements gorm sends on s from now on
// (BEGIN and COMMIT are not gorm statements and are not counted).
func countStatements(t testing.TB, s *store.Store) *atomic.Int64 {
	t.Helper()
	var n atomic.Int64
	count := func(*gorm.DB) { n.Add(1) }
	cb := s.DB(context.Background()).Callback()
	for name, err := range map[string]error{
		"create": cb.Create().Register("test:count", count),
		"query":  cb.Query().Register("test:count", count),
		"update": cb.Update().Register("test:count", count),
		"delete": cb.Delete().Register("test:count", count),
		"row":    cb.Row().Register("test:count", count),
		"raw":    cb.Raw().Register("test:count", count),
	} {
		if err != nil {
			t.Fatalf("register %s counter: %v", name, err)
		}
	}
	return &n
}

// One matched three-line invoice costs a fixed, small number of statements:
// the matching hot path must not grow a round trip unnoticed.
func TestSubmitInvoiceStatementCount(t *testing.T) {
	f := newRcvFixture(t)
	ctx := context.Background()
	pos := seedReceivedPOs(t, f, 3)
	n := countStatements(t, f.s)
	for i, po := range pos {
		before := n.Load()
		res, err := f.svc.SubmitInvoice(ctx, f.acmeUser, po.invoice(i))
		if err != nil || res.Invoice.Status != store.InvoiceMatched || !res.Queued {
			t.Fatalf("invoice %d: %s %v %v", i, res.Invoice.Status, res.Decision.Messages(), err)
		}
		got := n.Load() - before
		t.Logf("statements for one matched three-line invoice: %d (+ BEGIN, COMMIT)", got)
		// lock PO, lock lines, tolerances, candidates; insert invoice,
		// lines, match run, payable; invoiced quantities; audit events
		if got > 10 {
			t.Fatalf("%d statements, want at most 10", got)
		}
	}
}
