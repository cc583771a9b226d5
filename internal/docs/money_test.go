package docs

import "testing"

func TestMinorUnits(t *testing.T) {
	tests := []struct {
		amount, currency string
		want             int64
		ok               bool
	}{
		{"1234.50", "EUR", 123450, true},
		{"-5.00", "EUR", -500, true},
		{"4125", "JPY", 4125, true},
		{"1.234", "KWD", 1234, true},
		{"12.345", "EUR", 0, false},
		{"10.5", "JPY", 0, false},
		{"abc", "EUR", 0, false},
		{"99999999999999999999", "EUR", 0, false},
	}
	for _, tt := range tests {
		got, err := MinorUnits(tt.amount, tt.currency)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("MinorUnits(%q, %s) = %d, %v; want %d ok=%v", tt.amount, tt.currency, got, err, tt.want, tt.ok)
		}
	}
}

func TestUnitPriceMicros(t *testing.T) {
	tests := []struct {
		price string
		want  int64
		ok    bool
	}{
		{"0.125", 125000, true},
		{"18.25", 18250000, true},
		{"1", 1000000, true},
		{"0.0000001", 0, false},
		{"x", 0, false},
	}
	for _, tt := range tests {
		got, err := UnitPriceMicros(tt.price)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("UnitPriceMicros(%q) = %d, %v; want %d ok=%v", tt.price, got, err, tt.want, tt.ok)
		}
	}
}
