package portal

import (
	"encoding/json"
	"io"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/pogate/pogate/internal/fault"
	"github.com/pogate/pogate/internal/store"
)

func fieldErr(field, format string, args ...any) error { return fault.FieldErr(field, format, args...) }

// decodeJSON reads a JSON body strictly: unknown fields are an error, so a
// typo in a field name is reported instead of silently ignored.
func decodeJSON(c *gin.Context, dst any) error {
	dec := json.NewDecoder(c.Request.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		if err == io.EOF {
			return fault.New(fault.Invalid, "the request body is empty; send a JSON object")
		}
		var ute *json.UnmarshalTypeError
		if ok := asType(err, &ute); ok {
			return fault.FieldErr(ute.Field, "must be a %s", ute.Type.String())
		}
		if strings.Contains(err.Error(), "request body too large") {
			return classify(err)
		}
		return fault.Wrap(fault.Invalid, nil, "the body is not valid JSON: %s", err.Error())
	}
	return nil
}

// pageOf reads ?page=&per_page= with bounds.
func pageOf(c *gin.Context) (store.Page, error) {
	var p store.Page
	if v := c.Query("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return p, fieldErr("page", "must be a whole number from 1")
		}
		p.Number = n
	}
	if v := c.Query("per_page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > store.MaxPageSize {
			return p, fieldErr("per_page", "must be a whole number from 1 to %d", store.MaxPageSize)
		}
		p.Size = n
	}
	return p, nil
}

// idParam reads a numeric path id; a non-number is treated as missing so it
// answers exactly like an unknown id.
func idParam(c *gin.Context, name string) (int64, error) {
	n, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || n <= 0 {
		return 0, fault.New(fault.NotFound, "%s not found", strings.TrimSuffix(name, "_id"))
	}
	return n, nil
}

// list is the envelope of every paginated answer.
type list[T any] struct {
	Items   []T   `json:"items"`
	Total   int64 `json:"total"`
	Page    int   `json:"page"`
	PerPage int   `json:"per_page"`
}

// listOf is the paginated answer of items, each shown through view.
func listOf[T, V any](items []T, total int64, p store.Page, view func(T) V) list[V] {
	out := make([]V, len(items))
	for i, it := range items {
		out[i] = view(it)
	}
	return newList(out, total, p)
}

// queryID reads an optional numeric query parameter (a filter by id);
// absent is 0.
func queryID(c *gin.Context, name string) (int64, error) {
	v := c.Query(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		return 0, fieldErr(name, "must be a positive number")
	}
	return n, nil
}

func newList[T any](items []T, total int64, p store.Page) list[T] {
	if items == nil {
		items = []T{}
	}
	n := p.Number
	if n < 1 {
		n = 1
	}
	return list[T]{Items: items, Total: total, Page: n, PerPage: p.Limit()}
}
