package matching

import (
	"unicode"
	"unicode/utf8"
)

// NormaliseInvoiceNumber reduces a supplier's invoice number to the form used
// for duplicate detection, so that "INV-001", "inv001 " and "INV 0001" are one
// number. Rules, in order:
//
//  1. keep letters and digits only (spaces, dashes, slashes, dots, '#' … go);
//  2. upper-case letters;
//  3. strip leading zeros of the trailing run of ASCII digits (one zero
//     stays when the run is all zeros, so "INV-000" is "INV0", not "INV").
//
// The result is idempotent (normalising twice changes nothing), so stores
// may keep it in an indexed column and pass either form back to the engine.
// Numbers are compared per supplier; the function knows nothing of suppliers.
func NormaliseInvoiceNumber(s string) string {
	var buf [64]byte
	return string(appendNormalisedNumber(buf[:0], s))
}

// appendNormalisedNumber is the allocation-free core of
// NormaliseInvoiceNumber: with a stack buffer the duplicate check compares
// numbers without touching the heap.
func appendNormalisedNumber(dst []byte, s string) []byte {
	start := len(dst)
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if k := asciiKeep[c]; k != 0 {
				dst = append(dst, k)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			dst = utf8.AppendRune(dst, unicode.ToUpper(r))
		}
	}
	end := len(dst)
	tail := end
	for tail > start && dst[tail-1] >= '0' && dst[tail-1] <= '9' {
		tail--
	}
	first := tail
	for first < end-1 && dst[first] == '0' {
		first++
	}
	if first > tail {
		dst = append(dst[:tail], dst[first:end]...)
	}
	return dst
}

// asciiKeep maps an ASCII byte to its normalised form, 0 for bytes that are
// dropped: one table read per byte instead of a chain of range tests.
var asciiKeep = func() (t [utf8.RuneSelf]byte) {
	for c := byte('0'); c <= '9'; c++ {
		t[c] = c
	}
	for c := byte('A'); c <= 'Z'; c++ {
		t[c] = c
		t[c+('a'-'A')] = c
	}
	return t
}()
