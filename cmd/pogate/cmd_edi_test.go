package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pogate/pogate/edi"
)

func runCmd(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), &Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb}, args)
	return code, out.String(), errb.String()
}

const fixtures = "../../edi/testdata/"

func TestEDIParseCommand(t *testing.T) {
	cases := []struct {
		name     string
		args     []string
		code     int
		contains []string
	}{
		{"valid 850", []string{"edi", "parse", fixtures + "850-fixture.edi"}, 0,
			[]string{`"po_number": "PO-1001"`, `"unit_price": "2.125"`, `"upc": "012345678905"`, `"errors": []`}},
		{"valid 810", []string{"edi", "parse", fixtures + "810-fixture.edi"}, 0,
			[]string{`"invoice_number": "INV-2001"`, `"invoice_date": "2026-12-05"`, `"total": "900.00"`, `"charges"`}},
		{"valid 856", []string{"edi", "parse", fixtures + "856-fixture.edi"}, 0,
			[]string{`"shipment_id": "SHIP-555"`, `"sscc": "123456000000000018"`, `"orders"`, `"packs"`, `"items"`}},
		{"valid 855", []string{"edi", "parse", fixtures + "855-fixture.edi"}, 0, []string{`"status": "IQ"`}},
		{"errors still printed", []string{"edi", "parse", fixtures + "bad-850-negative-qty-invalid-date.edi"}, 1,
			[]string{`"code": "8"`, `"quantity": "-12.5"`, `"element_position": 2`}},
		{"two files", []string{"edi", "parse", fixtures + "850-fixture.edi", fixtures + "997-fixture.edi"}, 0,
			[]string{`"set": "850"`, `"set": "997"`}},
		{"unreadable", []string{"edi", "parse", "/nonexistent/file.edi"}, 2, nil},
		{"no file", []string{"edi", "parse"}, 2, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errs := runCmd(t, "", c.args...)
			if code != c.code {
				t.Fatalf("exit %d, want %d; stderr %s", code, c.code, errs)
			}
			for _, s := range c.contains {
				if !strings.Contains(out, s) {
					t.Errorf("output lacks %s", s)
				}
			}
		})
	}
}

func TestEDIParseJSONShape(t *testing.T) {
	_, out, _ := runCmd(t, "", "edi", "parse", fixtures+"810-fixture.edi")
	var v struct {
		Interchanges []struct {
			Groups []struct {
				Transactions []struct {
					Set           string          `json:"set"`
					ControlNumber string          `json:"control_number"`
					Document      json.RawMessage `json:"document"`
					Errors        []any           `json:"errors"`
				} `json:"transactions"`
			} `json:"groups"`
		} `json:"interchanges"`
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	tx := v.Interchanges[0].Groups[0].Transactions[0]
	if tx.Set != "810" || tx.ControlNumber != "0001" || tx.Errors == nil {
		t.Errorf("transaction = %+v", tx)
	}
	var inv edi.Invoice810
	if err := json.Unmarshal(tx.Document, &inv); err != nil {
		t.Fatal(err)
	}
	if inv.Lines[0].Quantity.String() != "300" || inv.Lines[0].LineNumber != "1" || inv.Lines[0].Unit != "EA" {
		t.Errorf("line = %+v", inv.Lines[0])
	}
}

func TestEDIAckCommand(t *testing.T) {
	cases := []struct {
		name     string
		file     string
		code     int
		contains []string
	}{
		{"rejects bad set", "bad-850-negative-qty-invalid-date.edi", 1, []string{"AK5*R*5~", "AK9*R*1*1*0~", "AK4*2**8*20240230~"}},
		{"accepts good set", "810-fixture.edi", 0, []string{"AK5*A~", "AK9*A*1*1*1~", "ISA*00*          *00*          *ZZ*BRAND"}},
		{"TA1 for envelope error", "bad-810-iea-control.edi", 1, []string{"TA1*000000404*261205*1200*R*001~"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// Flags after the file name work too.
			code, out, errs := runCmd(t, "", "edi", "ack", "-time", "2026-11-27T12:00:00Z", fixtures+c.file, "-control", "7")
			if code != c.code {
				t.Fatalf("exit %d, want %d; stderr %s", code, c.code, errs)
			}
			for _, s := range c.contains {
				if !strings.Contains(out, s) {
					t.Errorf("ack lacks %q:\n%s", s, out)
				}
			}
			if !strings.Contains(out, "*000000007*") {
				t.Errorf("control number flag not used:\n%s", out)
			}
			// The reply itself must be valid X12.
			f, err := edi.Parse(strings.NewReader(out))
			if err != nil || !f.Valid() {
				t.Errorf("reply does not parse cleanly: %v %+v", err, f)
			}
		})
	}
}

func TestEDIRenderCommand(t *testing.T) {
	po := `{"purpose":"00","order_type":"SA","po_number":"PO-77","po_date":"2026-11-27","currency":"EUR",
	  "parties":[{"role":"ST","name":"Main DC","id_qualifier":"92","id":"DC1"}],
	  "lines":[{"line_number":"1","quantity":"24","unit":"EA","unit_price":"3.499999","buyer_part":"SKU-1","vendor_part":"V-1"},
	           {"line_number":"2","quantity":"1.5","unit":"KG","unit_price":"12","upc":"012345678905"}]}`
	dir := t.TempDir()
	path := filepath.Join(dir, "po.json")
	if err := os.WriteFile(path, []byte(po), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCmd(t, "", "edi", "render", "--po", path, "--sender", "BRAND", "--receiver", "ACME",
		"--control", "123", "--time", "2026-11-27T08:00:00Z")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, s := range []string{"*000000123*", "BEG*00*SA*PO-77**20261127~", "PO1*1*24*EA*3.499999**BP*SKU-1*VP*V-1~", "CTT*2~"} {
		if !strings.Contains(out, s) {
			t.Errorf("850 lacks %q:\n%s", s, out)
		}
	}
	f, err := edi.Parse(strings.NewReader(out))
	if err != nil || !f.Valid() {
		t.Fatalf("rendered 850 invalid: %v", err)
	}
	got := f.Interchanges[0].Groups[0].Transactions[0].Document.(*edi.PO850)
	if got.PONumber != "PO-77" || got.Lines[1].UPC != "012345678905" || got.Lines[1].Quantity.String() != "1.5" {
		t.Errorf("read back %+v", got)
	}

	bad := strings.Replace(po, `"quantity":"24"`, `"quantity":"-24"`, 1)
	code, _, errs = runCmd(t, bad, "edi", "render", "--po", "-", "--sender", "BRAND", "--receiver", "ACME", "--control", "124")
	if code != 1 || !strings.Contains(errs, "negative") {
		t.Errorf("negative quantity: exit %d, stderr %s", code, errs)
	}
	code, _, _ = runCmd(t, "", "edi", "render", "--po", path)
	if code != 2 {
		t.Errorf("missing flags: exit %d", code)
	}
}
