package edi

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
)

// isa builds an ISA with the given delimiters and version.
func isa(elem, rep, comp, term string, version string) string {
	e := elem
	return "ISA" + e + "00" + e + "          " + e + "00" + e + "          " + e + "ZZ" + e + "SENDER         " + e +
		"ZZ" + e + "RECEIVER       " + e + "261127" + e + "1200" + e + rep + e + version + e + "000000001" + e + "0" + e + "P" + e + comp + term
}

func scanAll(t *testing.T, input string) ([]string, []Delimiters, error) {
	t.Helper()
	sc := NewScannerOptions(iotest.OneByteReader(strings.NewReader(input)), ScannerOptions{BufferSize: 16})
	var segs []string
	var ds []Delimiters
	for sc.Scan() {
		seg := sc.Segment()
		parts := make([]string, 0, seg.Len()+1)
		parts = append(parts, string(seg.ID()))
		for i := 1; i <= seg.Len(); i++ {
			parts = append(parts, string(seg.Element(i)))
		}
		segs = append(segs, strings.Join(parts, "|"))
		ds = append(ds, seg.Delimiters())
	}
	return segs, ds, sc.Err()
}

func TestScannerTolerance(t *testing.T) {
	body := "GS*PO*A*B*20261127*1200*1*X*004010~ST*850*0001~SE*2*0001~GE*1*1~IEA*1*000000001~"
	std := isa("*", "U", ">", "~", "00401")
	cases := []struct {
		name     string
		input    string
		segments int
		want     []string // expected segments by index ("i=text")
		delims   Delimiters
	}{
		{"canonical", std + body, 6, []string{"1=GS|PO|A|B|20261127|1200|1|X|004010"}, Delimiters{'*', '>', 0, '~'}},
		{"BOM and leading whitespace", "\xEF\xBB\xBF \r\n\t" + std + body, 6, nil, Delimiters{'*', '>', 0, '~'}},
		{"CRLF and indentation after terminators", strings.ReplaceAll(std+body, "~", "~\r\n    "), 6,
			[]string{"2=ST|850|0001"}, Delimiters{'*', '>', 0, '~'}},
		{"newline as terminator", strings.ReplaceAll(isa("*", "U", ">", "\n", "00401")+body, "~", "\n"), 6,
			[]string{"5=IEA|1|000000001"}, Delimiters{'*', '>', 0, '\n'}},
		{"CRLF as terminator", strings.ReplaceAll(isa("*", "U", ">", "\r\n", "00401")+body, "~", "\r\n"), 6, nil, Delimiters{'*', '>', 0, '\n'}},
		{"line wrapped inside segments", wrap(std+body, 40), 6, []string{"0=ISA|00|          |00|          |ZZ|SENDER         |ZZ|RECEIVER       |261127|1200|U|00401|000000001|0|P|>",
			"1=GS|PO|A|B|20261127|1200|1|X|004010"}, Delimiters{'*', '>', 0, '~'}},
		{"unpadded ISA", "ISA*00* *00* *ZZ*SENDER*ZZ*RECEIVER*261127*1200*U*00401*000000001*0*P*>~" + body, 6,
			[]string{"0=ISA|00| |00| |ZZ|SENDER|ZZ|RECEIVER|261127|1200|U|00401|000000001|0|P|>"}, Delimiters{'*', '>', 0, '~'}},
		{"U+00A0 padding", strings.Replace(std, "SENDER         ", "SENDER\u00a0\u00a0\u00a0", 1) + body, 6, nil, Delimiters{'*', '>', 0, '~'}},
		{"repetition separator from 00402", isa("*", "^", ":", "~", "00501") + body, 6, nil, Delimiters{'*', ':', '^', '~'}},
		{"ISA11 ignored before 00402", isa("*", "^", ":", "~", "00401") + body, 6, nil, Delimiters{'*', ':', 0, '~'}},
		{"unusual delimiters", strings.NewReplacer("*", "~", "~", "}").Replace(isa("*", "U", ">", "~", "00401") + body), 6,
			[]string{"2=ST|850|0001"}, Delimiters{'~', '>', 0, '}'}},
		{"missing final terminator", strings.TrimSuffix(std+body, "~") + "\n", 6, []string{"5=IEA|1|000000001"}, Delimiters{'*', '>', 0, '~'}},
		{"two interchanges, different delimiters", std + body + "\n\n" + strings.NewReplacer("~", "\n", "*", "|").Replace(isa("|", "U", ":", "\n", "00401")+body), 12,
			[]string{"7=GS|PO|A|B|20261127|1200|1|X|004010"}, Delimiters{'|', ':', 0, '\n'}},
		{"ISA16 missing (EDI.Net issue 135)", strings.ReplaceAll(strings.Replace(std, ">~", "~\n", 1)+strings.ReplaceAll(body, "~", "~\n"), "GE*1*1~", "GE*1*1"), 6,
			[]string{"2=ST|850|0001", "3=SE|2|0001", "4=GE|1|1"}, Delimiters{'*', 0, 0, '\n'}},
		{"TA1 only", std + "TA1*000000009*261127*1200*A*000~IEA*0*000000001~", 3, []string{"1=TA1|000000009|261127|1200|A|000"}, Delimiters{'*', '>', 0, '~'}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			segs, ds, err := scanAll(t, c.input)
			if err != nil {
				t.Fatalf("err %v", err)
			}
			if len(segs) != c.segments {
				t.Fatalf("%d segments, want %d: %q", len(segs), c.segments, segs)
			}
			for _, w := range c.want {
				i, text, _ := strings.Cut(w, "=")
				if got := segs[int(i[0]-'0')]; got != text {
					t.Errorf("segment %s = %q, want %q", i, got, text)
				}
			}
			if last := ds[len(ds)-1]; last != c.delims {
				t.Errorf("delimiters = %+v, want %+v", last, c.delims)
			}
		})
	}
}

