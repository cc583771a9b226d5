package matching

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/shopspring/decimal"
)

// FuzzParseScaled checks the parser against shopspring/decimal as an
// oracle, both ways, and that formatting round-trips.
func FuzzParseScaled(f *testing.F) {
	seeds := []struct {
		s     string
		scale uint8
	}{
		{"12.34", 2}, {"-0.05", 2}, {"12.345", 2}, {"9223372036854775807", 0},
		{"-9223372036854775808", 0}, {"92233720368547.75808", 5}, {".5", 1}, {"5.", 0},
		{" +7 ", 0}, {"1e3", 0}, {"0.333", 6}, {"00000000000000000000001", 0}, {"1.000000000000000000000", 2},
	}
	for _, s := range seeds {
		f.Add(s.s, s.scale)
	}
	f.Fuzz(func(t *testing.T, s string, scaleByte uint8) {
		scale := int(scaleByte % (maxScale + 1))
		v, err := ParseScaled(s, scale)
		plain := strings.Trim(s, " \t\r\n")
		onlyDecimalChars := strings.Trim(plain, "0123456789.+-") == "" && len(plain) < 200
		if err != nil {
			if !errors.Is(err, ErrSyntax) && !errors.Is(err, ErrTooManyDecimals) && !errors.Is(err, ErrOverflow) {
				t.Fatalf("unexpected error kind %v", err)
			}
			// Whatever the decimal library reads exactly at this scale
			// within int64 we must read too.
			if onlyDecimalChars {
				if d, derr := decimal.NewFromString(plain); derr == nil {
					if _, ferr := FromDecimal(d, scale); ferr == nil {
						t.Fatalf("decimal reads %q as %s but ParseScaled says %v", s, d, err)
					}
				}
			}
			return
		}
		back, err := ParseScaled(FormatScaled(v, scale), scale)
		if err != nil || back != v {
			t.Fatalf("round trip of %d at %d: %d, %v", v, scale, back, err)
		}
		d, derr := decimal.NewFromString(plain)
		if derr != nil {
			t.Fatalf("ParseScaled accepted %q (%d) but decimal rejects it: %v", s, v, derr)
		}
		if !ToDecimal(v, scale).Equal(d) {
			t.Fatalf("%q: ParseScaled %d at %d, decimal %s", s, v, scale, d)
		}
	})
}

// FuzzNormaliseInvoiceNumber checks the properties duplicate detection
// relies on.
func FuzzNormaliseInvoiceNumber(f *testing.F) {
	for _, s := range []string{"INV-001", "inv001 ", "INV 0001", "000", "", "ＩＮＶ-001", "rechnung-ä-007", "A0B001", "inv\xff001", "ǅ-01", "ß0"} {
		f.Add(s, uint8(3))
	}
	f.Fuzz(func(t *testing.T, s string, at uint8) {
		n := NormaliseInvoiceNumber(s)
		if again := NormaliseInvoiceNumber(n); again != n {
			t.Fatalf("not idempotent: %q → %q → %q", s, n, again)
		}
		for _, r := range n {
			if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				t.Fatalf("%q → %q keeps %q", s, n, r)
			}
		}
		if !utf8.ValidString(n) {
			t.Fatalf("%q → invalid UTF-8 %q", s, n)
		}
		tail := strings.TrimPrefix(n, strings.TrimRight(n, "0123456789"))
		if len(tail) > 1 && tail[0] == '0' {
			t.Fatalf("%q → %q keeps a leading zero in its tail", s, n)
		}
		// Separators never matter, wherever they are inserted.
		i := int(at) % (len(s) + 1)
		for i > 0 && i < len(s) && !utf8.RuneStart(s[i]) {
			i--
		}
		if withSep := s[:i] + " -/." + s[i:]; NormaliseInvoiceNumber(withSep) != n {
			t.Fatalf("separator changes %q: %q vs %q", withSep, NormaliseInvoiceNumber(withSep), n)
		}
		// ASCII case never matters.
		if isASCII(s) && NormaliseInvoiceNumber(strings.ToLower(s)) != n {
			t.Fatalf("case changes %q", s)
		}
	})
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// fuzzBytes turns fuzz input into figures biased towards the interesting:
// small numbers that collide, and now and then the extremes.
type fuzzBytes struct{ b []byte }

