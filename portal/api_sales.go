package portal

import (
	"errors"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/pogate/pogate/internal/fault"
	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
)

func init() {
	addRoutes(func(s *Server, api, web *gin.RouterGroup) {
		api.POST("/sales/import", s.requireRole(store.RoleBuyer), s.apiImportSales)
		// Shopify calls this directly: no bearer token, the HMAC is the proof.
		// It sits in the pages group only so a signed-in person is recognised
		// (and refused): Shopify's servers never carry a portal session.
		s.pages(web).POST("/webhooks/shopify/orders-create", s.shopifyOrderCreated)
	})
}

// salesImportFailure carries the row errors of a rejected sales file.
type salesImportFailure struct {
	err    error
	result procure.SalesImportResult
}

func (e salesImportFailure) Error() string     { return e.err.Error() }
func (e salesImportFailure) Unwrap() error     { return e.err }
func (e salesImportFailure) ErrorDetails() any { return e.result }

// apiImportSales takes a sales export (?format=generic|shopify|amazon|ebay)
// as multipart field "file" or as the raw body.
func (s *Server) apiImportSales(c *gin.Context) {
	r, name, err := uploadedFile(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	defer r.Close()
	res, err := s.Procure.ImportSales(c.Request.Context(), actorOf(c), r, c.Query("format"), procure.ImportOptions{Partial: c.Query("partial") == "true", Filename: name})
	if err != nil {
		if errors.Is(err, procure.ErrImportRejected) {
			s.fail(c, salesImportFailure{err: err, result: res})
			return
		}
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, res)
}

// shopifyOrderCreated is Shopify's orders/create webhook. It always answers
// JSON (never the HTML error page): 200 with what was recorded, 401 when the
// X-Shopify-Hmac-Sha256 signature does not verify.
func (s *Server) shopifyOrderCreated(c *gin.Context) {
	if a := actorOf(c); a.Kind != "" {
		s.webhookFail(c, fault.New(fault.Forbidden, "this endpoint is for Shopify's servers; a signed-in user cannot post orders to it"))
		return
	}
	body, err := io.ReadAll(c.Request.Body)
	if err != nil {
		s.webhookFail(c, err)
		return
	}
	res, err := s.Procure.RecordShopifyOrder(c.Request.Context(), body, c.GetHeader("X-Shopify-Hmac-Sha256"))
	if err != nil {
		s.webhookFail(c, err)
		return
	}
	c.JSON(http.StatusOK, res)
}

func (s *Server) webhookFail(c *gin.Context, err error) {
	fe := classify(err)
	status := statusOf(fe.Code)
	if status >= 500 {
		s.Log.Error("webhook failed", "path", c.Request.URL.Path, "error", err)
	} else {
		s.Log.Warn("webhook refused", "path", c.Request.URL.Path, "status", status, "reason", fe.Message, "client", c.ClientIP())
	}
	c.AbortWithStatusJSON(status, errorBody{Error: errorDetail{Code: string(fe.Code), Message: fe.Message, Field: fe.Field}})
}
