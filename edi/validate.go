package edi

import (
	"bytes"
	"fmt"
	"unsafe"
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
	in         *interner
	slabs      *slabs
}

// str returns b as a string: short values are interned, longer ones are
// copied into the decoder's arena (no allocation per value).
func (c *mapCtx) str(b []byte) string {
	if len(b) <= internMaxLen {
		return c.in.str(b)
	}
	return c.in.copyString(b)
}

// mapper turns one transaction set's segments into a typed Document,
// validating the elements it reads.
type mapper interface {
	segment(c *mapCtx)
	finish(c *mapCtx) Document
	// lines is the number of detail lines mapped (a sizing hint).
	lines() int
}

// newMapper returns the mapper of a set, nil for sets without a typed
// document; hint pre-sizes the line slice.
func newMapper(set string, hint int, sl *slabs) mapper {
	hint = min(hint, 1024)
	switch set {
	case "850":
		return &po850Mapper{doc: PO850{Lines: sl.poLines.take(hint)}}
	case "855":
		return &ack855Mapper{doc: Ack855{Lines: make([]AckLine, 0, hint)}}
	case "856":
		return newASN856Mapper()
	case "810":
		return &inv810Mapper{doc: Invoice810{Lines: sl.invLines.take(hint)}}
	case "997":
		return &fa997Mapper{}
	}
	return nil
}

func (m *po850Mapper) lines() int  { return len(m.doc.Lines) }
func (m *ack855Mapper) lines() int { return len(m.doc.Lines) }
func (m *asn856Mapper) lines() int { return 0 }
func (m *inv810Mapper) lines() int { return len(m.doc.Lines) }
func (m *fa997Mapper) lines() int  { return len(m.doc.Sets) }

// id is the segment ID as a string without allocating for known IDs.
func (c *mapCtx) id() string { return c.in.str(c.seg.ID()) }

// raw returns element i with surrounding blanks removed. Most elements
// have none, so the check is two byte compares.
func (c *mapCtx) raw(i int) []byte {
	e := c.seg.Element(i)
	if len(e) == 0 || (e[0] > ' ' && e[len(e)-1] > ' ') {
		return e
	}
	return bytes.TrimSpace(e)
}

// interner shares the strings of short, repetitive values (units,
// qualifiers, codes, segment IDs) across a whole stream, so mapping a
// 100 MB file does not allocate "EA" a million times. It is a fixed-size
// direct-mapped cache keyed by the value's bytes packed into an integer:
// cheaper than a map, and bounded.
type interner struct {
	slots [internSlots]internSlot
	// arena holds copies of segments that values were taken from. Bytes
	// are only ever appended, never changed, so strings made over them
	// stay immutable; a full chunk is left to the strings that use it and
	// collected when they are gone.
	arena []byte
}

const arenaChunk = 32 << 10

// copyString copies b into the arena and returns it as a string: one
// allocation per 32 KiB of kept text instead of one per segment.
func (in *interner) copyString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if len(b) > arenaChunk/4 {
		return string(b)
	}
	if cap(in.arena)-len(in.arena) < len(b) {
		in.arena = make([]byte, 0, arenaChunk)
	}
	// Re-slicing in place rather than appending: storing the slice back
	// would cost a GC write barrier per value.
	start := len(in.arena)
	in.arena = in.arena[:start+len(b)]
	copy(in.arena[start:], b)
	return unsafe.String(&in.arena[start], len(b))
}

// slab carves a document's slices out of shared blocks. Most lists in a
// document hold one entry (the header's terms, a line's charge), and
// allocating each, and each document's lines, on its own was a large share
// of mapping. A block stays alive while a kept document uses any part of
// it; blocks are small, so the heap stays independent of the input's size.
type slab[T any] struct{ free []T }

// slabBytes is a block's size: a size class of the Go allocator, so
// nothing is lost to rounding.
const slabBytes = 8 << 10

// add appends v to list. A list's first entry comes from the block, as a
// slice of capacity one, so appending a second copies it out rather than
// overwriting the neighbour.
func (s *slab[T]) add(list []T, v T) []T {
	if cap(list) > 0 {
		return append(list, v)
	}
	if len(s.free) == 0 {
		s.free = make([]T, max(1, slabBytes/int(unsafe.Sizeof(v))))
	}
	list, s.free = s.free[:1:1], s.free[1:]
	list[0] = v
	return list
}

// lineSlabBytes is the block size for line slices, a size class too: a
// block serves about fifteen 10-line documents.
const lineSlabBytes = 32 << 10

// take returns an empty slice of capacity n carved from the block, for a
// document's lines (n is the previous document's count). Memory past len
// is zero, as grow requires, and belongs to this slice alone.
func (s *slab[T]) take(n int) []T {
	if n == 0 {
		return nil
	}
	if len(s.free) < n {
		var v T
		s.free = make([]T, max(n, lineSlabBytes/int(unsafe.Sizeof(v))))
	}
	list := s.free[:0:n]
	s.free = s.free[n:]
	return list
}

