package procure

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/pogate/pogate/internal/fault"
	"github.com/pogate/pogate/internal/store"
	"github.com/pogate/pogate/internal/tabular"
)

// Sales history comes from the shops' own exports (sales_formats.go). Each
// kept line becomes one store.Sale at 00:00 UTC of the order's calendar day
// (as written in the file, in the shop's own offset), with a SourceRef built
// from the order and line so that overlapping exports and re-imports never
// count a line twice (sales is unique on channel + source_ref); an identical
// file is recognised by its hash and not even re-read.

// SalesLine is one kept line of a sales file before SKUs are resolved.
type SalesLine struct {
	Row       int
	SKU       string
	SKUColumn string
	Day       time.Time
	Quantity  int64
	Channel   string
	SourceRef string
}

// SalesFile is a parsed sales file: kept lines, lines excluded on purpose
// (cancelled, refunded, voided) and problems by row and column.
type SalesFile struct {
	Format   string
	Rows     int
	Lines    []SalesLine
	Excluded int
	Errors   []RowError
}

// SalesImportResult says what a sales import did.
type SalesImportResult struct {
	ImportResult
	Format string `json:"format"`
	// Excluded counts cancelled, refunded and voided lines left out on purpose.
	Excluded int `json:"excluded"`
	// AlreadyKnown counts lines stored before (an overlapping export).
	AlreadyKnown int `json:"already_known"`
}

// SalesFormats lists the accepted --format values.
func SalesFormats() []string {
	out := make([]string, 0, len(salesFormats))
	for k := range salesFormats {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// ParseSalesFile reads a sales file of the given format without touching the
// database. A missing column is an error for the whole file; a bad cell is a
// RowError naming the row (the file's line, header = 1) and the column as
// the file spells it.
func ParseSalesFile(r io.Reader, format string) (SalesFile, error) {
	f, ok := salesFormats[strings.ToLower(strings.TrimSpace(format))]
	if !ok {
		return SalesFile{}, fault.FieldErr("format", "unknown sales format %q; use one of %s", format, strings.Join(SalesFormats(), ", "))
	}
	table, err := tabular.Read(r, tabular.DefaultLimits)
	if err != nil {
		return SalesFile{}, fault.Wrap(fault.Invalid, err, "cannot read the %s sales file", f.name)
	}
	cols, err := table.Index(f.required, f.aliases)
	if err != nil {
		return SalesFile{}, fault.Wrap(fault.Invalid, err, "this does not look like a %s file (%s)", f.title, f.hint)
	}
	out := SalesFile{Format: f.name, Rows: len(table.Rows)}
	f.parse(f, table, cols, &out)
	return out, nil
}

// ImportSales reads a sales export and stores its lines. A file with errors
// (bad dates, quantities, unknown SKUs) applies nothing unless Partial.
func (s *Service) ImportSales(ctx context.Context, actor store.Actor, r io.Reader, format string, opt ImportOptions) (SalesImportResult, error) {
	res := SalesImportResult{Format: format}
	if err := require(actor, store.RoleBuyer); err != nil {
		return res, err
	}
	if opt.MaxErrors <= 0 {
		opt.MaxErrors = 1000
	}
	var buf bytes.Buffer
	h := sha256.New()
	if _, err := io.Copy(io.MultiWriter(&buf, h), r); err != nil {
		return res, fault.Wrap(fault.Invalid, err, "cannot read the sales file")
	}
	sum := hex.EncodeToString(h.Sum(nil))
	file, err := ParseSalesFile(&buf, format)
	if err != nil {
		return res, err
	}
	res.Format, res.Rows, res.Excluded = file.Format, file.Rows, file.Excluded
	res.Errors = file.Errors
	kind := "sales:" + file.Format
	if seen, err := s.Store.ImportSeen(ctx, kind, sum); err != nil {
		return res, err
	} else if seen {
		res.Replayed = true
		res.Errors = nil
		return res, nil
	}
	products, err := s.Store.ProductIDsBySKU(ctx)
	if err != nil {
		return res, err
	}
	sales := make([]store.Sale, 0, len(file.Lines))
	for _, l := range file.Lines {
		pid, ok := products[l.SKU]
		if !ok {
			res.Errors = append(res.Errors, RowError{Row: l.Row, Column: l.SKUColumn, Reason: fmt.Sprintf("unknown SKU %q; add the product first (or import with --partial to skip it)", l.SKU)})
			continue
		}
		sales = append(sales, store.Sale{ProductID: pid, SoldOn: l.Day, Channel: l.Channel, Quantity: l.Quantity, SourceRef: l.SourceRef})
	}
	sort.SliceStable(res.Errors, func(i, j int) bool { return res.Errors[i].Row < res.Errors[j].Row })
	if len(res.Errors) > opt.MaxErrors {
		res.Errors = res.Errors[:opt.MaxErrors]
	}
	if len(res.Errors) > 0 && !opt.Partial {
		return res, ErrImportRejected
	}
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		fresh, err := tx.RecordImport(store.ImportFile{Kind: kind, SHA256: sum, Filename: opt.Filename, RowsTotal: int64(res.Rows), RowsApplied: int64(len(sales))})
		if err != nil {
			return err
		}
		if !fresh {
			res.Replayed = true
			return nil
		}
		added, err := tx.InsertSales(sales)
		if err != nil {
			return err
		}
		res.Applied = int(added)
		res.AlreadyKnown = len(sales) - int(added)
		return tx.Audit(actor, "sales.imported", "import", 0, 0, nil, map[string]any{"file": opt.Filename, "format": file.Format,
			"sha256": sum, "rows": res.Rows, "applied": res.Applied, "already_known": res.AlreadyKnown, "excluded": res.Excluded, "errors": len(res.Errors)})
	})
	return res, err
}

// dayOf is the calendar day of t as written (its own offset) at 00:00 UTC.
func dayOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
