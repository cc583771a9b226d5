package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
)

// The scorecard job recomputes the month it names, and without a month the
// current and previous ones: a PO sent this month shows up as one sent PO.
func TestScorecardJobRecomputesMonths(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	now := time.Now().UTC()
	err := e.st.InTx(ctx, func(tx *store.Tx) error {
		po := store.PurchaseOrder{SupplierID: e.supplier.ID, Status: store.POStatusSent, Currency: "USD", SentAt: &now,
			Lines: []store.POLine{{ProductID: e.product.ID, Quantity: 5, UnitPriceMicros: 2_500_000, AmountMinor: 1250}}}
		return tx.InsertPO(&po)
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, job := range []procure.ScorecardsJob{{}, {Month: now.Format("2006-01")}} {
		if err := e.st.InTx(ctx, func(tx *store.Tx) error { return e.queue.EnqueueTx(ctx, tx, job) }); err != nil {
			t.Fatal(err)
		}
		if n, err := e.queue.Drain(ctx); err != nil || n != 1 {
			t.Fatalf("%+v: drained %d: %v", job, n, err)
		}
		cards, err := e.st.Scorecards(ctx, store.ScorecardFilter{SupplierID: e.supplier.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(cards) != 1 || cards[0].Month != now.Format("2006-01") || cards[0].POsSent != 1 {
			t.Fatalf("%+v: cards %+v", job, cards)
		}
		if err := e.st.InTx(ctx, func(tx *store.Tx) error { return tx.ReplaceScorecards(now.Format("2006-01"), nil) }); err != nil {
			t.Fatal(err)
		}
	}
}
