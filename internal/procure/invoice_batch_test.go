package procure_test

import (
	"context"
	"fmt"
	"reflect"
	"strconv"
	"sync"
	"testing"

	"github.com/pogate/pogate/internal/fault"
	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
	"github.com/pogate/pogate/matching"
)

// batchWorld is a fixture with POs in every state an invoice batch meets,
// and the batch to send to it.
type batchWorld struct {
	*rcvFixture
	received, waiting store.PurchaseOrder // fully received SKU-1 100 + SKU-3 50; sent, nothing received
	inputs            []procure.InvoiceInput
}

// newBatchWorld builds the same world, with the same ids, on a fresh store
// each time, so two of them can be compared row by row.
func newBatchWorld(t *testing.T) *batchWorld {
	t.Helper()
	ctx := context.Background()
	w := &batchWorld{rcvFixture: newRcvFixture(t)}
	w.received = w.sentPO(t, w.acme, "", rcvLine{"SKU-1", 100}, rcvLine{"SKU-3", 50})
	if _, err := w.svc.Receive(ctx, w.warehouse, procure.ReceiptInput{POID: w.received.ID, Lines: []procure.ReceiptLineInput{
		{LineRef: procure.LineRef{POLineID: w.received.Lines[0].ID}, Received: 100},
		{LineRef: procure.LineRef{POLineID: w.received.Lines[1].ID}, Received: 50}}}); err != nil {
		t.Fatal(err)
	}
	w.waiting = w.sentPO(t, w.acme, "", rcvLine{"SKU-1", 10})
	old := invoiceFor(w.received, "INV-OLD", 5)
	old.Date = w.now
	if res, err := w.svc.SubmitInvoice(ctx, w.acmeUser, old); err != nil || res.Invoice.Status != store.InvoiceMatched {
		t.Fatalf("earlier invoice: %v %v", res.Invoice.Status, err)
	}
	r, wt := w.received, w.waiting
	line2 := func(number string, qty, priceMicros int64) procure.InvoiceInput {
		l := r.Lines[1]
		amt := matching.LineAmount(qty, priceMicros, 2)
		return procure.InvoiceInput{POID: r.ID, Number: number, Date: r.CreatedAt, Currency: "USD",
			Lines:      []procure.InvoiceLineInput{{POLineID: l.ID, Quantity: qty, UnitPriceMicros: priceMicros, AmountMinor: amt}},
			TotalMinor: amt}
	}
	credit := invoiceFor(r, "CN-1", 10)
	credit.CreditNote = true
	byLineOnly := line2("INV-700", 10, r.Lines[1].UnitPriceMicros)
	byLineOnly.POID = 0
	noPO := invoiceFor(r, "INV-600", 1)
	noPO.PONumber, noPO.Lines[0].POLineID, noPO.Lines[0].SKU = "", 0, "SKU-1"
	unknownPO := invoiceFor(r, "INV-400", 1)
	unknownPO.PONumber = "PO-NOPE"
	noLines := invoiceFor(r, "INV-500", 1)
	noLines.Lines = nil
	w.inputs = []procure.InvoiceInput{
		invoiceFor(r, "INV-100", 40),                    // matched: 5 + 40 of 100
		invoiceFor(r, "INV-101", 50),                    // matched: 95 of 100, the same line as INV-100
		invoiceFor(r, "INV-102", 20),                    // exception: 5 left on the line
		line2("inv 100", 3, r.Lines[1].UnitPriceMicros), // exception: duplicate of INV-100, in the batch
		invoiceFor(r, "INV-200", 40),                    // exception: same total and date as INV-100, and over receipt
		invoiceFor(r, "inv-old", 1),                     // exception: duplicate of the stored INV-OLD
		invoiceFor(wt, "INV-300", 10),                   // awaiting receipt
		unknownPO,                                       // refused: no such PO
		noLines,                                         // refused: no lines
		noPO,                                            // exception: no purchase order
		byLineOnly,                                      // matched: PO found through its line
		line2("INV-800", 1, 99_000_000),                 // exception: price over the PO's
		credit,                                          // credit note: gives 10 back on line 1
		invoiceFor(r, "INV-900", 8),                     // matched thanks to the credit note
	}
	for i := range w.inputs {
		w.inputs[i].Date = w.now // not the PO's creation time, which differs between worlds
	}
	return w
}

