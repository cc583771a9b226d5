package portal

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
)

func init() {
	addRoutes(func(s *Server, _, web *gin.RouterGroup) {
		g := s.signedIn(web).Group("", s.requireRole(store.RoleWarehouse, store.RoleBuyer))
		g.GET("/receiving", s.pageReceiving)
		g.GET("/receiving/po/:po_id", s.pageReceiptForm)
		g.POST("/receiving/po/:po_id", s.postReceipt)
		g.GET("/receiving/asn/:asn_id", s.pageReceiptForm)
		g.POST("/receiving/asn/:asn_id", s.postReceipt)
	})
	addNav(35, "/receiving", "Receiving", staff(store.RoleWarehouse))
	poActionHooks = append(poActionHooks, func(s *Server, c *gin.Context, a store.Actor, po store.PurchaseOrder) []poAction {
		if !a.IsSupplier() && a.HasRole(store.RoleWarehouse) && shippable(po) {
			return []poAction{{Href: "/receiving/po/" + strconv.FormatInt(po.ID, 10), Label: "Receive goods"}}
		}
		return nil
	})
}

type receivingData struct {
	ASNs      []store.ASN
	POs       []store.PurchaseOrder
	Suppliers map[int64]string
	PONumbers map[int64]string
}

// pageReceiving is the dock's start page: open ship notices and open
// orders, with one search box that takes a PO or ASN number (a scanner
// types it and presses Enter).
func (s *Server) pageReceiving(c *gin.Context) {
	a := actorOf(c)
	if q := strings.ToUpper(strings.TrimSpace(c.Query("q"))); q != "" {
		if po, err := s.Store.POByNumber(c.Request.Context(), q, 0); err == nil {
			redirect(c, "/receiving/po/"+strconv.FormatInt(po.ID, 10))
			return
		}
		var asn store.ASN
		if err := s.Store.DB(c.Request.Context()).Where("number = ? OR shipment_id = ?", q, strings.TrimSpace(c.Query("q"))).Order("id DESC").Take(&asn).Error; err == nil {
			redirect(c, "/receiving/asn/"+strconv.FormatInt(asn.ID, 10))
			return
		}
	}
	d := receivingData{PONumbers: map[int64]string{}}
	var err error
	if d.ASNs, _, err = s.Procure.ListASNs(c.Request.Context(), a, store.ASNFilter{Status: store.ASNStatusOpen}, store.Page{Size: 50}); err != nil {
		s.fail(c, err)
		return
	}
	if d.POs, _, err = s.Procure.ListPOs(c.Request.Context(), a, store.POFilter{Statuses: []string{store.POStatusSent, store.POStatusAcknowledged, store.POStatusPartiallyReceived}, Sort: "expected"}, store.Page{Size: 50}); err != nil {
		s.fail(c, err)
		return
	}
	if d.Suppliers, err = s.supplierNames(c); err != nil {
		s.fail(c, err)
		return
	}
	var ids []int64
	for _, n := range d.ASNs {
		ids = append(ids, n.POID)
	}
	if len(ids) > 0 {
		var pos []store.PurchaseOrder
		if err := s.Store.DB(c.Request.Context()).Select("id", "number").Where("id IN ?", ids).Find(&pos).Error; err != nil {
			s.fail(c, err)
			return
		}
		for _, p := range pos {
			d.PONumbers[p.ID] = p.Number
		}
	}
	v := s.newView(c, "Receiving")
	v.Data = d
	if c.Query("q") != "" {
		v.Errors = map[string]string{"q": "no order or ship notice " + c.Query("q") + "; check the number on the delivery note"}
	}
	s.render(c, http.StatusOK, "receiving", v)
}

type receiptFormData struct {
	Draft   procure.ReceiptDraft
	Action  string
	Scanned string
}

// draftFor builds the receipt draft of the PO or ASN in the path.
func (s *Server) draftFor(c *gin.Context) (procure.ReceiptDraft, string, error) {
	a := actorOf(c)
	if c.Param("asn_id") != "" {
		id, err := idParam(c, "asn_id")
		if err != nil {
			return procure.ReceiptDraft{}, "", err
		}
		d, err := s.Procure.ReceiptDraftFromASN(c.Request.Context(), a, id)
		return d, "/receiving/asn/" + strconv.FormatInt(id, 10), err
	}
	id, err := idParam(c, "po_id")
	if err != nil {
		return procure.ReceiptDraft{}, "", err
	}
	d, err := s.Procure.ReceiptDraftFromPO(c.Request.Context(), a, id)
	return d, "/receiving/po/" + strconv.FormatInt(id, 10), err
}

