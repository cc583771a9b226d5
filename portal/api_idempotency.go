package portal

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"
)

// idempotency replays the first answer to a POST that repeats an
// Idempotency-Key, so a client retrying after a timeout cannot create a
// second PO. Keys are per caller; the same key with another body is a 409.
func (s *Server) idempotency() gin.HandlerFunc {
	return func(c *gin.Context) {
		key := c.GetHeader("Idempotency-Key")
		if c.Request.Method != http.MethodPost || key == "" {
			c.Next()
			return
		}
		if len(key) > 200 {
			s.fail(c, fieldErr("Idempotency-Key", "must be at most 200 characters"))
			return
		}
		body, err := io.ReadAll(c.Request.Body)
		if err != nil {
			s.fail(c, err)
			return
		}
		c.Request.Body = io.NopCloser(bytes.NewReader(body))
		sum := sha256.Sum256(append([]byte(c.Request.Method+" "+c.Request.URL.RequestURI()+"\n"), body...))
		hash := hex.EncodeToString(sum[:])
		a := actorOf(c)
		principal := fmt.Sprintf("%s:%d", a.Kind, a.ID)
		prev, err := s.Store.ReserveIdempotencyKey(c.Request.Context(), principal, key, hash)
		if err != nil {
			s.fail(c, err)
			return
		}
		if prev != nil {
			c.Header("Idempotent-Replayed", "true")
			c.Data(prev.Status, "application/json; charset=utf-8", []byte(prev.ResponseBody))
			c.Abort()
			return
		}
		rec := &recordingWriter{ResponseWriter: c.Writer}
		c.Writer = rec
		c.Next()
		ctx := context.WithoutCancel(c.Request.Context())
		if rec.Status() >= 500 {
			err = s.Store.ReleaseIdempotencyKey(ctx, principal, key)
		} else {
			err = s.Store.CompleteIdempotencyKey(ctx, principal, key, rec.Status(), rec.buf.String())
		}
		if err != nil {
			s.Log.Error("idempotency: save", "error", err)
		}
	}
}

type recordingWriter struct {
	gin.ResponseWriter
	buf bytes.Buffer
}

func (w *recordingWriter) Write(b []byte) (int, error) {
	w.buf.Write(b)
	return w.ResponseWriter.Write(b)
}

func (w *recordingWriter) WriteString(s string) (int, error) {
	w.buf.WriteString(s)
	return w.ResponseWriter.WriteString(s)
}