// invoiceRows is everything an invoice submission leaves in the database,
// for comparing two stores.
type invoiceRows struct {
	Invoices []store.Invoice
	Runs     []store.MatchRun
	Payables []store.Payable
	Invoiced []int64
	Audit    []store.AuditEvent
}

func (w *batchWorld) rows(t *testing.T) invoiceRows {
	t.Helper()
	db := w.s.DB(context.Background())
	var out invoiceRows
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(db.Preload("Lines").Preload("Charges").Order("id").Omit("created_at", "updated_at").Find(&out.Invoices).Error)
	must(db.Order("id").Omit("run_at").Find(&out.Runs).Error)
	must(db.Order("id").Omit("queued_at").Find(&out.Payables).Error)
	must(db.Model(&store.POLine{}).Order("id").Pluck("invoiced_qty", &out.Invoiced).Error)
	must(db.Where("entity = ?", "invoice").Order("id").Omit("id", "at").Find(&out.Audit).Error)
	for i := range out.Runs {
		out.Runs[i].ID = 0
	}
	for i := range out.Payables {
		out.Payables[i].ID = 0
	}
	return out
}

// A batch gives exactly what the same invoices submitted one by one give:
// outcomes, errors, stored invoices, match runs (inputs and decisions),
// payables, invoiced quantities and audit events.
func TestSubmitInvoicesEqualsOneByOne(t *testing.T) {
	ctx := context.Background()
	one, batch := newBatchWorld(t), newBatchWorld(t)
	var want []procure.InvoiceOutcome
	for _, in := range one.inputs {
		res, err := one.svc.SubmitInvoice(ctx, one.acmeUser, in)
		want = append(want, procure.InvoiceOutcome{InvoiceResult: res, Err: err})
	}
	got, err := batch.svc.SubmitInvoices(ctx, batch.acmeUser, batch.inputs)
	if err != nil {
		t.Fatal(err)
	}
	for i := range want {
		w, g := want[i], got[i]
		if fmt.Sprint(w.Err) != fmt.Sprint(g.Err) || fault.CodeOf(w.Err) != fault.CodeOf(g.Err) {
			t.Errorf("invoice %d: error %v, one by one %v", i, g.Err, w.Err)
			continue
		}
		g.Invoice.CreatedAt = w.Invoice.CreatedAt // the real clock, not the store's
		if !reflect.DeepEqual(w.InvoiceResult, g.InvoiceResult) {
			t.Errorf("invoice %d (%s) differs from one by one: %s", i, w.Invoice.Number, firstDiff(g.InvoiceResult, w.InvoiceResult))
		}
	}
	status := func(i int) string { return got[i].Invoice.Status }
	checks := []struct {
		i    int
		want string
		code matching.Code
	}{
		{0, store.InvoiceMatched, ""}, {1, store.InvoiceMatched, ""},
		{2, store.InvoiceException, matching.CodeQtyOverReceipt},
		{3, store.InvoiceException, matching.CodeDuplicateInvoice},
		{4, store.InvoiceException, matching.CodeNearDuplicate},
		{5, store.InvoiceException, matching.CodeDuplicateInvoice},
		{6, store.InvoiceAwaitingReceipt, ""},
		{9, store.InvoiceException, "no_purchase_order"},
		{10, store.InvoiceMatched, ""},
		{11, store.InvoiceException, ""},
		{13, store.InvoiceMatched, ""},
	}
	for _, c := range checks {
		if status(c.i) != c.want || (c.code != "" && !got[c.i].Decision.Has(c.code)) {
			t.Errorf("invoice %d (%s): %s %v; want %s %s", c.i, got[c.i].Invoice.Number, status(c.i), got[c.i].Decision.Codes(), c.want, c.code)
		}
	}
	if fault.CodeOf(got[7].Err) != fault.Invalid || fault.CodeOf(got[8].Err) != fault.Invalid {
		t.Errorf("refused invoices: %v, %v", got[7].Err, got[8].Err)
	}
	if d := got[3].Decision; len(d.Reasons) == 0 || d.Reasons[0].Prior == nil || d.Reasons[0].Prior.ID != got[0].Invoice.ID {
		t.Errorf("in-batch duplicate does not point at INV-100 (%d): %+v", got[0].Invoice.ID, d.Reasons)
	}
	if wantRows, gotRows := one.rows(t), batch.rows(t); !reflect.DeepEqual(wantRows, gotRows) {
		t.Errorf("stored rows differ from one by one: %s", firstDiff(gotRows, wantRows))
	}
	if line := batch.po(t, batch.received.ID).Lines[0]; line.InvoicedQty != 5+40+50-10+8 {
		t.Errorf("invoiced on line 1: %d", line.InvoicedQty)
	}
}

