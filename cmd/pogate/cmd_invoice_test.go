package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/pogate/pogate/internal/docs"
)

// buildPogate compiles the real binary: `invoice extract` must go through
// the isolated child, which is this same binary re-executed.
func buildPogate(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the pogate binary")
	}
	bin := filepath.Join(t.TempDir(), "pogate")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// wrongTotalTemplate is a filled-in per-PO template whose total does not
// add up, so the draft must come back for review.
func wrongTotalTemplate(t *testing.T, dir string) string {
	t.Helper()
	var buf bytes.Buffer
	err := docs.WriteTemplate(&buf, docs.TemplateInput{PONumber: "PO-000777", Currency: "EUR", SupplierName: "Lindqvist GmbH",
		Lines: []docs.TemplateLine{{LineNo: 1, VendorPart: "AB-1", Description: "Oak tray", Quantity: 3, UnitPriceMicros: 12_500_000}}})
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	for ref, v := range map[string]string{"B3": "INV-9", "B4": "2026-05-04", "F6": "99.00"} {
		if err := f.SetCellStr("Invoice", ref, v); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(dir, "template.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestInvoiceExtractCLI(t *testing.T) {
	bin := buildPogate(t)
	corpus := filepath.Join("..", "..", "internal", "docs", "testdata")
	dir := t.TempDir()
	notPDF := filepath.Join(dir, "invoice.pdf")
	if err := os.WriteFile(notPDF, []byte("<html>not an invoice</html>"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantOut    []string
		wantStderr string
	}{
		{"certain PDF", []string{"invoice", "extract", filepath.Join(corpus, "corpus", "c10-chromium-classic-eur.pdf")}, 0,
			[]string{`"invoice_number"`, `"po_number"`, `"vendor_part"`, `"unit_price"`, `"needs_review": false`, `"currency": "EUR"`}, ""},
		{"certain XLSX", []string{"invoice", "extract", filepath.Join(corpus, "corpus", "c32-xlsx-sheet-eur.xlsx")}, 0,
			[]string{`"needs_review": false`, `"cell":`}, ""},
		{"needs review", []string{"invoice", "extract", wrongTotalTemplate(t, dir)}, 1,
			[]string{`"needs_review": true`, `the total says 99.00`}, ""},
		{"encrypted", []string{"invoice", "extract", filepath.Join(corpus, "hostile", "aes256.pdf")}, 2, nil, "encrypted"},
		{"extension lies", []string{"invoice", "extract", notPDF}, 2, nil, "not a PDF or an Excel workbook"},
		{"usage", []string{"invoice", "extract"}, 2, nil, "usage"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.Command(bin, tt.args...)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			code := 0
			if ee, ok := err.(*exec.ExitError); ok {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != tt.wantCode {
				t.Fatalf("exit %d, want %d; stderr %s", code, tt.wantCode, stderr.String())
			}
			for _, want := range tt.wantOut {
				if !strings.Contains(stdout.String(), want) {
					t.Errorf("stdout lacks %s:\n%s", want, stdout.String())
				}
			}
			if tt.wantStderr != "" && !strings.Contains(stderr.String(), tt.wantStderr) {
				t.Errorf("stderr %q lacks %q", stderr.String(), tt.wantStderr)
			}
			if tt.wantCode != 2 {
				var draft docs.Draft
				if err := json.Unmarshal(stdout.Bytes(), &draft); err != nil {
					t.Fatalf("stdout is not a draft: %v", err)
				}
				if len(draft.Lines) == 0 || draft.Total == "" {
					t.Errorf("draft without lines or total: %+v", draft)
				}
			}
		})
	}
}
