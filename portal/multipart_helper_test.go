package portal

import (
	"bytes"
	"mime/multipart"
)

// newMultipart writes one file field and returns the content type.
func newMultipart(buf *bytes.Buffer, field, filename, content string) string {
	mw := multipart.NewWriter(buf)
	w, _ := mw.CreateFormFile(field, filename)
	w.Write([]byte(content))
	mw.Close()
	return mw.FormDataContentType()
}
