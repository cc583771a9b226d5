package edi

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// ErrDelimiterInData is returned when a value contains the element
// separator, the segment terminator or a line break: X12 has no escaping,
// so such a value cannot be written.
var ErrDelimiterInData = errors.New("edi: value contains a delimiter")

// Writer renders segments with a set of delimiters. Errors are sticky: the
// first one is returned by every later call and by Flush.
type Writer struct {
	bw         *bufio.Writer
	d          Delimiters
	lineBreaks bool
	count      int // segments written since the last ST
	err        error
	line       []byte
}

// NewWriter returns a Writer; lineBreaks adds "\n" after each terminator
// for readability (ignored when the terminator is itself a line break).
func NewWriter(w io.Writer, d Delimiters, lineBreaks bool) *Writer {
	return &Writer{bw: bufio.NewWriter(w), d: d, lineBreaks: lineBreaks}
}

// Segment writes one segment, dropping trailing empty elements.
func (w *Writer) Segment(id string, elems ...string) error {
	if w.err != nil {
		return w.err
	}
	n := len(elems)
	for n > 0 && elems[n-1] == "" {
		n--
	}
	line := append(w.line[:0], id...)
	for _, e := range elems[:n] {
		if w.hasDelimiter(e) {
			w.err = fmt.Errorf("%w: %s value %q", ErrDelimiterInData, id, e)
			return w.err
		}
		line = append(line, w.d.Element)
		line = append(line, e...)
	}
	if w.d.Segment == '\n' {
		line = append(line, '\n')
	} else {
		line = append(line, w.d.Segment)
		if w.lineBreaks {
			line = append(line, '\n')
		}
	}
	w.line = line
	w.count++
	if _, err := w.bw.Write(line); err != nil {
		w.err = fmt.Errorf("edi: writing %s: %w", id, err)
	}
	return w.err
}

// Composite joins components with the component separator.
func (w *Writer) Composite(parts ...string) string {
	n := len(parts)
	for n > 0 && parts[n-1] == "" {
		n--
	}
	return strings.Join(parts[:n], string(w.d.Component))
}

// hasDelimiter reports element separators, terminators and line breaks in
// a value. Component and repetition separators are allowed: Composite and
// repeated values put them there on purpose.
func (w *Writer) hasDelimiter(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c == w.d.Element || c == w.d.Segment || c == '\r' || c == '\n' {
			return true
		}
	}
	return false
}

// Flush writes buffered output.
func (w *Writer) Flush() error {
	if w.err != nil {
		return w.err
	}
	if err := w.bw.Flush(); err != nil {
		w.err = fmt.Errorf("edi: flushing: %w", err)
	}
	return w.err
}

// Envelope says who an outbound interchange is from and to, and which
// control numbers it carries. Control numbers are the caller's to keep
// unique per partner (the gateway persists them).
type Envelope struct {
	SenderQualifier   string // ISA05, default "ZZ"
	SenderID          string // ISA06
	ReceiverQualifier string // ISA07, default "ZZ"
	ReceiverID        string // ISA08
	// GroupSenderID/GroupReceiverID are GS02/GS03 (default: the ISA ids).
	GroupSenderID   string
	GroupReceiverID string
	// ControlNumber is ISA13 (1..999999999); GroupControlNumber is GS06
	// (default ControlNumber); sets are numbered from FirstSetNumber
	// (default 1) as ST02 "0001", "0002"...
	ControlNumber      int64
	GroupControlNumber int64
	FirstSetNumber     int
	Version            string // ISA12, default "00401"
	GroupVersion       string // GS08, default "004010"
	Usage              string // ISA15: P (default) or T
	AckRequested       bool   // ISA14
	Time               time.Time
	// Delimiters default to DefaultDelimiters.
	Delimiters   Delimiters
	NoLineBreaks bool
}

