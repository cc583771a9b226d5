package edi

import (
	"fmt"
	"time"
)

// Date is a calendar date from an X12 DT element (CCYYMMDD, or YYMMDD in
// the ISA). JSON form is "2006-01-02"; the zero value means absent.
type Date struct {
	Year, Month, Day int
}

// ParseDate validates an X12 date: 8 digits CCYYMMDD or 6 digits YYMMDD
// (years 00-49 → 20xx). Impossible days such as 20240230 are rejected.
func ParseDate(b []byte) (Date, bool) {
	if len(b) != 8 && len(b) != 6 {
		return Date{}, false
	}
	n, ok := atoiDigits(b)
	if !ok {
		return Date{}, false
	}
	var d Date
	if len(b) == 8 {
		d = Date{Year: n / 10000, Month: n / 100 % 100, Day: n % 100}
	} else {
		d = Date{Year: n / 10000, Month: n / 100 % 100, Day: n % 100}
		if d.Year < 50 {
			d.Year += 2000
		} else {
			d.Year += 1900
		}
	}
	if d.Month < 1 || d.Month > 12 || d.Day < 1 || d.Day > daysIn(d.Year, d.Month) || d.Year == 0 {
		return Date{}, false
	}
	return d, true
}

func daysIn(year, month int) int {
	return time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// ValidTime reports whether b is an X12 TM value: HHMM, HHMMSS, HHMMSSD or
// HHMMSSDD with hours < 24, minutes and seconds < 60.
func ValidTime(b []byte) bool {
	if len(b) != 4 && len(b) != 6 && len(b) != 7 && len(b) != 8 {
		return false
	}
	if _, ok := atoiDigits(b); !ok {
		return false
	}
	hh := int(b[0]-'0')*10 + int(b[1]-'0')
	mm := int(b[2]-'0')*10 + int(b[3]-'0')
	if hh > 23 || mm > 59 {
		return false
	}
	if len(b) >= 6 && int(b[4]-'0')*10+int(b[5]-'0') > 59 {
		return false
	}
	return true
}

func atoiDigits(b []byte) (int, bool) {
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// IsZero reports an absent date.
func (d Date) IsZero() bool { return d == Date{} }

// String is the ISO form "2006-01-02".
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

// X12 is the CCYYMMDD form.
func (d Date) X12() string { return fmt.Sprintf("%04d%02d%02d", d.Year, d.Month, d.Day) }

// Time converts to a time.Time at midnight UTC.
func (d Date) Time() time.Time {
	return time.Date(d.Year, time.Month(d.Month), d.Day, 0, 0, 0, 0, time.UTC)
}

// DateOf returns the calendar date of t.
func DateOf(t time.Time) Date { return Date{Year: t.Year(), Month: int(t.Month()), Day: t.Day()} }

// MarshalJSON writes "2006-01-02" (null when absent).
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return []byte(`"` + d.String() + `"`), nil
}

// UnmarshalJSON accepts "2006-01-02" or X12 "20060102".
func (d *Date) UnmarshalJSON(b []byte) error {
	s := string(b)
	if s == "null" || s == `""` {
		*d = Date{}
		return nil
	}
	if len(s) < 2 || s[0] != '"' {
		return fmt.Errorf("edi: date %s: want a string", s)
	}
	s = s[1 : len(s)-1]
	if t, err := time.Parse("2006-01-02", s); err == nil {
		*d = DateOf(t)
		return nil
	}
	v, ok := ParseDate([]byte(s))
	if !ok || len(s) != 8 {
		return fmt.Errorf("edi: date %q: want 2006-01-02 or CCYYMMDD", s)
	}
	*d = v
	return nil
}
