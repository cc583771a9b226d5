package demo_test

import (
	"context"
	"testing"

	"github.com/pogate/pogate/internal/demo"
	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
	"github.com/pogate/pogate/internal/store/storetest"
)

// The receiving demo runs through the real commands on top of Seed and
// leaves one PO received short (with its ASN difference) and one in transit.
func TestReceivingDemo(t *testing.T) {
	ctx := context.Background()
	s := storetest.Open(t)
	svc := procure.New(s, nil)
	if _, _, err := demo.Seed(ctx, s, svc); err != nil {
		t.Fatal(err)
	}
	numbers, err := demo.Receiving(ctx, s, svc)
	if err != nil {
		t.Fatal(err)
	}
	if len(numbers) != 2 {
		t.Fatalf("POs = %v", numbers)
	}
	short, err := s.POByNumber(ctx, numbers[0], 0)
	if err != nil {
		t.Fatal(err)
	}
	if short.Status != store.POStatusPartiallyReceived || short.Lines[0].ReceivedQty != 486 || short.Lines[1].ReceivedQty != 120 {
		t.Fatalf("short PO %s: %+v", short.Status, short.Lines)
	}
	rs, _, err := s.Receipts(ctx, store.ReceiptFilter{POID: short.ID}, store.Page{})
	if err != nil || len(rs) != 1 || rs[0].Lines[0].ASNDifference() != -10 {
		t.Fatalf("receipts = %+v %v", rs, err)
	}
	transit, err := s.InTransitByProduct(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	var total int64
	for _, q := range transit {
		total += q
	}
	if total == 0 {
		t.Fatal("nothing in transit after the demo")
	}
}
