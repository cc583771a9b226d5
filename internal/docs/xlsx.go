package docs

import (
	"archive/zip"
	"bytes"
	"io"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"
)

// maxZipEntries bounds the parts of a workbook; real ones have a few dozen.
const maxZipEntries = 2000

// checkWorkbookZip walks the archive before excelize sees it: it counts the
// real unpacked bytes (a zip bomb lies in its headers), and scans worksheet
// XML for row and cell indexes beyond the row limit, which make excelize
// allocate for every row up to the index (row 2147483647).
func checkWorkbookZip(data []byte, limits Limits) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return refuse(RefusedMalformed, "the workbook is not a valid ZIP archive: %v", err)
	}
	if len(zr.File) > maxZipEntries {
		return refuse(RefusedTooLarge, "the workbook has %d parts; the limit is %d", len(zr.File), maxZipEntries)
	}
	var total int64
	for _, f := range zr.File {
		if f.Flags&0x1 != 0 {
			return refuse(RefusedEncrypted, "the workbook is encrypted; save it without a password")
		}
		rc, err := f.Open()
		if err != nil {
			return refuse(RefusedMalformed, "workbook part %s cannot be opened: %v", f.Name, err)
		}
		budget := min(limits.UnzipSize-total, limits.UnzipXMLSize)
		isSheet := strings.HasPrefix(f.Name, "xl/worksheets/") && strings.HasSuffix(f.Name, ".xml")
		n, err := scanPart(rc, budget, isSheet, limits.MaxRows)
		rc.Close()
		total += n
		if err != nil {
			if _, ok := AsRefusal(err); ok {
				return err
			}
			return refuse(RefusedMalformed, "workbook part %s is damaged: %v", f.Name, err)
		}
		if n > budget {
			return refuse(RefusedTooLarge, "the workbook unpacks to more than %d bytes (part %s); it may be a zip bomb", min(limits.UnzipSize, limits.UnzipXMLSize), f.Name)
		}
	}
	return nil
}

// scanPart reads one part up to budget+1 bytes and, for worksheets, checks
// every ` r="…"` reference (row r="17", cell r="AB17") against maxRows.
func scanPart(r io.Reader, budget int64, isSheet bool, maxRows int) (int64, error) {
	buf := make([]byte, 64<<10)
	var n int64
	var carry []byte
	for {
		k, err := r.Read(buf)
		n += int64(k)
		if n > budget {
			return n, nil
		}
		if isSheet && k > 0 {
			chunk := append(carry, buf[:k]...)
			if row, bad := tooLargeRowRef(chunk, maxRows); bad {
				return n, refuse(RefusedTooLarge, "the workbook refers to row %s; the limit is %d rows", row, maxRows)
			}
			if len(chunk) > 32 {
				carry = append(carry[:0], chunk[len(chunk)-32:]...)
			} else {
				carry = append(carry[:0], chunk...)
			}
		}
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
}

var refAttr = []byte(` r="`)

func tooLargeRowRef(chunk []byte, maxRows int) (string, bool) {
	for i := 0; ; {
		j := bytes.Index(chunk[i:], refAttr)
		if j < 0 {
			return "", false
		}
		p := i + j + len(refAttr)
		for p < len(chunk) && chunk[p] >= 'A' && chunk[p] <= 'Z' {
			p++
		}
		start := p
		for p < len(chunk) && chunk[p] >= '0' && chunk[p] <= '9' {
			p++
		}
		if p-start > 9 || (p > start && atoi(string(chunk[start:p])) > maxRows) {
			return string(chunk[start:p]), true
		}
		i = p
	}
}

// extractXLSX reads a workbook: the exact per-PO template when its marker
// sheet is present, otherwise the supplier's own layout.
func extractXLSX(data []byte, hints *Hints, limits Limits) (res *Result, err error) {
	if err := checkWorkbookZip(data, limits); err != nil {
		return nil, err
	}
	defer func() {
		if r := recover(); r != nil {
			res, err = nil, refuse(RefusedMalformed, "the workbook is damaged (%v)", r)
		}
	}()
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit:    limits.UnzipSize,
		UnzipXMLSizeLimit: limits.UnzipXMLSize,
	})
	if err != nil {
		return nil, refuse(RefusedMalformed, "the workbook cannot be opened: %v", err)
	}
	defer f.Close()
	if isTemplate(f) {
		return readTemplate(f, limits)
	}
	layout, err := workbookLayout(f, limits)
	if err != nil {
		return nil, err
	}
	draft := interpret(layout, hints)
	if err := requireInvoice(draft); err != nil {
		return nil, err
	}
	return &Result{Draft: draft, Layout: layout}, nil
}

