package docs

import (
	"fmt"

	"github.com/shopspring/decimal"
)

// The draft keeps amounts as decimal strings in document units so that
// what the supplier wrote is shown unchanged on the confirm page. The core
// stores int64 minor units and unit prices at scale 6; these convert at
// the edge, exactly, and refuse rather than round where rounding would
// change what the supplier billed.

// unitPriceScale is the fixed scale of stored unit prices (micro-units).
const unitPriceScale = 6

// MinorUnits converts an amount such as "1234.50" in currency ("EUR") to
// integer minor units (123450). An amount with more decimals than the
// currency has ("12.345" EUR, "10.5" JPY) is an error, not a rounding.
func MinorUnits(amount, currency string) (int64, error) {
	v, err := decimal.NewFromString(amount)
	if err != nil {
		return 0, fmt.Errorf("amount %q: %w", amount, err)
	}
	places := int32(currencyDecimals(currency))
	shifted := v.Shift(places)
	if !shifted.Equal(shifted.Truncate(0)) {
		return 0, fmt.Errorf("amount %q has more than %d decimals for %s", amount, places, currency)
	}
	if !shifted.IsInteger() || shifted.Abs().GreaterThan(decimal.New(1, 18)) {
		return 0, fmt.Errorf("amount %q is out of range", amount)
	}
	return shifted.IntPart(), nil
}

// UnitPriceMicros converts a unit price such as "0.125" to micro-units of
// the major unit (125000). More than six decimals is an error.
func UnitPriceMicros(price string) (int64, error) {
	v, err := decimal.NewFromString(price)
	if err != nil {
		return 0, fmt.Errorf("unit price %q: %w", price, err)
	}
	shifted := v.Shift(unitPriceScale)
	if !shifted.Equal(shifted.Truncate(0)) {
		return 0, fmt.Errorf("unit price %q has more than %d decimals", price, unitPriceScale)
	}
	if shifted.Abs().GreaterThan(decimal.New(1, 18)) {
		return 0, fmt.Errorf("unit price %q is out of range", price)
	}
	return shifted.IntPart(), nil
}

// CurrencyDecimals is the number of minor-unit digits of an ISO 4217 code
// (JPY 0, KWD 3, most others 2).
func CurrencyDecimals(currency string) int { return currencyDecimals(currency) }
