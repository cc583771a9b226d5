package matching

import (
	"errors"
	"math"
	"testing"

	"github.com/shopspring/decimal"
)

func TestParseScaled(t *testing.T) {
	cases := []struct {
		in    string
		scale int
		want  int64
		err   error
	}{
		{"12.34", 2, 1234, nil},
		{"12.3", 2, 1230, nil},
		{"12", 2, 1200, nil},
		{"12.340000", 2, 1234, nil}, // trailing zeros are not extra precision
		{" -0.05 ", 2, -5, nil},
		{"+7", 0, 7, nil},
		{".5", 1, 5, nil},
		{"5.", 0, 5, nil},
		{"0.333", 6, 333_000, nil},
		{"1234", 0, 1234, nil},
		{"1.234", 3, 1234, nil},
		{"9223372036854775807", 0, math.MaxInt64, nil},
		{"-9223372036854775808", 0, math.MinInt64, nil},
		{"92233720368547.75807", 5, math.MaxInt64, nil},
		{"12.345", 2, 0, ErrTooManyDecimals},
		{"0.0000001", 6, 0, ErrTooManyDecimals},
		{"12.5", 0, 0, ErrTooManyDecimals},
		{"9223372036854775808", 0, 0, ErrOverflow},
		{"-9223372036854775809", 0, 0, ErrOverflow},
		{"92233720368547758.08", 2, 0, ErrOverflow},
		{"1e3", 0, 0, ErrSyntax},
		{"1,234.00", 2, 0, ErrSyntax},
		{"", 2, 0, ErrSyntax},
		{"-", 2, 0, ErrSyntax},
		{".", 2, 0, ErrSyntax},
		{"1.2.3", 2, 0, ErrSyntax},
		{"--1", 2, 0, ErrSyntax},
		{"1 000", 0, 0, ErrSyntax},
		{"1", 19, 0, ErrScale},
	}
	for _, tc := range cases {
		got, err := ParseScaled(tc.in, tc.scale)
		if !errors.Is(err, tc.err) || (tc.err == nil && got != tc.want) {
			t.Errorf("ParseScaled(%q, %d) = %d, %v; want %d, %v", tc.in, tc.scale, got, err, tc.want, tc.err)
		}
	}
}

func TestFormatScaled(t *testing.T) {
	cases := []struct {
		v     int64
		scale int
		want  string
	}{
		{1234, 2, "12.34"},
		{-5, 2, "-0.05"},
		{0, 2, "0.00"},
		{1234, 0, "1234"},
		{1234, 3, "1.234"},
		{math.MinInt64, 0, "-9223372036854775808"},
		{math.MinInt64, 18, "-9.223372036854775808"},
		{math.MaxInt64, 6, "9223372036854.775807"},
	}
	for _, tc := range cases {
		if got := FormatScaled(tc.v, tc.scale); got != tc.want {
			t.Errorf("FormatScaled(%d, %d) = %q, want %q", tc.v, tc.scale, got, tc.want)
		}
	}
	prices := map[int64]string{10_500_000: "10.50", 333_000: "0.333", 12_345_678: "12.345678", -1: "-0.000001", 0: "0.00"}
	for v, want := range prices {
		if got := FormatUnitPrice(v); got != want {
			t.Errorf("FormatUnitPrice(%d) = %q, want %q", v, got, want)
		}
	}
}

func TestParseHelpers(t *testing.T) {
	if v, err := ParsePercent("2.5"); err != nil || v != 250 {
		t.Fatalf("ParsePercent = %d, %v", v, err)
	}
	if v, err := ParseQuantity("12.000"); err != nil || v != 12 {
		t.Fatalf("ParseQuantity = %d, %v", v, err)
	}
	if _, err := ParseQuantity("12.5"); !errors.Is(err, ErrTooManyDecimals) {
		t.Fatalf("ParseQuantity(12.5) err %v", err)
	}
	jpy, _ := LookupCurrency("jpy")
	if _, err := jpy.Parse("100.5"); !errors.Is(err, ErrTooManyDecimals) {
		t.Fatalf("JPY 100.5 err %v", err)
	}
}

func TestDecimalEdges(t *testing.T) {
	cases := []struct {
		in    string
		scale int
		want  int64
		err   error
	}{
		{"12.34", 2, 1234, nil},
		{"12.3400", 2, 1234, nil},
		{"1e3", 0, 1000, nil},
		{"0", 2, 0, nil},
		{"12.345", 2, 0, ErrTooManyDecimals},
		{"1e40", 0, 0, ErrOverflow},
		{"1e9000", 2, 0, ErrOverflow},
		{"1e-9000", 2, 0, ErrTooManyDecimals},
		{"9223372036854775808", 0, 0, ErrOverflow},
	}
	for _, tc := range cases {
		d := decimal.RequireFromString(tc.in)
		got, err := FromDecimal(d, tc.scale)
		if !errors.Is(err, tc.err) || (tc.err == nil && got != tc.want) {
			t.Errorf("FromDecimal(%s, %d) = %d, %v; want %d, %v", tc.in, tc.scale, got, err, tc.want, tc.err)
		}
		if tc.err == nil && !ToDecimal(got, tc.scale).Equal(d) {
			t.Errorf("ToDecimal(%d, %d) != %s", got, tc.scale, tc.in)
		}
	}
}

func TestCurrencies(t *testing.T) {
	cases := map[string]int{"JPY": 0, "usd": 2, "EUR": 2, "KWD": 3, "BHD": 3, "KRW": 0, "CLF": 4, "GBP": 2}
	for code, exp := range cases {
		got, ok := CurrencyExponent(code)
		if !ok || got != exp {
			t.Errorf("CurrencyExponent(%s) = %d, %v; want %d", code, got, ok, exp)
		}
	}
	for _, bad := range []string{"", "US", "USDX", "ZZZ", "U$D"} {
		if _, ok := LookupCurrency(bad); ok {
			t.Errorf("LookupCurrency(%q) accepted", bad)
		}
	}
	kwd, _ := LookupCurrency("kwd")
	m := Money{Minor: 1234, Currency: kwd}
	if m.String() != "1.234 KWD" || !m.Decimal().Equal(decimal.RequireFromString("1.234")) {
		t.Fatalf("money %s %s", m, m.Decimal())
	}
}