func (s *Server) pageReceiptForm(c *gin.Context) {
	d, action, err := s.draftFor(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	v := s.newView(c, "Receive "+d.PONumber)
	for _, l := range d.Lines {
		q := l.Received
		if c.Query("count") == "1" {
			q = 0 // counting by scanning starts at zero
		}
		v.Form.Set(recvField(l.POLineID, "received"), strconv.FormatInt(q, 10))
	}
	v.Data = receiptFormData{Draft: d, Action: action}
	s.render(c, http.StatusOK, "receipt_form", v)
}

func recvField(lineID int64, name string) string {
	return "l" + strconv.FormatInt(lineID, 10) + "_" + name
}

// postReceipt either counts one scan (Enter in the scan field: the GTIN's
// line goes up by one and the form comes back, focused on the scan field)
// or books the receipt.
func (s *Server) postReceipt(c *gin.Context) {
	d, action, err := s.draftFor(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	_ = c.Request.ParseForm()
	form := c.Request.PostForm
	errs := map[string]string{}
	in := procure.ReceiptInput{POID: d.POID, ASNID: d.ASNID, Reference: c.PostForm("reference"), Notes: c.PostForm("notes"),
		Close: c.PostForm("close") == "on", CloseReason: c.PostForm("close_reason")}
	num := func(name string) int64 {
		v := strings.TrimSpace(form.Get(name))
		if v == "" {
			return 0
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			errs[name] = "enter a whole number"
		}
		return n
	}
	scanned := ""
	if gtin := strings.TrimSpace(c.PostForm("scan")); gtin != "" && c.PostForm("book") == "" {
		found := false
		for _, l := range d.Lines {
			if l.GTIN == gtin || strings.EqualFold(l.SKU, gtin) || strings.EqualFold(l.SupplierPart, gtin) {
				f := recvField(l.POLineID, "received")
				form.Set(f, strconv.FormatInt(num(f)+1, 10))
				scanned = "Line " + strconv.Itoa(l.LineNo) + " " + l.SKU + ": " + form.Get(f)
				found = true
				break
			}
		}
		if !found {
			errs["scan"] = gtin + " is not on this order; check the item and scan again"
		}
		form.Del("scan")
		v := s.newView(c, "Receive "+d.PONumber)
		v.Form, v.Errors = form, errs
		v.Data = receiptFormData{Draft: d, Action: action, Scanned: scanned}
		s.render(c, http.StatusOK, "receipt_form", v)
		return
	}
	for _, l := range d.Lines {
		li := procure.ReceiptLineInput{LineRef: procure.LineRef{POLineID: l.POLineID},
			Received: num(recvField(l.POLineID, "received")), Damaged: num(recvField(l.POLineID, "damaged")),
			Rejected: num(recvField(l.POLineID, "rejected")), Reason: strings.TrimSpace(form.Get(recvField(l.POLineID, "reason")))}
		if li.Received > 0 || li.Damaged > 0 || li.Rejected > 0 {
			in.Lines = append(in.Lines, li)
		}
	}
	if len(errs) == 0 && len(in.Lines) == 0 && !in.Close {
		errs[""] = "nothing received: enter the quantities that arrived"
	}
	if len(errs) == 0 {
		res, err := s.Procure.Receive(c.Request.Context(), actorOf(c), in)
		if err == nil {
			msg := "Receipt " + res.Receipt.Number + " booked for " + res.PO.Number + "; the order is " + strings.ReplaceAll(res.PO.Status, "_", " ") + "."
			s.flash(c, "ok", msg)
			redirect(c, "/pos/"+strconv.FormatInt(res.PO.ID, 10))
			return
		}
		fe, status, ok := errorsOf(err)
		if !ok {
			s.fail(c, err)
			return
		}
		v := s.newView(c, "Receive "+d.PONumber)
		v.Form, v.Errors = form, fe
		v.Data = receiptFormData{Draft: d, Action: action}
		s.render(c, status, "receipt_form", v)
		return
	}
	v := s.newView(c, "Receive "+d.PONumber)
	v.Form, v.Errors = form, errs
	v.Data = receiptFormData{Draft: d, Action: action}
	s.render(c, http.StatusBadRequest, "receipt_form", v)
}
