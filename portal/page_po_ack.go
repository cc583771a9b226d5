package portal

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/pogate/pogate/internal/auth"
	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
	"github.com/pogate/pogate/matching"
)

func init() {
	addRoutes(func(s *Server, _, web *gin.RouterGroup) {
		g := s.signedIn(web)
		acker := s.requireRole(store.RoleSupplier, store.RoleBuyer)
		g.GET("/pos/:po_id/acknowledge", acker, s.pageAckForm)
		g.POST("/pos/:po_id/acknowledge", acker, s.postAck)
		g.POST("/pos/:po_id/changes/:change_id/accept", s.requireRole(store.RoleBuyer), s.postResolveChange(true))
		g.POST("/pos/:po_id/changes/:change_id/counter", s.requireRole(store.RoleBuyer), s.postResolveChange(false))
		g.GET("/changes", s.requireRole(store.RoleBuyer), s.pageChanges)
	})
	addNav(25, "/changes", "Supplier changes", staff(store.RoleBuyer))
	poActionHooks = append(poActionHooks, func(s *Server, c *gin.Context, a store.Actor, po store.PurchaseOrder) []poAction {
		if ackable(po) && a.IsSupplier() {
			return []poAction{{Href: "/pos/" + strconv.FormatInt(po.ID, 10) + "/acknowledge", Label: "Acknowledge", Class: "primary"}}
		}
		return nil
	})
}

// ackable: a supplier answers a sent PO, and again after a buyer's counter.
func ackable(po store.PurchaseOrder) bool {
	return po.Status == store.POStatusSent || po.Status == store.POStatusAcknowledged
}

var ackOutcomeLabels = []struct{ Value, Label string }{
	{store.AckAccepted, "Accept"}, {store.AckQuantityChanged, "Change quantity"}, {store.AckDateChanged, "Change date"},
	{store.AckPriceChanged, "Change price"}, {store.AckBackordered, "Backorder"}, {store.AckRejected, "Reject"},
}

type ackFormData struct {
	PO       store.PurchaseOrder
	Products map[int64]store.Product
	Outcomes []struct{ Value, Label string }
	Changes  []store.POLineChange
	Ref      string
}

func (s *Server) pageAckForm(c *gin.Context) { s.showAckForm(c, http.StatusOK, nil) }

func (s *Server) showAckForm(c *gin.Context, status int, errs map[string]string) {
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
	prods, err := s.productsOf(c, po)
	if err != nil {
		s.fail(c, err)
		return
	}
	changes, err := s.Procure.Changes(c.Request.Context(), a, po.ID, "")
	if err != nil {
		s.fail(c, err)
		return
	}
	v := s.newView(c, "Acknowledge "+po.Number)
	d := ackFormData{PO: po, Products: prods, Outcomes: ackOutcomeLabels, Changes: changes, Ref: "portal:" + auth.RandomToken(12)}
	v.Errors = errs
	if errs != nil {
		_ = c.Request.ParseForm()
		v.Form = c.Request.PostForm
		d.Ref = c.PostForm("ref")
	}
	v.Data = d
	s.render(c, status, "ack_form", v)
}

