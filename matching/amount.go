package matching

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
)

// ErrAmountOverflow reports a line amount that does not fit in int64 minor units.
var ErrAmountOverflow = errors.New("line amount out of range")

func mulU64(a, b uint64) (hi, lo uint64) { return bits.Mul64(a, b) }

func absU(v int64) uint64 {
	if v < 0 {
		return -uint64(v)
	}
	return uint64(v)
}

// CheckedLineAmount computes qty × unit price in minor units of a currency
// with the given exponent, rounding half-even exactly once. The product is
// formed in 128 bits so no intermediate overflows; only a result outside
// int64 is an error. Rounding once, here, is the rule of the brief: 3 × 0.333
// USD is 1.00, not 3 × 0.33 = 0.99.
func CheckedLineAmount(qty, unitPriceMicros int64, exponent int) (int64, error) {
	if exponent < 0 || exponent > PriceScale {
		return 0, fmt.Errorf("line amount at exponent %d: %w", exponent, ErrScale)
	}
	neg := (qty < 0) != (unitPriceMicros < 0)
	hi, lo := bits.Mul64(absU(qty), absU(unitPriceMicros))
	d := pow10[PriceScale-exponent]
	if hi >= d {
		return 0, ErrAmountOverflow
	}
	q, r := bits.Div64(hi, lo, d)
	// Half-even: round up when the remainder is above half, or exactly half
	// and the quotient is odd. r < d, so d-r never underflows.
	if r > d-r || (r == d-r && q&1 == 1) {
		q++
	}
	if q == 0 {
		return 0, nil
	}
	if neg {
		if q > 1<<63 {
			return 0, ErrAmountOverflow
		}
		return int64(-q), nil
	}
	if q > math.MaxInt64 {
		return 0, ErrAmountOverflow
	}
	return int64(q), nil
}

// LineAmount is CheckedLineAmount for callers that know their figures are
// sane: on overflow it saturates at math.MaxInt64 / math.MinInt64 (which no
// tolerance will ever accept) and an exponent outside 0..6 yields 0. The
// engine itself uses CheckedLineAmount and reports overflow as a reason.
func LineAmount(qty int64, unitPriceMicros int64, exponent int) int64 {
	v, err := CheckedLineAmount(qty, unitPriceMicros, exponent)
	if err != nil {
		if errors.Is(err, ErrScale) {
			return 0
		}
		if (qty < 0) != (unitPriceMicros < 0) {
			return math.MinInt64
		}
		return math.MaxInt64
	}
	return v
}

// satAdd and satSub keep running sums of untrusted figures from wrapping
// around; a saturated figure is far outside any tolerance, so the check that
// uses it fails loudly instead of passing by accident.
func satAdd(a, b int64) int64 {
	s := a + b
	if (b > 0 && s < a) || (b < 0 && s > a) {
		if b > 0 {
			return math.MaxInt64
		}
		return math.MinInt64
	}
	return s
}

func satSub(a, b int64) int64 {
	s := a - b
	if (b < 0 && s < a) || (b > 0 && s > a) {
		if b < 0 {
			return math.MaxInt64
		}
		return math.MinInt64
	}
	return s
}

// percentOf returns floor(|base| × bp / 10000): the absolute allowance a
// percentage tolerance grants. Comparing an integer difference against this
// floor is exactly equivalent to comparing it against the unrounded product,
// so "exactly at the boundary" passes without any rounding doubt.
func percentOf(base, bp int64) int64 {
	if bp <= 0 || base == 0 {
		return 0
	}
	hi, lo := bits.Mul64(absU(base), uint64(bp))
	const d = 10_000
	if hi >= d {
		return math.MaxInt64
	}
	q, _ := bits.Div64(hi, lo, d)
	if q > math.MaxInt64 {
		return math.MaxInt64
	}
	return int64(q)
}

// ratioBP returns diff/base in basis points, truncated, for messages only.
func ratioBP(diff, base int64) (int64, bool) {
	if base == 0 {
		return 0, false
	}
	hi, lo := bits.Mul64(absU(diff), 10_000)
	b := absU(base)
	if hi >= b {
		return 0, false
	}
	q, _ := bits.Div64(hi, lo, b)
	if q > math.MaxInt64 {
		return 0, false
	}
	if (diff < 0) != (base < 0) {
		return -int64(q), true
	}
	return int64(q), true
}
