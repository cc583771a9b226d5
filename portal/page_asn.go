package portal

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
)

func init() {
	addRoutes(func(s *Server, _, web *gin.RouterGroup) {
		g := s.signedIn(web)
		shipper := s.requireRole(store.RoleSupplier, store.RoleBuyer)
		g.GET("/pos/:po_id/asn", shipper, s.pageASNForm)
		g.POST("/pos/:po_id/asn", shipper, s.postASN)
		g.GET("/asns", s.pageASNList)
		g.GET("/asns/:asn_id", s.pageASN)
	})
	addNav(20, "/asns", "Shipments", func(a store.Actor) bool { return a.IsSupplier() || a.HasRole(store.RoleBuyer, store.RoleWarehouse) })
	poActionHooks = append(poActionHooks, func(s *Server, c *gin.Context, a store.Actor, po store.PurchaseOrder) []poAction {
		if shippable(po) && (a.IsSupplier() || a.HasRole(store.RoleBuyer)) {
			return []poAction{{Href: "/pos/" + strconv.FormatInt(po.ID, 10) + "/asn", Label: "Send a ship notice", Class: "primary"}}
		}
		return nil
	})
	poRelated = append(poRelated, func(s *Server, c *gin.Context, a store.Actor, po store.PurchaseOrder) (string, []int64) {
		var ids []int64
		q := s.Store.DB(c.Request.Context()).Model(&store.ASN{}).Where("po_id = ?", po.ID)
		if sc := scopeOf(a); sc != 0 {
			q = q.Where("supplier_id = ?", sc)
		}
		if err := q.Pluck("id", &ids).Error; err != nil {
			return "", nil
		}
		return "asn", ids
	})
	poSectionHooks = append(poSectionHooks, func(s *Server, c *gin.Context, a store.Actor, po store.PurchaseOrder) (poSection, bool) {
		asns, _, err := s.Procure.ListASNs(c.Request.Context(), a, store.ASNFilter{POID: po.ID}, store.Page{Size: 20})
		if err != nil || (len(asns) == 0 && !shippable(po)) {
			return poSection{}, false
		}
		sec := poSection{Title: "Ship notices", Empty: "No ship notice yet. The supplier sends one when the goods leave."}
		for _, n := range asns {
			detail := n.Carrier
			if n.Tracking != "" {
				detail += " " + n.Tracking
			}
			sec.Rows = append(sec.Rows, dashRow{Href: "/asns/" + strconv.FormatInt(n.ID, 10), Label: n.Number + " · " + n.ShipmentID, Detail: detail, Status: n.Status})
		}
		return sec, true
	})
}

// shippable reports whether goods may still be announced on a PO.
func shippable(po store.PurchaseOrder) bool {
	switch po.Status {
	case store.POStatusSent, store.POStatusAcknowledged, store.POStatusPartiallyReceived:
		return true
	}
	return false
}

type asnFormData struct {
	PO       store.PurchaseOrder
	Products map[int64]store.Product
}

func (s *Server) pageASNForm(c *gin.Context) {
	s.showASNForm(c, http.StatusOK, nil)
}

// showASNForm renders the ship-notice form: one quantity per line,
// defaulting to the open quantity, re-shown with errors after a bad post.
func (s *Server) showASNForm(c *gin.Context, status int, errs map[string]string) {
	id, err := idParam(c, "po_id")
	if err != nil {
		s.fail(c, err)
		return
	}
	po, err := s.Procure.GetPO(c.Request.Context(), actorOf(c), id)
	if err != nil {
		s.fail(c, err)
		return
	}
	prods, err := s.productsOf(c, po)
	if err != nil {
		s.fail(c, err)
		return
	}
	v := s.newView(c, "Ship notice for "+po.Number)
	v.Data = asnFormData{PO: po, Products: prods}
	v.Errors = errs
	if errs != nil {
		_ = c.Request.ParseForm()
		v.Form = c.Request.PostForm
	} else {
		for _, l := range po.Lines {
			v.Form.Set("qty_"+strconv.FormatInt(l.ID, 10), strconv.FormatInt(l.OpenQty(), 10))
		}
		v.Form.Set("ship_date", v.ISODay(s.Store.Now()))
	}
	s.render(c, status, "asn_form", v)
}

func (s *Server) productsOf(c *gin.Context, po store.PurchaseOrder) (map[int64]store.Product, error) {
	ids := make([]int64, 0, len(po.Lines))
	for _, l := range po.Lines {
		ids = append(ids, l.ProductID)
	}
	var prods []store.Product
	if err := s.Store.DB(c.Request.Context()).Where("id IN ?", ids).Find(&prods).Error; err != nil {
		return nil, err
	}
	out := make(map[int64]store.Product, len(prods))
	for _, p := range prods {
		out[p.ID] = p
	}
	return out, nil
}

