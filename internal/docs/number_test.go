package docs

import "testing"

func TestParseNumber(t *testing.T) {
	tests := []struct {
		in       string
		style    numberStyle
		want     string
		currency string
		ok       bool
	}{
		{"1,234.56", styleUnknown, "1234.56", "", true},
		{"1.234,56", styleUnknown, "1234.56", "", true},
		{"1 234,56", styleUnknown, "1234.56", "", true},
		{"1\u00a0234,56", styleUnknown, "1234.56", "", true},
		{"12,50", styleUnknown, "12.50", "", true},
		{"12.5", styleUnknown, "12.5", "", true},
		{"1,234", styleDotDecimal, "1234", "", true},
		{"1,234", styleCommaDecimal, "1.234", "", true},
		{"1.234", styleCommaDecimal, "1234", "", true},
		{"1.234", styleDotDecimal, "1.234", "", true},
		{"1,234,567.89", styleUnknown, "1234567.89", "", true},
		{"1.234.567", styleUnknown, "1234567", "", true},
		{"€ 12.00", styleUnknown, "12.00", "EUR", true},
		{"12,00 €", styleUnknown, "12.00", "EUR", true},
		{"$1,299.00", styleUnknown, "1299.00", "USD", true},
		{"-$12.00", styleUnknown, "-12.00", "USD", true},
		{"£-5.00", styleUnknown, "-5.00", "GBP", true},
		{"¥12,345", styleDotDecimal, "12345", "JPY", true},
		{"EUR 1.234,56", styleUnknown, "1234.56", "EUR", true},
		{"1,234.56 USD", styleUnknown, "1234.56", "USD", true},
		{"(45.00)", styleUnknown, "-45.00", "", true},
		{"45.00-", styleUnknown, "-45.00", "", true},
		{"0.125", styleDotDecimal, "0.125", "", true},
		{"20%", styleUnknown, "", "", false},
		{"INV-1001", styleUnknown, "", "", false},
		{"12a", styleUnknown, "", "", false},
		{"1,23,4", styleUnknown, "", "", false},
		{"1,234.5,6", styleUnknown, "", "", false},
		{"", styleUnknown, "", "", false},
		{"2026-01-02", styleUnknown, "", "", false},
		{"12.34.56", styleUnknown, "", "", false},
	}
	for _, tt := range tests {
		got, ok := parseNumber(tt.in, tt.style)
		if ok != tt.ok {
			t.Errorf("parseNumber(%q) ok = %v, want %v (got %q)", tt.in, ok, tt.ok, got.text)
			continue
		}
		if !ok {
			continue
		}
		if got.text != tt.want || got.currency != tt.currency {
			t.Errorf("parseNumber(%q) = %q %q, want %q %q", tt.in, got.text, got.currency, tt.want, tt.currency)
		}
	}
}

func TestDetectNumberStyle(t *testing.T) {
	if s := detectNumberStyle([]string{"1.234,56", "12,00", "Total", "1.234"}); s != styleCommaDecimal {
		t.Errorf("comma document detected as %v", s)
	}
	if s := detectNumberStyle([]string{"1,234.56", "12.00", "1,234"}); s != styleDotDecimal {
		t.Errorf("dot document detected as %v", s)
	}
	if s := detectNumberStyle([]string{"1,234", "INV-1"}); s != styleUnknown {
		t.Errorf("ambiguous document detected as %v", s)
	}
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		in        string
		order     dateOrder
		want      string
		ambiguous bool
	}{
		{"2026-03-04", orderDMY, "2026-03-04", false},
		{"04.03.2026", orderDMY, "2026-03-04", true},
		{"03/04/2026", orderMDY, "2026-03-04", true},
		{"25/12/2026", orderMDY, "2026-12-25", false},
		{"12/25/2026", orderDMY, "2026-12-25", false},
		{"4 Mar 2026", orderMDY, "2026-03-04", false},
		{"4th March 2026", orderDMY, "2026-03-04", false},
		{"March 4, 2026", orderDMY, "2026-03-04", false},
		{"Sept 30, 2026", orderDMY, "2026-09-30", false},
		{"04-Mar-26", orderDMY, "2026-03-04", false},
		{"31.02.2026", orderDMY, "", false},
		{"INV-2026", orderDMY, "", false},
	}
	for _, tt := range tests {
		got, amb, ok := parseDate(tt.in, tt.order)
		if got != tt.want || (ok && amb != tt.ambiguous) || ok != (tt.want != "") {
			t.Errorf("parseDate(%q) = %q amb=%v ok=%v, want %q amb=%v", tt.in, got, amb, ok, tt.want, tt.ambiguous)
		}
	}
}
