package portal

import (
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/pogate/pogate/internal/fault"
	"github.com/pogate/pogate/internal/store"
	"github.com/pogate/pogate/matching"
)

func init() {
	addRoutes(func(s *Server, api, _ *gin.RouterGroup) {
		api.GET("/suppliers", s.apiListSuppliers)
		api.POST("/suppliers", s.requireRole(store.RoleBuyer), s.apiCreateSupplier)
		api.GET("/suppliers/:supplier_id", s.apiGetSupplier)
	})
}

func (s *Server) apiListSuppliers(c *gin.Context) {
	page, err := pageOf(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	a := actorOf(c)
	if a.IsSupplier() {
		// A supplier sees exactly one supplier: itself.
		sp, err := s.Store.Supplier(c.Request.Context(), a.SupplierID)
		if err != nil {
			s.fail(c, err)
			return
		}
		c.JSON(http.StatusOK, newList([]supplierJSON{supplierView(sp)}, 1, page))
		return
	}
	sps, total, err := s.Store.Suppliers(c.Request.Context(), c.Query("q"), page)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, listOf(sps, total, page, supplierView))
}

func (s *Server) apiGetSupplier(c *gin.Context) {
	id, err := idParam(c, "supplier_id")
	if err != nil {
		s.fail(c, err)
		return
	}
	if a := actorOf(c); a.IsSupplier() && a.SupplierID != id {
		s.fail(c, fault.New(fault.NotFound, "supplier not found"))
		return
	}
	sp, err := s.Store.Supplier(c.Request.Context(), id)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, supplierView(sp))
}

type supplierInput struct {
	Code              string  `json:"code"`
	Name              string  `json:"name"`
	ContactName       string  `json:"contact_name"`
	Email             string  `json:"email"`
	Phone             string  `json:"phone"`
	Currency          string  `json:"currency"`
	PaymentTerms      string  `json:"payment_terms"`
	AckSLAHours       int     `json:"ack_sla_hours"`
	BackorderPolicy   string  `json:"backorder_policy"`
	Channel           string  `json:"channel"`
	ApprovalThreshold *string `json:"approval_threshold"`
}

func (s *Server) apiCreateSupplier(c *gin.Context) {
	var in supplierInput
	if err := decodeJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	sp := store.Supplier{Code: in.Code, Name: in.Name, ContactName: in.ContactName, Email: in.Email, Phone: in.Phone,
		Currency: in.Currency, PaymentTerms: in.PaymentTerms, AckSLAHours: in.AckSLAHours,
		BackorderPolicy: in.BackorderPolicy, Channel: in.Channel}
	if sp.AckSLAHours == 0 {
		sp.AckSLAHours = 24
	}
	if sp.BackorderPolicy == "" {
		sp.BackorderPolicy = store.BackorderCreate
	}
	if sp.Channel == "" {
		sp.Channel = store.ChannelPortal
	}
	if in.ApprovalThreshold != nil {
		exp, ok := matching.CurrencyExponent(in.Currency)
		if !ok {
			s.fail(c, fieldErr("currency", "unknown currency %q", in.Currency))
			return
		}
		v, err := matching.ParseScaled(*in.ApprovalThreshold, exp)
		if err != nil || v < 0 {
			s.fail(c, fieldErr("approval_threshold", "%q is not an amount in %s", *in.ApprovalThreshold, in.Currency))
			return
		}
		sp.ApprovalThresholdMinor = &v
	}
	if err := s.Store.CreateSupplier(c.Request.Context(), actorOf(c), &sp); err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, supplierView(sp))
}
