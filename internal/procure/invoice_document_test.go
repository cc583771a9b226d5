package procure_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/pogate/pogate/internal/docs"
	"github.com/pogate/pogate/internal/fault"
	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
	"github.com/pogate/pogate/matching"
)

func draftOf(currency, total string, lines ...docs.Line) docs.Draft {
	return docs.Draft{InvoiceNumber: "INV-1", InvoiceDate: "2026-11-20", Currency: currency, Lines: lines, Total: total}
}

func line(qty, price, amount string) docs.Line {
	return docs.Line{VendorPart: "VP", Quantity: qty, UnitPrice: price, Amount: amount}
}

func TestInvoiceInputOfDraft(t *testing.T) {
	withCharges := draftOf("EUR", "1.234,00", line("10", "100.00", "1000.00"))
	withCharges.Total = "1234.00"
	withCharges.Charges = []docs.Charge{{Kind: docs.ChargeFreight, Label: "Freight", Amount: "50.00"}, {Kind: docs.ChargeDiscount, Label: "Discount", Amount: "-10.00"}}
	withCharges.Tax = "194.00"
	withCharges.DueDate = "2026-12-20"

	tests := []struct {
		name      string
		draft     docs.Draft
		wantField string // "" = no error
		wantMsg   string
		check     func(t *testing.T, in procure.InvoiceInput)
	}{
		{name: "charges, discount and tax", draft: withCharges, check: func(t *testing.T, in procure.InvoiceInput) {
			if in.TotalMinor != 123400 || in.TaxMinor != 19400 || len(in.Charges) != 1 || in.Charges[0].AmountMinor != 5000 ||
				len(in.Allowances) != 1 || in.Allowances[0].AmountMinor != 1000 || in.Allowances[0].Code != "DISCOUNT" || in.DueDate == nil {
				t.Errorf("%+v", in)
			}
			if in.Lines[0].UnitPriceMicros != 100_000_000 || in.Lines[0].AmountMinor != 100000 || in.Lines[0].Quantity != 10 {
				t.Errorf("line %+v", in.Lines[0])
			}
		}},
		{name: "JPY has no minor unit", draft: draftOf("JPY", "1500", line("3", "500", "1500")), check: func(t *testing.T, in procure.InvoiceInput) {
			if in.TotalMinor != 1500 || in.Lines[0].AmountMinor != 1500 {
				t.Errorf("%+v", in)
			}
		}},
		{name: "quantity written with zero decimals", draft: draftOf("USD", "25.00", line("10.000", "2.5", "25.00"))},
		{name: "half-even rounding once at the line", draft: draftOf("USD", "0.12", line("1", "0.125", "0.12"))},
		{name: "fractional quantity", draft: draftOf("USD", "25.00", line("2.5", "10.00", "25.00")), wantField: "qty_0", wantMsg: "whole number"},
		{name: "line does not add up", draft: draftOf("USD", "26.00", line("2", "12.50", "26.00")), wantField: "amount_0", wantMsg: "2 × 12.50 = 25.00, not 26.00"},
		{name: "total does not add up", draft: draftOf("USD", "30.00", line("2", "12.50", "25.00")), wantField: "total", wantMsg: "come to 25.00"},
		{name: "too many decimals for the currency", draft: draftOf("JPY", "1500.5", line("3", "500", "1500")), wantField: "total"},
		{name: "price beyond micro-units", draft: draftOf("USD", "1.00", line("1", "1.0000001", "1.00")), wantField: "price_0"},
		{name: "no invoice number", draft: docs.Draft{InvoiceDate: "2026-11-20", Currency: "USD", Total: "1.00", Lines: []docs.Line{line("1", "1", "1.00")}}, wantField: "number"},
		{name: "date not ISO", draft: docs.Draft{InvoiceNumber: "X", InvoiceDate: "20/11/2026", Currency: "USD", Total: "1.00", Lines: []docs.Line{line("1", "1", "1.00")}}, wantField: "date"},
		{name: "unknown currency", draft: draftOf("XXQ", "1.00", line("1", "1", "1.00")), wantField: "currency"},
		{name: "no lines", draft: draftOf("USD", "0.00"), wantField: "lines"},
		{name: "discount stated positive", draft: func() docs.Draft {
			d := draftOf("USD", "15.00", line("1", "10", "10.00"))
			d.Charges = []docs.Charge{{Kind: docs.ChargeDiscount, Label: "Discount", Amount: "5.00"}}
			return d
		}(), wantField: "charge_0", wantMsg: "negative"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in, err := procure.InvoiceInputOfDraft(tc.draft, []procure.LineTarget{{POLineID: 7}})
			if tc.wantField == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if in.Lines[0].POLineID != 7 {
					t.Errorf("line target lost: %+v", in.Lines[0])
				}
				if tc.check != nil {
					tc.check(t, in)
				}
				return
			}
			var fe *fault.Error
			if !asFault(err, &fe) || fe.Field != tc.wantField || !strings.Contains(fe.Message, tc.wantMsg) {
				t.Fatalf("error %v, want field %q with %q", err, tc.wantField, tc.wantMsg)
			}
		})
	}
}

