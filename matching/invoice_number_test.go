package matching

import "testing"

func TestNormaliseInvoiceNumber(t *testing.T) {
	cases := []struct{ in, want string }{
		{"INV-001", "INV1"},
		{"inv001 ", "INV1"},
		{"INV 0001", "INV1"},
		{"INV/1", "INV1"},
		{"  #inv.00001  ", "INV1"},
		{"INV-010", "INV10"},
		{"INV-000", "INV0"},
		{"000", "0"},
		{"0042", "42"},
		{"2026-0001", "20260001"}, // the tail is the whole digit run once separators go
		{"A0B001", "A0B1"},        // only the trailing run loses zeros
		{"INV-001A", "INV001A"},   // no numeric tail
		{"", ""},
		{" - / ", ""},
		{"rechnung-ä-007", "RECHNUNGÄ7"},
		{"ＩＮＶ-001", "ＩＮＶ1"},    // full-width letters are kept, upper-cased as they are
		{"inv\xff001", "INV1"}, // invalid UTF-8 is dropped like punctuation
	}
	for _, tc := range cases {
		if got := NormaliseInvoiceNumber(tc.in); got != tc.want {
			t.Errorf("NormaliseInvoiceNumber(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestNormaliseInvoiceNumberLongInput(t *testing.T) {
	long := "INV-"
	for range 100 {
		long += "0"
	}
	long += "7"
	if got := NormaliseInvoiceNumber(long); got != "INV7" {
		t.Fatalf("got %q", got)
	}
}
