package portal

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
)

// Ship notices over the API. A supplier token submits for its own supplier
// (the supplier comes from the token, never the body); staff may submit
// one received by other means. Every channel ends in procure.SubmitASN.
func init() {
	addRoutes(func(s *Server, api, _ *gin.RouterGroup) {
		api.POST("/asns", s.requireRole(store.RoleSupplier, store.RoleBuyer), s.apiSubmitASN)
		api.GET("/asns", s.apiListASNs)
		api.GET("/asns/:asn_id", s.apiGetASN)
	})
}

type asnLineJSON struct {
	ID          int64 `json:"id"`
	POLineID    int64 `json:"po_line_id"`
	LineNo      int   `json:"line_no"`
	ProductID   int64 `json:"product_id"`
	Quantity    int64 `json:"quantity"`
	ReceivedQty int64 `json:"received_qty"`
	InTransit   int64 `json:"in_transit"`
}

type asnPackContentJSON struct {
	ASNLineID int64 `json:"asn_line_id"`
	Quantity  int64 `json:"quantity"`
}

type asnPackJSON struct {
	ID       int64                `json:"id"`
	SSCC     string               `json:"sscc"`
	Level    string               `json:"level"`
	ParentID *int64               `json:"parent_id,omitempty"`
	Contents []asnPackContentJSON `json:"contents"`
}

type asnJSON struct {
	ID         int64         `json:"id"`
	Number     string        `json:"number"`
	SupplierID int64         `json:"supplier_id"`
	POID       int64         `json:"po_id"`
	ShipmentID string        `json:"shipment_id"`
	ShipDate   *time.Time    `json:"ship_date,omitempty"`
	ExpectedAt *time.Time    `json:"expected_delivery,omitempty"`
	Carrier    string        `json:"carrier"`
	Tracking   string        `json:"tracking"`
	Status     string        `json:"status"`
	Channel    string        `json:"channel"`
	Notes      string        `json:"notes"`
	ReceivedAt *time.Time    `json:"received_at,omitempty"`
	CreatedAt  time.Time     `json:"created_at"`
	Lines      []asnLineJSON `json:"lines,omitempty"`
	Packs      []asnPackJSON `json:"packs,omitempty"`
}

func asnView(a store.ASN) asnJSON {
	v := asnJSON{ID: a.ID, Number: a.Number, SupplierID: a.SupplierID, POID: a.POID, ShipmentID: a.ShipmentID,
		ShipDate: a.ShipDate, ExpectedAt: a.ExpectedAt, Carrier: a.Carrier, Tracking: a.Tracking, Status: a.Status,
		Channel: a.Channel, Notes: a.Notes, ReceivedAt: a.ReceivedAt, CreatedAt: a.CreatedAt}
	for _, l := range a.Lines {
		v.Lines = append(v.Lines, asnLineJSON{ID: l.ID, POLineID: l.POLineID, LineNo: l.LineNo, ProductID: l.ProductID,
			Quantity: l.Quantity, ReceivedQty: l.ReceivedQty, InTransit: l.InTransit()})
	}
	for _, p := range a.Packs {
		pj := asnPackJSON{ID: p.ID, SSCC: p.SSCC, Level: p.Level, ParentID: p.ParentID, Contents: []asnPackContentJSON{}}
		for _, c := range p.Contents {
			pj.Contents = append(pj.Contents, asnPackContentJSON{ASNLineID: c.ASNLineID, Quantity: c.Quantity})
		}
		v.Packs = append(v.Packs, pj)
	}
	return v
}

func (s *Server) apiSubmitASN(c *gin.Context) {
	var in procure.ASNInput
	if err := decodeJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	asn, err := s.Procure.SubmitASN(c.Request.Context(), actorOf(c), in)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Location", "/api/v1/asns/"+strconv.FormatInt(asn.ID, 10))
	c.JSON(http.StatusCreated, asnView(asn))
}

func (s *Server) apiListASNs(c *gin.Context) {
	page, err := pageOf(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	f := store.ASNFilter{Status: c.Query("status")}
	if f.POID, err = queryID(c, "po_id"); err != nil {
		s.fail(c, err)
		return
	}
	asns, total, err := s.Procure.ListASNs(c.Request.Context(), actorOf(c), f, page)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, listOf(asns, total, page, asnView))
}

func (s *Server) apiGetASN(c *gin.Context) {
	id, err := idParam(c, "asn_id")
	if err != nil {
		s.fail(c, err)
		return
	}
	asn, err := s.Procure.GetASN(c.Request.Context(), actorOf(c), id)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, asnView(asn))
}