// firstDiff names the first field (path) where got and want differ, with
// both values.
func firstDiff(got, want any) string {
	var walk func(path string, g, w reflect.Value) string
	walk = func(path string, g, w reflect.Value) string {
		if reflect.DeepEqual(g.Interface(), w.Interface()) {
			return ""
		}
		switch g.Kind() {
		case reflect.Struct:
			for i := 0; i < g.NumField(); i++ {
				if !g.Type().Field(i).IsExported() {
					continue
				}
				if d := walk(path+"."+g.Type().Field(i).Name, g.Field(i), w.Field(i)); d != "" {
					return d
				}
			}
		case reflect.Slice:
			if g.Len() == w.Len() {
				for i := 0; i < g.Len(); i++ {
					if d := walk(path+"["+strconv.Itoa(i)+"]", g.Index(i), w.Index(i)); d != "" {
						return d
					}
				}
			}
		case reflect.Pointer:
			if !g.IsNil() && !w.IsNil() {
				return walk(path, g.Elem(), w.Elem())
			}
		}
		return fmt.Sprintf("%s: got %+v, want %+v", path, g.Interface(), w.Interface())
	}
	return walk("", reflect.ValueOf(got), reflect.ValueOf(want))
}

// A batch whose transaction fails (here an invoice line names a PO line
// that does not exist, which the database refuses) is retried invoice by
// invoice: the bad one reports its error, the others are stored.
func TestSubmitInvoicesFailingInvoiceDoesNotSinkTheBatch(t *testing.T) {
	ctx := context.Background()
	w := newBatchWorld(t)
	bad := invoiceFor(w.received, "INV-BAD", 1)
	bad.Lines[0].POLineID = 1 << 40
	ins := []procure.InvoiceInput{invoiceFor(w.received, "INV-A", 10), bad, invoiceFor(w.received, "INV-B", 20)}
	got, err := w.svc.SubmitInvoices(ctx, w.acmeUser, ins)
	if err != nil {
		t.Fatal(err)
	}
	if got[1].Err == nil {
		t.Fatalf("bad invoice stored: %+v", got[1].Invoice)
	}
	for _, i := range []int{0, 2} {
		if got[i].Err != nil || got[i].Invoice.Status != store.InvoiceMatched || !got[i].Queued {
			t.Fatalf("invoice %d: %v %v", i, got[i].Invoice.Status, got[i].Err)
		}
	}
	if line := w.po(t, w.received.ID).Lines[0]; line.InvoicedQty != 5+10+20 {
		t.Fatalf("invoiced %d", line.InvoicedQty)
	}
	if n := len(payablesOf(t, w.s)); n != 3 {
		t.Fatalf("%d payables", n)
	}
}

