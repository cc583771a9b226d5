package procure_test

import (
	"context"
	"sync"
	"testing"

	"github.com/pogate/pogate/internal/fault"
	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
	"github.com/pogate/pogate/matching"
)

var apClerk = store.Actor{Kind: store.ActorUser, Label: "ap@test", Role: store.RoleAP, Channel: "test"}

func invoiceFor(po store.PurchaseOrder, number string, qty int64) procure.InvoiceInput {
	l := po.Lines[0]
	amt := matching.LineAmount(qty, l.UnitPriceMicros, 2)
	return procure.InvoiceInput{PONumber: po.Number, Number: number, Date: po.CreatedAt, Currency: po.Currency, Source: "api",
		Lines:      []procure.InvoiceLineInput{{POLineID: l.ID, Quantity: qty, UnitPriceMicros: l.UnitPriceMicros, AmountMinor: amt}},
		TotalMinor: amt}
}

func payablesOf(t *testing.T, s *store.Store) []store.Payable {
	t.Helper()
	ps, _, err := s.Payables(context.Background(), store.PayableFilter{}, store.Page{Size: 200})
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

// The walk: PO 500 → ASN 500 → receipt 480 closed short → backorder
// PO for 20 → an invoice for 500 is an exception (500 invoiced, 480
// received) → an invoice for 480 is matched and queued once.
func TestInvoiceAgainstShortReceiptEndToEnd(t *testing.T) {
	f := newRcvFixture(t)
	ctx := context.Background()
	po := f.sentPO(t, f.acme, "", rcvLine{"SKU-1", 500})
	if _, err := f.svc.SubmitASN(ctx, f.acmeUser, procure.ASNInput{POID: po.ID, ShipmentID: "SHIP-1",
		Lines: []procure.ASNLineInput{{LineRef: procure.LineRef{POLineID: po.Lines[0].ID}, Quantity: 500}}}); err != nil {
		t.Fatal(err)
	}
	rr, err := f.svc.Receive(ctx, f.warehouse, procure.ReceiptInput{POID: po.ID, Close: true, CloseReason: "short shipment",
		Lines: []procure.ReceiptLineInput{{LineRef: procure.LineRef{POLineID: po.Lines[0].ID}, Received: 480}}})
	if err != nil {
		t.Fatal(err)
	}
	if rr.Close == nil || rr.Close.Backorder == nil || rr.Close.Backorder.Lines[0].Quantity != 20 {
		t.Fatalf("backorder: %+v", rr.Close)
	}
	over, err := f.svc.SubmitInvoice(ctx, f.acmeUser, invoiceFor(po, "INV-500", 500))
	if err != nil {
		t.Fatal(err)
	}
	if over.Invoice.Status != store.InvoiceException || !over.Decision.Has(matching.CodeQtyOverReceipt) {
		t.Fatalf("invoice for 500: %s %v", over.Invoice.Status, over.Decision.Messages())
	}
	ok, err := f.svc.SubmitInvoice(ctx, f.acmeUser, invoiceFor(po, "INV-480", 480))
	if err != nil {
		t.Fatal(err)
	}
	if ok.Invoice.Status != store.InvoiceMatched || !ok.Queued {
		t.Fatalf("invoice for 480: %s %v", ok.Invoice.Status, ok.Decision.Messages())
	}
	again, err := f.svc.RunMatch(ctx, apClerk, ok.Invoice.ID)
	if err != nil || again.Queued {
		t.Fatalf("re-run queued again: %+v %v", again.Queued, err)
	}
	ps := payablesOf(t, f.s)
	if len(ps) != 1 || ps[0].InvoiceID != ok.Invoice.ID || ps[0].AmountMinor != 120000 {
		t.Fatalf("payables: %+v", ps)
	}
	got := f.po(t, po.ID)
	if got.Lines[0].InvoicedQty != 480 {
		t.Fatalf("invoiced qty %d", got.Lines[0].InvoicedQty)
	}
	// AP rejects the over-invoice back to the supplier, with a reason.
	if _, err := f.svc.ResolveException(ctx, apClerk, over.Invoice.ID, procure.ResolveReject, ""); fault.CodeOf(err) != fault.Invalid {
		t.Fatalf("reject without reason: %v", err)
	}
	rej, err := f.svc.ResolveException(ctx, apClerk, over.Invoice.ID, procure.ResolveReject, "480 received; invoice 480")
	if err != nil || rej.Status != store.InvoiceRejected {
		t.Fatalf("reject: %+v %v", rej.Status, err)
	}
	if _, err := f.svc.ResolveException(ctx, f.acmeUser, ok.Invoice.ID, procure.ResolveAccept, "x"); fault.CodeOf(err) != fault.Forbidden {
		t.Fatalf("supplier resolved: %v", err)
	}
	// The other supplier cannot see either invoice.
	globexUser := store.Actor{Kind: store.ActorUser, Role: store.RoleSupplier, SupplierID: f.globex.ID}
	if _, err := f.svc.GetInvoice(ctx, globexUser, ok.Invoice.ID); fault.CodeOf(err) != fault.NotFound {
		t.Fatalf("other supplier sees invoice: %v", err)
	}
	if _, err := f.svc.SubmitInvoice(ctx, globexUser, invoiceFor(po, "STEAL-1", 1)); fault.CodeOf(err) != fault.Invalid {
		t.Fatalf("invoice on another supplier's PO: %v", err)
	}
}

// An invoice that arrives before the goods waits, and the receipt releases it.
func TestInvoiceBeforeReceiptIsReleasedByTheReceipt(t *testing.T) {
	f := newRcvFixture(t)
	ctx := context.Background()
	po := f.sentPO(t, f.acme, "", rcvLine{"SKU-1", 100})
	early, err := f.svc.SubmitInvoice(ctx, f.acmeUser, invoiceFor(po, "INV-EARLY", 100))
	if err != nil || early.Invoice.Status != store.InvoiceAwaitingReceipt {
		t.Fatalf("early: %v %v", early.Invoice.Status, err)
	}
	if len(payablesOf(t, f.s)) != 0 {
		t.Fatal("queued before receipt")
	}
	if _, err := f.svc.Receive(ctx, f.warehouse, procure.ReceiptInput{POID: po.ID,
		Lines: []procure.ReceiptLineInput{{LineRef: procure.LineRef{POLineID: po.Lines[0].ID}, Received: 100}}}); err != nil {
		t.Fatal(err)
	}
	inv, _ := f.s.Invoice(ctx, early.Invoice.ID, 0)
	if inv.Status != store.InvoiceMatched || len(payablesOf(t, f.s)) != 1 {
		t.Fatalf("after receipt: %s, %d payables", inv.Status, len(payablesOf(t, f.s)))
	}
}

// Ten parallel match runs over two invoices competing for the same goods
// queue one of them, once.
func TestParallelMatchRunsQueueOnce(t *testing.T) {
	f := newRcvFixture(t)
	ctx := context.Background()
	po := f.sentPO(t, f.acme, "", rcvLine{"SKU-1", 10})
	inv, err := f.svc.SubmitInvoice(ctx, f.acmeUser, invoiceFor(po, "INV-P", 10))
	if err != nil || inv.Invoice.Status != store.InvoiceAwaitingReceipt {
		t.Fatalf("%v %v", inv.Invoice.Status, err)
	}
	// A second invoice for part of the same goods (another total, so not a
	// near-duplicate): only one of the two can have them.
	inv2, err := f.svc.SubmitInvoice(ctx, f.acmeUser, invoiceFor(po, "INV-Q", 5))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Receive(ctx, f.warehouse, procure.ReceiptInput{POID: po.ID,
		Lines: []procure.ReceiptLineInput{{LineRef: procure.LineRef{POLineID: po.Lines[0].ID}, Received: 10}}}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 10)
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			id := inv.Invoice.ID
			if i%2 == 1 {
				id = inv2.Invoice.ID
			}
			_, errs[i] = f.svc.RunMatch(ctx, apClerk, id)
		}(i)
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	ps := payablesOf(t, f.s)
	if len(ps) != 1 || ps[0].InvoiceID != inv.Invoice.ID {
		t.Fatalf("payables after parallel runs: %+v", ps)
	}
	second, _ := f.s.Invoice(ctx, inv2.Invoice.ID, 0)
	if second.Status != store.InvoiceException {
		t.Fatalf("second invoice for the same goods: %s (%s)", second.Status, second.MatchReasons)
	}
	if got := f.po(t, po.ID); got.Lines[0].InvoicedQty != 10 {
		t.Fatalf("invoiced %d", got.Lines[0].InvoicedQty)
	}
}

