package docs

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"
)

// Limits bound what one extraction may cost. Zero fields take the
// defaults from DefaultLimits.
type Limits struct {
	MaxInputBytes  int64         // upload size, checked before any parsing
	MaxPages       int           // PDF pages
	MaxRows        int           // spreadsheet rows (and the highest row index accepted)
	UnzipSize      int64         // excelize UnzipSizeLimit: total unpacked workbook size
	UnzipXMLSize   int64         // excelize UnzipXMLSizeLimit: one unpacked worksheet in memory
	Timeout        time.Duration // wall clock for the child process
	MemoryBytes    uint64        // address-space limit of the child process
	MaxOutputBytes int64         // JSON the child may write
	// Runner starts the child process; nil means this executable with the
	// hidden "invoice-extract-child" subcommand.
	Runner *Runner
}

// DefaultLimits are sized for real supplier invoices: a few pages, a few
// thousand rows, a few megabytes.
var DefaultLimits = Limits{
	MaxInputBytes:  20 << 20,
	MaxPages:       200,
	MaxRows:        20_000,
	UnzipSize:      64 << 20,
	UnzipXMLSize:   32 << 20,
	Timeout:        20 * time.Second,
	MemoryBytes:    1 << 30,
	MaxOutputBytes: 16 << 20,
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	if l.MaxInputBytes > 0 {
		d.MaxInputBytes = l.MaxInputBytes
	}
	if l.MaxPages > 0 {
		d.MaxPages = l.MaxPages
	}
	if l.MaxRows > 0 {
		d.MaxRows = l.MaxRows
	}
	if l.UnzipSize > 0 {
		d.UnzipSize = l.UnzipSize
	}
	if l.UnzipXMLSize > 0 {
		d.UnzipXMLSize = l.UnzipXMLSize
	}
	if l.Timeout > 0 {
		d.Timeout = l.Timeout
	}
	if l.MemoryBytes > 0 {
		d.MemoryBytes = l.MemoryBytes
	}
	if l.MaxOutputBytes > 0 {
		d.MaxOutputBytes = l.MaxOutputBytes
	}
	d.Runner = l.Runner
	return d
}

// Extract reads a document in this process. Only the isolated child (and
// tests and fuzzers over trusted input) should call it: a hostile file can
// crash or exhaust the calling process. The server calls ExtractIsolated.
func Extract(ctx context.Context, data []byte, kind Kind, hints *Hints, limits Limits) (*Result, error) {
	limits = limits.withDefaults()
	if int64(len(data)) > limits.MaxInputBytes {
		return nil, refuse(RefusedTooLarge, "the file is %d bytes; the limit is %d", len(data), limits.MaxInputBytes)
	}
	sniffed, err := Sniff(data)
	if err != nil {
		return nil, err
	}
	if kind != KindAuto && kind != sniffed {
		return nil, refuse(RefusedUnsupported, "the file was sent as %s but its content is %s", kind, sniffed)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("extract: %w", err)
	}
	switch sniffed {
	case KindPDF:
		layout, err := readPDFLayout(data, limits)
		if err != nil {
			return nil, err
		}
		draft := interpret(layout, hints)
		if err := requireInvoice(draft); err != nil {
			return nil, err
		}
		return &Result{Draft: draft, Layout: layout}, nil
	case KindXLSX:
		return extractXLSX(data, hints, limits)
	}
	return nil, refuse(RefusedUnsupported, "unknown document kind %q", sniffed)
}

// readLimited reads a file, refusing it when it is larger than max before
// reading it all, so a huge upload costs nothing.
func readLimited(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open document: %w", err)
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Size() > max {
		return nil, refuse(RefusedTooLarge, "the file is %d bytes; the limit is %d", st.Size(), max)
	}
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, fmt.Errorf("read document: %w", err)
	}
	if int64(len(data)) > max {
		return nil, refuse(RefusedTooLarge, "the file is larger than the limit of %d bytes", max)
	}
	return data, nil
}

// requireInvoice refuses a document in which nothing of an invoice was
// found: a draft with every field empty is not worth a review screen, and
// the reason "no invoice in this file" is clearer than ten missing fields.
func requireInvoice(d Draft) error {
	if d.InvoiceNumber == "" && d.Total == "" && len(d.Lines) == 0 {
		return refuse(RefusedNotInvoice, "the file was read but no invoice number, invoice lines or total were found in it")
	}
	return nil
}