// slabs are the decoder's slabs, one per list type the 850 and 810 use.
type slabs struct {
	poLines  slab[POLine]
	invLines slab[InvoiceLine]
	charges  slab[Charge]
	terms    slab[Terms]
	parties  slab[Party]
	refs     slab[Reference]
	dates    slab[DateRef]
	taxes    slab[Tax]
}

type internSlot struct {
	key uint64
	s   string
}

const (
	internMaxLen = 4
	internSlots  = 1024
)

func (in *interner) str(b []byte) string {
	if len(b) > internMaxLen || in == nil {
		return string(b)
	}
	key := uint64(len(b)) << 32
	for i, c := range b {
		key |= uint64(c) << (8 * i)
	}
	slot := &in.slots[(key*0x9E3779B97F4A7C15)>>54]
	if slot.key == key && key != 0 {
		return slot.s
	}
	s := string(b)
	slot.key, slot.s = key, s
	return s
}

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

// lenient records a Warning: the element departs from the standard but
// has one safe reading, which the caller applies.
func (c *mapCtx) lenient(i int, format string, args ...any) {
	c.tx.Warnings = append(c.tx.Warnings, Warning{SegmentID: c.id(), SegmentPosition: c.pos,
		ElementPosition: i, Offset: c.off, Message: fmt.Sprintf(format, args...)})
}

// segErr files a segment-level error (AK304) at the current position, or at
// the end of the set when called from finish.
func (c *mapCtx) segErr(segID, code, format string, args ...any) {
	c.tx.Errors = append(c.tx.Errors, &Error{Level: LevelSegment, Code: code, Severity: SeverityReject,
		SegmentID: segID, SegmentPosition: c.pos, Offset: c.off, Message: fmt.Sprintf(format, args...)})
}

// value returns element i trimmed (see raw), filing AK403 "1" (mandatory
// element missing) when it is empty and req. The readers below call it once
// and work on the result: looking an element up is a large part of mapping.
func (c *mapCtx) value(i int, req bool) []byte {
	b := c.raw(i)
	if len(b) == 0 && req {
		c.elemErr(i, AK4MandatoryMissing, SeverityReject, "mandatory element %s%02d is missing", c.id(), i)
	}
	return b
}

// text reads an AN/ID element.
func (c *mapCtx) text(i int, req bool) string {
	b := c.value(i, req)
	if len(b) == 0 {
		return ""
	}
	return c.str(b)
}

// textMax reads an AN element whose standard maximum length is max. A
// longer value is kept but noted (AK403 "5", AK501 "E"): partners often
// exceed lengths harmlessly, and rejecting would stop the goods.
func (c *mapCtx) textMax(i int, req bool, max int) string {
	v := c.text(i, req)
	if len(v) > max {
		c.elemErr(i, AK4TooLong, SeverityNote, "%s%02d is %d characters, the standard allows %d", c.id(), i, len(v), max)
	}
	return v
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
	b := c.value(i, req)
	if len(b) == 0 {
		return Date{}
	}
	d, ok := ParseDate(b)
	if !ok || (len(b) != 8 && !c.shortDates) {
		c.elemErr(i, AK4InvalidDate, SeverityReject, "%s%02d %q is not a valid %s date", c.id(), i, b, dateForm(c.shortDates))
		return Date{}
	}
	return d
}

func (c *mapCtx) time(i int, req bool) string {
	b := c.value(i, req)
	if len(b) == 0 {
		return ""
	}
	if !ValidTime(b) {
		c.elemErr(i, AK4InvalidTime, SeverityReject, "%s%02d %q is not a valid time", c.id(), i, b)
		return ""
	}
	return string(b)
}

// real reads an R element.
func (c *mapCtx) real(i int, req bool) Decimal {
	b := c.value(i, req)
	if len(b) == 0 {
		return Decimal{}
	}
	d, err := ParseDecimal(b)
	if err != nil {
		c.elemErr(i, AK4InvalidCharacter, SeverityReject, "%s%02d %q is not a decimal number: %v", c.id(), i, b, err)
		return Decimal{}
	}
	return d
}

// implied reads an Nn element (scale implied decimal places).
func (c *mapCtx) implied(i int, scale int32, req bool) Decimal {
	b := c.value(i, req)
	if len(b) == 0 {
		return Decimal{}
	}
	d, err := ParseImplied(b, scale)
	if err != nil {
		c.elemErr(i, AK4InvalidCharacter, SeverityReject, "%s%02d %q is not an N%d number: %v", c.id(), i, b, scale, err)
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

// grow appends a zero element to s and returns a pointer to it. Capacity
// past len is still zero (make and append clear it, and mappers never
// shrink a slice), so when there is room re-slicing is enough: appending a
// zero value would clear the memory again, behind a GC write barrier.
func grow[T any](s []T) ([]T, *T) {
	if n := len(s); n < cap(s) {
		s = s[:n+1]
		return s, &s[n]
	}
	var zero T
	s = append(s, zero)
	return s, &s[len(s)-1]
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