func TestFlipPOAndExportPayables(t *testing.T) {
	f := newRcvFixture(t)
	ctx := context.Background()
	po := f.sentPO(t, f.acme, "", rcvLine{"SKU-1", 40}, rcvLine{"SKU-3", 7})
	if _, err := f.svc.Receive(ctx, f.warehouse, procure.ReceiptInput{POID: po.ID, Lines: []procure.ReceiptLineInput{
		{LineRef: procure.LineRef{POLineID: po.Lines[0].ID}, Received: 40}, {LineRef: procure.LineRef{POLineID: po.Lines[1].ID}, Received: 7}}}); err != nil {
		t.Fatal(err)
	}
	draft, err := f.svc.FlipPO(ctx, f.acmeUser, po.ID)
	if err != nil || len(draft.Lines) != 2 || draft.TotalMinor != 10770 {
		t.Fatalf("flip: %+v %v", draft, err)
	}
	draft.Number = "=HYPERLINK(\"http://evil\")"
	res, err := f.svc.SubmitInvoice(ctx, f.acmeUser, draft)
	if err != nil || res.Invoice.Status != store.InvoiceMatched {
		t.Fatalf("flipped invoice: %v %v %v", res.Invoice.Status, res.Decision.Messages(), err)
	}
	var buf bytesBuffer
	n, err := f.svc.ExportPayables(ctx, apClerk, "csv", &buf)
	if err != nil || n != 1 {
		t.Fatalf("export: %d %v", n, err)
	}
	if !containsStr(buf.String(), "'=HYPERLINK") || !containsStr(buf.String(), "107.70") {
		t.Fatalf("export not neutralised or wrong amount:\n%s", buf.String())
	}
	buf.Reset()
	if n, _ := f.svc.ExportPayables(ctx, apClerk, "csv", &buf); n != 0 {
		t.Fatalf("exported twice: %d", n)
	}
	if _, err := f.svc.FlipPO(ctx, f.acmeUser, po.ID); fault.CodeOf(err) != fault.Conflict {
		t.Fatalf("flip fully invoiced PO: %v", err)
	}
}
