package procure

import (
	"bytes"
	"fmt"
	"strconv"

	"codeberg.org/go-pdf/fpdf"

	"github.com/pogate/pogate/internal/store"
	"github.com/pogate/pogate/matching"
)

// RenderPOPDF renders the PO an e-mail supplier receives: header, supplier,
// one row per line (part, description, quantity, unit price, amount, date)
// and the total. Amounts are formatted from the stored integers, never
// recomputed, so the PDF says exactly what the PO says. The creation date is
// the PO's, so the same PO renders to the same bytes.
func RenderPOPDF(po store.PurchaseOrder, sup store.Supplier, brand store.BrandSettings) ([]byte, error) {
	exp, ok := matching.CurrencyExponent(po.Currency)
	if !ok {
		return nil, fmt.Errorf("po pdf: unknown currency %q", po.Currency)
	}
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCreationDate(po.CreatedAt)
	pdf.SetModificationDate(po.CreatedAt)
	pdf.SetCompression(false)
	// Sorted catalog entries make the bytes reproducible.
	pdf.SetCatalogSort(true)
	pdf.SetTitle("Purchase order "+po.Number, true)
	pdf.SetAuthor(brand.Name, true)
	tr := pdf.UnicodeTranslatorFromDescriptor("")
	pdf.AddPage()
	pdf.SetFont("Helvetica", "B", 16)
	pdf.CellFormat(0, 10, tr("Purchase order "+po.Number), "", 1, "L", false, 0, "")
	pdf.SetFont("Helvetica", "", 10)
	for _, line := range []string{
		"From: " + brand.Name,
		"To: " + sup.Name + " (" + sup.Code + ")",
		"Date: " + po.CreatedAt.UTC().Format("2006-01-02"),
		"Currency: " + po.Currency,
		"Payment terms: " + nonEmpty(sup.PaymentTerms, "as agreed"),
	} {
		pdf.CellFormat(0, 6, tr(line), "", 1, "L", false, 0, "")
	}
	pdf.Ln(4)
	widths := []float64{10, 30, 62, 18, 24, 26}
	pdf.SetFont("Helvetica", "B", 9)
	for i, h := range []string{"#", "Part", "Description", "Qty", "Unit price", "Amount"} {
		align := "L"
		if i >= 3 {
			align = "R"
		}
		pdf.CellFormat(widths[i], 7, h, "B", 0, align, false, 0, "")
	}
	pdf.Ln(-1)
	pdf.SetFont("Helvetica", "", 9)
	for _, l := range po.Lines {
		cells := []string{strconv.Itoa(l.LineNo), l.SupplierPart, clip(l.Description, 38),
			strconv.FormatInt(l.Quantity, 10) + " " + l.Unit, matching.FormatUnitPrice(l.UnitPriceMicros),
			matching.FormatScaled(l.AmountMinor, exp)}
		for i, c := range cells {
			align := "L"
			if i >= 3 {
				align = "R"
			}
			pdf.CellFormat(widths[i], 6, tr(c), "", 0, align, false, 0, "")
		}
		pdf.Ln(-1)
		if l.ExpectedAt != nil {
			pdf.SetFont("Helvetica", "I", 8)
			pdf.CellFormat(widths[0], 5, "", "", 0, "L", false, 0, "")
			pdf.CellFormat(0, 5, "deliver by "+l.ExpectedAt.UTC().Format("2006-01-02"), "", 1, "L", false, 0, "")
			pdf.SetFont("Helvetica", "", 9)
		}
	}
	pdf.SetFont("Helvetica", "B", 10)
	pdf.CellFormat(widths[0]+widths[1]+widths[2]+widths[3]+widths[4], 8, "Total", "T", 0, "R", false, 0, "")
	pdf.CellFormat(widths[5], 8, matching.FormatScaled(po.TotalMinor, exp)+" "+po.Currency, "T", 1, "R", false, 0, "")
	if po.Notes != "" {
		pdf.Ln(4)
		pdf.SetFont("Helvetica", "", 9)
		pdf.MultiCell(0, 5, tr("Notes: "+po.Notes), "", "L", false)
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("po pdf %s: %w", po.Number, err)
	}
	return buf.Bytes(), nil
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
