package matching

import (
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/shopspring/decimal"
)

// Fixed scales used across pogate. Every number the engine touches is an
// int64 count of 10^-scale units, so comparisons are exact and cheap.
const (
	// PriceScale is the number of decimals of a unit price: 6, i.e. unit prices
	// are micro-units of the currency's major unit (10.5 USD = 10_500_000).
	PriceScale = 6
	// PercentScale is the number of decimals of a tolerance percentage: 2, i.e.
	// basis points (2.5% = 250).
	PercentScale = 2
	// maxScale bounds the scales the helpers accept; 10^18 is the largest
	// power of ten an int64 holds.
	maxScale = 18
)

// Parse errors. They are wrapped with the offending input, so test with errors.Is.
var (
	ErrSyntax          = errors.New("not a plain decimal number")
	ErrTooManyDecimals = errors.New("more decimals than allowed")
	ErrOverflow        = errors.New("number out of range")
	ErrScale           = errors.New("scale out of range")
)

var pow10 = [...]uint64{
	1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000,
	1_000_000_000, 10_000_000_000, 100_000_000_000, 1_000_000_000_000,
	10_000_000_000_000, 100_000_000_000_000, 1_000_000_000_000_000,
	10_000_000_000_000_000, 100_000_000_000_000_000, 1_000_000_000_000_000_000,
}

// ParseScaled reads a plain decimal string ("-12.340", "+7", ".5") into an
// int64 count of 10^-scale units. It is exact: extra decimals are accepted
// only when they are zeros, otherwise ErrTooManyDecimals, because silently
// rounding a supplier's price would hide the very differences matching looks
// for. Surrounding ASCII spaces are ignored; thousands separators, exponents
// and locale commas are rejected (the extraction edge knows the locale, this
// function does not).
func ParseScaled(s string, scale int) (int64, error) {
	v, err := parseScaled(s, scale)
	if err != nil {
		return 0, fmt.Errorf("parse %q at %d decimals: %w", clip(s), scale, err)
	}
	return v, nil
}

func parseScaled(s string, scale int) (int64, error) {
	if scale < 0 || scale > maxScale {
		return 0, ErrScale
	}
	i, j := 0, len(s)
	for i < j && isSpace(s[i]) {
		i++
	}
	for j > i && isSpace(s[j-1]) {
		j--
	}
	s = s[i:j]
	neg := false
	if len(s) > 0 && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		s = s[1:]
	}
	var mag uint64
	const limit = uint64(1) << 63 // |MinInt64|
	digits, frac := 0, -1         // frac counts digits after the point; -1 = no point yet
	for k := 0; k < len(s); k++ {
		c := s[k]
		if c == '.' {
			if frac >= 0 {
				return 0, ErrSyntax
			}
			frac = 0
			continue
		}
		if c < '0' || c > '9' {
			return 0, ErrSyntax
		}
		digits++
		if frac >= 0 {
			frac++
			if frac > scale {
				if c != '0' {
					return 0, ErrTooManyDecimals
				}
				continue
			}
		}
		if mag > (limit-uint64(c-'0'))/10 {
			return 0, ErrOverflow
		}
		mag = mag*10 + uint64(c-'0')
	}
	if digits == 0 {
		return 0, ErrSyntax
	}
	kept := frac
	if kept < 0 {
		kept = 0
	}
	if kept > scale {
		kept = scale
	}
	if pad := pow10[scale-kept]; pad > 1 {
		hi, lo := mulU64(mag, pad)
		if hi != 0 || lo > limit {
			return 0, ErrOverflow
		}
		mag = lo
	}
	if neg {
		return int64(-mag), nil // -(1<<63) wraps to MinInt64, which is exactly right
	}
	if mag > math.MaxInt64 {
		return 0, ErrOverflow
	}
	return int64(mag), nil
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// clip keeps error messages readable when someone feeds a megabyte of digits.
func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}

// AppendScaled appends v/10^scale as a plain decimal with exactly scale
// decimals ("-0.05" for v=-5, scale=2). Out-of-range scales are clamped.
func AppendScaled(dst []byte, v int64, scale int) []byte {
	scale = max(0, min(scale, maxScale))
	mag := uint64(v)
	if v < 0 {
		dst = append(dst, '-')
		mag = -mag
	}
	if scale == 0 {
		return strconv.AppendUint(dst, mag, 10)
	}
	p := pow10[scale]
	dst = strconv.AppendUint(dst, mag/p, 10)
	dst = append(dst, '.')
	frac := mag % p
	var buf [maxScale]byte
	for k := scale - 1; k >= 0; k-- {
		buf[k] = byte('0' + frac%10)
		frac /= 10
	}
	return append(dst, buf[:scale]...)
}

// FormatScaled renders v/10^scale with exactly scale decimals.
func FormatScaled(v int64, scale int) string {
	var buf [40]byte
	return string(AppendScaled(buf[:0], v, scale))
}

// FormatUnitPrice renders a micro-unit price for people: trailing zeros are
// trimmed but at least two decimals stay ("10.50", "0.333", "12.345678").
func FormatUnitPrice(micros int64) string { return formatTrimmed(micros, PriceScale, 2) }

// FormatPercent renders basis points as a percentage without the sign ("2.50").
func FormatPercent(bp int64) string { return FormatScaled(bp, PercentScale) }

func formatTrimmed(v int64, scale, minDecimals int) string {
	var buf [40]byte
	b := AppendScaled(buf[:0], v, scale)
	keep := len(b) - scale + minDecimals
	for len(b) > keep && b[len(b)-1] == '0' {
		b = b[:len(b)-1]
	}
	return string(b)
}

// ParseUnitPrice reads a unit price into micro-units (scale 6).
func ParseUnitPrice(s string) (int64, error) { return ParseScaled(s, PriceScale) }

// ParseQuantity reads a whole quantity in the line's unit; "12.000" is 12,
// "12.5" is ErrTooManyDecimals (convert the unit of measure first).
func ParseQuantity(s string) (int64, error) { return ParseScaled(s, 0) }

// ParsePercent reads "2.5" (meaning 2.5%) into basis points (250).
func ParsePercent(s string) (int64, error) { return ParseScaled(s, PercentScale) }

// ToDecimal converts a fixed-scale integer to shopspring/decimal for
// arithmetic at the edges (reports, exports).
func ToDecimal(v int64, scale int) decimal.Decimal { return decimal.New(v, -int32(scale)) }

// FromDecimal converts a decimal to a fixed-scale int64 exactly: more
// significant decimals than scale is ErrTooManyDecimals, too large is ErrOverflow.
func FromDecimal(d decimal.Decimal, scale int) (int64, error) {
	if scale < 0 || scale > maxScale {
		return 0, ErrScale
	}
	if d.IsZero() {
		return 0, nil
	}
	// A huge positive exponent would make Shift build an enormous big.Int
	// before we could say "overflow"; no int64 needs more than 19 digits.
	if int64(d.Exponent())+int64(scale) > 19 {
		return 0, fmt.Errorf("convert %s to %d decimals: %w", d.String(), scale, ErrOverflow)
	}
	if !d.Equal(d.Truncate(int32(scale))) {
		return 0, fmt.Errorf("convert %s to %d decimals: %w", d.String(), scale, ErrTooManyDecimals)
	}
	bi := d.Shift(int32(scale)).BigInt()
	if !bi.IsInt64() {
		return 0, fmt.Errorf("convert %s to %d decimals: %w", d.String(), scale, ErrOverflow)
	}
	return bi.Int64(), nil
}
