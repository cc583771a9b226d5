package matching

import (
	"errors"
	"math"
	"testing"
)

func TestLineAmountRoundsHalfEvenOnce(t *testing.T) {
	cases := []struct {
		name      string
		qty       int64
		price     string
		exponent  int
		wantMinor int64
	}{
		{"3 × 0.333 USD is 1.00, not 3 × 0.33", 3, "0.333", 2, 100},
		{"3 × 0.333 KWD keeps all three decimals", 3, "0.333", 3, 999},
		{"0.125 USD rounds down to even", 1, "0.125", 2, 12},
		{"0.135 USD rounds up to even", 1, "0.135", 2, 14},
		{"0.1251 USD is above half", 1, "0.1251", 2, 13},
		{"JPY 0.5 rounds to even 0", 1, "0.5", 0, 0},
		{"JPY 1.5 rounds to even 2", 3, "0.5", 0, 2},
		{"JPY 2.5 rounds to even 2", 5, "0.5", 0, 2},
		{"JPY whole yen", 3, "1234", 0, 3702},
		{"KWD 1.2345 rounds to even 1.234", 1, "1.2345", 3, 1234},
		{"KWD 1.2355 rounds to even 1.236", 1, "1.2355", 3, 1236},
		{"KWD 10 × 0.0005", 10, "0.0005", 3, 5},
		{"negative quantity rounds symmetrically", -1, "0.135", 2, -14},
		{"micro-unit exponent has no rounding", 7, "0.000001", 6, 7},
		{"large line stays exact", 1_000_000_000, "123456.789012", 2, 12_345_678_901_200_000},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			price, err := ParseUnitPrice(tc.price)
			if err != nil {
				t.Fatal(err)
			}
			got, err := CheckedLineAmount(tc.qty, price, tc.exponent)
			if err != nil || got != tc.wantMinor {
				t.Fatalf("CheckedLineAmount = %d, %v; want %d", got, err, tc.wantMinor)
			}
			// Cross-check with shopspring/decimal's banker's rounding.
			want := ToDecimal(tc.qty, 0).Mul(ToDecimal(price, PriceScale)).RoundBank(int32(tc.exponent))
			if oracle, err := FromDecimal(want, tc.exponent); err != nil || oracle != got {
				t.Fatalf("decimal says %s (%d, %v), engine %d", want, oracle, err, got)
			}
			if LineAmount(tc.qty, price, tc.exponent) != got {
				t.Fatal("LineAmount disagrees with CheckedLineAmount")
			}
		})
	}
}

func TestLineAmountOverflow(t *testing.T) {
	if _, err := CheckedLineAmount(math.MaxInt64, math.MaxInt64, 2); !errors.Is(err, ErrAmountOverflow) {
		t.Fatalf("err %v", err)
	}
	if got := LineAmount(math.MaxInt64, math.MaxInt64, 2); got != math.MaxInt64 {
		t.Fatalf("saturated %d", got)
	}
	if got := LineAmount(math.MinInt64, math.MaxInt64, 2); got != math.MinInt64 {
		t.Fatalf("saturated %d", got)
	}
	if _, err := CheckedLineAmount(1, 1, 7); !errors.Is(err, ErrScale) {
		t.Fatalf("err %v", err)
	}
	// The largest result that still fits.
	got, err := CheckedLineAmount(math.MaxInt64, 1, 6)
	if err != nil || got != math.MaxInt64 {
		t.Fatalf("%d %v", got, err)
	}
	got, err = CheckedLineAmount(math.MinInt64, 1, 6)
	if err != nil || got != math.MinInt64 {
		t.Fatalf("%d %v", got, err)
	}
}

