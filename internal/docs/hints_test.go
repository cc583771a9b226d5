package docs

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

func loadGolden(t *testing.T, dir string) map[string]corpusExpected {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var list []corpusExpected
	if err := json.Unmarshal(raw, &list); err != nil {
		t.Fatal(err)
	}
	out := map[string]corpusExpected{}
	for _, e := range list {
		out[e.ID] = e
	}
	return out
}

func extractFile(t *testing.T, path string, hints *Hints) *Result {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Extract(context.Background(), data, KindAuto, hints, Limits{})
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return res
}

// correctedDraft is what a buyer would submit on the confirm page after
// fixing the extraction: the true values.
func correctedDraft(e corpusExpected) Draft {
	d := Draft{InvoiceNumber: e.InvoiceNumber, InvoiceDate: e.InvoiceDate, PONumber: e.PONumber, Currency: e.Currency, Total: e.Total}
	for _, l := range e.Lines {
		d.Lines = append(d.Lines, Line{VendorPart: l.VendorPart, Description: l.Description, Quantity: l.Quantity, UnitPrice: l.UnitPrice, Amount: l.Amount})
	}
	return d
}

// TestHintsLearnedFromCorrectionFixTheNextInvoice: a supplier with labels
// no standard variant matches ("Document ref", "Buyer's reference",
// "Pieces", "Per piece", "Sum"). The first invoice cannot be read; after a
// person corrects it, the learned hints make the supplier's next invoice —
// other numbers, other line count — read right and certain.
func TestHintsLearnedFromCorrectionFixTheNextInvoice(t *testing.T) {
	dir := filepath.Join("testdata", "hints")
	golden := loadGolden(t, dir)
	first, next := golden["h1-odd-labels-first"], golden["h2-odd-labels-next"]

	before := extractFile(t, filepath.Join(dir, next.File), nil).Draft
	if !before.NeedsReview || before.InvoiceNumber == next.InvoiceNumber || len(before.Lines) == len(next.Lines) {
		t.Fatalf("without hints the odd layout should not read right: %+v", before)
	}

	firstRes := extractFile(t, filepath.Join(dir, first.File), nil)
	learned := LearnHints(firstRes.Layout, correctedDraft(first), nil)
	raw, err := json.Marshal(learned)
	if err != nil {
		t.Fatal(err)
	}
	var stored Hints // as the store would keep and hand back
	if err := json.Unmarshal(raw, &stored); err != nil {
		t.Fatal(err)
	}
	t.Logf("learned hints: %s", raw)
	for _, field := range []string{FieldInvoiceNumber, FieldPONumber, FieldInvoiceDate} {
		if len(stored.Labels[field]) == 0 {
			t.Errorf("no label learned for %s", field)
		}
	}
	if got := stored.Columns["pieces"]; got != ColQuantity {
		t.Errorf("column 'Pieces' learned as %q, want %q", got, ColQuantity)
	}

	after := extractFile(t, filepath.Join(dir, next.File), &stored).Draft
	if after.NeedsReview {
		t.Errorf("with hints still needs review: %v", after.Reasons)
	}
	if after.InvoiceNumber != next.InvoiceNumber || after.PONumber != next.PONumber || after.InvoiceDate != next.InvoiceDate {
		t.Errorf("header with hints = %q %q %q, want %q %q %q", after.InvoiceNumber, after.PONumber, after.InvoiceDate,
			next.InvoiceNumber, next.PONumber, next.InvoiceDate)
	}
	if len(after.Lines) != len(next.Lines) {
		t.Fatalf("lines with hints = %d, want %d", len(after.Lines), len(next.Lines))
	}
	for i, want := range next.Lines {
		got := after.Lines[i]
		if got.VendorPart != want.VendorPart || !sameDecimal(got.Quantity, want.Quantity) || !sameDecimal(got.UnitPrice, want.UnitPrice) || !sameDecimal(got.Amount, want.Amount) {
			t.Errorf("line %d = %+v, want %+v", i+1, got, want)
		}
	}
	if !after.Source.Hinted || after.Fields[FieldInvoiceNumber].Confidence != confidenceHinted {
		t.Errorf("hinted extraction not marked: %+v %+v", after.Source, after.Fields[FieldInvoiceNumber])
	}
	if testing.Short() {
		return
	}
	// The server passes hints to the isolated child on its stdin.
	isolated, err := ExtractIsolated(context.Background(), filepath.Join(dir, next.File), KindPDF, &stored, testLimits())
	if err != nil {
		t.Fatal(err)
	}
	if isolated.Draft.NeedsReview || isolated.Draft.InvoiceNumber != next.InvoiceNumber {
		t.Errorf("isolated extraction with hints: %+v", isolated.Draft)
	}
}

func TestLearnHintsMergesPrevious(t *testing.T) {
	prev := &Hints{Version: HintsVersion, Columns: map[string]string{"cnt": ColQuantity},
		Labels: map[string][]LabelHint{FieldPONumber: {{Text: "Order ref", Direction: "right"}}}}
	h := LearnHints(nil, Draft{}, prev)
	if h.Columns["cnt"] != ColQuantity || len(h.Labels[FieldPONumber]) != 1 {
		t.Errorf("previous hints lost: %+v", h)
	}
	old := &Hints{Version: HintsVersion + 1, Columns: map[string]string{"x": ColAmount}}
	if h := LearnHints(nil, Draft{}, old); len(h.Columns) != 0 {
		t.Errorf("hints of another version were merged: %+v", h)
	}
}