// postAck turns the form into an acknowledgement: "accept all" sends no
// lines; otherwise every line not accepted carries its change and reason.
// The hidden reference makes a double submit harmless.
func (s *Server) postAck(c *gin.Context) {
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
	ack := procure.Ack{POID: po.ID, Reference: strings.TrimSpace(c.PostForm("ref")), Note: strings.TrimSpace(c.PostForm("note"))}
	errs := map[string]string{}
	if c.PostForm("all") == "" {
		loc := s.brandLocation(c)
		for _, l := range po.Lines {
			p := "line_" + strconv.Itoa(l.LineNo) + "_"
			out := c.PostForm(p + "outcome")
			if out == "" {
				out = store.AckAccepted
			}
			al := procure.AckLine{LineNo: l.LineNo, Outcome: out, Note: strings.TrimSpace(c.PostForm(p + "note"))}
			switch out {
			case store.AckQuantityChanged:
				q, err := strconv.ParseInt(strings.TrimSpace(c.PostForm(p+"qty")), 10, 64)
				if err != nil || q < 0 {
					errs[p+"qty"] = "enter the quantity you can deliver"
				}
				al.Quantity = q
			case store.AckPriceChanged:
				if _, err := matching.ParseUnitPrice(strings.TrimSpace(c.PostForm(p + "price"))); err != nil {
					errs[p+"price"] = "enter a price such as 12.50"
				}
				al.UnitPrice = strings.TrimSpace(c.PostForm(p + "price"))
			case store.AckDateChanged, store.AckBackordered:
				al.Date = formDate(c, p+"date", loc, errs)
				if al.Date == nil && out == store.AckDateChanged && errs[p+"date"] == "" {
					errs[p+"date"] = "enter the date you can deliver"
				}
			}
			if out != store.AckAccepted && al.Note == "" {
				errs[p+"note"] = "say why, so the buyer can decide"
			}
			ack.Lines = append(ack.Lines, al)
		}
	}
	if len(errs) > 0 {
		s.showAckForm(c, http.StatusBadRequest, errs)
		return
	}
	res, err := s.Procure.Acknowledge(c.Request.Context(), a, ack)
	if err != nil {
		if fe, status, ok := errorsOf(err); ok {
			s.showAckForm(c, status, fe)
			return
		}
		s.fail(c, err)
		return
	}
	msg := po.Number + " is acknowledged."
	if n := len(res.Changes); n > 0 {
		msg += " " + strconv.Itoa(n) + " change(s) wait for the buyer."
	}
	s.flash(c, "ok", msg)
	redirect(c, "/pos/"+strconv.FormatInt(po.ID, 10))
}

// postResolveChange is the buyer's accept or counter of one change.
func (s *Server) postResolveChange(accept bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		id, err := idParam(c, "po_id")
		if err != nil {
			s.fail(c, err)
			return
		}
		changeID, err := idParam(c, "change_id")
		if err != nil {
			s.fail(c, err)
			return
		}
		r := procure.ChangeResolution{Accept: accept, Note: c.PostForm("note")}
		errs := map[string]string{}
		if !accept {
			if v := strings.TrimSpace(c.PostForm("qty")); v != "" {
				if r.Quantity, err = strconv.ParseInt(v, 10, 64); err != nil {
					errs["qty"] = "enter a whole number"
				}
			}
			r.UnitPrice = strings.TrimSpace(c.PostForm("price"))
			r.Date = formDate(c, "date", s.brandLocation(c), errs)
		}
		if len(errs) > 0 {
			s.showPO(c, id, http.StatusBadRequest, errs)
			return
		}
		po, ch, err := s.Procure.ResolveChange(c.Request.Context(), actorOf(c), id, changeID, r)
		if err != nil {
			s.poActionFailed(c, id, err)
			return
		}
		verb := "accepted"
		if !accept {
			verb = "countered; the supplier will see your values"
		}
		s.flash(c, "ok", "Line "+strconv.Itoa(ch.LineNo)+" change "+verb+".")
		redirect(c, s.backTo(c, "/pos/"+strconv.FormatInt(po.ID, 10)))
	}
}

type changeRow struct {
	store.POLineChange
	PONumber string
	Supplier string
	Currency string
}

type changesData struct{ Changes []changeRow }

// pageChanges lists every supplier change waiting for a buyer, oldest first.
func (s *Server) pageChanges(c *gin.Context) {
	page, err := pageOf(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	q := s.Store.DB(c.Request.Context()).Table("po_line_changes AS ch").
		Select("ch.*, po.number AS po_number, po.currency AS currency, sp.code AS supplier").
		Joins("JOIN purchase_orders po ON po.id = ch.po_id").Joins("JOIN suppliers sp ON sp.id = ch.supplier_id").
		Where("ch.status = ?", store.ChangePending)
	if t := strings.TrimSpace(c.Query("q")); t != "" {
		q = q.Where("UPPER(po.number) LIKE ? ESCAPE '\\'", strings.ToUpper(likeEscape(t))+"%")
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		s.fail(c, err)
		return
	}
	var rows []changeRow
	if err := q.Order("ch.id").Limit(page.Limit()).Offset(offsetOf(page)).Scan(&rows).Error; err != nil {
		s.fail(c, err)
		return
	}
	v := s.newView(c, "Supplier changes")
	v.Data = changesData{Changes: rows}
	v.Pager = newPager(c, page, total)
	s.render(c, http.StatusOK, "changes", v)
}
