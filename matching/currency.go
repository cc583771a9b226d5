package matching

import "github.com/shopspring/decimal"

// Currency is an ISO 4217 code with the number of decimals of its minor unit.
// Amounts are always int64 counts of the minor unit (cents, fils, yen), so the
// exponent is what turns 1234 into "12.34" (USD), "1234" (JPY) or "1.234" (KWD).
type Currency struct {
	Code     string `json:"code"`
	Exponent int    `json:"exponent"`
}

// currencyList lists the active ISO 4217 currencies. Most use two
// decimals; the exceptions are why the table exists at all: guessing "2"
// would bill a yen invoice a hundred times over.
//
// They live in a slice indexed through a 26×26×26 table of small integers,
// so a lookup is two array reads: no hashing on the matcher's hot path, and
// the Code strings are shared, never allocated.
var currencyList, currencyIndex = func() ([]Currency, *[26 * 26 * 26]uint8) {
	list := []Currency{{}} // index 0 means "not a currency"
	var index [26 * 26 * 26]uint8
	add := func(exp int, codes ...string) {
		for _, c := range codes {
			list = append(list, Currency{Code: c, Exponent: exp})
			index[currencySlot([3]byte{c[0], c[1], c[2]})] = uint8(len(list) - 1)
		}
	}
	add(0, "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF",
		"UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF")
	add(3, "BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND")
	add(4, "CLF", "UYW")
	add(2, "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN",
		"BAM", "BBD", "BDT", "BGN", "BMD", "BND", "BOB", "BRL", "BSD", "BTN",
		"BWP", "BYN", "BZD", "CAD", "CDF", "CHF", "CNY", "COP", "CRC", "CUP",
		"CVE", "CZK", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD",
		"FKP", "GBP", "GEL", "GHS", "GIP", "GMD", "GTQ", "GYD", "HKD", "HNL",
		"HTG", "HUF", "IDR", "ILS", "INR", "IRR", "JMD", "KES", "KGS", "KHR",
		"KPW", "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL", "MAD", "MDL",
		"MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN",
		"MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "PAB", "PEN",
		"PGK", "PHP", "PKR", "PLN", "QAR", "RON", "RSD", "RUB", "SAR", "SBD",
		"SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD", "SSP", "STN",
		"SVC", "SYP", "SZL", "THB", "TJS", "TMT", "TOP", "TRY", "TTD", "TWD",
		"TZS", "UAH", "USD", "UYU", "UZS", "VES", "WST", "XCD", "YER", "ZAR",
		"ZMW", "ZWG")
	if len(list) > 255 {
		panic("matching: currency table outgrew its uint8 index")
	}
	return list, &index
}()

func currencySlot(k [3]byte) int {
	return int(k[0]-'A')*26*26 + int(k[1]-'A')*26 + int(k[2]-'A')
}

func lookupKey(k [3]byte) (Currency, bool) {
	i := currencyIndex[currencySlot(k)]
	return currencyList[i], i != 0
}

// currencyKey upper-cases a three-letter code into a map key without
// allocating, so the matcher can look currencies up on its hot path.
func currencyKey(code string) ([3]byte, bool) {
	if len(code) != 3 {
		return [3]byte{}, false
	}
	var k [3]byte
	for i := 0; i < 3; i++ {
		c := code[i]
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		if c < 'A' || c > 'Z' {
			return [3]byte{}, false
		}
		k[i] = c
	}
	return k, true
}

// LookupCurrency returns the currency for an ISO 4217 code (case-insensitive)
// and false when the code is not an active ISO currency.
func LookupCurrency(code string) (Currency, bool) {
	k, ok := currencyKey(code)
	if !ok {
		return Currency{}, false
	}
	return lookupKey(k)
}

// CurrencyExponent returns the number of minor-unit decimals of code.
func CurrencyExponent(code string) (int, bool) {
	k, ok := currencyKey(code)
	if !ok {
		return 0, false
	}
	c, ok := lookupKey(k)
	return c.Exponent, ok
}

// sameCurrency compares codes case-insensitively without allocating.
func sameCurrency(a, b string) bool {
	ka, okA := currencyKey(a)
	kb, okB := currencyKey(b)
	return okA && okB && ka == kb
}

// Format renders minor units as a plain decimal string ("12.34", "1234", "1.234").
func (c Currency) Format(minor int64) string { return FormatScaled(minor, c.Exponent) }

// Parse reads an exact decimal string into minor units; more decimals than
// the currency has (other than trailing zeros) is an error, never a rounding.
func (c Currency) Parse(s string) (int64, error) { return ParseScaled(s, c.Exponent) }

// Money is an amount in minor units together with its currency.
type Money struct {
	Minor    int64    `json:"minor"`
	Currency Currency `json:"currency"`
}

// String renders "12.34 USD".
func (m Money) String() string { return m.Currency.Format(m.Minor) + " " + m.Currency.Code }

// Decimal converts to shopspring/decimal for arithmetic at the edges.
func (m Money) Decimal() decimal.Decimal { return ToDecimal(m.Minor, m.Currency.Exponent) }