func (e Envelope) withDefaults() Envelope {
	def := func(p *string, v string) {
		if *p == "" {
			*p = v
		}
	}
	def(&e.SenderQualifier, "ZZ")
	def(&e.ReceiverQualifier, "ZZ")
	def(&e.GroupSenderID, e.SenderID)
	def(&e.GroupReceiverID, e.ReceiverID)
	def(&e.Version, "00401")
	def(&e.GroupVersion, "004010")
	def(&e.Usage, "P")
	if e.GroupControlNumber == 0 {
		e.GroupControlNumber = e.ControlNumber
	}
	if e.FirstSetNumber == 0 {
		e.FirstSetNumber = 1
	}
	if e.Time.IsZero() {
		e.Time = time.Now().UTC()
	}
	if e.Delimiters == (Delimiters{}) {
		e.Delimiters = DefaultDelimiters
	}
	if e.Version < "00402" {
		e.Delimiters.Repetition = 0
	}
	return e
}

func (e Envelope) check() error {
	if e.SenderID == "" || e.ReceiverID == "" {
		return errors.New("edi: envelope needs sender and receiver ids")
	}
	if len(e.SenderID) > 15 || len(e.ReceiverID) > 15 {
		return errors.New("edi: ISA sender and receiver ids are at most 15 characters")
	}
	if e.ControlNumber < 1 || e.ControlNumber > 999999999 {
		return fmt.Errorf("edi: interchange control number %d out of range 1..999999999", e.ControlNumber)
	}
	if e.GroupControlNumber < 1 || e.GroupControlNumber > 999999999 {
		return fmt.Errorf("edi: group control number %d out of range", e.GroupControlNumber)
	}
	if len(e.Version) != 5 {
		return fmt.Errorf("edi: ISA12 version %q must have 5 digits", e.Version)
	}
	return nil
}

// WriteInterchange writes one interchange holding docs; consecutive
// documents of the same functional group share a GS..GE group.
func WriteInterchange(w io.Writer, env Envelope, docs ...Document) error {
	return writeInterchange(w, env, nil, docs)
}

// Write850 writes one purchase order in its own interchange. CTT01 is the
// number of lines unless LineCount says otherwise.
func Write850(w io.Writer, po *PO850, env Envelope) error {
	if po.LineCount == 0 {
		cp := *po
		cp.LineCount = len(cp.Lines)
		po = &cp
	}
	return WriteInterchange(w, env, po)
}

// Write997 writes functional acknowledgements in one interchange.
func Write997(w io.Writer, env Envelope, acks ...*FuncAck997) error {
	docs := make([]Document, len(acks))
	for i, a := range acks {
		docs[i] = a
	}
	return WriteInterchange(w, env, docs...)
}

// WriteAck writes what goes back for a received interchange: an optional
// TA1 followed by a group of 997s (either may be empty).
func WriteAck(w io.Writer, env Envelope, ta1 *TA1, acks []*FuncAck997) error {
	var ta1s []TA1
	if ta1 != nil {
		ta1s = []TA1{*ta1}
	}
	docs := make([]Document, len(acks))
	for i, a := range acks {
		docs[i] = a
	}
	return writeInterchange(w, env, ta1s, docs)
}

func writeInterchange(out io.Writer, env Envelope, ta1s []TA1, docs []Document) error {
	env = env.withDefaults()
	if err := env.check(); err != nil {
		return err
	}
	d := env.Delimiters
	w := NewWriter(out, d, !env.NoLineBreaks)
	isa11 := "U"
	if d.Repetition != 0 {
		isa11 = string(d.Repetition)
	}
	ack := "0"
	if env.AckRequested {
		ack = "1"
	}
	w.Segment("ISA", "00", pad(""), "00", pad(""), env.SenderQualifier, fmt.Sprintf("%-15s", env.SenderID),
		env.ReceiverQualifier, fmt.Sprintf("%-15s", env.ReceiverID), env.Time.Format("060102"), env.Time.Format("1504"),
		isa11, env.Version, fmt.Sprintf("%09d", env.ControlNumber), ack, env.Usage, string(d.Component))
	for _, t := range ta1s {
		w.Segment("TA1", t.ControlNumber, t.Date, t.Time, t.AckCode, t.NoteCode)
	}
	groups := 0
	for i := 0; i < len(docs); {
		j := i + 1
		for j < len(docs) && docs[j].FunctionalID() == docs[i].FunctionalID() {
			j++
		}
		gcn := strconv.FormatInt(env.GroupControlNumber+int64(groups), 10)
		w.Segment("GS", docs[i].FunctionalID(), env.GroupSenderID, env.GroupReceiverID, env.Time.Format("20060102"),
			env.Time.Format("1504"), gcn, "X", env.GroupVersion)
		for k := i; k < j; k++ {
			scn := fmt.Sprintf("%04d", env.FirstSetNumber+k)
			w.count = 0
			w.Segment("ST", docs[k].SetID(), scn)
			if err := docs[k].writeBody(w); err != nil {
				return err
			}
			w.Segment("SE", strconv.Itoa(w.count+1), scn)
		}
		w.Segment("GE", strconv.Itoa(j-i), gcn)
		groups++
		i = j
	}
	w.Segment("IEA", strconv.Itoa(groups), fmt.Sprintf("%09d", env.ControlNumber))
	return w.Flush()
}

