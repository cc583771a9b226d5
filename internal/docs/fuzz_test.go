package docs

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
)

// The fuzz targets run the readers in-process. Library panics are already
// turned into refusals by the recovers in readPDFLayout and extractXLSX, so
// a panic that reaches the fuzzer is a bug in this package. Faults that no
// recover can catch (stack exhaustion, out of memory) are what the child
// process exists for; inputs are capped at 256 KiB to keep the fuzzer
// itself out of that territory.

const fuzzMaxInput = 256 << 10

func FuzzParseNumber(f *testing.F) {
	for _, s := range []string{"1,234.56", "1.234,56", "€ 12,00", "(45.00)", "¥12,345", "1 234,5", "12.00-", "-$0.5", "1,23,4", "9e9"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, style := range []numberStyle{styleUnknown, styleDotDecimal, styleCommaDecimal} {
			n, ok := parseNumber(s, style)
			if !ok {
				continue
			}
			v, err := decimal.NewFromString(n.text)
			if err != nil || !v.Equal(n.value) {
				t.Fatalf("parseNumber(%q) text %q does not match value %s", s, n.text, n.value)
			}
			// The normalised text reads back to the same value.
			back, ok := parseNumber(n.text, styleDotDecimal)
			if !ok || !back.value.Equal(n.value) {
				t.Fatalf("parseNumber(%q) = %s; its text %q reads back as %s", s, n.value, n.text, back.value)
			}
		}
	})
}

// FuzzInterpret feeds arbitrary text tables (rows by newline, cells by
// "|") to the interpreter. Whatever it makes of them, a draft it calls
// certain must add up: that is the "never silently wrong" promise.
func FuzzInterpret(f *testing.F) {
	f.Add(strings.Join(append([]string{"Invoice No: INV-1", "Date: 2026-03-04", "PO Number: PO-9"}, goodTable...), "\n"))
	f.Add("Inv # | X1\nQty | Price | Amount\n1 | 2 | 2\nTotal | 2 EUR")
	f.Add("SKU | Description | Qty | Unit Price | Amount\nA | B | 1,5 | 2,00 | 3,00\n| | | Total | 3,00 €")
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 8<<10 {
			return
		}
		d := interpret(layoutFrom(strings.Split(s, "\n")...), nil)
		if d.NeedsReview {
			return
		}
		checkArithmetic(t, d)
	})
}

// checkArithmetic re-does the reconciliation independently.
func checkArithmetic(t *testing.T, d Draft) {
	t.Helper()
	dec := int32(currencyDecimals(d.Currency))
	sum := decimal.Zero
	for _, l := range d.Lines {
		q, e1 := decimal.NewFromString(l.Quantity)
		p, e2 := decimal.NewFromString(l.UnitPrice)
		a, e3 := decimal.NewFromString(l.Amount)
		if e1 != nil || e2 != nil || e3 != nil || !q.Mul(p).RoundBank(dec).Equal(a) {
			t.Fatalf("certain draft with a bad line %+v", l)
		}
		sum = sum.Add(a)
	}
	if d.Subtotal != "" {
		sum = decimal.RequireFromString(d.Subtotal)
	}
	for _, c := range d.Charges {
		sum = sum.Add(decimal.RequireFromString(c.Amount))
	}
	if d.Tax != "" {
		sum = sum.Add(decimal.RequireFromString(d.Tax))
	}
	total, err := decimal.NewFromString(d.Total)
	if err != nil || !total.Equal(sum) || len(d.Lines) == 0 || d.InvoiceNumber == "" || d.Currency == "" {
		t.Fatalf("certain draft does not add up: %+v", d)
	}
}

func addFileSeeds(f *testing.F, paths ...string) {
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatalf("seed %s: %v", p, err)
		}
		f.Add(data)
	}
}

func FuzzExtractPDF(f *testing.F) {
	addFileSeeds(f,
		filepath.Join("testdata", "corpus", "c01-fpdf-right-usd.pdf"),
		filepath.Join("testdata", "corpus", "c03-fpdf-below-gbp.pdf"),
		filepath.Join("testdata", "hints", "h2-odd-labels-next.pdf"),
	)
	f.Add(onePage("BT /F1 12 Tf 72 720 Td (Invoice No: 1) Tj ET", "<< /Font << /F1 5 0 R >> >>", "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"))
	f.Add(craftedXref())
	limits := Limits{MaxPages: 5}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > fuzzMaxInput {
			return
		}
		res, err := Extract(context.Background(), data, KindPDF, nil, limits)
		if err != nil {
			if _, ok := AsRefusal(err); !ok {
				t.Fatalf("error is not a refusal: %v", err)
			}
			return
		}
		if !res.Draft.NeedsReview {
			checkArithmetic(t, res.Draft)
		}
	})
}

// FuzzExtractXLSX fuzzes the worksheet XML inside an otherwise valid
// workbook: mutating whole ZIP files mostly exercises archive/zip's
// checksum rejection, while the sheet XML is where excelize's row and
// cell handling (and our row-index scan) live.
func FuzzExtractXLSX(f *testing.F) {
	f.Add(sheetHead + `<row r="1"><c r="A1" t="inlineStr"><is><t>Invoice No.</t></is></c><c r="B1" t="inlineStr"><is><t>INV-1</t></is></c></row>` +
		`<row r="3"><c r="A3" t="inlineStr"><is><t>Qty</t></is></c><c r="B3" t="inlineStr"><is><t>Price</t></is></c><c r="C3" t="inlineStr"><is><t>Amount</t></is></c><c r="D3" t="inlineStr"><is><t>Description</t></is></c></row>` +
		`<row r="4"><c r="A4"><v>2</v></c><c r="B4"><v>1.5</v></c><c r="C4"><f>A4*B4</f><v>3</v></c><c r="D4" t="inlineStr"><is><t>Oak</t></is></c></row></sheetData></worksheet>`)
	f.Add(sheetHead + `<row r="2147483647"><c r="XFD2147483647"><v>1</v></c></row></sheetData></worksheet>`)
	f.Add(sheetHead + `<mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells></sheetData></worksheet>`)
	limits := Limits{MaxRows: 2000}
	f.Fuzz(func(t *testing.T, sheet string) {
		if len(sheet) > fuzzMaxInput {
			return
		}
		data := workbookWithSheet(t, sheet)
		res, err := Extract(context.Background(), data, KindXLSX, nil, limits)
		if err != nil {
			if _, ok := AsRefusal(err); !ok {
				t.Fatalf("error is not a refusal: %v", err)
			}
			return
		}
		if !res.Draft.NeedsReview {
			checkArithmetic(t, res.Draft)
		}
	})
}
