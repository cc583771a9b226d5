package edi

// FuncAck997 is a functional acknowledgement (X12 997): what a receiver
// says about one functional group. Build997 makes one; Parse maps an
// inbound one.
type FuncAck997 struct {
	GroupFunctionalID  string      `json:"functional_id"`        // AK101
	GroupControlNumber string      `json:"group_control_number"` // AK102
	Version            string      `json:"version,omitempty"`    // AK103
	Sets               []SetAck997 `json:"sets"`
	// Status is AK901: A accepted, E accepted with errors noted, P
	// partially accepted, R rejected.
	Status   string   `json:"status"`
	Included int      `json:"included"` // AK902
	Received int      `json:"received"` // AK903
	Accepted int      `json:"accepted"` // AK904
	Codes    []string `json:"codes,omitempty"`
}

// SetAck997 is an AK2 loop: one transaction set's outcome.
type SetAck997 struct {
	Set           string           `json:"set"`                  // AK201
	ControlNumber string           `json:"control_number"`       // AK202
	Convention    string           `json:"convention,omitempty"` // AK203
	Segments      []SegmentNote997 `json:"segments,omitempty"`
	Status        string           `json:"status"` // AK501: A, E, R
	Codes         []string         `json:"codes,omitempty"`
}

// SegmentNote997 is an AK3 segment error with its AK4 element errors.
type SegmentNote997 struct {
	SegmentID string           `json:"segment_id"` // AK301
	Position  string           `json:"position"`   // AK302
	Loop      string           `json:"loop,omitempty"`
	Code      string           `json:"code,omitempty"` // AK304
	Elements  []ElementNote997 `json:"elements,omitempty"`
}

// ElementNote997 is an AK4 element error.
type ElementNote997 struct {
	Position string `json:"position"`        // AK401 (5010: "pos:component")
	Ref      int    `json:"ref,omitempty"`   // AK402 data element reference number
	Code     string `json:"code"`            // AK403
	Value    string `json:"value,omitempty"` // AK404 copy of bad data
}

// SetID and FunctionalID place the document in ST01 and GS01 when written.
func (*FuncAck997) SetID() string        { return "997" }
func (*FuncAck997) FunctionalID() string { return "FA" }

var (
	ak5Codes = set("A", "E", "M", "R", "W", "X")
	ak9Codes = set("A", "E", "M", "P", "R", "W", "X")
)

type fa997Mapper struct {
	doc    FuncAck997
	sawAK1 bool
	sawAK9 bool
}

// functionalIDCode accepts a 2-character upper-case alphanumeric GS01 code.
func (c *mapCtx) functionalIDCode(i int) string {
	v := c.text(i, true)
	if v == "" {
		return v
	}
	ok := len(v) == 2
	for j := 0; ok && j < len(v); j++ {
		ok = v[j] >= 'A' && v[j] <= 'Z' || v[j] >= '0' && v[j] <= '9'
	}
	if !ok {
		c.elemErr(i, AK4InvalidCode, SeverityReject, "%s%02d %q is not a functional identifier code", c.id(), i, v)
	}
	return v
}

func (m *fa997Mapper) segment(c *mapCtx) {
	d := &m.doc
	lastSet := func() *SetAck997 {
		if len(d.Sets) == 0 {
			c.segErr(c.id(), AK3Unexpected, "%s before any AK2", c.id())
			return nil
		}
		return &d.Sets[len(d.Sets)-1]
	}
	switch c.id() {
	case "AK1":
		m.sawAK1 = true
		d.GroupFunctionalID = c.functionalIDCode(1)
		d.GroupControlNumber = c.text(2, true)
		if v := c.raw(2); len(v) > 0 && !allDigits(v) {
			c.elemErr(2, AK4InvalidCharacter, SeverityReject, "AK102 %q is not numeric", v)
		}
		d.Version = c.text(3, false)
	case "AK2":
		d.Sets = append(d.Sets, SetAck997{Set: c.text(1, true), ControlNumber: c.text(2, true), Convention: c.text(3, false)})
	case "AK3":
		if s := lastSet(); s != nil {
			s.Segments = append(s.Segments, SegmentNote997{SegmentID: c.text(1, true), Position: c.text(2, true),
				Loop: c.text(3, false), Code: c.text(4, false)})
		}
	case "AK4":
		s := lastSet()
		if s == nil {
			return
		}
		if len(s.Segments) == 0 {
			c.segErr("AK4", AK3Unexpected, "AK4 before any AK3")
			return
		}
		n := ElementNote997{Position: c.text(1, true), Ref: c.count(2, false), Code: c.text(3, true), Value: c.text(4, false)}
		seg := &s.Segments[len(s.Segments)-1]
		seg.Elements = append(seg.Elements, n)
	case "AK5":
		if s := lastSet(); s != nil {
			s.Status = c.code(1, true, ak5Codes)
			s.Codes = m.codes(c, 2, 6)
		}
	case "AK9":
		m.sawAK9 = true
		d.Status = c.code(1, true, ak9Codes)
		d.Included, d.Received, d.Accepted = c.count(2, true), c.count(3, true), c.count(4, true)
		d.Codes = m.codes(c, 5, 9)
	}
}

func (m *fa997Mapper) codes(c *mapCtx, from, to int) []string {
	var out []string
	for i := from; i <= to; i++ {
		if v := c.text(i, false); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func (m *fa997Mapper) finish(c *mapCtx) Document {
	if !m.sawAK1 {
		c.segErr("AK1", AK3MandatoryMissing, "mandatory segment AK1 is missing")
	}
	if !m.sawAK9 {
		c.segErr("AK9", AK3MandatoryMissing, "mandatory segment AK9 is missing")
	}
	for _, s := range m.doc.Sets {
		if s.Status == "" {
			c.segErr("AK5", AK3MandatoryMissing, "the AK2 loop for set %s %s has no AK5", s.Set, s.ControlNumber)
		}
	}
	if m.doc.Sets == nil {
		m.doc.Sets = []SetAck997{}
	}
	return &m.doc
}

func (a *FuncAck997) writeBody(w *Writer) error {
	w.Segment("AK1", a.GroupFunctionalID, a.GroupControlNumber, a.Version)
	for _, s := range a.Sets {
		w.Segment("AK2", s.Set, s.ControlNumber, s.Convention)
		for _, g := range s.Segments {
			w.Segment("AK3", g.SegmentID, g.Position, g.Loop, g.Code)
			for _, e := range g.Elements {
				w.Segment("AK4", e.Position, fmtInt(e.Ref), e.Code, e.Value)
			}
		}
		w.Segment("AK5", append([]string{s.Status}, s.Codes...)...)
	}
	w.Segment("AK9", append([]string{a.Status, itoa(a.Included), itoa(a.Received), itoa(a.Accepted)}, a.Codes...)...)
	return w.err
}
