package docs

import (
	"errors"
	"fmt"
)

// RefusalCode says why a file was not read. The portal shows the message;
// the code lets jobs decide (an encrypted file can be re-uploaded, a crash
// is worth a support ticket).
type RefusalCode string

// Refusal codes.
const (
	RefusedUnsupported RefusalCode = "unsupported" // not a PDF or XLSX, whatever its name says
	RefusedEncrypted   RefusalCode = "encrypted"   // password protection or encryption of any kind
	RefusedTooLarge    RefusalCode = "too_large"   // over the upload, page, row or unzip limits
	RefusedMalformed   RefusalCode = "malformed"   // the reader could not make sense of the file
	RefusedNoText      RefusalCode = "no_text"     // an image-only PDF with no text layer
	RefusedNotInvoice  RefusalCode = "not_invoice" // readable, but nothing of an invoice in it
	RefusedTimeout     RefusalCode = "timeout"     // the child ran out of wall-clock time
	RefusedCrashed     RefusalCode = "crashed"     // the child died (memory limit, stack, panic)
)

// Refusal is the error for a file that cannot be extracted. It is never a
// bug in the caller: the file is kept and marked unreadable with Message.
type Refusal struct {
	Code    RefusalCode `json:"code"`
	Message string      `json:"message"`
}

func (r *Refusal) Error() string { return fmt.Sprintf("file refused (%s): %s", r.Code, r.Message) }

func refuse(code RefusalCode, format string, args ...any) *Refusal {
	return &Refusal{Code: code, Message: fmt.Sprintf(format, args...)}
}

// AsRefusal reports whether err is (or wraps) a Refusal.
func AsRefusal(err error) (*Refusal, bool) {
	var r *Refusal
	ok := errors.As(err, &r)
	return r, ok
}
