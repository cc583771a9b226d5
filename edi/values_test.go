package edi

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"

	"github.com/shopspring/decimal"
)

func TestParseDecimal(t *testing.T) {
	cases := []struct {
		in    string
		units int64
		scale int32
		ok    bool
	}{
		{"0", 0, 0, true}, {"12", 12, 0, true}, {"-1.50", -150, 2, true}, {".5", 5, 1, true}, {"2.", 2, 0, true},
		{"123456789012345678", 123456789012345678, 0, true}, {"0.000000000000000001", 1, 18, true},
		{"1234567890123456789", 0, 0, false}, {"", 0, 0, false}, {"-", 0, 0, false}, {".", 0, 0, false},
		{"1,5", 0, 0, false}, {"1.2.3", 0, 0, false}, {"+1", 0, 0, false}, {" 1", 0, 0, false}, {"1e3", 0, 0, false},
	}
	for _, c := range cases {
		d, err := ParseDecimal([]byte(c.in))
		if (err == nil) != c.ok {
			t.Errorf("%q: err %v, want ok=%v", c.in, err, c.ok)
			continue
		}
		if c.ok && (d.Units() != c.units || d.Scale() != c.scale) {
			t.Errorf("%q = %d×10^-%d, want %d×10^-%d", c.in, d.Units(), d.Scale(), c.units, c.scale)
		}
	}
}

func TestImpliedDecimals(t *testing.T) {
	cases := []struct {
		in    string
		scale int32
		want  string
		ok    bool
	}{
		{"19998", 2, "199.98", true}, {"5", 2, "0.05", true}, {"-500", 2, "-5.00", true}, {"36596", 2, "365.96", true},
		{"7", 0, "7", true}, {"1.5", 2, "", false}, {"", 2, "", false}, {"-", 2, "", false}, {"12a", 0, "", false},
	}
	for _, c := range cases {
		d, err := ParseImplied([]byte(c.in), c.scale)
		if (err == nil) != c.ok || (c.ok && d.String() != c.want) {
			t.Errorf("N%d %q = %s (%v), want %s ok=%v", c.scale, c.in, d, err, c.want, c.ok)
		}
	}
}

func TestDecimalScaledRoundsHalfEven(t *testing.T) {
	cases := []struct {
		in    string
		scale int32
		want  int64
	}{
		{"2.125", 2, 212}, {"2.135", 2, 214}, {"-2.125", 2, -212}, {"3.499999", 6, 3499999}, {"12", 6, 12000000},
		{"0.005", 2, 0}, {"0.015", 2, 2},
	}
	for _, c := range cases {
		d, _ := ParseDecimal([]byte(c.in))
		got, err := d.Scaled(c.scale)
		if err != nil || got != c.want {
			t.Errorf("%s at scale %d = %d (%v), want %d", c.in, c.scale, got, err, c.want)
		}
		if !d.Decimal().Equal(decimal.RequireFromString(c.in)) {
			t.Errorf("%s: shopspring conversion differs", c.in)
		}
	}
	big, _ := ParseDecimal([]byte("999999999999999999"))
	if _, err := big.Scaled(6); err == nil {
		t.Error("overflow not reported")
	}
	if d, err := DecimalFrom(decimal.RequireFromString("-12.340")); err != nil || d.String() != "-12.340" {
		t.Errorf("DecimalFrom = %s %v", d, err)
	}
}

func TestDecimalJSON(t *testing.T) {
	var v struct {
		A Decimal `json:"a"`
		B Decimal `json:"b"`
		C Decimal `json:"c,omitzero"`
	}
	if err := json.Unmarshal([]byte(`{"a":"1.50","b":2.25}`), &v); err != nil {
		t.Fatal(err)
	}
	out, _ := json.Marshal(v)
	if string(out) != `{"a":"1.50","b":"2.25"}` {
		t.Errorf("JSON = %s", out)
	}
	if err := json.Unmarshal([]byte(`{"a":"1e5"}`), &v); err == nil {
		t.Error("exponent accepted")
	}
}

func TestDates(t *testing.T) {
	cases := []struct {
		in   string
		want string
	}{
		{"20240229", "2024-02-29"}, {"20240230", ""}, {"20230229", ""}, {"19000229", ""}, {"20000229", "2000-02-29"},
		{"20241231", "2024-12-31"}, {"20241301", ""}, {"20240100", ""}, {"261127", "2026-11-27"}, {"991231", "1999-12-31"},
		{"2024023", ""}, {"2024-02-2", ""}, {"", ""},
	}
	for _, c := range cases {
		d, ok := ParseDate([]byte(c.in))
		got := ""
		if ok {
			got = d.String()
		}
		if got != c.want {
			t.Errorf("ParseDate(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	for in, ok := range map[string]bool{"1200": true, "2359": true, "2400": false, "1260": false, "120000": true, "12000099": true,
		"125960": false, "12": false, "12a0": false, "12345": false} {
		if ValidTime([]byte(in)) != ok {
			t.Errorf("ValidTime(%q) != %v", in, ok)
		}
	}
}

func TestWriterRefusesDelimitersInData(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf, DefaultDelimiters, false)
	if err := w.Segment("N1", "ST", "A*B"); !errors.Is(err, ErrDelimiterInData) {
		t.Errorf("err = %v", err)
	}
	var b2 bytes.Buffer
	w = NewWriter(&b2, DefaultDelimiters, false)
	w.Segment("REF", "DP", "", "", "")
	w.Segment("AK4", w.Composite("8", "2", ""), "66")
	if err := w.Flush(); err != nil || b2.String() != "REF*DP~AK4*8>2*66~" {
		t.Errorf("wrote %q (%v)", b2.String(), err)
	}
}

func TestEnvelopeChecks(t *testing.T) {
	po := &PO850{PONumber: "1", Lines: []POLine{{LineNumber: "1"}}}
	for name, env := range map[string]Envelope{
		"no ids":         {ControlNumber: 1},
		"control zero":   {SenderID: "A", ReceiverID: "B"},
		"control large":  {SenderID: "A", ReceiverID: "B", ControlNumber: 1e9},
		"id too long":    {SenderID: "ABCDEFGHIJKLMNOP", ReceiverID: "B", ControlNumber: 1},
		"version digits": {SenderID: "A", ReceiverID: "B", ControlNumber: 1, Version: "4010"},
	} {
		if err := Write850(&bytes.Buffer{}, po, env); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