func (s *Server) postASN(c *gin.Context) {
	id, err := idParam(c, "po_id")
	if err != nil {
		s.fail(c, err)
		return
	}
	a := actorOf(c)
	po, err := s.Procure.GetPO(c.Request.Context(), a, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	loc := s.brandLocation(c)
	in := procure.ASNInput{POID: po.ID, ShipmentID: c.PostForm("shipment_id"), Carrier: c.PostForm("carrier"),
		Tracking: c.PostForm("tracking"), Notes: c.PostForm("notes")}
	errs := map[string]string{}
	in.ShipDate = formDate(c, "ship_date", loc, errs)
	in.ExpectedAt = formDate(c, "expected_delivery", loc, errs)
	for _, l := range po.Lines {
		name := "qty_" + strconv.FormatInt(l.ID, 10)
		raw := strings.TrimSpace(c.PostForm(name))
		if raw == "" || raw == "0" {
			continue
		}
		q, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || q < 0 {
			errs[name] = "enter a whole number of " + l.Unit
			continue
		}
		in.Lines = append(in.Lines, procure.ASNLineInput{LineRef: procure.LineRef{POLineID: l.ID}, Quantity: q})
	}
	if len(errs) > 0 {
		s.showASNForm(c, http.StatusBadRequest, errs)
		return
	}
	asn, err := s.Procure.SubmitASN(c.Request.Context(), a, in)
	if err != nil {
		if fe, status, ok := errorsOf(err); ok {
			s.showASNForm(c, status, fe)
			return
		}
		s.fail(c, err)
		return
	}
	s.flash(c, "ok", "Ship notice "+asn.Number+" sent for "+po.Number+".")
	redirect(c, "/asns/"+strconv.FormatInt(asn.ID, 10))
}

// formDate reads a YYYY-MM-DD field as midnight in the brand's zone.
func formDate(c *gin.Context, name string, loc *time.Location, errs map[string]string) *time.Time {
	v := strings.TrimSpace(c.PostForm(name))
	if v == "" {
		return nil
	}
	t, err := time.ParseInLocation("2006-01-02", v, loc)
	if err != nil {
		errs[name] = "use a date such as 2026-03-31"
		return nil
	}
	t = t.UTC()
	return &t
}

func (s *Server) brandLocation(c *gin.Context) *time.Location {
	_, loc, _ := s.brand(c)
	return loc
}

type asnListData struct {
	ASNs      []store.ASN
	Suppliers map[int64]string
	PONumbers map[int64]string
}

func (s *Server) pageASNList(c *gin.Context) {
	a := actorOf(c)
	page, err := pageOf(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	f := store.ASNFilter{Status: c.Query("status")}
	if q := strings.TrimSpace(c.Query("q")); q != "" {
		po, err := s.Store.POByNumber(c.Request.Context(), strings.ToUpper(q), scopeOf(a))
		if err != nil {
			f.POID = -1
		} else {
			f.POID = po.ID
		}
	}
	var d asnListData
	var total int64
	if f.POID >= 0 {
		if d.ASNs, total, err = s.Procure.ListASNs(c.Request.Context(), a, f, page); err != nil {
			s.fail(c, err)
			return
		}
	}
	if d.Suppliers, err = s.supplierNames(c); err != nil {
		s.fail(c, err)
		return
	}
	d.PONumbers = map[int64]string{}
	ids := make([]int64, 0, len(d.ASNs))
	for _, n := range d.ASNs {
		ids = append(ids, n.POID)
	}
	var pos []store.PurchaseOrder
	if len(ids) > 0 {
		if err := s.Store.DB(c.Request.Context()).Select("id", "number").Where("id IN ?", ids).Find(&pos).Error; err != nil {
			s.fail(c, err)
			return
		}
	}
	for _, p := range pos {
		d.PONumbers[p.ID] = p.Number
	}
	v := s.newView(c, "Shipments")
	v.Data = d
	v.Pager = newPager(c, page, total)
	s.render(c, http.StatusOK, "asns", v)
}

type asnPageData struct {
	ASN      store.ASN
	PO       store.PurchaseOrder
	Products map[int64]store.Product
	LineNos  map[int64]int
}

func (s *Server) pageASN(c *gin.Context) {
	id, err := idParam(c, "asn_id")
	if err != nil {
		s.fail(c, err)
		return
	}
	a := actorOf(c)
	asn, err := s.Procure.GetASN(c.Request.Context(), a, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	po, err := s.Procure.GetPO(c.Request.Context(), a, asn.POID)
	if err != nil {
		s.fail(c, err)
		return
	}
	prods, err := s.productsOf(c, po)
	if err != nil {
		s.fail(c, err)
		return
	}
	v := s.newView(c, "Ship notice "+asn.Number)
	v.Data = asnPageData{ASN: asn, PO: po, Products: prods}
	s.render(c, http.StatusOK, "asn", v)
}