func (f *fuzzBytes) byte() byte {
	if len(f.b) == 0 {
		return 0
	}
	c := f.b[0]
	f.b = f.b[1:]
	return c
}

func (f *fuzzBytes) int(small int64) int64 {
	switch sel := f.byte(); {
	case sel < 240:
		return int64(f.byte()) % small
	case sel < 248:
		var buf [8]byte
		for i := range buf {
			buf[i] = f.byte()
		}
		return int64(binary.LittleEndian.Uint64(buf[:]))
	case sel < 252:
		return math.MaxInt64 - int64(f.byte())
	case sel < 254:
		return math.MinInt64 + int64(f.byte())
	default:
		return -int64(f.byte())
	}
}

func (f *fuzzBytes) opt(small int64) *int64 {
	if f.byte()%3 == 0 {
		return nil
	}
	return Int(f.int(small))
}

func fuzzInput(data []byte) *Input {
	fb := &fuzzBytes{b: data}
	currencies := []string{"USD", "JPY", "KWD", "EUR", "ZZZ"}
	in := &Input{}
	in.PO.SupplierID = 1
	in.PO.Currency = currencies[fb.byte()%4]
	for i := range int(fb.byte()%4) + 1 {
		in.PO.Lines = append(in.PO.Lines, POLine{
			ID: int64(i + 1), SKU: string(rune('A' + i + int(fb.byte()%8/7))),
			OrderedQty: fb.int(40), ReceivedQty: fb.int(40), InvoicedQty: fb.int(10),
			UnitPriceMicros: fb.int(5) * 250_000, ReceiptClosed: fb.byte()%2 == 0,
		})
	}
	if fb.byte()%2 == 0 {
		in.PO.Charges = []Charge{{Code: "FREIGHT", Amount: fb.int(1000)}}
	}
	in.Invoice = Invoice{
		ID: 1, SupplierID: 1 + int64(fb.byte()%8/7), Number: "INV-" + string(rune('0'+fb.byte()%3)),
		Date: invoiceDate, Currency: in.PO.Currency, CreditNote: fb.byte()%4 == 0,
	}
	if fb.byte()%8 == 0 {
		in.Invoice.Currency = currencies[fb.byte()%5]
	}
	exp := mustExp(in.Invoice.Currency)
	for range int(fb.byte()%4) + int(fb.byte()%8/7) {
		l := InvoiceLine{Qty: fb.int(25), UnitPriceMicros: fb.int(5) * 250_000}
		target := int(fb.byte()) % len(in.PO.Lines)
		if fb.byte()%16 == 0 {
			target = len(in.PO.Lines) // unknown item
		}
		switch sel := fb.byte() % 8; {
		case sel < 4:
			l.POLineID = int64(target) + 1
		case sel < 7:
			l.SKU = string(rune('A' + target))
		}
		if target < len(in.PO.Lines) && fb.byte()%8 != 0 {
			l.UnitPriceMicros = in.PO.Lines[target].UnitPriceMicros
		}
		l.Amount = LineAmount(l.Qty, l.UnitPriceMicros, exp)
		if fb.byte()%4 == 0 {
			l.Amount += fb.int(3) - 1
		}
		in.Invoice.Lines = append(in.Invoice.Lines, l)
	}
	if fb.byte()%3 == 0 {
		in.Invoice.Charges = []Charge{{Code: "freight", Amount: fb.int(1000)}}
	}
	if fb.byte()%4 == 0 {
		in.Invoice.Allowances = []Charge{{Code: "PROMO", Amount: fb.int(100)}}
	}
	if fb.byte()%2 == 0 {
		in.Invoice.Tax = fb.int(100)
	}
	restate(in)
	if fb.byte()%4 == 0 {
		in.Invoice.Total += fb.int(5) - 2
	}
	tol := func(p *Policy) {
		p.Quantity.Upper = Bound{PercentBP: fb.opt(2000), Absolute: fb.opt(5)}
		p.UnitPrice.Upper = Bound{PercentBP: fb.opt(2000), Absolute: fb.opt(500_000)}
		p.UnitPrice.Lower = Bound{PercentBP: fb.opt(2000), Absolute: fb.opt(500_000)}
		p.Amount.Upper = Bound{PercentBP: fb.opt(2000), Absolute: fb.opt(500)}
		p.Charges.Upper = Bound{Absolute: fb.opt(500)}
	}
	if fb.byte()%2 == 0 {
		tol(&in.Tolerances.Brand)
	}
	if fb.byte()%2 == 0 {
		tol(&in.Tolerances.Supplier)
	}
	if fb.byte()%2 == 0 {
		var p Policy
		tol(&p)
		in.Tolerances.SKU = map[string]Policy{"A": p}
	}
	if fb.byte()%3 == 0 {
		in.Priors = []PriorInvoice{{ID: 2, Number: "inv 00" + string(rune('0'+fb.byte()%3)), Date: invoiceDate.Add(-time.Duration(fb.byte()%10) * 24 * time.Hour), Currency: "USD", Total: in.Invoice.Total}}
	}
	return in
}