func TestMatchInJPYAndKWD(t *testing.T) {
	cases := []struct {
		currency string
		price    string // per unit
		qty      int64
		amount   string // as the supplier prints it
		outcome  Outcome
		codes    []Code
	}{
		{"JPY", "1234", 3, "3702", Matched, nil},
		{"JPY", "99.5", 3, "299", Matched, nil}, // 298.5 → 298 (even); 299 is one yen of rounding
		{"JPY", "99.5", 3, "300", Exception, []Code{CodeAmountMismatch}},
		{"KWD", "1.2345", 2, "2.469", Matched, nil},
		{"KWD", "0.333", 3, "0.999", Matched, nil},
		{"KWD", "0.333", 3, "1.000", Matched, nil}, // one fils of rounding
		{"KWD", "0.333", 3, "1.001", Exception, []Code{CodeAmountMismatch}},
	}
	for _, tc := range cases {
		t.Run(tc.currency+" "+tc.price+" "+tc.amount, func(t *testing.T) {
			cur, ok := LookupCurrency(tc.currency)
			if !ok {
				t.Fatal("unknown currency")
			}
			price, err := ParseUnitPrice(tc.price)
			if err != nil {
				t.Fatal(err)
			}
			amount, err := cur.Parse(tc.amount)
			if err != nil {
				t.Fatal(err)
			}
			in := baseInput()
			in.PO.Currency, in.Invoice.Currency = tc.currency, tc.currency
			in.PO.Lines[0].UnitPriceMicros = price
			in.Invoice.Lines[0] = InvoiceLine{POLineID: widgetLineID, Qty: tc.qty, UnitPriceMicros: price, Amount: amount}
			restate(in)
			d := Match(in)
			assertDecision(t, &d, tc.outcome, tc.codes...)
			if d.Currency != cur || d.Payable != amount {
				t.Fatalf("currency %+v payable %d", d.Currency, d.Payable)
			}
		})
	}
}

func TestThreeTimesPointThreeThreeThreeOnAnInvoice(t *testing.T) {
	in := baseInput()
	in.PO.Lines[0].UnitPriceMicros = 333_000
	setLine(in, 0, 3, 333_000)
	d := Match(in)
	assertDecision(t, &d, Matched)
	if d.Lines[0].ComputedAmount != 100 || d.Lines[0].ExpectedAmount != 100 || d.Payable != 100 {
		t.Fatalf("line %+v", d.Lines[0])
	}
	// A supplier rounding per unit prints 0.99: one cent of rounding passes.
	in.Invoice.Lines[0].Amount = 99
	restate(in)
	d = Match(in)
	assertDecision(t, &d, Matched)
	// 0.98 is not rounding any more.
	in.Invoice.Lines[0].Amount = 98
	restate(in)
	d = Match(in)
	assertDecision(t, &d, Exception, CodeAmountMismatch)
}

func TestPercentOfIsExactFloor(t *testing.T) {
	cases := []struct{ base, bp, want int64 }{
		{10_000_000, 200, 200_000},
		{333, 100, 3}, // 3.33 → 3
		{-500, 1000, 50},
		{0, 500, 0},
		{math.MaxInt64, 10_000, math.MaxInt64},
		{math.MaxInt64, 20_000, math.MaxInt64}, // saturates
		{100, 0, 0},
	}
	for _, tc := range cases {
		if got := percentOf(tc.base, tc.bp); got != tc.want {
			t.Errorf("percentOf(%d, %d) = %d, want %d", tc.base, tc.bp, got, tc.want)
		}
	}
}

func TestSaturatingArithmetic(t *testing.T) {
	cases := []struct {
		name      string
		got, want int64
	}{
		{"add", satAdd(2, 3), 5},
		{"add overflow", satAdd(math.MaxInt64, 1), math.MaxInt64},
		{"add underflow", satAdd(math.MinInt64, -1), math.MinInt64},
		{"sub", satSub(2, 3), -1},
		{"sub overflow", satSub(math.MaxInt64, -1), math.MaxInt64},
		{"sub underflow", satSub(math.MinInt64, 1), math.MinInt64},
		{"abs min", absI(math.MinInt64), math.MaxInt64},
	}
	for _, tc := range cases {
		if tc.got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, tc.got, tc.want)
		}
	}
}
