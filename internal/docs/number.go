package docs

import (
	"strings"
	"unicode"

	"github.com/shopspring/decimal"
)

// numberStyle is a document's decimal separator. "1,234" means one thousand
// two hundred and thirty-four in an English invoice and 1.234 in a German
// one; only the rest of the document can tell, so the style is decided once
// per document from the numbers that are not ambiguous.
type numberStyle int

const (
	styleUnknown numberStyle = iota
	styleDotDecimal
	styleCommaDecimal
)

// currencySymbols maps symbols and prefixes found next to amounts to ISO
// codes. "$" is taken as USD: a Canadian or Australian supplier states its
// currency elsewhere on the invoice, and the label wins over the symbol.
var currencySymbols = []struct{ symbol, code string }{
	{"US$", "USD"}, {"CA$", "CAD"}, {"A$", "AUD"}, {"€", "EUR"}, {"£", "GBP"},
	{"¥", "JPY"}, {"￥", "JPY"}, {"円", "JPY"}, {"$", "USD"}, {"Fr.", "CHF"},
}

// isoCurrencies are the codes recognised as a currency when they appear as
// a word on the invoice.
var isoCurrencies = map[string]int{
	"USD": 2, "EUR": 2, "GBP": 2, "JPY": 0, "CHF": 2, "CAD": 2, "AUD": 2, "NZD": 2,
	"SEK": 2, "NOK": 2, "DKK": 2, "PLN": 2, "CZK": 2, "CNY": 2, "HKD": 2, "SGD": 2,
	"KRW": 0, "INR": 2, "MXN": 2, "KWD": 3, "BHD": 3, "HUF": 2, "ZAR": 2,
}

// currencyDecimals is the number of minor-unit digits of a currency (2 for
// unknown codes, the common case).
func currencyDecimals(code string) int {
	if d, ok := isoCurrencies[code]; ok {
		return d
	}
	return 2
}

// parsedNumber is a number read from document text.
type parsedNumber struct {
	value    decimal.Decimal
	text     string // normalised: "-1234.50"
	currency string // ISO code when a symbol or code was attached
	// ambiguous is set when a single separator followed by exactly three
	// digits was resolved by the document style rather than by the text.
	ambiguous bool
	// sepKind records which separator acted as the decimal point, so the
	// document style can be learned: 0 none, '.' or ','.
	decimalSep rune
}

// parseNumber reads an amount or quantity as printed on an invoice:
// "1,234.56", "1.234,56", "1 234,56", "€ 12.00", "12.00 EUR", "(12.00)",
// "-12.00", "12.00-", "¥12,345". It refuses anything with letters left over
// or a percent sign, so labels and rates are never taken for amounts.
func parseNumber(s string, style numberStyle) (parsedNumber, bool) {
	var out parsedNumber
	t := strings.TrimSpace(s)
	if t == "" || len(t) > 40 || strings.ContainsAny(t, "%") {
		return out, false
	}
	negative := false
	if strings.HasPrefix(t, "(") && strings.HasSuffix(t, ")") {
		negative, t = true, strings.TrimSpace(t[1:len(t)-1])
	}
	for _, minus := range []string{"-", "−", "–"} {
		if strings.HasPrefix(t, minus) {
			negative, t = true, strings.TrimSpace(strings.TrimPrefix(t, minus))
		} else if strings.HasSuffix(t, minus) {
			negative, t = true, strings.TrimSpace(strings.TrimSuffix(t, minus))
		}
	}
	t, out.currency = stripCurrency(t)
	for _, minus := range []string{"-", "−"} { // "€ -12.00"
		if strings.HasPrefix(t, minus) {
			negative, t = true, strings.TrimSpace(strings.TrimPrefix(t, minus))
		}
	}
	if t == "" || !isDigit(rune(t[0])) || !isDigit(rune(t[len(t)-1])) {
		return out, false
	}
	var digits strings.Builder
	var seps []rune
	var sepPos []int // index in digits where each separator occurred
	for _, r := range t {
		switch {
		case isDigit(r):
			digits.WriteRune(r)
		case r == '.' || r == ',':
			seps = append(seps, r)
			sepPos = append(sepPos, digits.Len())
		case r == ' ' || r == '\u00a0' || r == '\u202f' || r == '\'' || r == '’':
			seps = append(seps, ' ')
			sepPos = append(sepPos, digits.Len())
		default:
			return out, false
		}
	}
	d := digits.String()
	decimalAt := -1 // digits index where the fraction starts
	dec, ok := chooseDecimalSeparator(seps, sepPos, len(d), style)
	if !ok {
		return out, false
	}
	if dec.index >= 0 {
		decimalAt = sepPos[dec.index]
		out.decimalSep = seps[dec.index]
	}
	out.ambiguous = dec.ambiguous
	// Every other separator must group thousands: 1-3 leading digits, then
	// groups of exactly three up to the decimal point.
	for i, p := range sepPos {
		if i == dec.index {
			continue
		}
		end := len(d)
		if decimalAt >= 0 {
			end = decimalAt
		}
		if p > end || (end-p)%3 != 0 {
			return out, false
		}
		if i == 0 && (p == 0 || p > 3) {
			return out, false
		}
		if i > 0 && p-sepPos[i-1] != 3 && i-1 != dec.index {
			return out, false
		}
	}
	text := d
	if decimalAt >= 0 {
		text = d[:decimalAt] + "." + d[decimalAt:]
	}
	v, err := decimal.NewFromString(text)
	if err != nil {
		return out, false
	}
	if negative {
		v = v.Neg()
		text = "-" + text
	}
	out.value, out.text = v, text
	return out, true
}