// wrap breaks s into lines of n bytes, as fixed-width mailbox systems do.
func wrap(s string, n int) string {
	var b strings.Builder
	for len(s) > n {
		b.WriteString(s[:n] + "\r\n")
		s = s[n:]
	}
	b.WriteString(s)
	return b.String()
}

func TestScannerRejects(t *testing.T) {
	body := "GS*PO*A*B*20261127*1200*1*X*004010~IEA*1*000000001~"
	cases := []struct {
		name, input, code string
		level             Level
	}{
		{"space terminator", isa("*", "U", ">", " ", "00401") + "\r\n" + body, TA1InvalidSegmentTerminator, LevelInterchange},
		{"UTF-8 ellipsis terminator", isa("*", "U", ":", "\u2026", "00401") + body, TA1InvalidSegmentTerminator, LevelInterchange},
		{"alphanumeric terminator", isa("*", "U", ">", "X", "00401") + body, TA1InvalidSegmentTerminator, LevelInterchange},
		{"alphanumeric element separator", strings.ReplaceAll(isa("*", "U", ">", "~", "00401"), "*", "A"), TA1InvalidElementSeparator, LevelFile},
		{"component equals terminator", isa("*", "U", "~", "~", "00401") + body, TA1InvalidComponentSep, LevelInterchange},
		{"not X12", "hello world", TA1InvalidContent, LevelFile},
		{"truncated ISA", "ISA*00*          *00", TA1PrematureEndOfFile, LevelFile},
		{"garbage after IEA", isa("*", "U", ">", "~", "00401") + body + "GARBAGE", TA1InvalidContent, LevelFile},
		{"no terminator at all", "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *261127*1200*U*00401*000000001*0*P*>~" + strings.Repeat("A", 5000), TA1InvalidSegmentTerminator, LevelInterchange},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sc := NewScannerOptions(strings.NewReader(c.input), ScannerOptions{BufferSize: 16, MaxSegment: 4096})
			for sc.Scan() {
			}
			var e *Error
			if !errors.As(sc.Err(), &e) {
				t.Fatalf("err = %v, want an *Error", sc.Err())
			}
			if e.Code != c.code || e.Level != c.level {
				t.Errorf("error = %s %s (%s), want %s %s", e.Level, e.Code, e.Message, c.level, c.code)
			}
		})
	}
}

func TestScannerReadError(t *testing.T) {
	r := iotest.TimeoutReader(bytes.NewReader([]byte(isa("*", "U", ">", "~", "00401") + strings.Repeat("N1*ST*X~", 10000))))
	sc := NewScanner(r)
	for sc.Scan() {
	}
	if !errors.Is(sc.Err(), iotest.ErrTimeout) {
		t.Errorf("err = %v, want the reader's error", sc.Err())
	}
	if _, err := Parse(iotest.ErrReader(errors.New("disk gone"))); err == nil {
		t.Error("Parse hid a read error")
	}
}

func TestSegmentComponents(t *testing.T) {
	segs, _, err := scanAll(t, isa("*", "^", ":", "~", "00501")+"GS*FA*A*B*20261127*1200*1*X*005010~ST*997*0001~AK4*8:2*66*7*A:B^C~")
	if err != nil {
		t.Fatal(err)
	}
	if segs[3] != "AK4|8:2|66|7|A:B^C" {
		t.Fatalf("segment = %q", segs[3])
	}
	sc := NewScanner(strings.NewReader(isa("*", "^", ":", "~", "00501") + "AK4*8:2:9*66~"))
	sc.Scan()
	sc.Scan()
	seg := sc.Segment()
	for j, want := range []string{"8", "2", "9", ""} {
		if got := string(seg.Component(1, j+1)); got != want {
			t.Errorf("component %d = %q, want %q", j+1, got, want)
		}
	}
}

// TestAppendSeparators checks the eight-bytes-at-a-time separator search
// against a plain loop, on every offset and with bytes of all values.
func TestAppendSeparators(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, sep := range []byte{'*', '|', 0x1D, 0x7F, 0x80, 0xFF, 0} {
		for n := 0; n < 300; n++ {
			b := make([]byte, rng.IntN(40))
			for i := range b {
				switch rng.IntN(4) {
				case 0:
					b[i] = sep
				case 1:
					b[i] = byte(rng.IntN(256))
				default:
					b[i] = 'A' + byte(rng.IntN(26))
				}
			}
			var want []int32
			wantCtl := false
			for i, c := range b {
				if c == sep {
					want = append(want, int32(i))
				} else if c == '\n' || c == '\r' {
					wantCtl = true
				}
			}
			got, ctl := appendSeparators(nil, b, sep)
			if !slices.Equal(got, want) {
				t.Fatalf("sep %#x in %q: %v, want %v", sep, b, got, want)
			}
			if wantCtl && !ctl {
				t.Fatalf("sep %#x in %q: CR/LF not reported", sep, b)
			}
		}
	}
}