func pad(s string) string { return fmt.Sprintf("%-10s", s) }

// Element formatting helpers used by the document writers.

func fmtR(d Decimal) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

func fmtN(d Decimal, scale int32) (string, error) {
	if d.IsZero() {
		return "", nil
	}
	b, err := d.appendImplied(nil, scale)
	return string(b), err
}

func fmtDate(d Date) string {
	if d.IsZero() {
		return ""
	}
	return d.X12()
}

func fmtInt(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

// Shared segment writers.

func writeRefs(w *Writer, refs []Reference) {
	for _, r := range refs {
		w.Segment("REF", r.Qualifier, r.Value, r.Description)
	}
}

func writeDates(w *Writer, dates []DateRef) {
	for _, d := range dates {
		w.Segment("DTM", d.Qualifier, fmtDate(d.Date), d.Time)
	}
}

func writeParties(w *Writer, ps []Party) {
	for _, p := range ps {
		w.Segment("N1", p.Role, p.Name, p.IDQualifier, p.ID)
		for i := 0; i < len(p.ExtraNames); i += 2 {
			w.Segment("N2", p.ExtraNames[i], at(p.ExtraNames, i+1))
		}
		for i := 0; i < len(p.Address); i += 2 {
			w.Segment("N3", p.Address[i], at(p.Address, i+1))
		}
		if p.City != "" || p.State != "" || p.PostalCode != "" || p.Country != "" {
			w.Segment("N4", p.City, p.State, p.PostalCode, p.Country)
		}
	}
}

func at(list []string, i int) string {
	if i < len(list) {
		return list[i]
	}
	return ""
}

func writeCharges(w *Writer, cs []Charge) error {
	for _, c := range cs {
		amt, err := fmtN(c.Amount, 2)
		if err != nil {
			return err
		}
		w.Segment("SAC", c.Indicator, c.Code, "", "", amt, "", fmtR(c.Percent), fmtR(c.Rate), c.Unit,
			fmtR(c.Quantity), "", c.Method, "", "", c.Description)
	}
	return nil
}

func writeTaxes(w *Writer, ts []Tax) {
	for _, t := range ts {
		w.Segment("TXI", t.Type, fmtR(t.Amount), fmtR(t.Percent), "", "", t.Exempt)
	}
}

func writeTerms(w *Writer, ts []Terms) error {
	for _, t := range ts {
		amt, err := fmtN(t.DiscountAmount, 2)
		if err != nil {
			return err
		}
		w.Segment("ITD", t.Type, t.BasisDate, fmtR(t.DiscountPercent), fmtDate(t.DiscountDueDate), fmtInt(t.DiscountDays),
			fmtDate(t.NetDueDate), fmtInt(t.NetDays), amt, "", "", "", t.Description, fmtInt(t.DayOfMonth))
	}
	return nil
}

// idElems renders an Item's id pairs as alternating qualifier/id values.
func idElems(it *Item) []string {
	ids := it.ids()
	out := make([]string, 0, 2*len(ids))
	for _, p := range ids {
		out = append(out, p.Qualifier, p.ID)
	}
	return out
}

func writePID(w *Writer, it *Item) {
	if it.Description != "" {
		w.Segment("PID", "F", "", "", "", it.Description)
	}
}
