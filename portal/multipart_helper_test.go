package portal

import (
	"bytes"
	"io"
	"mime/multipart"
	"os"
)

// newMultipart writes one file field and returns the content type.
func newMultipart(buf *bytes.Buffer, field, filename, content string) string {
	mw := multipart.NewWriter(buf)
	w, _ := mw.CreateFormFile(field, filename)
	w.Write([]byte(content))
	mw.Close()
	return mw.FormDataContentType()
}

// testLogWriter shows server logs with -v only when POGATE_TEST_LOG is set.
func testLogWriter() io.Writer {
	if os.Getenv("POGATE_TEST_LOG") != "" {
		return os.Stderr
	}
	return io.Discard
}
