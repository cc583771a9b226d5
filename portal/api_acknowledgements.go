package portal

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
	"github.com/pogate/pogate/matching"
)

func init() {
	addRoutes(func(s *Server, api, _ *gin.RouterGroup) {
		api.POST("/purchase-orders/:po_id/acknowledge", s.requireRole(store.RoleSupplier, store.RoleBuyer), s.apiAcknowledgePO)
		api.GET("/purchase-orders/:po_id/changes", s.apiPOChanges)
		api.POST("/purchase-orders/:po_id/changes/:change_id/accept", s.requireRole(store.RoleBuyer), s.apiAcceptChange)
		api.POST("/purchase-orders/:po_id/changes/:change_id/counter", s.requireRole(store.RoleBuyer), s.apiCounterChange)
	})
}

type lineChangeJSON struct {
	ID              int64      `json:"id"`
	LineNo          int        `json:"line_no"`
	Kind            string     `json:"kind"`
	Status          string     `json:"status"`
	OldQuantity     int64      `json:"old_quantity"`
	NewQuantity     *int64     `json:"new_quantity,omitempty"`
	OldUnitPrice    string     `json:"old_unit_price"`
	NewUnitPrice    *string    `json:"new_unit_price,omitempty"`
	OldDate         *time.Time `json:"old_date,omitempty"`
	NewDate         *time.Time `json:"new_date,omitempty"`
	Note            string     `json:"note,omitempty"`
	ResolutionNote  string     `json:"resolution_note,omitempty"`
	CounterQuantity *int64     `json:"counter_quantity,omitempty"`
	CounterPrice    *string    `json:"counter_unit_price,omitempty"`
	CounterDate     *time.Time `json:"counter_date,omitempty"`
	ResolvedAt      *time.Time `json:"resolved_at,omitempty"`
	CreatedAt       time.Time  `json:"created_at"`
}

func priceOrNil(micros *int64) *string {
	if micros == nil {
		return nil
	}
	s := matching.FormatUnitPrice(*micros)
	return &s
}

func lineChangeView(c store.POLineChange) lineChangeJSON {
	return lineChangeJSON{ID: c.ID, LineNo: c.LineNo, Kind: c.Kind, Status: c.Status, OldQuantity: c.OldQuantity,
		NewQuantity: c.NewQuantity, OldUnitPrice: matching.FormatUnitPrice(c.OldUnitPriceMicros), NewUnitPrice: priceOrNil(c.NewUnitPriceMicros),
		OldDate: c.OldDate, NewDate: c.NewDate, Note: c.Note, ResolutionNote: c.ResolutionNote, CounterQuantity: c.CounterQuantity,
		CounterPrice: priceOrNil(c.CounterUnitPriceMicros), CounterDate: c.CounterDate, ResolvedAt: c.ResolvedAt, CreatedAt: c.CreatedAt}
}

func lineChangeViews(cs []store.POLineChange) []lineChangeJSON {
	out := make([]lineChangeJSON, 0, len(cs))
	for _, c := range cs {
		out = append(out, lineChangeView(c))
	}
	return out
}

type ackResultJSON struct {
	AcknowledgementID int64            `json:"acknowledgement_id"`
	Reference         string           `json:"reference,omitempty"`
	Replayed          bool             `json:"replayed"`
	PurchaseOrder     poJSON           `json:"purchase_order"`
	Changes           []lineChangeJSON `json:"changes"`
}

// apiAcknowledgePO records a supplier's acknowledgement (a supplier token
// acknowledges its own POs; a buyer may record one received by phone).
func (s *Server) apiAcknowledgePO(c *gin.Context) {
	id, err := idParam(c, "po_id")
	if err != nil {
		s.fail(c, err)
		return
	}
	var in procure.Ack
	if err := decodeJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	in.POID = id
	res, err := s.Procure.Acknowledge(c.Request.Context(), actorOf(c), in)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, ackResultJSON{AcknowledgementID: res.Acknowledgement.ID, Reference: res.Acknowledgement.Reference,
		Replayed: res.Replayed, PurchaseOrder: poView(res.PO), Changes: lineChangeViews(res.Changes)})
}

func (s *Server) apiPOChanges(c *gin.Context) {
	id, err := idParam(c, "po_id")
	if err != nil {
		s.fail(c, err)
		return
	}
	status := c.Query("status")
	switch status {
	case "", store.ChangePending, store.ChangeAccepted, store.ChangeCountered, store.ChangeSuperseded:
	default:
		s.fail(c, fieldErr("status", "unknown status %q; use pending, accepted, countered or superseded", status))
		return
	}
	cs, err := s.Procure.Changes(c.Request.Context(), actorOf(c), id, status)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": lineChangeViews(cs)})
}

type changeResolvedJSON struct {
	PurchaseOrder poJSON         `json:"purchase_order"`
	Change        lineChangeJSON `json:"change"`
}

func (s *Server) apiAcceptChange(c *gin.Context) { s.resolveChange(c, true) }

func (s *Server) apiCounterChange(c *gin.Context) { s.resolveChange(c, false) }

func (s *Server) resolveChange(c *gin.Context, accept bool) {
	poID, err := idParam(c, "po_id")
	if err != nil {
		s.fail(c, err)
		return
	}
	changeID, err := idParam(c, "change_id")
	if err != nil {
		s.fail(c, err)
		return
	}
	var in procure.ChangeResolution
	if err := decodeJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	in.Accept = accept
	po, ch, err := s.Procure.ResolveChange(c.Request.Context(), actorOf(c), poID, changeID, in)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, changeResolvedJSON{PurchaseOrder: poView(po), Change: lineChangeView(ch)})
}
