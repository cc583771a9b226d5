// Package tabular reads CSV, TSV and XLSX files as rows of strings with
// their row numbers, so every importer (catalog, sales, stock) reports
// errors as "row 7, column unit_price" whatever the file type. XLSX files are
// opened with tight unzip limits and read as raw values, never as formatted
// text ("1,234.57"), so numbers stay exact.
package tabular

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Format is a file type.
type Format string

const (
	CSV  Format = "csv"
	TSV  Format = "tsv"
	XLSX Format = "xlsx"
)

// Limits bound what a file may cost to read.
type Limits struct {
	MaxRows int
	// MaxUnzipBytes caps the total unpacked size of an XLSX (zip-bomb guard).
	MaxUnzipBytes int64
}

// DefaultLimits fit a 50,000-row catalog with room to spare.
var DefaultLimits = Limits{MaxRows: 1_000_000, MaxUnzipBytes: 512 << 20}

// Row is one data row; Number is the 1-based row in the file as a person
// sees it in a spreadsheet (the header is row 1).
type Row struct {
	Number int
	Cells  []string
}

// Table is a header and its rows.
type Table struct {
	Header []string
	Rows   []Row
}

// Sniff tells the format from the content: a zip (XLSX) starts with PK;
// otherwise a tab in the first line means TSV. The extension is not trusted.
func Sniff(head []byte) Format {
	if bytes.HasPrefix(head, []byte("PK\x03\x04")) {
		return XLSX
	}
	line := head
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		line = head[:i]
	}
	if bytes.Count(line, []byte("\t")) > bytes.Count(line, []byte(",")) {
		return TSV
	}
	return CSV
}

// Read reads a whole table. The header row is normalised with NormaliseHeader.
func Read(r io.Reader, lim Limits) (*Table, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(4096)
	switch Sniff(head) {
	case XLSX:
		return readXLSX(br, lim)
	case TSV:
		return readDelimited(br, '\t', lim)
	default:
		return readDelimited(br, ',', lim)
	}
}

// NormaliseHeader makes "Unit Price", "unit_price " and "UNIT-PRICE" equal.
func NormaliseHeader(h string) string {
	h = strings.TrimPrefix(h, "\ufeff")
	h = strings.ToLower(strings.TrimSpace(h))
	h = strings.NewReplacer(" ", "_", "-", "_", ".", "", "#", "number").Replace(h)
	return h
}

func readDelimited(r io.Reader, comma rune, lim Limits) (*Table, error) {
	cr := csv.NewReader(r)
	cr.Comma = comma
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = false
	cr.LazyQuotes = comma == '\t'
	t := &Table{}
	line := 0
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line++
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, fmt.Errorf("row %d: %v", pe.Line, pe.Err)
			}
			return nil, fmt.Errorf("row %d: %w", line, err)
		}
		if t.Header == nil {
			t.Header = normaliseAll(rec)
			continue
		}
		if blank(rec) {
			continue
		}
		if lim.MaxRows > 0 && len(t.Rows) >= lim.MaxRows {
			return nil, fmt.Errorf("the file has more than %d rows; split it", lim.MaxRows)
		}
		row, _ := cr.FieldPos(0)
		t.Rows = append(t.Rows, Row{Number: row, Cells: rec})
	}
	if t.Header == nil {
		return nil, errors.New("the file is empty: expected a header row")
	}
	return t, nil
}

func readXLSX(r io.Reader, lim Limits) (*Table, error) {
	opts := excelize.Options{RawCellValue: true, UnzipSizeLimit: lim.MaxUnzipBytes, UnzipXMLSizeLimit: min(lim.MaxUnzipBytes, 64<<20)}
	f, err := excelize.OpenReader(r, opts)
	if err != nil {
		return nil, fmt.Errorf("not a readable XLSX workbook: %w", err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, errors.New("the workbook has no sheets")
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		return nil, fmt.Errorf("sheet %q: %w", sheets[0], err)
	}
	defer rows.Close()
	t := &Table{}
	n := 0
	for rows.Next() {
		n++
		if lim.MaxRows > 0 && n > lim.MaxRows+1 {
			return nil, fmt.Errorf("the sheet has more than %d rows; split it", lim.MaxRows)
		}
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, fmt.Errorf("row %d: %w", n, err)
		}
		if t.Header == nil {
			if blank(cells) {
				continue
			}
			t.Header = normaliseAll(cells)
			continue
		}
		if blank(cells) {
			continue
		}
		t.Rows = append(t.Rows, Row{Number: n, Cells: cells})
	}
	if err := rows.Error(); err != nil {
		return nil, fmt.Errorf("reading sheet %q: %w", sheets[0], err)
	}
	if t.Header == nil {
		return nil, errors.New("the sheet is empty: expected a header row")
	}
	return t, nil
}

func normaliseAll(in []string) []string {
	out := make([]string, len(in))
	for i, h := range in {
		out[i] = NormaliseHeader(h)
	}
	return out
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// Columns maps header names to indexes and reports required ones missing.
type Columns map[string]int

// Index builds the column map; aliases map alternative names to canonical ones.
func (t *Table) Index(required []string, aliases map[string]string) (Columns, error) {
	c := Columns{}
	for i, h := range t.Header {
		if canon, ok := aliases[h]; ok {
			h = canon
		}
		if _, dup := c[h]; !dup && h != "" {
			c[h] = i
		}
	}
	var missing []string
	for _, r := range required {
		if _, ok := c[r]; !ok {
			missing = append(missing, r)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("row 1: missing column(s) %s; the header row has %s", strings.Join(missing, ", "), strings.Join(t.Header, ", "))
	}
	return c, nil
}

// Get returns the trimmed cell of a named column ("" when absent).
func (c Columns) Get(r Row, name string) string {
	i, ok := c[name]
	if !ok || i >= len(r.Cells) {
		return ""
	}
	return strings.TrimSpace(r.Cells[i])
}

// Has reports whether the file has the column.
func (c Columns) Has(name string) bool { _, ok := c[name]; return ok }
