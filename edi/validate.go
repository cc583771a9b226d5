package edi

import (
	"bytes"
	"fmt"
)

// mapCtx is what a mapper sees of the current segment, and where it files
// the errors it finds (on the transaction, with AK3/AK4 positions).
type mapCtx struct {
	tx  *Transaction
	seg *Segment
	pos int
	off int64
	// shortDates: the group's version (GS08) predates 004010, when DT
	// elements were YYMMDD.
	shortDates bool
}

// mapper turns one transaction set's segments into a typed Document,
// validating the elements it reads.
type mapper interface {
	segment(c *mapCtx)
	finish(c *mapCtx) Document
}

func newMapper(set string) mapper {
	switch set {
	case "850":
		return &po850Mapper{}
	case "855":
		return &ack855Mapper{}
	case "856":
		return newASN856Mapper()
	case "810":
		return &inv810Mapper{}
	case "997":
		return &fa997Mapper{}
	}
	return nil
}

func (c *mapCtx) id() string { return string(c.seg.ID()) }

// raw returns element i with surrounding blanks removed.
func (c *mapCtx) raw(i int) []byte { return bytes.TrimSpace(c.seg.Element(i)) }

func (c *mapCtx) elemErr(i int, code string, sev Severity, format string, args ...any) {
	if n := len(c.tx.Errors); n > 0 {
		if last := c.tx.Errors[n-1]; last.Level == LevelElement && last.SegmentPosition == c.pos && last.ElementPosition == i && last.Code == code {
			return // two syntax notes found the same fault
		}
	}
	c.tx.Errors = append(c.tx.Errors, &Error{Level: LevelElement, Code: code, Severity: sev,
		SegmentID: c.id(), SegmentPosition: c.pos, ElementPosition: i, Value: clip(c.seg.Element(i), 99),
		Offset: c.off, Message: fmt.Sprintf(format, args...)})
}

// segErr files a segment-level error (AK304) at the current position, or at
// the end of the set when called from finish.
func (c *mapCtx) segErr(segID, code, format string, args ...any) {
	c.tx.Errors = append(c.tx.Errors, &Error{Level: LevelSegment, Code: code, Severity: SeverityReject,
		SegmentID: segID, SegmentPosition: c.pos, Offset: c.off, Message: fmt.Sprintf(format, args...)})
}

// missing files AK403 "1" (mandatory element missing) when element i is
// empty and reports whether it was.
func (c *mapCtx) missing(i int, req bool) bool {
	if len(c.raw(i)) > 0 {
		return false
	}
	if req {
		c.elemErr(i, AK4MandatoryMissing, SeverityReject, "mandatory element %s%02d is missing", c.id(), i)
	}
	return true
}

// text reads an AN/ID element; max > 0 notes values that are too long.
func (c *mapCtx) text(i int, req bool) string {
	if c.missing(i, req) {
		return ""
	}
	return string(c.raw(i))
}

// code reads an ID element that must be one of allowed.
func (c *mapCtx) code(i int, req bool, allowed map[string]bool) string {
	v := c.text(i, req)
	if v != "" && !allowed[v] {
		c.elemErr(i, AK4InvalidCode, SeverityReject, "%s%02d %q is not a valid code", c.id(), i, v)
	}
	return v
}

func (c *mapCtx) date(i int, req bool) Date {
	if c.missing(i, req) {
		return Date{}
	}
	b := c.raw(i)
	d, ok := ParseDate(b)
	if !ok || (len(b) != 8 && !c.shortDates) {
		c.elemErr(i, AK4InvalidDate, SeverityReject, "%s%02d %q is not a valid %s date", c.id(), i, b, dateForm(c.shortDates))
		return Date{}
	}
	return d
}

func (c *mapCtx) time(i int, req bool) string {
	if c.missing(i, req) {
		return ""
	}
	b := c.raw(i)
	if !ValidTime(b) {
		c.elemErr(i, AK4InvalidTime, SeverityReject, "%s%02d %q is not a valid time", c.id(), i, b)
		return ""
	}
	return string(b)
}

// real reads an R element.
func (c *mapCtx) real(i int, req bool) Decimal {
	if c.missing(i, req) {
		return Decimal{}
	}
	d, err := ParseDecimal(c.raw(i))
	if err != nil {
		c.elemErr(i, AK4InvalidCharacter, SeverityReject, "%s%02d %q is not a decimal number: %v", c.id(), i, c.raw(i), err)
		return Decimal{}
	}
	return d
}

// implied reads an Nn element (scale implied decimal places).
func (c *mapCtx) implied(i int, scale int32, req bool) Decimal {
	if c.missing(i, req) {
		return Decimal{}
	}
	d, err := ParseImplied(c.raw(i), scale)
	if err != nil {
		c.elemErr(i, AK4InvalidCharacter, SeverityReject, "%s%02d %q is not an N%d number: %v", c.id(), i, c.raw(i), scale, err)
		return Decimal{}
	}
	return d
}

// count reads an N0 element as an int.
func (c *mapCtx) count(i int, req bool) int {
	d := c.implied(i, 0, req)
	if d.IsZero() {
		return 0
	}
	return int(d.units)
}

// quantity reads an R quantity that must not be negative: pogate never
// applies a negative shipped, ordered or invoiced quantity (credits are
// separate documents).
func (c *mapCtx) quantity(i int, req bool) Decimal {
	d := c.real(i, req)
	if d.Sign() < 0 {
		c.elemErr(i, AK4InvalidCharacter, SeverityReject, "%s%02d quantity %s is negative", c.id(), i, d)
	}
	return d
}

// pair enforces an X12 "P" syntax note: both elements or neither.
func (c *mapCtx) pair(i, j int) {
	a, b := len(c.raw(i)) > 0, len(c.raw(j)) > 0
	switch {
	case a && !b:
		c.elemErr(j, AK4ConditionalMissing, SeverityReject, "%s%02d is required when %s%02d is present", c.id(), j, c.id(), i)
	case b && !a:
		c.elemErr(i, AK4ConditionalMissing, SeverityReject, "%s%02d is required when %s%02d is present", c.id(), i, c.id(), j)
	}
}

// conditional enforces an X12 "C" syntax note: if i is present, j is required.
func (c *mapCtx) conditional(i, j int) {
	if len(c.raw(i)) > 0 && len(c.raw(j)) == 0 {
		c.elemErr(j, AK4ConditionalMissing, SeverityReject, "%s%02d is required when %s%02d is present", c.id(), j, c.id(), i)
	}
}

func set(codes ...string) map[string]bool {
	m := make(map[string]bool, len(codes))
	for _, c := range codes {
		m[c] = true
	}
	return m
}

func dateForm(short bool) string {
	if short {
		return "YYMMDD or CCYYMMDD"
	}
	return "CCYYMMDD"
}

// shortDateVersion reports whether a GS08 version uses YYMMDD dates.
func shortDateVersion(v string) bool { return v != "" && v < "004" }
