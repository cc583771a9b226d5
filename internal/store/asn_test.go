package store_test

import (
	"strings"
	"testing"

	"github.com/pogate/pogate/internal/store"
)

// checkDigit computes the GS1 mod-10 digit of a 17-digit payload the way
// the GS1 General Specifications print it: weights 3 and 1 alternating
// from the left for an SSCC's 17 digits.
func checkDigit(payload string) byte {
	sum := 0
	for i := 0; i < len(payload); i++ {
		d := int(payload[i] - '0')
		if i%2 == 0 {
			d *= 3
		}
		sum += d
	}
	return byte('0' + (10-sum%10)%10)
}

// FuzzSSCC checks ValidSSCC against the GS1 rule on arbitrary input and
// that NormalizeSSCC is idempotent and only ever shortens its input.
func FuzzSSCC(f *testing.F) {
	for _, s := range []string{"106141411234567897", "006141411234567890", "(00)006141411234567890", "00006141411234567890", "", "12345678901234567x", " 1 0 6141411234567897 ", "(\v0", "\x80"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := store.NormalizeSSCC(s)
		if store.NormalizeSSCC(n) != n && !(len(n) == 20 && strings.HasPrefix(n, "00")) {
			t.Fatalf("NormalizeSSCC not idempotent: %q -> %q -> %q", s, n, store.NormalizeSSCC(n))
		}
		if len(n) > len(s) {
			t.Fatalf("NormalizeSSCC grew %q to %q", s, n)
		}
		allDigits := len(s) == 18 && strings.Trim(s, "0123456789") == ""
		want := allDigits && checkDigit(s[:17]) == s[17]
		if got := store.ValidSSCC(s); got != want {
			t.Fatalf("ValidSSCC(%q) = %v, GS1 rule says %v", s, got, want)
		}
		if want {
			for d := byte('0'); d <= '9'; d++ {
				if d != s[17] && store.ValidSSCC(s[:17]+string(d)) {
					t.Fatalf("%q also valid with check digit %c", s, d)
				}
			}
		}
	})
}
