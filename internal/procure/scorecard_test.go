package procure_test

import (
	"context"
	"testing"
	"time"

	"github.com/pogate/pogate/internal/fault"
	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
	"github.com/pogate/pogate/matching"
)

// scorecardOf recomputes month and returns the supplier's card as the
// actor sees it; ok is false when the supplier has no row that month.
func (f *rcvFixture) scorecardOf(t *testing.T, actor store.Actor, supplierID int64, month string) (procure.ScorecardView, bool) {
	t.Helper()
	ctx := context.Background()
	if _, err := f.svc.RecomputeScorecards(ctx, buyer, month); err != nil {
		t.Fatal(err)
	}
	cards, err := f.svc.Scorecards(ctx, actor, procure.ScorecardFilter{SupplierID: supplierID, From: month, To: month})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cards {
		if c.SupplierID == supplierID {
			return c, true
		}
	}
	return procure.ScorecardView{}, false
}

func wantRate(t *testing.T, what string, got *string, want string) {
	t.Helper()
	switch {
	case want == "" && got != nil:
		t.Errorf("%s = %s, want none", what, *got)
	case want != "" && got == nil:
		t.Errorf("%s = none, want %s", what, want)
	case want != "" && *got != want:
		t.Errorf("%s = %s, want %s", what, *got, want)
	}
}

