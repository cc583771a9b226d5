package edi

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// addSeeds adds the own fixtures and, when present, the shared samples.
func addSeeds(f *testing.F) {
	for _, p := range fixtureFiles(f) {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	if dir, files := sampleFilesOptional(f); dir != "" {
		for _, name := range files {
			if b, err := os.ReadFile(filepath.Join(dir, name)); err == nil {
				f.Add(b)
			}
		}
	}
	f.Add([]byte("ISA*00*"))
	f.Add([]byte("\xEF\xBB\xBF  ISA*00*          *00*          *ZZ*A*ZZ*B*261127*1200*U*00401*000000001*0*P*>\nIEA*0*000000001\n"))
}

// FuzzScanner: the tokenizer never panics, always makes progress and
// never yields a segment without an ID slot.
func FuzzScanner(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		sc := NewScannerOptions(bytes.NewReader(data), ScannerOptions{BufferSize: 64, MaxSegment: 4096})
		n := 0
		for sc.Scan() {
			n++
			seg := sc.Segment()
			if seg.Len() < 0 {
				t.Fatal("segment without elements")
			}
			_ = seg.Component(1, 2)
			if n > len(data)+1 {
				t.Fatalf("%d segments from %d bytes", n, len(data))
			}
		}
	})
}

// FuzzParse: the decoder and every mapper never panic, and every valid
// typed document round-trips.
func FuzzParse(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err) // a bytes.Reader cannot fail
		}
		checkRoundTrips(t, file)
		for _, ic := range file.Interchanges {
			ta1, acks := Acks(ic, true)
			env := ReplyEnvelope(ic)
			env.SenderID, env.ReceiverID, env.ControlNumber = "A", "B", 1
			var buf bytes.Buffer
			if err := WriteAck(&buf, env, ta1, acks); err != nil {
				return // e.g. a received id that cannot be written back
			}
			back, _ := Parse(&buf)
			if !file.Valid() {
				continue // the reply echoes broken ids (AK101, AK102) by design
			}
			for _, e := range allErrors(back) {
				t.Fatalf("acknowledgement of a valid file does not parse cleanly: %v\n%s", e, buf.String())
			}
		}
	})
}

func checkRoundTrips(t *testing.T, file *File) {
	for _, ic := range file.Interchanges {
		for _, g := range ic.Groups {
			for _, tx := range g.Transactions {
				if tx.Document == nil || len(tx.Errors) > 0 {
					continue
				}
				var buf bytes.Buffer
				env := testEnvelope
				if err := WriteInterchange(&buf, env, tx.Document); err != nil {
					continue // values holding '*' or '~' cannot be written with the defaults
				}
				back, _ := Parse(&buf)
				if len(back.Interchanges) != 1 || len(back.Interchanges[0].Groups) != 1 ||
					len(back.Interchanges[0].Groups[0].Transactions) != 1 {
					t.Fatalf("write of a valid %s did not read back:\n%s", tx.Set, buf.String())
				}
				got := back.Interchanges[0].Groups[0].Transactions[0]
				if !reflect.DeepEqual(got.Document, tx.Document) {
					t.Fatalf("%s round trip differs\nfirst  %+v\nsecond %+v\n%s", tx.Set, tx.Document, got.Document, buf.String())
				}
			}
		}
	}
}

// fuzzSet wraps fuzzed segment lines in a valid envelope for one set, so
// the fuzzer spends its time inside that set's mapper.
func fuzzSet(f *testing.F, set, fid string, seeds ...string) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		lines := strings.Split(strings.Trim(body, "~\n"), "~")
		var b strings.Builder
		b.WriteString("ISA*00*          *00*          *ZZ*A              *ZZ*B              *261127*1200*U*00401*000000001*0*P*>~GS*")
		b.WriteString(fid + "*A*B*20261127*1200*1*X*004010~ST*" + set + "*0001~")
		for _, l := range lines {
			b.WriteString(strings.TrimSpace(l) + "~")
		}
		b.WriteString("SE*" + itoa(len(lines)+2) + "*0001~GE*1*1~IEA*1*000000001~")
		file, err := Parse(strings.NewReader(b.String()))
		if err != nil {
			t.Fatal(err)
		}
		checkRoundTrips(t, file)
	})
}

func FuzzPO850(f *testing.F) {
	fuzzSet(f, "850", "PO",
		"BEG*00*SA*PO1**20261127~CUR*BY*EUR~N1*ST*DC*92*1~N3*A*B~N4*C*D*E*F~PO1*1*2*EA*1.50*PE*BP*X*VP*Y*UP*Z~PID*F****D~SAC*C*D240***100~CTT*1~AMT*TT*3",
		"BEG*00*SA*PO1**20240230~PO1*1*-2*EA~PO4*1*2*EA*X*Y**LR")
}

func FuzzAck855(f *testing.F) {
	fuzzSet(f, "855", "PR",
		"BAK*00*AC*PO1*20261127****SO*20261128~PO1*1*2*EA*1.5**BP*X~ACK*IA*2*EA*068*20261201~ACK*IB*1*EA~CTT*1",
		"BAK*00*ZZ*PO1*20261127~ACK*XX")
}

func FuzzASN856(f *testing.F) {
	fuzzSet(f, "856", "SH",
		"BSN*00*S1*20261201*0800*0001~HL*1**S~TD1*CTN*2****G*4.5*KG~TD5**2*DHL~HL*2*1*O~PRF*PO1~HL*3*2*P~MAN*GM*00123456000000000018~HL*4*3*I~LIN*1*BP*X~SN1**2*EA",
		"BSN*00*S1*20261201*0800~HL*1**S~HL*2*1*O~PRF*PO1~HL*3*2*I~LIN**UP*1~SN1**3*EA~HL*4*3*P~MAN*GM*123456000000000025~HL*5**T",
		"HL*1*9*Q~HL*2**I")
}

func FuzzInvoice810(f *testing.F) {
	fuzzSet(f, "810", "IN",
		"BIG*20261205*INV1*20261127*PO1***DI~ITD*05*3*2**10**30*150~IT1*1*2*EA*1.5**BP*X~TXI*VA*0.6*20~SAC*A*C310***50~TDS*250~SAC*C*D240***100~CTT*1",
		"BIG*20261205*INV1~IT1*1*2*EA~TDS*X")
}

func FuzzFuncAck997(f *testing.F) {
	fuzzSet(f, "997", "FA",
		"AK1*PO*1~AK2*850*0001~AK3*PO1*3**8~AK4*2**6*X~AK5*R*5~AK9*R*1*1*0",
		"AK1*PO*1~AK9*A*1*1*1", "AK2*850*1~AK4*1")
}

// FuzzDecimal: parsing and rendering agree and never use floats.
func FuzzDecimal(f *testing.F) {
	for _, s := range []string{"0", "-1.50", ".5", "123456789012345678", "1.", "-", "00.010"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDecimal([]byte(s))
		if err != nil {
			return
		}
		back, err := ParseDecimal([]byte(d.String()))
		if err != nil || back != d {
			t.Fatalf("%q → %s → %+v (%v)", s, d, back, err)
		}
		if !d.Decimal().Equal(back.Decimal()) {
			t.Fatalf("shopspring disagrees for %q", s)
		}
	})
}