// FuzzInvoiceInputOfDraft: whatever a supplier types into the confirm
// form, the conversion never panics, and what it accepts is exact: every
// line amount is quantity × price rounded once, and lines + charges −
// allowances + tax = total.
func FuzzInvoiceInputOfDraft(f *testing.F) {
	f.Add("USD", "10", "2.50", "25.00", "5.00", "-1.00", "2.00", "31.00")
	f.Add("JPY", "3", "500", "1500", "", "", "", "1500")
	f.Add("EUR", "1.000", "0.125", "0.12", "0", "0", "0", "0.12")
	f.Add("KWD", "7", "1.2345", "8.642", "", "-0.001", "", "8.641")
	f.Add("USD", "9223372036854775807", "999999999999", "1", "", "", "", "1")
	f.Fuzz(func(t *testing.T, cur, qty, price, amount, freight, discount, tax, total string) {
		d := draftOf(cur, total, line(qty, price, amount))
		d.Tax = tax
		if freight != "" {
			d.Charges = append(d.Charges, docs.Charge{Kind: docs.ChargeFreight, Amount: freight})
		}
		if discount != "" {
			d.Charges = append(d.Charges, docs.Charge{Kind: docs.ChargeDiscount, Amount: discount})
		}
		in, err := procure.InvoiceInputOfDraft(d, nil)
		if err != nil {
			return
		}
		exp, _ := matching.CurrencyExponent(in.Currency)
		sum := in.TaxMinor
		for _, l := range in.Lines {
			if l.Quantity <= 0 || l.AmountMinor != matching.LineAmount(l.Quantity, l.UnitPriceMicros, exp) {
				t.Fatalf("accepted a line that does not add up: %+v", l)
			}
			sum += l.AmountMinor
		}
		for _, c := range in.Charges {
			sum += c.AmountMinor
		}
		for _, a := range in.Allowances {
			if a.AmountMinor < 0 {
				t.Fatalf("negative allowance %+v", a)
			}
			sum -= a.AmountMinor
		}
		if sum != in.TotalMinor {
			t.Fatalf("accepted a draft whose parts come to %d but total is %d", sum, in.TotalMinor)
		}
	})
}