// workbookLayout turns the visible sheets into layout rows of raw values.
func workbookLayout(f *excelize.File, limits Limits) (*Layout, error) {
	layout := &Layout{Kind: KindXLSX}
	dates := dateStyles{f: f, known: map[int]bool{}}
	for _, sheet := range f.GetSheetList() {
		if visible, _ := f.GetSheetVisible(sheet); !visible {
			continue
		}
		layout.Pages++
		rows, err := f.Rows(sheet)
		if err != nil {
			return nil, refuse(RefusedMalformed, "sheet %q cannot be read: %v", sheet, err)
		}
		index := 0
		for rows.Next() {
			index++
			if index > limits.MaxRows {
				rows.Close()
				return nil, refuse(RefusedTooLarge, "sheet %q has more than %d rows", sheet, limits.MaxRows)
			}
			values, err := rows.Columns(excelize.Options{RawCellValue: true})
			if err != nil {
				rows.Close()
				return nil, refuse(RefusedMalformed, "sheet %q row %d cannot be read: %v", sheet, index, err)
			}
			row := Row{Sheet: sheet, Index: index}
			for col, raw := range values {
				if strings.TrimSpace(raw) == "" {
					continue
				}
				ref, _ := excelize.CoordinatesToCellName(col+1, index)
				row.Cells = append(row.Cells, sheetCell(f, &dates, sheet, ref, col+1, raw))
			}
			if len(row.Cells) > 0 {
				layout.Rows = append(layout.Rows, row)
			}
		}
		if err := rows.Close(); err != nil {
			return nil, refuse(RefusedMalformed, "sheet %q: %v", sheet, err)
		}
	}
	return layout, nil
}

// sheetCell builds a layout cell from a raw cell value: typed numbers are
// kept exact and flagged Numeric, date-formatted numbers become ISO dates,
// formulas are flagged so the draft says which values were computed.
func sheetCell(f *excelize.File, dates *dateStyles, sheet, ref string, col int, raw string) Cell {
	c := Cell{Text: strings.TrimSpace(raw), X0: float64(col), X1: float64(col + 1), Ref: ref}
	// Only a value that looks like a number needs the (comparatively
	// costly) type, formula and style lookups.
	v, err := decimal.NewFromString(c.Text)
	if err != nil {
		c.Text = unquoteExport(c.Text)
		return c
	}
	typ, _ := f.GetCellType(sheet, ref)
	if typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset && typ != excelize.CellTypeFormula {
		return c // a number stored as text, e.g. a part number "00123"
	}
	if formula, _ := f.GetCellFormula(sheet, ref); formula != "" {
		c.Formula = true
	}
	if dates.isDate(sheet, ref) {
		if serial, err := strconv.ParseFloat(c.Text, 64); err == nil {
			if t, err := excelize.ExcelDateToTime(serial, false); err == nil {
				c.Text = t.Format("2006-01-02")
				return c
			}
		}
	}
	c.Text, c.Numeric = excelNumber(v), true
	return c
}

// excelNumber undoes binary floating point noise: Excel keeps 15
// significant digits, so "12.300000000000001" is the number 12.3.
func excelNumber(v decimal.Decimal) string {
	digits := len(v.Coefficient().String())
	if v.Coefficient().Sign() < 0 {
		digits--
	}
	if digits > 15 {
		intDigits := int32(digits) + v.Exponent()
		v = v.Round(15 - intDigits)
	}
	return v.String()
}

// unquoteExport removes the apostrophe our own template writer puts in
// front of text starting with = + - @ to stop formula injection.
func unquoteExport(s string) string {
	if len(s) > 1 && s[0] == '\'' && strings.ContainsRune("=+-@", rune(s[1])) {
		return s[1:]
	}
	return s
}

// dateStyles caches which style ids are date formats.
type dateStyles struct {
	f     *excelize.File
	known map[int]bool
}

func (d *dateStyles) isDate(sheet, ref string) bool {
	id, err := d.f.GetCellStyle(sheet, ref)
	if err != nil || id == 0 {
		return false
	}
	if v, ok := d.known[id]; ok {
		return v
	}
	style, err := d.f.GetStyle(id)
	isDate := false
	if err == nil && style != nil {
		switch n := style.NumFmt; {
		case n >= 14 && n <= 22, n >= 27 && n <= 36, n >= 45 && n <= 47, n >= 50 && n <= 58:
			isDate = true
		}
		if style.CustomNumFmt != nil {
			code := strings.ToLower(*style.CustomNumFmt)
			isDate = strings.Contains(code, "yy") || (strings.Contains(code, "d") && strings.Contains(code, "m") && !strings.Contains(code, "0"))
		}
	}
	d.known[id] = isDate
	return isDate
}