// The walk, ending in the scorecard: PO 500 → ASN 500 → receipt
// 480 closed short → backorder PO 20 → invoice for 500 flagged → invoice
// for 480 matched and queued once → the month shows a 96% quantity fill
// rate and an on-time delivery against the promised date.
func TestScorecardAfterShortReceiptEndToEnd(t *testing.T) {
	f := newRcvFixture(t)
	ctx := context.Background()
	po := f.sentPO(t, f.acme, "", rcvLine{"SKU-1", 500})
	line := po.Lines[0]
	if line.PromisedAt == nil {
		t.Fatal("the PO line has no promised date")
	}
	sentAt := f.now

	f.now = sentAt.Add(48 * time.Hour)
	if _, err := f.svc.SubmitASN(ctx, f.acmeUser, procure.ASNInput{POID: po.ID, ShipmentID: "SHIP-SC",
		Lines: []procure.ASNLineInput{{LineRef: procure.LineRef{POLineID: line.ID}, Quantity: 500}}}); err != nil {
		t.Fatal(err)
	}
	f.now = sentAt.Add(5 * 24 * time.Hour)
	rr, err := f.svc.Receive(ctx, f.warehouse, procure.ReceiptInput{POID: po.ID, Close: true, CloseReason: "short shipment",
		Lines: []procure.ReceiptLineInput{{LineRef: procure.LineRef{POLineID: line.ID}, Received: 480}}})
	if err != nil {
		t.Fatal(err)
	}
	if rr.Close == nil || rr.Close.Backorder == nil || rr.Close.Backorder.Lines[0].Quantity != 20 {
		t.Fatalf("backorder: %+v", rr.Close)
	}
	f.now = sentAt.Add(6 * 24 * time.Hour)
	over, err := f.svc.SubmitInvoice(ctx, f.acmeUser, invoiceFor(po, "INV-SC-500", 500))
	if err != nil {
		t.Fatal(err)
	}
	if over.Invoice.Status != store.InvoiceException || !over.Decision.Has(matching.CodeQtyOverReceipt) {
		t.Fatalf("invoice for 500: %s %v", over.Invoice.Status, over.Decision.Messages())
	}
	ok, err := f.svc.SubmitInvoice(ctx, f.acmeUser, invoiceFor(po, "INV-SC-480", 480))
	if err != nil {
		t.Fatal(err)
	}
	if ok.Invoice.Status != store.InvoiceMatched || !ok.Queued {
		t.Fatalf("invoice for 480: %s %v", ok.Invoice.Status, ok.Decision.Messages())
	}
	if again, err := f.svc.RunMatch(ctx, apClerk, ok.Invoice.ID); err != nil || again.Queued {
		t.Fatalf("re-run queued again: %v %v", again.Queued, err)
	}
	if ps := payablesOf(t, f.s); len(ps) != 1 || ps[0].InvoiceID != ok.Invoice.ID {
		t.Fatalf("payables: %+v", ps)
	}

	month := sentAt.Format("2006-01")
	card, found := f.scorecardOf(t, f.acmeUser, f.acme.ID, month)
	if !found {
		t.Fatalf("no scorecard for ACME in %s", month)
	}
	if card.LinesSettled != 1 || card.QtyOrdered != 500 || card.QtyReceived != 480 {
		t.Fatalf("settled %d, ordered %d, received %d; want the one original line, 500, 480", card.LinesSettled, card.QtyOrdered, card.QtyReceived)
	}
	wantRate(t, "quantity fill rate", card.FillRateQuantity, "96.00")
	wantRate(t, "line fill rate", card.FillRateLines, "0.00")
	wantRate(t, "in full", card.InFullRate, "0.00")
	// Received on day 5, promised on day 14 (the catalog lead time): on time,
	// but not in full, so not OTIF.
	wantRate(t, "on time", card.OnTimeRate, "100.00")
	wantRate(t, "OTIF", card.OTIFRate, "0.00")
	wantRate(t, "ASN line accuracy", card.ASNLineAccuracy, "0.00")
	wantRate(t, "ASN quantity accuracy", card.ASNQtyAccuracy, "96.00")
	wantRate(t, "invoice exceptions", card.InvoiceExceptionRate, "50.00")
	wantRate(t, "price variance", card.PriceVarianceRate, "0.00")
	wantRate(t, "lead time mean", card.LeadTimeMeanDays, "5.00")
	wantRate(t, "lead time spread", card.LeadTimeStddevDays, "0.00")
	wantRate(t, "lead time bias", card.LeadTimeBiasDays, "-9.00")
	if card.POsSent != 1 || card.Invoices != 2 {
		t.Errorf("POs sent %d, invoices %d; want 1 and 2 (the backorder PO is not sent yet)", card.POsSent, card.Invoices)
	}

	// A receipt after the end of the promised day is late; the backorder PO
	// is scored on its own line. Nothing else happened, so the other
	// supplier and the next month have no row.
	if _, found := f.scorecardOf(t, buyer, f.globex.ID, month); found {
		t.Error("GLOBEX has a scorecard for a month without activity")
	}
	next := sentAt.AddDate(0, 1, 0).Format("2006-01")
	if _, found := f.scorecardOf(t, buyer, f.acme.ID, next); found {
		t.Errorf("ACME has a scorecard for the empty month %s", next)
	}
	// The other supplier sees nothing of ACME's card, even when asking for it.
	globexUser := store.Actor{Kind: store.ActorUser, Role: store.RoleSupplier, SupplierID: f.globex.ID}
	if cards, err := f.svc.Scorecards(ctx, globexUser, procure.ScorecardFilter{SupplierID: f.acme.ID}); err != nil || len(cards) != 0 {
		t.Fatalf("GLOBEX sees %d ACME cards (%v)", len(cards), err)
	}
	if _, err := f.svc.RecomputeScorecards(ctx, f.acmeUser, month); fault.CodeOf(err) != fault.Forbidden {
		t.Fatalf("supplier recomputed scorecards: %v", err)
	}
}

