package docs

import (
	"archive/zip"
	"bytes"
	"net/http"
)

// Kind is the document type, decided from the content, never from the
// file name: suppliers rename files, and a hostile file lies on purpose.
type Kind string

// Document kinds.
const (
	KindAuto Kind = ""     // sniff the content
	KindPDF  Kind = "pdf"  // Portable Document Format
	KindXLSX Kind = "xlsx" // Office Open XML workbook
)

// pdfHeaderWindow is how far into a file we look for "%PDF-". The spec
// allows junk before the header and real producers (mail gateways) add some.
const pdfHeaderWindow = 1024

// Sniff decides the kind of data from its bytes. It refuses legacy and
// encrypted Office files (OLE2 containers) and anything else by name.
func Sniff(data []byte) (Kind, error) {
	head := data
	if len(head) > pdfHeaderWindow {
		head = head[:pdfHeaderWindow]
	}
	if bytes.Contains(head, []byte("%PDF-")) {
		return KindPDF, nil
	}
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return "", refuse(RefusedMalformed, "the file looks like a ZIP archive but cannot be opened: %v", err)
		}
		for _, f := range zr.File {
			if f.Name == "xl/workbook.xml" {
				return KindXLSX, nil
			}
		}
		return "", refuse(RefusedUnsupported, "the file is a ZIP archive but not an Excel workbook (.xlsx)")
	}
	if bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}) {
		return "", refuse(RefusedUnsupported, "the file is a legacy .xls workbook or a password-protected Office file; save it as an unprotected .xlsx or PDF")
	}
	return "", refuse(RefusedUnsupported, "the file is not a PDF or an Excel workbook (its content looks like %s)", http.DetectContentType(head))
}
