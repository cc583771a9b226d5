package docs

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// dateOrder says how to read an all-numeric date whose day and month are
// both 12 or less ("03/04/2026").
type dateOrder string

const (
	orderDMY dateOrder = "DMY"
	orderMDY dateOrder = "MDY"
)

var (
	reISODate     = regexp.MustCompile(`^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$`)
	reNumericDate = regexp.MustCompile(`^(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})$`)
	reDayMonth    = regexp.MustCompile(`^(\d{1,2})(?:st|nd|rd|th)?[-\s.]+([a-z]+)\.?[-\s,.]+(\d{2}|\d{4})$`)
	reMonthDay    = regexp.MustCompile(`^([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$`)
)

var monthNames = map[string]time.Month{}

func init() {
	for m := time.January; m <= time.December; m++ {
		name := strings.ToLower(m.String())
		monthNames[name] = m
		monthNames[name[:3]] = m
	}
	monthNames["sept"] = time.September
}

// parseDate reads the date formats invoices use and returns it as
// YYYY-MM-DD. ambiguous is set when day and month could be swapped and the
// document's order (from hints or the currency's custom) decided.
func parseDate(s string, order dateOrder) (iso string, ambiguous bool, ok bool) {
	t := strings.ToLower(strings.TrimSpace(s))
	t = strings.Join(strings.Fields(t), " ")
	if m := reISODate.FindStringSubmatch(t); m != nil {
		return build(atoi(m[1]), atoi(m[2]), atoi(m[3]), false)
	}
	if m := reNumericDate.FindStringSubmatch(t); m != nil {
		a, b, y := atoi(m[1]), atoi(m[2]), year(m[3])
		switch {
		case a > 12:
			return build(y, b, a, false)
		case b > 12:
			return build(y, a, b, false)
		case a == b:
			return build(y, a, b, false)
		case order == orderMDY:
			return build(y, a, b, true)
		default:
			return build(y, b, a, true)
		}
	}
	if m := reDayMonth.FindStringSubmatch(t); m != nil {
		if mon, ok := monthNames[m[2]]; ok {
			return build(year(m[3]), int(mon), atoi(m[1]), false)
		}
	}
	if m := reMonthDay.FindStringSubmatch(t); m != nil {
		if mon, ok := monthNames[m[1]]; ok {
			return build(atoi(m[3]), int(mon), atoi(m[2]), false)
		}
	}
	return "", false, false
}

func build(y, m, d int, ambiguous bool) (string, bool, bool) {
	if y < 1990 || y > 2100 || m < 1 || m > 12 || d < 1 || d > 31 {
		return "", false, false
	}
	date := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if date.Day() != d {
		return "", false, false // 31 February
	}
	return date.Format("2006-01-02"), ambiguous, true
}

func year(s string) int {
	y := atoi(s)
	if len(s) == 2 {
		y += 2000
	}
	return y
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
