package portal

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/pogate/pogate/internal/fault"
)

var errNoRoute = fault.New(fault.NotFound, "no such page or endpoint")

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
	Details any    `json:"details,omitempty"`
}

type errorBody struct {
	Error errorDetail `json:"error"`
}

// statusOf is the one place a fault code becomes an HTTP status.
func statusOf(code fault.Code) int {
	switch code {
	case fault.Invalid:
		return http.StatusBadRequest
	case fault.NotFound:
		return http.StatusNotFound
	case fault.Conflict:
		return http.StatusConflict
	case fault.Forbidden:
		return http.StatusForbidden
	case fault.Unauthorized:
		return http.StatusUnauthorized
	case fault.TooLarge:
		return http.StatusRequestEntityTooLarge
	case fault.Unavailable:
		return http.StatusServiceUnavailable
	case fault.RateLimited:
		return http.StatusTooManyRequests
	case fault.Unprocessable:
		return http.StatusUnprocessableEntity
	}
	return http.StatusInternalServerError
}

// classify turns any error into a fault with a code and a safe message.
func classify(err error) *fault.Error {
	var fe *fault.Error
	if errors.As(err, &fe) {
		return fe
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return fault.New(fault.TooLarge, "the request body is over the limit of %d bytes", mbe.Limit)
	}
	return &fault.Error{Code: fault.Internal, Message: "something went wrong on our side; it has been logged", Err: err}
}

// fail answers an error: JSON under /api, an HTML page elsewhere (pageError
// is set by the page files; until then, JSON everywhere).
func (s *Server) fail(c *gin.Context, err error) {
	fe := classify(err)
	status := statusOf(fe.Code)
	if status >= 500 {
		s.Log.Error("request failed", "path", c.Request.URL.Path, "error", err)
	}
	if pageError != nil && !isAPI(c) {
		pageError(s, c, status, fe)
		return
	}
	c.AbortWithStatusJSON(status, errorBody{Error: errorDetail{Code: string(fe.Code), Message: fe.Message, Field: fe.Field, Details: detailsOf(err)}})
}

// detailsOf exposes structured error details (row errors of an import).
func detailsOf(err error) any {
	var d interface{ ErrorDetails() any }
	if errors.As(err, &d) {
		return d.ErrorDetails()
	}
	return nil
}

// pageError renders an HTML error page; set by the web page files.
var pageError func(s *Server, c *gin.Context, status int, fe *fault.Error)

func isAPI(c *gin.Context) bool {
	p := c.Request.URL.Path
	return len(p) >= 5 && p[:5] == "/api/"
}
