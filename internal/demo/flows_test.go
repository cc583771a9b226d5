package demo_test

import (
	"context"
	"testing"

	"github.com/pogate/pogate/internal/demo"
	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
	"github.com/pogate/pogate/internal/store/storetest"
)

// The demo a newcomer starts with has every stage of the loop in it.
func TestSeedAndFlowsFillEveryStage(t *testing.T) {
	ctx := context.Background()
	s := storetest.Open(t)
	svc := procure.New(s, nil)
	seeded, logins, err := demo.Seed(ctx, s, svc)
	if err != nil || !seeded || len(logins) < 9 {
		t.Fatalf("seed: %v %v %d", seeded, err, len(logins))
	}
	if err := demo.Flows(ctx, s, svc); err != nil {
		t.Fatal(err)
	}
	invs, total, err := s.Invoices(ctx, store.InvoiceFilter{}, store.Page{})
	if err != nil || total != 2 {
		t.Fatalf("invoices: %d %v", total, err)
	}
	statuses := map[string]bool{}
	for _, inv := range invs {
		statuses[inv.Status] = true
	}
	if !statuses[store.InvoiceException] || !statuses[store.InvoiceMatched] {
		t.Fatalf("want one exception and one matched invoice, got %v", statuses)
	}
	if ps, n, _ := s.Payables(ctx, store.PayableFilter{}, store.Page{}); n != 1 || len(ps) != 1 {
		t.Fatalf("payables: %d", n)
	}
	_, products, _ := s.Products(ctx, "", store.Page{})
	if products != 40 {
		t.Fatalf("products: %d", products)
	}
	again, _, err := demo.Seed(ctx, s, svc)
	if err != nil || again {
		t.Fatalf("second seed ran: %v %v", again, err)
	}
}
