package docs

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/shopspring/decimal"
)

// corpusExpected mirrors corpusgen's golden record.
type corpusExpected struct {
	ID            string `json:"id"`
	File          string `json:"file"`
	Producer      string `json:"producer"`
	InvoiceNumber string `json:"invoice_number"`
	InvoiceDate   string `json:"invoice_date"`
	PONumber      string `json:"po_number"`
	Currency      string `json:"currency"`
	Lines         []struct {
		VendorPart  string `json:"vendor_part"`
		Description string `json:"description"`
		Quantity    string `json:"quantity"`
		UnitPrice   string `json:"unit_price"`
		Amount      string `json:"amount"`
	} `json:"lines"`
	Charges     []string `json:"charges"`
	Subtotal    string   `json:"subtotal"`
	Tax         string   `json:"tax"`
	Total       string   `json:"total"`
	NeedsReview bool     `json:"needs_review"` // the document's own arithmetic is wrong
}

func loadCorpus(t testing.TB) []corpusExpected {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "corpus", "expected.json"))
	if err != nil {
		t.Fatalf("read golden file: %v", err)
	}
	var exp []corpusExpected
	if err := json.Unmarshal(raw, &exp); err != nil {
		t.Fatalf("golden file: %v", err)
	}
	return exp
}

func sameDecimal(got, want string) bool {
	if got == "" || want == "" {
		return got == want
	}
	g, err1 := decimal.NewFromString(got)
	w, err2 := decimal.NewFromString(want)
	return err1 == nil && err2 == nil && g.Equal(w)
}

// tally counts right answers per field over the corpus.
type tally struct{ right, total int }

func (t *tally) add(ok bool) {
	t.total++
	if ok {
		t.right++
	}
}

func (t tally) percent() float64 {
	if t.total == 0 {
		return 100
	}
	return 100 * float64(t.right) / float64(t.total)
}

// TestCorpusAccuracy extracts every corpus document and compares it with
// the golden file field by field. Required: every header field right, at
// least 98% of line fields right, and no invoice whose total or lines are
// wrong without being marked for review.
func TestCorpusAccuracy(t *testing.T) {
	exp := loadCorpus(t)
	if len(exp) < 30 {
		t.Fatalf("corpus has %d documents; want at least 30", len(exp))
	}
	header := map[string]*tally{"invoice_number": {}, "invoice_date": {}, "po_number": {}, "currency": {}, "total": {}}
	lines := map[string]*tally{"vendor_part": {}, "description": {}, "quantity": {}, "unit_price": {}, "amount": {}}
	producers := map[string]bool{}
	silentlyWrong, reviewed := 0, 0
	for _, e := range exp {
		producers[e.Producer] = true
		data, err := os.ReadFile(filepath.Join("testdata", "corpus", e.File))
		if err != nil {
			t.Errorf("%s: %v", e.File, err)
			continue
		}
		res, err := Extract(context.Background(), data, KindAuto, nil, Limits{})
		if err != nil {
			t.Errorf("%s: %v", e.File, err)
			continue
		}
		d := res.Draft
		check := func(field string, ok bool, got, want string) {
			header[field].add(ok)
			if !ok {
				t.Errorf("%s: %s = %q, want %q", e.File, field, got, want)
			}
		}
		check("invoice_number", d.InvoiceNumber == e.InvoiceNumber, d.InvoiceNumber, e.InvoiceNumber)
		check("invoice_date", d.InvoiceDate == e.InvoiceDate, d.InvoiceDate, e.InvoiceDate)
		check("po_number", d.PONumber == e.PONumber, d.PONumber, e.PONumber)
		check("currency", d.Currency == e.Currency, d.Currency, e.Currency)
		totalRight := sameDecimal(d.Total, e.Total)
		check("total", totalRight, d.Total, e.Total)
		allLinesRight := len(d.Lines) == len(e.Lines)
		for i, want := range e.Lines {
			if i >= len(d.Lines) {
				for f := range lines {
					lines[f].add(false)
				}
				continue
			}
			got := d.Lines[i]
			fields := map[string]bool{
				"vendor_part": got.VendorPart == want.VendorPart,
				"description": got.Description == want.Description,
				"quantity":    sameDecimal(got.Quantity, want.Quantity),
				"unit_price":  sameDecimal(got.UnitPrice, want.UnitPrice),
				"amount":      sameDecimal(got.Amount, want.Amount),
			}
			for f, ok := range fields {
				lines[f].add(ok)
				if !ok {
					allLinesRight = false
					t.Logf("%s line %d: %s wrong: got %+v want %+v", e.File, i+1, f, got, want)
				}
			}
		}
		if d.NeedsReview {
			reviewed++
			t.Logf("%s: needs review: %v", e.File, d.Reasons)
		}
		if e.NeedsReview && !d.NeedsReview {
			t.Errorf("%s: the invoice does not add up but was not marked for review", e.File)
		}
		if (!totalRight || !allLinesRight) && !d.NeedsReview {
			silentlyWrong++
			t.Errorf("%s: wrong total or lines NOT marked for review", e.File)
		}
	}
	if len(producers) < 4 {
		t.Errorf("corpus has %d producers; want at least 4", len(producers))
	}
	lineAll := tally{}
	for name, tl := range header {
		t.Logf("header %-15s %3d/%3d = %.1f%%", name, tl.right, tl.total, tl.percent())
		if tl.right != tl.total {
			t.Errorf("header field %s: %d of %d right; every header field must be right", name, tl.right, tl.total)
		}
	}
	for name, tl := range lines {
		t.Logf("line   %-15s %4d/%4d = %.2f%%", name, tl.right, tl.total, tl.percent())
		lineAll.right += tl.right
		lineAll.total += tl.total
	}
	t.Logf("line fields overall %d/%d = %.2f%%; documents %d, needing review %d, silently wrong %d",
		lineAll.right, lineAll.total, lineAll.percent(), len(exp), reviewed, silentlyWrong)
	if lineAll.percent() < 98 {
		t.Errorf("line field accuracy %.2f%% < 98%%", lineAll.percent())
	}
}