// On time is judged against the original promised date, at the end of that
// day in the brand's time zone; acknowledgement time and SLA come from the
// PO's sent, due and acknowledged times; price variance is amount-weighted.
func TestScorecardOnTimeAckAndPriceVariance(t *testing.T) {
	f := newRcvFixture(t)
	ctx := context.Background()
	brand, err := f.s.Brand(ctx)
	if err != nil {
		t.Fatal(err)
	}
	brand.TimeZone = "America/New_York"
	if err := f.s.SaveBrand(ctx, buyer, brand); err != nil {
		t.Fatal(err)
	}
	ny, _ := time.LoadLocation("America/New_York")
	sentAt := f.now // 2026-03-02 09:00 UTC
	promised := time.Date(2026, 3, 10, 12, 0, 0, 0, ny)

	// Three POs of one line each, all promised for 10 March (New York).
	// onTime arrives at 23:30 New York time on the 10th (04:30 UTC on the
	// 11th); late arrives the next morning; moved had its date changed to
	// the 20th and accepted, but is still judged by the original 10th.
	type plan struct {
		name     string
		arrive   time.Time
		ackAfter time.Duration
		wantLate bool
	}
	plans := []plan{
		{"on time", time.Date(2026, 3, 10, 23, 30, 0, 0, ny), 2 * time.Hour, false},
		{"late", time.Date(2026, 3, 11, 8, 0, 0, 0, ny), 30 * time.Hour, true},
		{"moved", time.Date(2026, 3, 15, 8, 0, 0, 0, ny), 4 * time.Hour, true},
	}
	for _, p := range plans {
		f.now = sentAt
		po := f.sentPO(t, f.acme, "", rcvLine{"SKU-1", 10})
		due := sentAt.Add(24 * time.Hour)
		if err := f.s.DB(ctx).Model(&store.PurchaseOrder{}).Where("id = ?", po.ID).Update("ack_due_at", due).Error; err != nil {
			t.Fatal(err)
		}
		if err := f.s.DB(ctx).Model(&store.POLine{}).Where("id = ?", po.Lines[0].ID).
			Updates(map[string]any{"promised_at": promised.UTC(), "expected_at": promised.UTC()}).Error; err != nil {
			t.Fatal(err)
		}
		f.now = sentAt.Add(p.ackAfter)
		ack := procure.Ack{POID: po.ID}
		if p.name == "moved" {
			newDate := time.Date(2026, 3, 20, 0, 0, 0, 0, time.UTC)
			ack.Lines = []procure.AckLine{{LineNo: 1, Outcome: store.AckDateChanged, Date: &newDate}}
		}
		res, err := f.svc.Acknowledge(ctx, f.acmeUser, ack)
		if err != nil {
			t.Fatalf("%s: acknowledge: %v", p.name, err)
		}
		for _, c := range res.Changes {
			if _, _, err := f.svc.ResolveChange(ctx, buyer, po.ID, c.ID, procure.ChangeResolution{Accept: true}); err != nil {
				t.Fatalf("%s: accept change: %v", p.name, err)
			}
		}
		f.now = p.arrive.UTC()
		if _, err := f.svc.Receive(ctx, f.warehouse, procure.ReceiptInput{POID: po.ID,
			Lines: []procure.ReceiptLineInput{{LineRef: procure.LineRef{POLineID: po.Lines[0].ID}, Received: 10}}}); err != nil {
			t.Fatalf("%s: receive: %v", p.name, err)
		}
		// Invoiced 1% over the PO price on the first PO only.
		in := invoiceFor(po, "INV-"+p.name, 10)
		if p.name == "on time" {
			in.Lines[0].UnitPriceMicros = po.Lines[0].UnitPriceMicros * 101 / 100
			in.Lines[0].AmountMinor = matching.LineAmount(10, in.Lines[0].UnitPriceMicros, 2)
			in.TotalMinor = in.Lines[0].AmountMinor
		}
		if _, err := f.svc.SubmitInvoice(ctx, f.acmeUser, in); err != nil {
			t.Fatalf("%s: invoice: %v", p.name, err)
		}
	}
	card, found := f.scorecardOf(t, buyer, f.acme.ID, "2026-03")
	if !found {
		t.Fatal("no March scorecard")
	}
	if card.LinesSettled != 3 {
		t.Fatalf("settled %d lines, want 3", card.LinesSettled)
	}
	wantRate(t, "on time", card.OnTimeRate, "33.33")
	wantRate(t, "in full", card.InFullRate, "100.00")
	wantRate(t, "OTIF", card.OTIFRate, "33.33")
	wantRate(t, "quantity fill rate", card.FillRateQuantity, "100.00")
	// Acks after 2 h, 4 h and 30 h against a 24 h SLA: median 4 h, 2 of 3 hit.
	wantRate(t, "median ack hours", card.AckMedianHours, "4.00")
	wantRate(t, "ack SLA", card.AckSLAHitRate, "66.67")
	// 2.50 → 2.525 on 10 units is 0.25 over a base of 75.00: 0.33%.
	wantRate(t, "price variance", card.PriceVarianceRate, "0.33")
	if card.PriceVarianceMinor != 25 {
		t.Errorf("price variance %d minor, want 25", card.PriceVarianceMinor)
	}
	// No ASNs: nothing to measure, not 0%.
	wantRate(t, "ASN accuracy", card.ASNLineAccuracy, "")
}
