package edi

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
)

// EventKind says what completed.
type EventKind int

const (
	// EventTransaction: an ST..SE set is complete (Transaction is set).
	EventTransaction EventKind = iota + 1
	// EventGroup: a GS..GE group is complete (Group is set).
	EventGroup
	// EventInterchange: an ISA..IEA interchange is complete.
	EventInterchange
)

// Event reports a completed unit together with its enclosing envelopes.
// The Decoder does not link transactions into groups or groups into
// interchanges, so streaming callers keep memory flat; Parse does the
// linking.
type Event struct {
	Kind        EventKind
	Interchange *Interchange
	Group       *Group
	Transaction *Transaction
}

// DecoderOptions tune the Decoder; the zero value maps every known set.
type DecoderOptions struct {
	// EnvelopeOnly skips the typed mapping: only the ISA/GS/ST envelopes,
	// their counts and control numbers are checked.
	EnvelopeOnly bool
	Scanner      ScannerOptions
}

// Decoder reads interchanges from a stream and reports completed units.
type Decoder struct {
	sc        *Scanner
	opts      DecoderOptions
	queue     []Event
	qhead     int
	ic        *Interchange
	grp       *Group
	tx        *Transaction
	mapper    mapper
	ctx       mapCtx
	fileErr   []*Error
	done      bool
	in        interner
	slabs     slabs
	seenSets  setNumbers
	seenGroup *Group
	// lineHint is the line count of the previous document of each set, used
	// to size the next one's line slice in one allocation.
	lineHint map[string]int
}

// NewDecoder returns a Decoder reading r.
func NewDecoder(r io.Reader) *Decoder { return NewDecoderOptions(r, DecoderOptions{}) }

// NewDecoderOptions returns a Decoder with options.
func NewDecoderOptions(r io.Reader, o DecoderOptions) *Decoder {
	return &Decoder{sc: NewScannerOptions(r, o.Scanner), opts: o}
}

// FileErrors are problems outside any interchange (valid once Next has
// returned io.EOF).
func (d *Decoder) FileErrors() []*Error { return d.fileErr }

// Next returns the next completed unit, io.EOF at the end, or a read error.
func (d *Decoder) Next() (Event, error) {
	for d.qhead >= len(d.queue) {
		d.queue, d.qhead = d.queue[:0], 0
		if d.done {
			return Event{}, io.EOF
		}
		if !d.sc.Scan() {
			d.done = true
			if err := d.end(); err != nil {
				return Event{}, err
			}
			continue
		}
		d.handle(d.sc.Segment(), d.sc.Offset())
	}
	ev := d.queue[d.qhead]
	d.queue[d.qhead] = Event{}
	d.qhead++
	return ev, nil
}

// Parse reads a whole input into a File. It returns an error only when the
// input cannot be read; X12 problems are in the File's Error lists.
func Parse(r io.Reader) (*File, error) {
	return ParseOptions(r, DecoderOptions{})
}

// ParseOptions is Parse with options.
func ParseOptions(r io.Reader, o DecoderOptions) (*File, error) {
	d := NewDecoderOptions(r, o)
	f := &File{Interchanges: []*Interchange{}, Errors: []*Error{}}
	for {
		ev, err := d.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return f, err
		}
		switch ev.Kind {
		case EventTransaction:
			if ev.Group != nil {
				ev.Group.Transactions = append(ev.Group.Transactions, ev.Transaction)
			}
		case EventGroup:
			ev.Interchange.Groups = append(ev.Interchange.Groups, ev.Group)
		case EventInterchange:
			f.Interchanges = append(f.Interchanges, ev.Interchange)
		}
	}
	f.Errors = append(f.Errors, d.fileErr...)
	return f, nil
}

// end closes whatever is open when the input stops.
func (d *Decoder) end() error {
	err := d.sc.Err()
	var xe *Error
	if errors.As(err, &xe) {
		if xe.Level == LevelInterchange && d.ic != nil {
			d.icErr(xe)
			d.closeInterchange(false)
			return nil
		}
		if d.ic != nil {
			d.closeInterchange(true)
		}
		d.fileErr = append(d.fileErr, xe)
		return nil
	}
	if d.ic != nil {
		d.closeInterchange(true)
	}
	return err
}

func (d *Decoder) emit(ev Event) { d.queue = append(d.queue, ev) }

func (d *Decoder) icErr(e *Error) {
	if e.Severity == "" {
		e.Severity = SeverityReject
	}
	if e.Level == "" {
		e.Level = LevelInterchange
	}
	d.ic.Errors = append(d.ic.Errors, e)
}