// Two batches running at once over the same PO lines, in opposite orders,
// neither deadlock nor over-invoice: of two invoices for 6 of the 10
// received on a line, one is matched and queued, the other is an exception.
func TestSubmitInvoicesConcurrentBatchesOnOneLine(t *testing.T) {
	ctx := context.Background()
	w := newBatchWorld(t)
	for round := 0; round < 5; round++ {
		var pos []store.PurchaseOrder
		for k := 0; k < 2; k++ {
			po := w.sentPO(t, w.acme, "", rcvLine{"SKU-1", 10})
			if _, err := w.svc.Receive(ctx, w.warehouse, procure.ReceiptInput{POID: po.ID,
				Lines: []procure.ReceiptLineInput{{LineRef: procure.LineRef{POLineID: po.Lines[0].ID}, Received: 10}}}); err != nil {
				t.Fatal(err)
			}
			pos = append(pos, po)
		}
		// Totals differ within a round and dates between rounds: no
		// invoice is a near-duplicate of another.
		inv := func(po store.PurchaseOrder, name string, qty int64) procure.InvoiceInput {
			in := invoiceFor(po, name+"-"+strconv.Itoa(round), qty)
			in.Date = w.now.AddDate(0, 0, 100*round)
			return in
		}
		batches := [][]procure.InvoiceInput{
			{inv(pos[0], "A0", 6), inv(pos[1], "A1", 8)},
			{inv(pos[1], "B1", 9), inv(pos[0], "B0", 7)},
		}
		results := make([][]procure.InvoiceOutcome, 2)
		errs := make([]error, 2)
		var wg sync.WaitGroup
		for k := range batches {
			wg.Add(1)
			go func() {
				defer wg.Done()
				results[k], errs[k] = w.svc.SubmitInvoices(ctx, w.acmeUser, batches[k])
			}()
		}
		wg.Wait()
		for k := range batches {
			if errs[k] != nil {
				t.Fatal(errs[k])
			}
		}
		queued := map[int64]int{}
		for k := range results {
			for _, o := range results[k] {
				if o.Err != nil {
					t.Fatalf("round %d: %v", round, o.Err)
				}
				if o.Queued {
					queued[*o.Invoice.POID]++
				}
			}
		}
		for _, po := range pos {
			if queued[po.ID] != 1 {
				t.Fatalf("round %d: PO %s: %d invoices queued", round, po.Number, queued[po.ID])
			}
			if got := w.po(t, po.ID).Lines[0].InvoicedQty; got < 6 || got > 10 {
				t.Fatalf("round %d: PO %s invoiced %d of 10", round, po.Number, got)
			}
		}
	}
	var ps []store.Payable
	if err := w.s.DB(ctx).Find(&ps).Error; err != nil || len(ps) != 1+5*2 {
		t.Fatalf("%d payables (want %d), %v", len(ps), 1+5*2, err)
	}
}

// A batch costs a fixed number of statements per store.BatchSize rows, not
// a few per invoice.
func TestSubmitInvoicesStatementCount(t *testing.T) {
	f := newRcvFixture(t)
	ctx := context.Background()
	const n = 100
	pos := seedReceivedPOs(t, f, n)
	ins := make([]procure.InvoiceInput, n)
	for i := range pos {
		ins[i] = pos[i].invoice(i)
	}
	count := countStatements(t, f.s)
	got, err := f.svc.SubmitInvoices(ctx, f.acmeUser, ins)
	if err != nil {
		t.Fatal(err)
	}
	for i, o := range got {
		if o.Err != nil || !o.Queued {
			t.Fatalf("invoice %d: %v %v", i, o.Invoice.Status, o.Err)
		}
	}
	b := f.s.BatchSize()
	chunks := func(rows int) int64 { return int64((rows + b - 1) / b) }
	// reads: POs, lines, tolerances, candidates; writes: invoices, runs and
	// payables (one row each per invoice), lines, audit events and invoiced
	// quantities (three each)
	limit := 4 + 3*chunks(n) + 3*chunks(3*n)
	t.Logf("statements for %d matched three-line invoices in one batch: %d (+ BEGIN, COMMIT); limit %d", n, count.Load(), limit)
	if count.Load() > limit {
		t.Fatalf("%d statements, want at most %d", count.Load(), limit)
	}
}
