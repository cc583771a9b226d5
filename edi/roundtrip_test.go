package edi

import (
	"bytes"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

var testEnvelope = Envelope{SenderID: "POGATE", ReceiverID: "PARTNER", ControlNumber: 42,
	Time: time.Date(2026, 11, 27, 10, 30, 0, 0, time.UTC)}

// roundTrip writes doc and reads it back, failing on any error.
func roundTrip(t testing.TB, doc Document, env Envelope) Document {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteInterchange(&buf, env, doc); err != nil {
		t.Fatalf("write %s: %v", doc.SetID(), err)
	}
	f, err := Parse(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Interchanges) != 1 || len(f.Interchanges[0].Groups) != 1 || len(f.Interchanges[0].Groups[0].Transactions) != 1 {
		t.Fatalf("written %s does not read back as one set: %v\n%s", doc.SetID(), allErrors(f), buf.String())
	}
	for _, e := range allErrors(f) {
		t.Errorf("written %s has error %v\n%s", doc.SetID(), e, buf.String())
	}
	return f.Interchanges[0].Groups[0].Transactions[0].Document
}

// TestRoundTripSamples: every typed document read from the corpus (and
// from own fixtures) is written and read again to the same value.
func TestRoundTripSamples(t *testing.T) {
	paths := fixtureFiles(t)
	if dir, files := sampleFilesOptional(t); dir != "" {
		for _, f := range files {
			paths = append(paths, filepath.Join(dir, f))
		}
	}
	n := 0
	for _, p := range paths {
		f := parseFile(t, p)
		for _, ic := range f.Interchanges {
			for _, g := range ic.Groups {
				for _, tx := range g.Transactions {
					if tx.Document == nil || len(tx.Errors) > 0 {
						continue // round trip is promised for valid documents
					}
					env := testEnvelope
					env.Delimiters = ic.Delimiters
					if env.Delimiters.Component == 0 {
						env.Delimiters.Component = '>'
					}
					if env.Delimiters.Segment == '\n' {
						for _, c := range []byte("~|}") {
							if c != env.Delimiters.Element && c != env.Delimiters.Component {
								env.Delimiters.Segment = c
								break
							}
						}
					}
					back := roundTrip(t, tx.Document, env)
					if !reflect.DeepEqual(back, tx.Document) {
						t.Errorf("%s %s %s: round trip differs\nfirst:  %+v\nsecond: %+v", filepath.Base(p), tx.Set, tx.ControlNumber, tx.Document, back)
					}
					n++
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("no documents round-tripped")
	}
	t.Logf("%d documents round-tripped", n)
}