func (d *Decoder) grpErr(code, seg string, off int64, format string, args ...any) {
	d.grp.Errors = append(d.grp.Errors, &Error{Level: LevelGroup, Code: code, Severity: SeverityReject,
		SegmentID: seg, Offset: off, Message: fmt.Sprintf(format, args...)})
}

func (d *Decoder) txErr(code, seg string, off int64, format string, args ...any) {
	d.tx.Errors = append(d.tx.Errors, &Error{Level: LevelTransaction, Code: code, Severity: SeverityReject,
		SegmentID: seg, Offset: off, Message: fmt.Sprintf(format, args...)})
}

func validSegmentID(id []byte) bool {
	if len(id) < 2 || len(id) > 3 || id[0] < 'A' || id[0] > 'Z' {
		return false
	}
	for _, c := range id[1:] {
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

func (d *Decoder) handle(seg *Segment, off int64) {
	id := seg.ID()
	switch string(id) {
	case "ISA":
		if d.ic != nil {
			d.closeInterchange(true)
		}
		d.startInterchange(seg, off)
		return
	case "IEA":
		d.endInterchange(seg, off)
		return
	case "GS":
		d.startGroup(seg, off)
		return
	case "GE":
		d.endGroup(seg, off)
		return
	case "ST":
		d.startTransaction(seg, off)
		return
	case "SE":
		if d.tx != nil {
			d.endTransaction(seg, off)
			return
		}
	}
	if d.tx != nil {
		d.tx.Segments++
		if !validSegmentID(id) {
			d.tx.Errors = append(d.tx.Errors, &Error{Level: LevelSegment, Code: AK3Unrecognized, Severity: SeverityReject,
				SegmentID: clip(id, 3), SegmentPosition: d.tx.Segments, Offset: off,
				Message: fmt.Sprintf("unrecognized segment ID %q", clip(id, 10))})
			return
		}
		if d.mapper != nil {
			// ctx.seg is the scanner's segment already (startTransaction):
			// storing the pointer per segment would cost a write barrier.
			d.ctx.pos, d.ctx.off = d.tx.Segments, off
			d.mapper.segment(&d.ctx)
		}
		return
	}
	if d.ic == nil {
		return // cannot happen: the scanner starts every interchange with ISA
	}
	if d.grp == nil && (string(id) == "ISB" || string(id) == "ISE") {
		return // optional interchange service segments
	}
	if d.grp == nil && string(id) == "TA1" {
		d.ic.TA1 = append(d.ic.TA1, TA1{ControlNumber: str(seg.Element(1)), Date: str(seg.Element(2)),
			Time: str(seg.Element(3)), AckCode: str(seg.Element(4)), NoteCode: str(seg.Element(5))})
		return
	}
	where := "outside any functional group"
	if d.grp != nil {
		where = "outside any transaction set"
	}
	d.icErr(&Error{Code: TA1InvalidContent, SegmentID: clip(id, 3), Offset: off,
		Message: fmt.Sprintf("segment %q %s", clip(id, 10), where)})
}

func str(b []byte) string { return string(b) }

func (d *Decoder) startInterchange(seg *Segment, off int64) {
	el := func(i int) string { return string(trimPad(seg.Element(i))) }
	ic := &Interchange{
		SenderQualifier: el(5), SenderID: el(6), ReceiverQualifier: el(7), ReceiverID: el(8),
		RawDate: el(9), Time: el(10), Version: el(12), ControlNumber: el(13),
		AckRequested: el(14) == "1", Usage: el(15), Delimiters: seg.Delimiters(),
		Groups: []*Group{}, Errors: []*Error{}, Offset: off,
	}
	d.ic = ic
	ic.Notes = d.sc.TakeNotes()
	bad := func(code string, pos int, msg string) {
		d.icErr(&Error{Code: code, SegmentID: "ISA", ElementPosition: pos, Value: el(pos), Offset: off, Message: msg})
	}
	if seg.Len() != 16 {
		bad(TA1InvalidContent, 0, fmt.Sprintf("ISA has %d elements, want 16", seg.Len()))
	}
	if dt, ok := ParseDate(trimPad(seg.Element(9))); ok && len(ic.RawDate) == 6 {
		ic.Date = dt
	} else {
		bad(TA1InvalidDate, 9, "ISA09 is not a valid YYMMDD date")
	}
	if len(ic.Time) != 4 || !ValidTime([]byte(ic.Time)) {
		bad(TA1InvalidTime, 10, "ISA10 is not a valid HHMM time")
	}
	if _, ok := atoiDigits([]byte(ic.Version)); !ok || len(ic.Version) != 5 {
		bad(TA1InvalidVersion, 12, "ISA12 is not a 5-digit version")
	}
	if _, ok := atoiDigits([]byte(ic.ControlNumber)); !ok || len(ic.ControlNumber) != 9 {
		bad(TA1InvalidControlNumber, 13, "ISA13 is not a 9-digit control number")
	}
	if v := el(14); v != "0" && v != "1" {
		bad(TA1InvalidAckRequested, 14, "ISA14 must be 0 or 1")
	}
	if v := el(15); v != "P" && v != "T" && v != "I" {
		bad(TA1InvalidTestIndicator, 15, "ISA15 must be P, T or I")
	}
}

// closeInterchange ends the interchange; premature means no IEA was seen.
func (d *Decoder) closeInterchange(premature bool) {
	if d.grp != nil {
		d.closeGroup(-1, 0)
	}
	if premature {
		d.icErr(&Error{Code: TA1PrematureEndOfFile, SegmentID: "IEA", Message: "interchange has no IEA trailer"})
	}
	d.ic.closed = true
	d.emit(Event{Kind: EventInterchange, Interchange: d.ic})
	d.ic = nil
}

func (d *Decoder) endInterchange(seg *Segment, off int64) {
	if d.ic == nil {
		d.fileErr = append(d.fileErr, &Error{Level: LevelFile, Code: TA1InvalidControlStructure, SegmentID: "IEA",
			Severity: SeverityReject, Offset: off, Message: "IEA without ISA"})
		return
	}
	if d.grp != nil {
		d.closeGroup(-1, off)
	}
	if n, ok := atoiDigits(trimPad(seg.Element(1))); !ok || n != d.ic.GroupCount {
		d.icErr(&Error{Code: TA1InvalidGroupCount, SegmentID: "IEA", ElementPosition: 1, Value: string(seg.Element(1)), Offset: off,
			Message: fmt.Sprintf("IEA01 says %q functional groups, the interchange has %d", seg.Element(1), d.ic.GroupCount)})
	}
	if !sameControlNumber(trimPad(seg.Element(2)), d.ic.ControlNumber) {
		d.icErr(&Error{Code: TA1ControlNumberMismatch, SegmentID: "IEA", ElementPosition: 2, Value: string(seg.Element(2)), Offset: off,
			Message: fmt.Sprintf("IEA02 %q does not match ISA13 %q", seg.Element(2), d.ic.ControlNumber)})
	}
	d.closeInterchange(false)
}

// sameControlNumber compares numerically when both are numbers, so an
// unpadded "3438" matches "000003438".
func sameControlNumber(trailer []byte, header string) bool {
	a, ok1 := atoiDigits(trailer)
	b, ok2 := atoiDigits([]byte(header))
	if ok1 && ok2 {
		return a == b
	}
	return string(trailer) == header
}

func (d *Decoder) startGroup(seg *Segment, off int64) {
	if d.ic == nil {
		return
	}
	if d.grp != nil {
		d.closeGroup(-1, off)
	}
	d.ic.GroupCount++
	g := &Group{
		FunctionalID: str(seg.Element(1)), SenderID: str(seg.Element(2)), ReceiverID: str(seg.Element(3)),
		Time: str(seg.Element(5)), ControlNumber: str(seg.Element(6)), Agency: str(seg.Element(7)),
		Version: str(seg.Element(8)), Transactions: []*Transaction{}, Errors: []*Error{}, DeclaredCount: -1, Offset: off,
	}
	d.grp = g
	short := shortDateVersion(g.Version)
	if dt, ok := ParseDate(seg.Element(4)); ok && (len(seg.Element(4)) == 8 || short) {
		g.Date = dt
	} else {
		d.icErr(&Error{Code: TA1InvalidContent, SegmentID: "GS", ElementPosition: 4, Value: clip(seg.Element(4), 99), Offset: off,
			Message: "invalid GS segment: GS04 is not a valid " + dateForm(short) + " date"})
	}
	if !ValidTime(seg.Element(5)) {
		d.icErr(&Error{Code: TA1InvalidContent, SegmentID: "GS", ElementPosition: 5, Value: clip(seg.Element(5), 99), Offset: off,
			Message: "invalid GS segment: GS05 is not a valid time"})
	}
	if n := len(g.ControlNumber); n == 0 || n > 9 || !allDigits(seg.Element(6)) {
		d.grpErr(AK9ControlNumberSyntax, "GS", off, "GS06 %q is not a 1-9 digit control number", g.ControlNumber)
	}
	if len(g.FunctionalID) != 2 {
		d.grpErr(AK9NotSupported, "GS", off, "GS01 %q is not a functional identifier code", g.FunctionalID)
	}
}

func allDigits(b []byte) bool {
	_, ok := atoiDigits(b)
	return ok
}

// closeGroup ends the group; declared is GE01 or -1 when GE is missing.
func (d *Decoder) closeGroup(declared int, off int64) {
	if d.tx != nil {
		d.closeTransaction(off, true)
	}
	g := d.grp
	if declared < 0 {
		d.grpErr(AK9TrailerMissing, "GE", off, "functional group %s has no GE trailer", g.ControlNumber)
	}
	g.DeclaredCount = declared
	g.closed = true
	d.emit(Event{Kind: EventGroup, Interchange: d.ic, Group: g})
	d.grp = nil
}

func (d *Decoder) endGroup(seg *Segment, off int64) {
	if d.grp == nil {
		if d.ic != nil {
			d.icErr(&Error{Code: TA1InvalidContent, SegmentID: "GE", Offset: off, Message: "GE without GS"})
		}
		return
	}
	if d.tx != nil {
		d.closeTransaction(off, true)
	}
	g := d.grp
	n, ok := atoiDigits(seg.Element(1))
	if !ok || n != g.ReceivedCount {
		d.grpErr(AK9CountMismatch, "GE", off, "GE01 says %q transaction sets, the group has %d", seg.Element(1), g.ReceivedCount)
	}
	if !ok {
		n = g.ReceivedCount
	}
	if !sameControlNumber(seg.Element(2), g.ControlNumber) {
		d.grpErr(AK9ControlNumberMismatch, "GE", off, "GE02 %q does not match GS06 %q", clip(seg.Element(2), 30), g.ControlNumber)
	}
	d.closeGroup(n, off)
}

// functionalIDs maps the sets pogate knows to their GS01 code.
var functionalIDs = map[string]string{
	"850": "PO", "855": "PR", "856": "SH", "810": "IN", "997": "FA", "860": "PC",
	"846": "IB", "940": "OW", "945": "SW", "820": "RA", "824": "AG", "865": "CA", "999": "FA",
}

func (d *Decoder) startTransaction(seg *Segment, off int64) {
	if d.tx != nil {
		d.closeTransaction(off, true)
	}
	if d.grp == nil {
		if d.ic != nil {
			d.icErr(&Error{Code: TA1InvalidContent, SegmentID: "ST", Offset: off, Message: "ST outside any functional group"})
		}
		// Still map it so the caller sees what it was, in no group.
	}
	t := &Transaction{Set: d.in.str(seg.Element(1)), ControlNumber: str(seg.Element(2)), Convention: str(seg.Element(3)),
		Errors: []*Error{}, Segments: 1, Offset: off}
	d.tx = t
	if d.grp != nil {
		d.grp.ReceivedCount++
	}
	if len(t.Set) != 3 || !allDigits(seg.Element(1)) {
		d.txErr(AK5InvalidSetID, "ST", off, "ST01 %q is not a transaction set identifier", t.Set)
	} else if fid, ok := functionalIDs[t.Set]; ok && d.grp != nil && d.grp.FunctionalID != fid {
		d.txErr(AK5InvalidSetID, "ST", off, "set %s does not belong in a %q functional group (want %q)", t.Set, d.grp.FunctionalID, fid)
	}
	if n := len(t.ControlNumber); n < 4 || n > 9 {
		d.txErr(AK5InvalidControlNumber, "ST", off, "ST02 %q must be 4-9 characters", t.ControlNumber)
	}
	if d.grp != nil {
		d.checkUnique(t, off)
	}
	d.mapper = nil
	if !d.opts.EnvelopeOnly {
		d.mapper = newMapper(t.Set, d.lineHint[t.Set], &d.slabs)
	}
	d.ctx = mapCtx{tx: t, seg: d.sc.Segment(), shortDates: d.grp != nil && shortDateVersion(d.grp.Version),
		in: &d.in, slabs: &d.slabs}
}

// closeTransaction ends the set; missingSE adds the AK5 "trailer missing".
func (d *Decoder) closeTransaction(off int64, missingSE bool) {
	t := d.tx
	if missingSE {
		d.txErr(AK5TrailerMissing, "SE", off, "transaction set %s has no SE trailer", t.ControlNumber)
	}
	if d.mapper != nil {
		d.ctx.seg, d.ctx.pos, d.ctx.off = &noSegment, t.Segments, off
		t.Document = d.mapper.finish(&d.ctx)
		if d.lineHint == nil {
			d.lineHint = map[string]int{}
		}
		d.lineHint[t.Set] = d.mapper.lines()
		d.mapper = nil
	}
	if d.grp != nil {
		if !t.Rejected() {
			d.grp.AcceptedCount++
		}
		if len(t.Errors) > 0 {
			d.grp.Errored = append(d.grp.Errored, SetStatus{Set: t.Set, ControlNumber: t.ControlNumber, Convention: t.Convention, Errors: t.Errors})
		}
	}
	d.emit(Event{Kind: EventTransaction, Interchange: d.ic, Group: d.grp, Transaction: t})
	d.tx = nil
}

func (d *Decoder) endTransaction(seg *Segment, off int64) {
	t := d.tx
	t.Segments++
	n, ok := atoiDigits(seg.Element(1))
	if !ok || n != t.Segments {
		d.txErr(AK5CountMismatch, "SE", off, "SE01 says %q segments, the set has %d", seg.Element(1), t.Segments)
	}
	if string(seg.Element(2)) != t.ControlNumber {
		d.txErr(AK5ControlNumberMismatch, "SE", off, "SE02 %q does not match ST02 %q", clip(seg.Element(2), 30), t.ControlNumber)
	}
	d.closeTransaction(off, false)
}

// itoa is strconv.Itoa, short.
func itoa(n int) string { return strconv.Itoa(n) }

// maxTrackedSetNumbers bounds the ST02 uniqueness check per group, so a
// group of millions of sets cannot grow the heap without limit; sets past
// the bound are not checked.
const maxTrackedSetNumbers = 10000

// checkUnique files AK5 code 23 when ST02 repeats within the group.
func (d *Decoder) checkUnique(t *Transaction, off int64) {
	if d.seenGroup != d.grp {
		d.seenSets.reset()
		d.seenGroup = d.grp
	}
	if d.seenSets.add(t.ControlNumber, maxTrackedSetNumbers) {
		// Noted, not rejected: the set itself is readable, and senders
		// that number every set 0001 are common.
		t.Errors = append(t.Errors, &Error{Level: LevelTransaction, Code: AK5ControlNumberNotUnique, Severity: SeverityNote,
			SegmentID: "ST", Offset: off,
			Message: fmt.Sprintf("ST02 %q is used twice in functional group %s", t.ControlNumber, d.grp.ControlNumber)})
		return
	}
}

// setNumbers is the set of ST02 values seen in a group. Control numbers
// are nearly always digits counting up, so those are kept as numbers while
// they ascend: checking and adding one is a compare and an append, with no
// hashing, no growing map and nothing for the GC to scan. Values that are
// not digits, or that break the order, go to maps.
type setNumbers struct {
	asc   []uint64            // numeric keys (see numericKey), ascending
	other map[uint64]struct{} // numeric keys that arrived out of order
	text  map[string]struct{} // values that are not 1-15 digits
}

// numericKey packs a value of 1-15 digits with its length, so two values
// have the same key exactly when they are the same string ("0042" and "42"
// differ); 10^15 < 2^50.
func numericKey(v string) (uint64, bool) {
	if len(v) == 0 || len(v) > 15 {
		return 0, false
	}
	var n uint64
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + uint64(c-'0')
	}
	return uint64(len(v))<<50 | n, true
}

func (s *setNumbers) reset() {
	s.asc = s.asc[:0]
	clear(s.other)
	clear(s.text)
}

func (s *setNumbers) len() int { return len(s.asc) + len(s.other) + len(s.text) }

// add reports whether v was seen before; a new v is kept while the set
// holds fewer than limit values.
func (s *setNumbers) add(v string, limit int) (dup bool) {
	k, ok := numericKey(v)
	if !ok {
		if _, dup := s.text[v]; dup {
			return true
		}
		if s.len() < limit {
			if s.text == nil {
				s.text = map[string]struct{}{}
			}
			s.text[v] = struct{}{}
		}
		return false
	}
	if n := len(s.asc); n > 0 && k <= s.asc[n-1] {
		if _, dup := slices.BinarySearch(s.asc, k); dup {
			return true
		}
	}
	if _, dup := s.other[k]; dup {
		return true
	}
	if s.len() >= limit {
		return false
	}
	if n := len(s.asc); n == 0 || k > s.asc[n-1] {
		s.asc = append(s.asc, k)
		return false
	}
	if s.other == nil {
		s.other = map[uint64]struct{}{}
	}
	s.other[k] = struct{}{}
	return false
}

// noSegment stands in for "the current segment" when a mapper finishes.
var noSegment Segment
