package edi

import (
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/shopspring/decimal"
)

// Decimal is an exact decimal number as written in X12: Units × 10^-Scale.
// Quantities and amounts never go through floating point. The scale read is
// kept, so "9.250" stays "9.250" and N2 "19998" is 199.98 at scale 2; that
// makes read → write → read give identical values. The zero value means
// "absent" (IsZero) and is omitted from JSON with omitzero.
type Decimal struct {
	units int64
	scale int32
	set   bool
}

var (
	errNotNumeric = errors.New("not a number")
	errTooBig     = errors.New("too many digits")
)

// NewDecimal returns units × 10^-scale.
func NewDecimal(units int64, scale int32) Decimal {
	return Decimal{units: units, scale: scale, set: true}
}

// DecimalFrom converts a shopspring decimal (scale 0..18 kept as is).
func DecimalFrom(d decimal.Decimal) (Decimal, error) {
	exp := d.Exponent()
	if exp > 0 {
		d = d.Truncate(0)
		exp = 0
	}
	if exp < -18 {
		return Decimal{}, fmt.Errorf("edi: %s: %w", d, errTooBig)
	}
	c := d.Coefficient()
	if !c.IsInt64() {
		return Decimal{}, fmt.Errorf("edi: %s: %w", d, errTooBig)
	}
	return NewDecimal(c.Int64(), -exp), nil
}

// ParseDecimal parses an X12 R (real) value: optional minus, digits,
// optional decimal point. Up to 18 significant digits.
func ParseDecimal(b []byte) (Decimal, error) {
	if len(b) == 0 {
		return Decimal{}, errNotNumeric
	}
	neg := false
	if b[0] == '-' {
		neg = true
		b = b[1:]
	}
	var units int64
	var scale int32
	digits, seenPoint := 0, false
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			if digits > 0 || c != '0' {
				digits++
			}
			if digits > 18 {
				return Decimal{}, errTooBig
			}
			units = units*10 + int64(c-'0')
			if seenPoint {
				scale++
			}
		case c == '.' && !seenPoint:
			seenPoint = true
		default:
			return Decimal{}, errNotNumeric
		}
	}
	if len(b) == 0 || (seenPoint && len(b) == 1) {
		return Decimal{}, errNotNumeric
	}
	if neg {
		units = -units
	}
	return NewDecimal(units, scale), nil
}

// ParseImplied parses an X12 Nn value: optional minus and digits only, with
// scale implied decimal places (N2 "19998" is 199.98).
func ParseImplied(b []byte, scale int32) (Decimal, error) {
	if len(b) == 0 {
		return Decimal{}, errNotNumeric
	}
	neg := b[0] == '-'
	if neg {
		b = b[1:]
	}
	if len(b) == 0 {
		return Decimal{}, errNotNumeric
	}
	var units int64
	digits := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return Decimal{}, errNotNumeric
		}
		if digits > 0 || c != '0' {
			digits++
		}
		if digits > 18 {
			return Decimal{}, errTooBig
		}
		units = units*10 + int64(c-'0')
	}
	if neg {
		units = -units
	}
	return NewDecimal(units, scale), nil
}

// IsZero reports whether the value is absent (the zero Decimal). A present
// "0.00" is not zero in this sense; use Sign for the numeric test.
func (d Decimal) IsZero() bool { return !d.set }

// Sign is -1, 0 or +1.
func (d Decimal) Sign() int {
	switch {
	case d.units < 0:
		return -1
	case d.units > 0:
		return 1
	}
	return 0
}

// Units and Scale expose the representation: value = Units × 10^-Scale.
func (d Decimal) Units() int64 { return d.units }
func (d Decimal) Scale() int32 { return d.scale }

// Decimal converts to shopspring/decimal for arithmetic at the edges.
func (d Decimal) Decimal() decimal.Decimal { return decimal.New(d.units, -d.scale) }

// Scaled returns the value at the given scale (e.g. 2 for cents, 6 for
// micro-units of a unit price), rounding half-even once when digits are
// dropped. It fails when the result does not fit an int64.
func (d Decimal) Scaled(scale int32) (int64, error) {
	if scale >= d.scale {
		u := d.units
		for i := d.scale; i < scale; i++ {
			if u > math.MaxInt64/10 || u < math.MinInt64/10 {
				return 0, fmt.Errorf("edi: %s at scale %d: %w", d, scale, errTooBig)
			}
			u *= 10
		}
		return u, nil
	}
	r := d.Decimal().RoundBank(scale)
	c := r.Shift(scale)
	if !c.IsInteger() || c.BigInt().BitLen() > 63 {
		return 0, fmt.Errorf("edi: %s at scale %d: %w", d, scale, errTooBig)
	}
	return c.IntPart(), nil
}

// String renders the value with its scale ("199.98", "-5", "0.5").
func (d Decimal) String() string {
	var buf [24]byte
	return string(d.appendR(buf[:0]))
}

// appendR appends the R (real) form.
func (d Decimal) appendR(b []byte) []byte {
	u := d.units
	if u < 0 {
		b = append(b, '-')
	}
	var digits [20]byte
	s := strconv.AppendUint(digits[:0], absU(u), 10)
	if d.scale <= 0 {
		b = append(b, s...)
		for i := d.scale; i < 0; i++ {
			b = append(b, '0')
		}
		return b
	}
	sc := int(d.scale)
	if len(s) <= sc {
		b = append(b, '0', '.')
		for i := len(s); i < sc; i++ {
			b = append(b, '0')
		}
		return append(b, s...)
	}
	b = append(b, s[:len(s)-sc]...)
	b = append(b, '.')
	return append(b, s[len(s)-sc:]...)
}

// appendImplied appends the Nn form (digits only, scale implied), rounding
// half-even when the value has more decimals than the element allows.
func (d Decimal) appendImplied(b []byte, scale int32) ([]byte, error) {
	u, err := d.Scaled(scale)
	if err != nil {
		return b, err
	}
	return strconv.AppendInt(b, u, 10), nil
}

func absU(u int64) uint64 {
	if u < 0 {
		return uint64(-(u + 1)) + 1
	}
	return uint64(u)
}

// MarshalJSON writes the value as a decimal string, "199.98".
func (d Decimal) MarshalJSON() ([]byte, error) {
	if !d.set {
		return []byte("null"), nil
	}
	b := append([]byte{'"'}, d.appendR(nil)...)
	return append(b, '"'), nil
}

// UnmarshalJSON accepts a decimal string or a bare JSON number (parsed from
// its text, never through float64).
func (d *Decimal) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*d = Decimal{}
		return nil
	}
	if len(b) >= 2 && b[0] == '"' && b[len(b)-1] == '"' {
		b = b[1 : len(b)-1]
	}
	v, err := ParseDecimal(b)
	if err != nil {
		return fmt.Errorf("edi: decimal %q: %w", b, err)
	}
	*d = v
	return nil
}
