package edi

import (
	"bytes"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

func elemErr(sev Severity, seg string, pos, elem int, code string) *Error {
	return &Error{Level: LevelElement, Severity: sev, SegmentID: seg, SegmentPosition: pos, ElementPosition: elem, Code: code}
}

func TestBuild997Statuses(t *testing.T) {
	ok := func(cn string) *Transaction {
		return &Transaction{Set: "850", ControlNumber: cn, Errors: []*Error{}}
	}
	noted := &Transaction{Set: "850", ControlNumber: "0002", Errors: []*Error{elemErr(SeverityNote, "BEG", 2, 3, AK4TooLong)}}
	rejected := &Transaction{Set: "850", ControlNumber: "0003", Errors: []*Error{
		elemErr(SeverityReject, "PO1", 9, 2, AK4InvalidCharacter),
		elemErr(SeverityReject, "DTM", 6, 2, AK4InvalidDate),
		{Level: LevelSegment, Severity: SeverityReject, SegmentID: "BEG", SegmentPosition: 12, Code: AK3MandatoryMissing},
		{Level: LevelTransaction, Severity: SeverityReject, SegmentID: "SE", Code: AK5CountMismatch},
	}}
	group := func(txs ...*Transaction) *Group {
		return &Group{FunctionalID: "PO", ControlNumber: "77", Version: "004010", Transactions: txs,
			DeclaredCount: len(txs), ReceivedCount: len(txs), Errors: []*Error{}}
	}
	badGroup := group(ok("0001"))
	badGroup.Errors = append(badGroup.Errors, &Error{Level: LevelGroup, Code: AK9CountMismatch, Severity: SeverityReject})
	badGroup.DeclaredCount = 2

	cases := []struct {
		name     string
		g        *Group
		ak9      string
		counts   [3]int
		ak9Codes []string
		ak5      []string
	}{
		{"accepted", group(ok("0001"), ok("0004")), "A", [3]int{2, 2, 2}, nil, []string{"A", "A"}},
		{"accepted with errors noted", group(ok("0001"), noted), "E", [3]int{2, 2, 2}, nil, []string{"A", "E"}},
		{"partially accepted", group(ok("0001"), rejected), "P", [3]int{2, 2, 1}, nil, []string{"A", "R"}},
		{"rejected", group(rejected), "R", [3]int{1, 1, 0}, nil, []string{"R"}},
		{"group envelope error rejects all", badGroup, "R", [3]int{2, 1, 0}, []string{"5"}, []string{"A"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := Build997(c.g)
			if a.Status != c.ak9 || [3]int{a.Included, a.Received, a.Accepted} != c.counts || !slices.Equal(a.Codes, c.ak9Codes) {
				t.Errorf("AK9 = %s %d/%d/%d %v, want %s %v %v", a.Status, a.Included, a.Received, a.Accepted, a.Codes, c.ak9, c.counts, c.ak9Codes)
			}
			var got []string
			for _, s := range a.Sets {
				got = append(got, s.Status)
			}
			if !slices.Equal(got, c.ak5) {
				t.Errorf("AK501s = %v, want %v", got, c.ak5)
			}
		})
	}

	// The rejected set's AK2 loop in detail: AK3s ordered by position,
	// element errors grouped under AK304 "8", AK5 codes 4 and 5.
	s := Build997(group(rejected)).Sets[0]
	want := []SegmentNote997{
		{SegmentID: "DTM", Position: "6", Code: "8", Elements: []ElementNote997{{Position: "2", Code: "8"}}},
		{SegmentID: "PO1", Position: "9", Code: "8", Elements: []ElementNote997{{Position: "2", Code: "6"}}},
		{SegmentID: "BEG", Position: "12", Code: "3"},
	}
	if !reflect.DeepEqual(s.Segments, want) {
		t.Errorf("AK3/AK4 = %+v\nwant %+v", s.Segments, want)
	}
	if !slices.Equal(s.Codes, []string{"4", "5"}) {
		t.Errorf("AK5 codes = %v", s.Codes)
	}
}

func TestBuildTA1(t *testing.T) {
	ic := &Interchange{ControlNumber: "000000042", RawDate: "261127", Time: "1200"}
	if got := BuildTA1(ic); got != (TA1{"000000042", "261127", "1200", "A", "000"}) {
		t.Errorf("clean TA1 = %+v", got)
	}
	ic.Errors = []*Error{{Level: LevelInterchange, Code: TA1ControlNumberMismatch, Severity: SeverityReject}}
	if got := BuildTA1(ic); got.AckCode != "R" || got.NoteCode != "001" {
		t.Errorf("rejecting TA1 = %+v", got)
	}
	ta1, acks := Acks(ic, false)
	if ta1 == nil || acks != nil {
		t.Errorf("a rejected interchange must get only a TA1: %+v %v", ta1, acks)
	}
}

// TestAckRoundTrip: a 997 built for a bad fixture is written, read back by
// the 997 mapper, and equals what was built.
func TestAckRoundTrip(t *testing.T) {
	f := parseFile(t, "testdata/bad-850-negative-qty-invalid-date.edi")
	ic := f.Interchanges[0]
	ta1, acks := Acks(ic, false)
	env := ReplyEnvelope(ic)
	env.ControlNumber, env.Time = 9, time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	var buf bytes.Buffer
	if err := WriteAck(&buf, env, ta1, acks); err != nil {
		t.Fatal(err)
	}
	reply := buf.String()
	back, err := Parse(&buf)
	if err != nil || !back.Valid() {
		t.Fatalf("reply invalid: %v %v\n%s", err, allErrors(back), reply)
	}
	bic := back.Interchanges[0]
	if len(bic.TA1) != 1 || bic.TA1[0] != *ta1 {
		t.Errorf("TA1 read back = %+v, want %+v", bic.TA1, ta1)
	}
	got := bic.Groups[0].Transactions[0].Document.(*FuncAck997)
	if !reflect.DeepEqual(got, acks[0]) {
		t.Errorf("997 read back differs\n got %+v\nwant %+v", got, acks[0])
	}
	if bic.SenderID != ic.ReceiverID || bic.ReceiverID != ic.SenderID {
		t.Errorf("reply not addressed back: %s → %s", bic.SenderID, bic.ReceiverID)
	}
	if !strings.Contains(reply, "AK4*2**8*20240230~") {
		t.Errorf("AK4 for the invalid date missing:\n%s", reply)
	}
}

// TestStreaming997: a caller that drops transactions still gets a correct
// 997 (AK2 loops for the sets with errors, counts for all).
func TestStreaming997(t *testing.T) {
	var input bytes.Buffer
	input.WriteString("ISA*00*          *00*          *ZZ*A              *ZZ*B              *261127*1200*U*00401*000000001*0*P*>~GS*PO*A*B*20261127*1200*5*X*004010~")
	for i := 1; i <= 50; i++ {
		qty := "2"
		if i == 17 {
			qty = "-2"
		}
		cn := "00" + itoa(10+i)
		input.WriteString("ST*850*" + cn + "~BEG*00*SA*PO" + itoa(i) + "**20261127~PO1*1*" + qty + "*EA*1~SE*4*" + cn + "~")
	}
	input.WriteString("GE*50*5~IEA*1*000000001~")
	d := NewDecoder(&input)
	var g *Group
	for {
		ev, err := d.Next()
		if err != nil {
			break
		}
		if ev.Kind == EventGroup {
			g = ev.Group
		}
	}
	if g == nil || len(g.Transactions) != 0 {
		t.Fatalf("decoder kept transactions: %+v", g)
	}
	a := Build997(g)
	if a.Status != "P" || a.Received != 50 || a.Accepted != 49 || len(a.Sets) != 1 || a.Sets[0].ControlNumber != "0027" {
		t.Errorf("streamed 997 = %+v", a)
	}
}

func TestRepeatedSetControlNumberIsNoted(t *testing.T) {
	in := "ISA*00*          *00*          *ZZ*A              *ZZ*B              *261127*1200*U*00401*000000001*0*P*>~" +
		"GS*PO*A*B*20261127*1200*5*X*004010~" +
		"ST*850*0001~BEG*00*SA*PO1**20261127~PO1*1*2*EA*1~SE*4*0001~" +
		"ST*850*0001~BEG*00*SA*PO2**20261127~PO1*1*2*EA*1~SE*4*0001~" +
		"GE*2*5~IEA*1*000000001~"
	f, err := Parse(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	txs := f.Interchanges[0].Groups[0].Transactions
	if len(txs[0].Errors) != 0 || len(txs[1].Errors) != 1 || txs[1].Errors[0].Code != "23" || txs[1].Rejected() {
		t.Fatalf("errors = %v / %v", txs[0].Errors, txs[1].Errors)
	}
	a := Build997(f.Interchanges[0].Groups[0])
	if a.Status != "E" || a.Sets[1].Status != "E" || !slices.Equal(a.Sets[1].Codes, []string{"23"}) {
		t.Errorf("997 = %+v", a)
	}
}
