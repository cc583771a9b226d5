package edi

import (
	"sort"
	"strconv"
	"strings"
)

// Build997 builds the functional acknowledgement for a received group.
//
// Each set gets an AK2 loop: AK3/AK4 for its segment and element errors and
// an AK5 of A (accepted), E (accepted, errors noted) or R (rejected) with
// the AK502 codes. AK9 is A when every set is accepted without notes, E
// when all are accepted but some carry notes, P when some are rejected and
// some accepted, R when none is accepted or the group envelope itself is
// wrong (AK905 codes say why).
//
// When the group still holds its transactions (Parse) every set is listed;
// a streaming caller that dropped them gets AK2 loops for the sets with
// errors only, which X12 allows.
func Build997(g *Group) *FuncAck997 {
	a := &FuncAck997{GroupFunctionalID: g.FunctionalID, GroupControlNumber: g.ControlNumber, Sets: []SetAck997{}}
	if strings.HasPrefix(g.Version, "005") {
		a.Version = g.Version
	}
	accepted, noted := 0, false
	if len(g.Transactions) == g.ReceivedCount {
		for _, t := range g.Transactions {
			s := setAck(t.Set, t.ControlNumber, t.Convention, t.Errors)
			a.Sets = append(a.Sets, s)
			if s.Status != "R" {
				accepted++
			}
			noted = noted || s.Status == "E"
		}
	} else {
		accepted = g.AcceptedCount
		for _, st := range g.Errored {
			s := setAck(st.Set, st.ControlNumber, st.Convention, st.Errors)
			a.Sets = append(a.Sets, s)
			noted = noted || s.Status == "E"
		}
	}
	a.Received = g.ReceivedCount
	a.Included = g.DeclaredCount
	if a.Included < 0 {
		a.Included = g.ReceivedCount
	}
	a.Codes = codesOf(g.Errors, 5)
	switch {
	case anyRejects(g.Errors):
		a.Status, accepted = "R", 0
	case a.Received > 0 && accepted == 0:
		a.Status = "R"
	case accepted < a.Received:
		a.Status = "P"
	case noted || len(g.Errors) > 0:
		a.Status = "E"
	default:
		a.Status = "A"
	}
	a.Accepted = accepted
	return a
}

// setAck turns one set's errors into its AK2 loop.
func setAck(set, control, convention string, errs []*Error) SetAck997 {
	s := SetAck997{Set: set, ControlNumber: control, Convention: convention, Status: "A"}
	var txErrs []*Error
	bySeg := map[int]int{} // segment position → index in s.Segments
	for _, e := range errs {
		switch e.Level {
		case LevelSegment:
			s.Segments = append(s.Segments, SegmentNote997{SegmentID: safeX12(e.SegmentID), Position: strconv.Itoa(max(e.SegmentPosition, 1)), Code: e.Code})
		case LevelElement:
			i, ok := bySeg[e.SegmentPosition]
			if !ok {
				i = len(s.Segments)
				bySeg[e.SegmentPosition] = i
				s.Segments = append(s.Segments, SegmentNote997{SegmentID: safeX12(e.SegmentID), Position: strconv.Itoa(e.SegmentPosition), Code: AK3HasElementErrors})
			}
			s.Segments[i].Elements = append(s.Segments[i].Elements, ElementNote997{
				Position: strconv.Itoa(e.ElementPosition), Ref: e.ElementRef, Code: e.Code, Value: safeX12(e.Value)})
		default:
			txErrs = append(txErrs, e)
		}
	}
	sort.SliceStable(s.Segments, func(i, j int) bool {
		pi, _ := strconv.Atoi(s.Segments[i].Position)
		pj, _ := strconv.Atoi(s.Segments[j].Position)
		return pi < pj
	})
	s.Codes = codesOf(txErrs, 5)
	if len(s.Segments) > 0 && len(s.Codes) < 5 && !contains(s.Codes, AK5SegmentsInError) {
		s.Codes = append(s.Codes, AK5SegmentsInError)
	}
	switch {
	case anyRejects(errs):
		s.Status = "R"
	case len(errs) > 0:
		s.Status = "E"
	}
	return s
}

func codesOf(errs []*Error, limit int) []string {
	var out []string
	for _, e := range errs {
		if len(out) < limit && !contains(out, e.Code) {
			out = append(out, e.Code)
		}
	}
	return out
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// safeX12 keeps a copied value (AK404, AK301) inside the basic character
// set so it cannot collide with any delimiter of the reply.
func safeX12(v string) string {
	b := []byte(v)
	for i, c := range b {
		if !(isAlnum(c) || c == ' ' || c == '-' || c == '.' || c == '/' || c == '_' || c == ',' || c == '#' || c == '(' || c == ')') {
			b[i] = '?'
		}
	}
	return strings.TrimSpace(string(b))
}

// BuildTA1 builds the interchange acknowledgement: TA104 R with the first
// rejecting error's TA105 code, E when only notes, A/000 otherwise.
func BuildTA1(ic *Interchange) TA1 {
	t := TA1{ControlNumber: ic.ControlNumber, Date: ic.RawDate, Time: ic.Time, AckCode: "A", NoteCode: TA1NoError}
	for _, e := range ic.Errors {
		if e.Rejects() {
			t.AckCode, t.NoteCode = "R", e.Code
			return t
		}
	}
	if len(ic.Errors) > 0 {
		t.AckCode, t.NoteCode = "E", ic.Errors[0].Code
	}
	return t
}

// Acks decides what goes back for a received interchange: a TA1 when the
// envelope has errors or the sender asked for one (ISA14 = 1), and a 997
// for each functional group unless the TA1 rejects the whole interchange.
// Groups of 997s are not acknowledged (X12 never acknowledges an
// acknowledgement) unless includeFA is set; TA1-only interchanges get
// nothing unless they are themselves broken.
func Acks(ic *Interchange, includeFA bool) (*TA1, []*FuncAck997) {
	var ta1 *TA1
	if len(ic.Errors) > 0 || ic.AckRequested {
		t := BuildTA1(ic)
		ta1 = &t
		if t.AckCode == "R" {
			return ta1, nil
		}
	}
	var acks []*FuncAck997
	for _, g := range ic.Groups {
		if g.FunctionalID == "FA" && !includeFA {
			continue
		}
		acks = append(acks, Build997(g))
	}
	return ta1, acks
}

// ReplyEnvelope is the envelope for answering ic: sender and receiver
// swapped, same version; the caller supplies control numbers and time.
func ReplyEnvelope(ic *Interchange) Envelope {
	env := Envelope{
		SenderQualifier: ic.ReceiverQualifier, SenderID: ic.ReceiverID,
		ReceiverQualifier: ic.SenderQualifier, ReceiverID: ic.SenderID,
		Version: ic.Version, Usage: ic.Usage,
	}
	if len(ic.Groups) > 0 {
		g := ic.Groups[0]
		env.GroupSenderID, env.GroupReceiverID, env.GroupVersion = g.ReceiverID, g.SenderID, g.Version
	}
	if _, ok := atoiDigits([]byte(env.Version)); !ok || len(env.Version) != 5 || env.Version < "00200" {
		env.Version = "00401"
	}
	if env.Usage != "T" {
		env.Usage = "P"
	}
	return env
}
