package portal

import (
	"bytes"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"github.com/pogate/pogate/internal/fault"
)

// File kinds told from content, never from the name.
const (
	kindXLSX = "xlsx" // a zip container
	kindPDF  = "pdf"
	kindX12  = "x12"
	kindText = "text" // CSV, TSV
	kindBin  = "binary"
)

// upload is a file received from a form, read whole (the body limit has
// already bounded its size).
type upload struct {
	Name string
	Kind string
	Data []byte
}

// sniffKind tells what a file is from its first bytes.
func sniffKind(head []byte) string {
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return kindXLSX
	case bytes.HasPrefix(head, []byte("%PDF-")):
		return kindPDF
	case bytes.HasPrefix(bytes.TrimLeft(head, " \r\n\t\ufeff"), []byte("ISA")):
		return kindX12
	}
	probe := head
	if len(probe) > 4096 {
		probe = probe[:4096]
	}
	if bytes.IndexByte(probe, 0) >= 0 {
		return kindBin
	}
	// A multi-byte rune cut at the probe's end is not an error.
	for len(probe) > 0 && !utf8.Valid(probe) && len(head) > len(probe) {
		probe = probe[:len(probe)-1]
	}
	if !utf8.Valid(probe) {
		return kindBin
	}
	return kindText
}

// extensionKinds says which content each accepted extension must have.
var extensionKinds = map[string]string{
	".csv": kindText, ".tsv": kindText, ".txt": kindText, ".xlsx": kindXLSX,
	".pdf": kindPDF, ".edi": kindX12, ".x12": kindX12, ".810": kindX12,
}

var kindNames = map[string]string{kindXLSX: "a zip/XLSX workbook", kindPDF: "a PDF", kindX12: "an X12 EDI file", kindText: "a text file", kindBin: "a binary file"}

// formFile reads the uploaded file of field. It refuses a missing file, a
// name whose extension is not allowed, and a file whose content is not what
// its extension says (a renamed executable, a PDF called .csv).
func formFile(c *gin.Context, field string, allowed ...string) (upload, error) {
	fh, err := c.FormFile(field)
	if err != nil {
		var mbe *http.MaxBytesError
		switch {
		case errors.As(err, &mbe):
			return upload{}, fault.New(fault.TooLarge, "the file is over the upload limit of %d MB; split it or compress it", mbe.Limit>>20)
		case strings.Contains(err.Error(), "request body too large"), errors.Is(err, multipart.ErrMessageTooLarge):
			return upload{}, fault.New(fault.TooLarge, "the file is over the upload limit; split it or compress it")
		case errors.Is(err, http.ErrMissingFile):
			return upload{}, fault.FieldErr(field, "choose a file to upload")
		}
		return upload{}, fault.Wrap(fault.Invalid, err, "the upload could not be read (%s); try again", err.Error())
	}
	ext := strings.ToLower(filepath.Ext(fh.Filename))
	ok := false
	for _, a := range allowed {
		if a == ext {
			ok = true
		}
	}
	if !ok {
		return upload{}, fault.FieldErr(field, "%q is not a file type this form takes; upload %s", fh.Filename, strings.Join(allowed, ", "))
	}
	f, err := fh.Open()
	if err != nil {
		return upload{}, fault.Wrap(fault.Invalid, err, "the upload could not be read; try again")
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		return upload{}, classify(err)
	}
	if len(data) == 0 {
		return upload{}, fault.FieldErr(field, "%q is empty", fh.Filename)
	}
	kind := sniffKind(data)
	if want := extensionKinds[ext]; want != kind {
		return upload{}, fault.FieldErr(field, "%q is named %s but its content is %s; export it again as %s", fh.Filename, ext, kindNames[kind], kindNames[want])
	}
	return upload{Name: filepath.Base(fh.Filename), Kind: kind, Data: data}, nil
}
