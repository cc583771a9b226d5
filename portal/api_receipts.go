package portal

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
)

// Goods receipts over the API: the warehouse books what arrived (against a
// PO or an ASN), fetches a pre-filled draft for a scanner, and closes a
// short PO. Suppliers may read the receipts of their own POs.
func init() {
	addRoutes(func(s *Server, api, _ *gin.RouterGroup) {
		staff := s.requireRole(store.RoleWarehouse, store.RoleBuyer)
		api.POST("/receipts", staff, s.apiReceive)
		api.GET("/receipts", s.apiListReceipts)
		api.GET("/receipt-drafts", staff, s.apiReceiptDraft)
		api.POST("/purchase-orders/:po_id/close-receipt", staff, s.apiCloseReceipt)
	})
}

type receiptLineJSON struct {
	ID            int64  `json:"id"`
	POLineID      int64  `json:"po_line_id"`
	LineNo        int    `json:"line_no"`
	ProductID     int64  `json:"product_id"`
	ASNLineID     *int64 `json:"asn_line_id,omitempty"`
	ExpectedQty   *int64 `json:"expected_qty,omitempty"`
	ASNDifference *int64 `json:"asn_difference,omitempty"`
	Received      int64  `json:"received"`
	Damaged       int64  `json:"damaged"`
	Rejected      int64  `json:"rejected"`
	Accepted      int64  `json:"accepted"`
	StockQty      int64  `json:"stock_qty"`
	Reason        string `json:"reason,omitempty"`
}

type receiptJSON struct {
	ID         int64             `json:"id"`
	Number     string            `json:"number"`
	SupplierID int64             `json:"supplier_id"`
	POID       int64             `json:"po_id"`
	ASNID      *int64            `json:"asn_id,omitempty"`
	LocationID int64             `json:"location_id"`
	Reference  string            `json:"reference"`
	Notes      string            `json:"notes"`
	ClosedPO   bool              `json:"closed_po"`
	ReceivedBy string            `json:"received_by"`
	Channel    string            `json:"channel"`
	ReceivedAt time.Time         `json:"received_at"`
	Lines      []receiptLineJSON `json:"lines"`
}

func receiptView(r store.Receipt) receiptJSON {
	v := receiptJSON{ID: r.ID, Number: r.Number, SupplierID: r.SupplierID, POID: r.POID, ASNID: r.ASNID, LocationID: r.LocationID,
		Reference: r.Reference, Notes: r.Notes, ClosedPO: r.ClosedPO, ReceivedBy: r.ActorLabel, Channel: r.Channel,
		ReceivedAt: r.ReceivedAt, Lines: []receiptLineJSON{}}
	for _, l := range r.Lines {
		lj := receiptLineJSON{ID: l.ID, POLineID: l.POLineID, LineNo: l.LineNo, ProductID: l.ProductID, ASNLineID: l.ASNLineID,
			ExpectedQty: l.ExpectedQty, Received: l.ReceivedQty, Damaged: l.DamagedQty, Rejected: l.RejectedQty,
			Accepted: l.AcceptedQty, StockQty: l.StockQty, Reason: l.Reason}
		if l.ExpectedQty != nil {
			d := l.ASNDifference()
			lj.ASNDifference = &d
		}
		v.Lines = append(v.Lines, lj)
	}
	return v
}

type closeJSON struct {
	Policy       string  `json:"policy,omitempty"`
	Backorder    *poJSON `json:"backorder,omitempty"`
	CancelledQty int64   `json:"cancelled_qty"`
}

func closeView(c *procure.CloseResult) *closeJSON {
	if c == nil {
		return nil
	}
	v := &closeJSON{Policy: c.Policy, CancelledQty: c.Cancelled}
	if c.Backorder != nil {
		bo := poView(*c.Backorder)
		v.Backorder = &bo
	}
	return v
}

type receiptResultJSON struct {
	Receipt       receiptJSON `json:"receipt"`
	PurchaseOrder poJSON      `json:"purchase_order"`
	Close         *closeJSON  `json:"close,omitempty"`
}

func (s *Server) apiReceive(c *gin.Context) {
	var in procure.ReceiptInput
	if err := decodeJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	res, err := s.Procure.Receive(c.Request.Context(), actorOf(c), in)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Location", "/api/v1/receipts/"+strconv.FormatInt(res.Receipt.ID, 10))
	c.JSON(http.StatusCreated, receiptResultJSON{Receipt: receiptView(res.Receipt), PurchaseOrder: poView(res.PO), Close: closeView(res.Close)})
}

func (s *Server) apiListReceipts(c *gin.Context) {
	page, err := pageOf(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	var f store.ReceiptFilter
	if f.POID, err = queryID(c, "po_id"); err != nil {
		s.fail(c, err)
		return
	}
	if f.ASNID, err = queryID(c, "asn_id"); err != nil {
		s.fail(c, err)
		return
	}
	rs, total, err := s.Procure.ListReceipts(c.Request.Context(), actorOf(c), f, page)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, listOf(rs, total, page, receiptView))
}

func (s *Server) apiReceiptDraft(c *gin.Context) {
	poID, err := queryID(c, "po_id")
	if err != nil {
		s.fail(c, err)
		return
	}
	asnID, err := queryID(c, "asn_id")
	if err != nil {
		s.fail(c, err)
		return
	}
	var d procure.ReceiptDraft
	switch {
	case asnID != 0:
		d, err = s.Procure.ReceiptDraftFromASN(c.Request.Context(), actorOf(c), asnID)
	case poID != 0:
		d, err = s.Procure.ReceiptDraftFromPO(c.Request.Context(), actorOf(c), poID)
	default:
		err = fieldErr("po_id", "give po_id or asn_id")
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	if d.Lines == nil {
		d.Lines = []procure.ReceiptDraftLine{}
	}
	c.JSON(http.StatusOK, d)
}

func (s *Server) apiCloseReceipt(c *gin.Context) {
	id, err := idParam(c, "po_id")
	if err != nil {
		s.fail(c, err)
		return
	}
	var in struct {
		Reason string `json:"reason"`
	}
	if c.Request.ContentLength != 0 {
		if err := decodeJSON(c, &in); err != nil {
			s.fail(c, err)
			return
		}
	}
	res, po, err := s.Procure.CloseReceipt(c.Request.Context(), actorOf(c), id, in.Reason)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"purchase_order": poView(po), "close": closeView(&res)})
}
