package portal

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"
	"github.com/pogate/pogate/internal/fault"
)

func init() {
	addRoutes(func(s *Server, api, _ *gin.RouterGroup) {
		api.GET("/audit-events", s.apiAudit)
	})
}

// apiAudit lists the audit trail of one record. Suppliers see only events
// that belong to them.
func (s *Server) apiAudit(c *gin.Context) {
	page, err := pageOf(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	entity := c.Query("entity")
	id, err := strconv.ParseInt(c.Query("entity_id"), 10, 64)
	if entity == "" || err != nil {
		s.fail(c, fault.New(fault.Invalid, "give entity (e.g. purchase_order) and a numeric entity_id"))
		return
	}
	a := actorOf(c)
	var supplierID int64
	if a.IsSupplier() {
		supplierID = a.SupplierID
	}
	evs, err := s.Store.AuditFor(c.Request.Context(), entity, id, supplierID, page)
	if err != nil {
		s.fail(c, err)
		return
	}
	total, err := s.Store.CountAuditFor(c.Request.Context(), entity, id, supplierID)
	if err != nil {
		s.fail(c, err)
		return
	}
	out := make([]auditJSON, len(evs))
	for i, e := range evs {
		out[i] = auditJSON{ID: e.ID, At: e.At, ActorKind: e.ActorKind, ActorLabel: e.ActorLabel, Channel: e.Channel,
			Action: e.Action, Entity: e.Entity, EntityID: e.EntityID, Before: e.BeforeJSON, After: e.AfterJSON}
	}
	c.JSON(http.StatusOK, newList(out, total, page))
}
