package portal

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"
	"github.com/pogate/pogate/internal/store"
)

func init() {
	addRoutes(func(s *Server, _, web *gin.RouterGroup) {
		g := s.signedIn(web)
		g.GET("/pos/:po_id", s.pagePO)
		g.POST("/pos/:po_id/cancel", s.requireRole(store.RoleBuyer), s.postCancelPO)
	})
}

type poPageData struct {
	PO       store.PurchaseOrder
	Supplier store.Supplier
	Products map[int64]store.Product
	Timeline []timelineEntry
	// Actions are the buttons this actor may press on this PO now; feature
	// page files add theirs through poActions.
	Actions []poAction
	// Sections are extra blocks (acknowledgement, shipments, invoices) added
	// by feature page files.
	Sections  []poSection
	CanCancel bool
	// Changes are the supplier's line changes; CanResolve lets a buyer
	// accept or counter the pending ones.
	Changes    []store.POLineChange
	CanResolve bool
}

// poAction is a button on the PO page: a link to a form page, or a POST.
type poAction struct {
	Href, Label, Class string
	// Post makes it a form button that posts to Href.
	Post bool
	// Reason asks for a reason text field with the button.
	Reason bool
}

// poSection is a titled block of rows on the PO page.
type poSection struct {
	Title string
	Rows  []dashRow
	Empty string
}

type timelineEntry struct {
	At      any
	Action  string
	Who     string
	Channel string
}

// poActionHooks let feature page files offer actions on a PO.
var poActionHooks []func(s *Server, c *gin.Context, a store.Actor, po store.PurchaseOrder) []poAction

// poSectionHooks let feature page files add blocks to the PO page.
var poSectionHooks []func(s *Server, c *gin.Context, a store.Actor, po store.PurchaseOrder) (poSection, bool)

// pagePO shows one PO. A supplier asking for another supplier's PO gets the
// same not-found page as for a PO that does not exist.
func (s *Server) pagePO(c *gin.Context) {
	id, err := idParam(c, "po_id")
	if err != nil {
		s.fail(c, err)
		return
	}
	s.showPO(c, id, http.StatusOK, nil)
}

// showPO renders the PO page; after a failed form post it is re-shown with
// the field errors and what the user typed.
func (s *Server) showPO(c *gin.Context, id int64, status int, errs map[string]string) {
	a := actorOf(c)
	po, err := s.Procure.GetPO(c.Request.Context(), a, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	d := poPageData{PO: po, Products: map[int64]store.Product{}}
	if d.Supplier, err = s.Store.Supplier(c.Request.Context(), po.SupplierID); err != nil {
		s.fail(c, err)
		return
	}
	ids := make([]int64, 0, len(po.Lines))
	for _, l := range po.Lines {
		ids = append(ids, l.ProductID)
	}
	var prods []store.Product
	if err := s.Store.DB(c.Request.Context()).Where("id IN ?", ids).Find(&prods).Error; err != nil {
		s.fail(c, err)
		return
	}
	for _, p := range prods {
		d.Products[p.ID] = p
	}
	evs, err := s.timelineEvents(c, a, po)
	if err != nil {
		s.fail(c, err)
		return
	}
	for _, e := range evs {
		te := timelineEntry{At: e.At, Action: actionLabel(e.Action), Channel: e.Channel}
		if !a.IsSupplier() || e.ActorKind == string(store.ActorPartner) || (e.ActorID != nil && *e.ActorID == a.ID) {
			te.Who = e.ActorLabel
		}
		d.Timeline = append(d.Timeline, te)
	}
	if d.Changes, err = s.Procure.Changes(c.Request.Context(), a, po.ID, ""); err != nil {
		s.fail(c, err)
		return
	}
	d.CanResolve = !a.IsSupplier() && a.HasRole(store.RoleBuyer)
	d.CanCancel = a.HasRole(store.RoleBuyer) && !a.IsSupplier() && store.CanTransition(po.Status, store.POStatusCancelled)
	for _, h := range poActionHooks {
		d.Actions = append(d.Actions, h(s, c, a, po)...)
	}
	for _, h := range poSectionHooks {
		if sec, ok := h(s, c, a, po); ok {
			d.Sections = append(d.Sections, sec)
		}
	}
	v := s.newView(c, "Purchase order "+po.Number)
	v.Data = d
	v.Errors = errs
	if errs != nil {
		_ = c.Request.ParseForm()
		v.Form = c.Request.PostForm
	}
	s.render(c, status, "po", v)
}

func (s *Server) postCancelPO(c *gin.Context) {
	id, err := idParam(c, "po_id")
	if err != nil {
		s.fail(c, err)
		return
	}
	po, err := s.Procure.Cancel(c.Request.Context(), actorOf(c), id, c.PostForm("reason"))
	if err != nil {
		if errs, status, ok := errorsOf(err); ok {
			s.showPO(c, id, status, errs)
			return
		}
		s.fail(c, err)
		return
	}
	s.flash(c, "ok", "Purchase order "+po.Number+" is cancelled.")
	redirect(c, "/pos/"+strconv.FormatInt(po.ID, 10))
}

// poRelated lets feature page files add the records that belong to a PO
// (ship notices, receipts, invoices) to its timeline: each returns an
// audit entity name and the ids of this PO's records of it.
var poRelated []func(s *Server, c *gin.Context, a store.Actor, po store.PurchaseOrder) (entity string, ids []int64)

// timelineEvents is the audit trail of a PO and of its related records,
// oldest first, limited to the supplier's own events for supplier users.
func (s *Server) timelineEvents(c *gin.Context, a store.Actor, po store.PurchaseOrder) ([]store.AuditEvent, error) {
	q := s.Store.DB(c.Request.Context()).Model(&store.AuditEvent{})
	cond := s.Store.DB(c.Request.Context()).Where("entity = ? AND entity_id = ?", "purchase_order", po.ID)
	for _, rel := range poRelated {
		if entity, ids := rel(s, c, a, po); len(ids) > 0 {
			cond = cond.Or("entity = ? AND entity_id IN ?", entity, ids)
		}
	}
	q = q.Where(cond)
	if sc := scopeOf(a); sc != 0 {
		q = q.Where("supplier_id = ?", sc)
	}
	var evs []store.AuditEvent
	err := q.Order("at, id").Limit(500).Find(&evs).Error
	return evs, err
}

// actionLabels turn audit actions into words; unknown ones show as they are.
var actionLabels = map[string]string{
	"po.created": "Order created", "po.updated": "Draft changed", "po.cancelled": "Order cancelled",
	"po.submitted": "Submitted for approval", "po.approved": "Approved", "po.rejected": "Sent back by approver",
	"po.sent": "Sent to the supplier", "po.dispatched": "Sent to the supplier", "po.acknowledged": "Acknowledged by the supplier",
	"po.chased": "Reminder sent", "asn.submitted": "Ship notice received", "receipt.created": "Goods received",
	"po.status": "Status changed",
}

func actionLabel(a string) string {
	if l, ok := actionLabels[a]; ok {
		return l
	}
	return a
}
