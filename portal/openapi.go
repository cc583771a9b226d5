package portal

import (
	"context"
	_ "embed"
	"fmt"
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/gin-gonic/gin"
	"github.com/pogate/pogate/internal/fault"
)

// openapiYAML is the API contract. Requests are validated against it and it
// is served at /api/openapi.json; a test checks every /api/v1 route is in it.
//
//go:embed openapi.yaml
var openapiYAML []byte

type openAPI struct {
	doc    *openapi3.T
	router routers.Router
	json   []byte
}

func loadOpenAPI() (*openAPI, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(openapiYAML)
	if err != nil {
		return nil, fmt.Errorf("portal: openapi.yaml: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("portal: openapi.yaml is invalid: %w", err)
	}
	js, err := doc.MarshalJSON()
	if err != nil {
		return nil, fmt.Errorf("portal: openapi.yaml: %w", err)
	}
	r, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("portal: openapi routes: %w", err)
	}
	return &openAPI{doc: doc, router: r, json: js}, nil
}

func (s *Server) serveOpenAPI(c *gin.Context) {
	c.Data(http.StatusOK, "application/json", s.openapi.json)
}

// validateRequest checks parameters and JSON bodies against the document, so
// a wrong type or a missing field is answered with what the contract says.
func (s *Server) validateRequest() gin.HandlerFunc {
	return func(c *gin.Context) {
		route, params, err := s.openapi.router.FindRoute(c.Request)
		if err != nil {
			// Not in the contract: gin answers 404/405 or the route test fails.
			c.Next()
			return
		}
		in := &openapi3filter.RequestValidationInput{
			Request: c.Request, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: false},
		}
		if !strings.HasPrefix(c.ContentType(), "application/json") {
			in.Options.ExcludeRequestBody = true
		}
		if err := openapi3filter.ValidateRequest(c.Request.Context(), in); err != nil {
			s.fail(c, fault.Wrap(fault.Invalid, nil, "%s", describeValidation(err)))
			return
		}
		c.Next()
	}
}

// describeValidation turns kin-openapi's error into one readable sentence.
func describeValidation(err error) string {
	var re *openapi3filter.RequestError
	if asType(err, &re) {
		var se *openapi3.SchemaError
		where := ""
		if re.Parameter != nil {
			where = "parameter " + re.Parameter.Name
		} else if re.RequestBody != nil {
			where = "request body"
		}
		if asType(re.Err, &se) {
			ptr := strings.Join(se.JSONPointer(), ".")
			if ptr != "" {
				where += " field " + ptr
			}
			return strings.TrimSpace(where + ": " + se.Reason)
		}
		if re.Err != nil {
			return strings.TrimSpace(where + ": " + re.Err.Error())
		}
		return strings.TrimSpace(where + ": " + re.Reason)
	}
	return err.Error()
}
