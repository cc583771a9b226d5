package procure_test

import (
	"context"
	"testing"

	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/matching"
)

// The duplicate check reads only candidate invoices (same normalised number
// or same total) yet flags what the engine flags over the whole history:
// number variants, and a different number with the same total and date.
func TestDuplicateCandidatesFlagVariantsAndNearDuplicates(t *testing.T) {
	f := newRcvFixture(t)
	ctx := context.Background()
	po := f.sentPO(t, f.acme, "", rcvLine{"SKU-1", 100})
	if _, err := f.svc.Receive(ctx, f.warehouse, procure.ReceiptInput{POID: po.ID,
		Lines: []procure.ReceiptLineInput{{LineRef: procure.LineRef{POLineID: po.Lines[0].ID}, Received: 100}}}); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		number string
		qty    int64
		want   matching.Code // "" = no duplicate reason
	}{
		{"INV-001", 10, ""},
		{"inv001 ", 5, matching.CodeDuplicateInvoice},
		{"INV 0001", 6, matching.CodeDuplicateInvoice},
		{"INV-777", 10, matching.CodeNearDuplicate},
		{"INV-888", 7, ""},
	}
	for _, c := range cases {
		res, err := f.svc.SubmitInvoice(ctx, f.acmeUser, invoiceFor(po, c.number, c.qty))
		if err != nil {
			t.Fatalf("%q: %v", c.number, err)
		}
		dup, near := res.Decision.Has(matching.CodeDuplicateInvoice), res.Decision.Has(matching.CodeNearDuplicate)
		switch {
		case c.want == "" && (dup || near):
			t.Errorf("%q flagged: %v", c.number, res.Decision.Messages())
		case c.want != "" && !res.Decision.Has(c.want):
			t.Errorf("%q not flagged %s: %v", c.number, c.want, res.Decision.Messages())
		}
	}
}