// FuzzMatch drives the engine with random POs, receipts, invoices and
// policies and checks the invariants that make it safe to pay on its word.
func FuzzMatch(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{0, 1, 0, 0, 5, 0, 5, 0, 0, 0, 2, 0, 1, 1, 1, 0, 0, 0, 1, 0, 0, 0, 5, 0, 2, 0, 1})
	f.Add([]byte("the quick brown fox jumps over the lazy dog 0123456789"))
	f.Add([]byte{255, 255, 255, 240, 240, 240, 230, 230, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
	reused := &Decision{}
	f.Fuzz(func(t *testing.T, data []byte) {
		in := fuzzInput(data)
		d := Match(in)
		if again := Match(in); !reflect.DeepEqual(d, again) {
			t.Fatal("not deterministic")
		}
		MatchInto(reused, in)
		if !reflect.DeepEqual(normalizeEmpty(d), normalizeEmpty(*reused)) {
			t.Fatalf("MatchInto differs from Match:\n%+v\n%+v", d, *reused)
		}
		if _, err := json.Marshal(d); err != nil {
			t.Fatal(err)
		}
		checkInvariants(t, in, &d)
	})
}

// normalizeEmpty treats nil and empty slices alike: MatchInto keeps
// capacity, Match starts from nil.
func normalizeEmpty(d Decision) Decision {
	if len(d.Reasons) == 0 {
		d.Reasons = nil
	}
	if len(d.Lines) == 0 {
		d.Lines = nil
	}
	lines := make([]LineResult, len(d.Lines))
	for i, l := range d.Lines {
		if len(l.Reasons) == 0 {
			l.Reasons = nil
		}
		lines[i] = l
	}
	if d.Lines != nil {
		d.Lines = lines
	}
	return d
}

func checkInvariants(t *testing.T, in *Input, d *Decision) {
	t.Helper()
	failing, awaiting := false, false
	for _, c := range d.Codes() {
		if c.Title() == string(c) {
			t.Fatalf("code %s is missing from AllCodes", c)
		}
	}
	for _, r := range d.Reasons {
		failing = true
		if r.Message == "" {
			t.Fatalf("header reason %s without message", r.Code)
		}
	}
	if len(d.Lines) != len(in.Invoice.Lines) {
		t.Fatalf("%d line results for %d lines", len(d.Lines), len(in.Invoice.Lines))
	}
	for _, l := range d.Lines {
		lineFail, lineWait := false, false
		for _, r := range l.Reasons {
			if r.Message == "" {
				t.Fatalf("line reason %s without message", r.Code)
			}
			if r.Code == CodeAwaitingReceipt {
				lineWait = true
			} else {
				lineFail = true
			}
		}
		want := Matched
		if lineFail {
			want = Exception
		} else if lineWait {
			want = AwaitingReceipt
		}
		if l.Outcome != want {
			t.Fatalf("line %d outcome %s with reasons %+v", l.Line, l.Outcome, l.Reasons)
		}
		failing = failing || lineFail
		awaiting = awaiting || lineWait
	}
	want := Matched
	if failing {
		want = Exception
	} else if awaiting {
		want = AwaitingReceipt
	}
	if d.Outcome != want {
		t.Fatalf("outcome %s, reasons say %s", d.Outcome, want)
	}
	if d.Outcome != Matched {
		return
	}

	// A matched invoice: everything below must hold without exception.
	inv := &in.Invoice
	if !sameCurrency(inv.Currency, in.PO.Currency) || inv.SupplierID != in.PO.SupplierID || len(inv.Lines) == 0 {
		t.Fatal("matched across currencies, suppliers or without lines")
	}
	if (inv.CreditNote && d.Payable > 0) || (!inv.CreditNote && d.Payable < 0) {
		t.Fatalf("payable %d for credit note %v", d.Payable, inv.CreditNote)
	}
	if absI(d.Totals.Difference) > d.Totals.Allowed {
		t.Fatalf("matched with total difference %d", d.Totals.Difference)
	}
	// Never matched when quantity exceeds what is available: per PO line, the
	// invoice's total must fit in received − invoiced (credit: invoiced) plus
	// the upper quantity allowance of that line.
	taken := map[int64]int64{}
	for i, l := range d.Lines {
		il := inv.Lines[i]
		if l.Invoiced != il.Qty || il.Qty <= 0 {
			t.Fatalf("line %d quantity %d", l.Line, il.Qty)
		}
		var pl *POLine
		for k := range in.PO.Lines {
			if in.PO.Lines[k].ID == l.POLineID {
				pl = &in.PO.Lines[k]
				break
			}
		}
		if pl == nil {
			t.Fatalf("matched line %d without a PO line", l.Line)
		}
		pol := in.Tolerances.For(pl.SKU)
		room := satSub(pl.ReceivedQty, satAdd(pl.InvoicedQty, taken[pl.ID]))
		if inv.CreditNote {
			room = satSub(pl.InvoicedQty, taken[pl.ID])
		}
		if il.Qty > satAdd(room, pol.Quantity.Upper.Allowance(max(room, 0))) {
			t.Fatalf("line %d: matched %d with only %d available", l.Line, il.Qty, room)
		}
		if !pol.Quantity.Upper.PercentBP.Set && !pol.Quantity.Upper.Absolute.Set && il.Qty > room {
			t.Fatalf("line %d: exact quantity policy but %d > %d", l.Line, il.Qty, room)
		}
		taken[pl.ID] = satAdd(taken[pl.ID], il.Qty)
		diff := il.UnitPriceMicros - pl.UnitPriceMicros
		if absI(diff) > pickBound(&pol.UnitPrice, diff).Allowance(pl.UnitPriceMicros) {
			t.Fatalf("line %d: price %d vs %d outside tolerance", l.Line, il.UnitPriceMicros, pl.UnitPriceMicros)
		}
		computed, err := CheckedLineAmount(il.Qty, il.UnitPriceMicros, d.Currency.Exponent)
		if err != nil || absI(il.Amount-computed) > RoundingAllowancePerLine {
			t.Fatalf("line %d: amount %d vs %d", l.Line, il.Amount, computed)
		}
		if (inv.CreditNote && l.QuantityEffect != -il.Qty) || (!inv.CreditNote && l.QuantityEffect != il.Qty) {
			t.Fatalf("line %d: effect %d", l.Line, l.QuantityEffect)
		}
	}
	own := NormaliseInvoiceNumber(inv.Number)
	for _, p := range in.Priors {
		if p.CreditNote == inv.CreditNote && p.ID != inv.ID && NormaliseInvoiceNumber(p.Number) == own {
			t.Fatalf("matched a duplicate of %q", p.Number)
		}
	}
}