type decimalChoice struct {
	index     int // index into seps of the decimal separator, -1 for none
	ambiguous bool
}

// chooseDecimalSeparator decides which separator, if any, is the decimal
// point. With both '.' and ',' present the last one is; a separator kind
// used more than once groups thousands; a single separator followed by a
// number of digits other than three is a decimal point; "1,234" alone is
// resolved by the document style.
func chooseDecimalSeparator(seps []rune, sepPos []int, ndigits int, style numberStyle) (decimalChoice, bool) {
	none := decimalChoice{index: -1}
	if len(seps) == 0 {
		return none, true
	}
	last := len(seps) - 1
	lastSep := seps[last]
	if lastSep == ' ' {
		return none, true
	}
	count := 0
	mixed := false
	for _, s := range seps {
		if s == lastSep {
			count++
		} else if s != ' ' {
			mixed = true
		}
	}
	if mixed {
		if count > 1 {
			return none, false // "1,234.5,6"
		}
		return decimalChoice{index: last}, true
	}
	if count > 1 {
		return none, true // "1.234.567"
	}
	fraction := ndigits - sepPos[last]
	if fraction != 3 {
		return decimalChoice{index: last}, true
	}
	if last > 0 { // "1 234,567" — space grouped, so the comma is decimal
		return decimalChoice{index: last}, true
	}
	switch {
	case style == styleCommaDecimal && lastSep == ',', style == styleDotDecimal && lastSep == '.':
		return decimalChoice{index: last, ambiguous: true}, true
	case style == styleUnknown && lastSep == '.':
		return decimalChoice{index: last, ambiguous: true}, true
	default:
		return decimalChoice{index: -1, ambiguous: style == styleUnknown}, true
	}
}

// stripCurrency removes a currency symbol or ISO code before or after the
// number and reports which currency it was.
func stripCurrency(t string) (string, string) {
	for code := range isoCurrencies {
		if strings.HasPrefix(t, code) {
			rest := strings.TrimSpace(t[len(code):])
			if rest != "" && !unicode.IsLetter(rune(rest[0])) {
				return rest, code
			}
		}
		if strings.HasSuffix(t, code) {
			rest := strings.TrimSpace(t[:len(t)-len(code)])
			if rest != "" && isDigit(rune(rest[len(rest)-1])) {
				return rest, code
			}
		}
	}
	for _, cs := range currencySymbols {
		if strings.HasPrefix(t, cs.symbol) {
			return strings.TrimSpace(t[len(cs.symbol):]), cs.code
		}
		if strings.HasSuffix(t, cs.symbol) {
			return strings.TrimSpace(t[:len(t)-len(cs.symbol)]), cs.code
		}
	}
	return t, ""
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

// detectNumberStyle looks at every number-like text in the document and
// returns the style most of the unambiguous ones use.
func detectNumberStyle(texts []string) numberStyle {
	dot, comma := 0, 0
	for _, t := range texts {
		n, ok := parseNumber(t, styleUnknown)
		if !ok || n.ambiguous {
			continue
		}
		switch n.decimalSep {
		case '.':
			dot++
		case ',':
			comma++
		}
	}
	switch {
	case comma > dot:
		return styleCommaDecimal
	case dot > 0:
		return styleDotDecimal
	}
	return styleUnknown
}

// formatDecimal renders v with at least minDecimals fraction digits and no
// more than it needs beyond that, so "12.5" in EUR prints "12.50" and a
// unit price "0.125" keeps its third digit.
func formatDecimal(v decimal.Decimal, minDecimals int) string {
	if -v.Exponent() > int32(minDecimals) {
		s := v.String()
		return s
	}
	return v.StringFixed(int32(minDecimals))
}