// TestDocumentLifecycle: an upload is stored with its bytes and hash
// before parsing; the same bytes again are recognised; another supplier's
// PO is not found and a buyer may not upload; a refusal marks the
// document unreadable with the reason; the confirmed invoice is linked to
// the document and a second submission is refused.
func TestDocumentLifecycle(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	po := store.PurchaseOrder{SupplierID: f.acme.ID, Currency: "USD", Status: store.POStatusSent,
		Lines: []store.POLine{{ProductID: f.products[0].ID, SupplierPart: "VP", Quantity: 10, Unit: "EA", UnitsPerPurchaseUnit: 1, UnitPriceMicros: 2_500_000}}}
	if err := f.s.InTx(ctx, func(tx *store.Tx) error { return tx.InsertPO(&po) }); err != nil {
		t.Fatal(err)
	}
	acme := store.Actor{Kind: store.ActorUser, ID: 1, Label: "acme@test", Role: store.RoleSupplier, SupplierID: f.acme.ID, Channel: "portal"}
	globex := acme
	globex.SupplierID, globex.Label = f.globex.ID, "globex@test"
	ap := store.Actor{Kind: store.ActorUser, ID: 2, Label: "ap@test", Role: store.RoleAP, Channel: "portal"}
	data := []byte("%PDF-1.7 pretend invoice")
	up := procure.DocumentUpload{POID: po.ID, Filename: "inv.pdf", Kind: "pdf", ContentType: "application/pdf", Data: data}

	doc, dup, err := f.svc.ReceiveDocument(ctx, acme, up)
	if err != nil || dup {
		t.Fatalf("receive: %v dup=%v", err, dup)
	}
	sum := sha256.Sum256(data)
	if doc.SupplierID != f.acme.ID || doc.Status != store.DocumentReceived || doc.SizeBytes != int64(len(data)) ||
		doc.SHA256 != hex.EncodeToString(sum[:]) || doc.ContentType != "application/pdf" || doc.Filename != "inv.pdf" {
		t.Fatalf("document %+v", doc)
	}
	raw, err := f.s.DocumentBytes(ctx, doc.ID)
	if err != nil || !bytes.Equal(raw, data) {
		t.Fatalf("bytes: %v", err)
	}
	again, dup, err := f.svc.ReceiveDocument(ctx, ap, procure.DocumentUpload{POID: po.ID, Filename: "renamed.pdf", Kind: "pdf", Data: data})
	if err != nil || !dup || again.ID != doc.ID || again.Filename != "inv.pdf" {
		t.Fatalf("same bytes again: %+v dup=%v err=%v", again, dup, err)
	}
	if _, _, err := f.svc.ReceiveDocument(ctx, globex, up); fault.CodeOf(err) != fault.NotFound {
		t.Errorf("other supplier's PO: %v, want not found", err)
	}
	if _, _, err := f.svc.ReceiveDocument(ctx, buyer, up); fault.CodeOf(err) != fault.Forbidden {
		t.Errorf("buyer upload: %v, want forbidden", err)
	}
	if _, err := f.svc.GetDocument(ctx, globex, doc.ID); fault.CodeOf(err) != fault.NotFound {
		t.Errorf("other supplier reads the document: %v", err)
	}

	// A refused second file is kept, unreadable, with the reason.
	bad, _, err := f.svc.ReceiveDocument(ctx, acme, procure.DocumentUpload{POID: po.ID, Filename: "locked.pdf", Kind: "pdf", Data: []byte("%PDF-1.7 /Encrypt")})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.svc.RecordExtraction(ctx, acme, bad.ID, nil, &docs.Refusal{Code: docs.RefusedEncrypted, Message: "the PDF is encrypted"}); err != nil {
		t.Fatal(err)
	}
	if bad, _ = f.s.Document(ctx, bad.ID, 0); bad.Status != store.DocumentUnreadable || bad.Reason != "the PDF is encrypted" {
		t.Errorf("refused document: %+v", bad)
	}
	if _, err := f.svc.SubmitDocumentInvoice(ctx, acme, procure.DocumentSubmission{DocumentID: bad.ID}); fault.CodeOf(err) != fault.Unprocessable {
		t.Errorf("submitting an unreadable document: %v", err)
	}

	draft := draftOf("USD", "25.00", line("10", "2.50", "25.00"))
	if err := f.svc.RecordExtraction(ctx, acme, doc.ID, &docs.Result{Draft: draft}, nil); err != nil {
		t.Fatal(err)
	}
	in, err := procure.InvoiceInputOfDraft(draft, []procure.LineTarget{{POLineID: po.Lines[0].ID}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := f.svc.SubmitDocumentInvoice(ctx, acme, procure.DocumentSubmission{DocumentID: doc.ID, Invoice: in, Corrected: &draft})
	if err != nil {
		t.Fatal(err)
	}
	if res.Invoice.SourceRef != procure.DocumentRef(doc.ID) || res.Invoice.Source != "pdf" || res.Invoice.POID == nil || *res.Invoice.POID != po.ID {
		t.Errorf("invoice %+v", res.Invoice)
	}
	if doc, _ = f.s.Document(ctx, doc.ID, 0); doc.Status != store.DocumentSubmitted || doc.InvoiceID == nil || *doc.InvoiceID != res.Invoice.ID {
		t.Errorf("document after submit %+v", doc)
	}
	if _, err := f.svc.SubmitDocumentInvoice(ctx, acme, procure.DocumentSubmission{DocumentID: doc.ID, Invoice: in}); fault.CodeOf(err) != fault.Conflict {
		t.Errorf("second submission: %v, want conflict", err)
	}
	// Hints round-trip through the store, per supplier.
	if err := f.s.InTx(ctx, func(tx *store.Tx) error {
		return tx.SaveSupplierHints(f.acme.ID, `{"version":1,"columns":{"cnt":"quantity"}}`)
	}); err != nil {
		t.Fatal(err)
	}
	if err := f.s.InTx(ctx, func(tx *store.Tx) error {
		return tx.SaveSupplierHints(f.acme.ID, `{"version":1,"columns":{"menge":"quantity"}}`)
	}); err != nil {
		t.Fatal(err)
	}
	h, err := f.svc.SupplierHints(ctx, f.acme.ID)
	if err != nil || h == nil || h.Columns["menge"] != "quantity" || h.Columns["cnt"] != "" {
		t.Errorf("hints %+v %v", h, err)
	}
	if h, err := f.svc.SupplierHints(ctx, f.globex.ID); err != nil || h != nil {
		t.Errorf("another supplier's hints: %+v %v", h, err)
	}
}

// BenchmarkInvoiceInputOfDraft converts a 500-line confirmed draft, the
// work the confirm page does per submit.
func BenchmarkInvoiceInputOfDraft(b *testing.B) {
	d := draftOf("USD", "")
	var total int64
	for i := 0; i < 500; i++ {
		d.Lines = append(d.Lines, line("12", "3.75", "45.00"))
		total += 4500
	}
	d.Total = matching.FormatScaled(total, 2)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := procure.InvoiceInputOfDraft(d, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(d.Lines))*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}
