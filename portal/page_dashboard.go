package portal

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/pogate/pogate/internal/store"
	"gorm.io/gorm"
)

func init() {
	addRoutes(func(s *Server, _, web *gin.RouterGroup) {
		s.signedIn(web).GET("/", s.pageDashboard)
	})
}

// dashboardData holds the short lists of a dashboard. Each list is capped
// and links to the full, filterable list.
type dashboardData struct {
	ToAcknowledge []store.PurchaseOrder
	LateAcks      []store.PurchaseOrder
	Approvals     []store.PurchaseOrder
	Arriving      []store.PurchaseOrder
	Recent        []store.PurchaseOrder
	Suppliers     map[int64]string
	Now           time.Time
	Panels        []dashPanel
}

// dashPanel is a dashboard box added by another page file (invoices,
// exceptions) once its feature exists.
type dashPanel struct {
	Title, Empty, MoreHref, MoreLabel string
	Rows                              []dashRow
}

type dashRow struct {
	Href, Label, Detail, Status string
}

// dashPanels are contributed by feature page files; each decides per actor.
var dashPanels []func(s *Server, c *gin.Context, a store.Actor) (dashPanel, bool)

const dashLimit = 8

func (s *Server) pageDashboard(c *gin.Context) {
	a := actorOf(c)
	now := s.Store.Now()
	sc := scopeOf(a)
	base := func() *gorm.DB {
		q := s.Store.DB(c.Request.Context()).Model(&store.PurchaseOrder{})
		if sc != 0 {
			q = q.Where("supplier_id = ?", sc)
		}
		return q
	}
	d := dashboardData{Now: now}
	find := func(dst *[]store.PurchaseOrder, q *gorm.DB, order string) error {
		return q.Order(order).Limit(dashLimit).Find(dst).Error
	}
	var err error
	if a.IsSupplier() {
		err = firstErr(
			find(&d.ToAcknowledge, base().Where("status = ?", store.POStatusSent), "ack_due_at ASC, id ASC"),
			find(&d.Recent, base(), "id DESC"),
		)
	} else {
		err = firstErr(
			find(&d.LateAcks, base().Where("status = ? AND ack_due_at < ?", store.POStatusSent, now), "ack_due_at ASC"),
			find(&d.Approvals, base().Where("status = ?", store.POStatusPendingApproval), "id ASC"),
			find(&d.Arriving, base().Where("status IN ? AND expected_at >= ? AND expected_at < ?", store.OpenPOStatuses, now.Add(-24*time.Hour), now.Add(7*24*time.Hour)), "expected_at ASC"),
			find(&d.Recent, base(), "id DESC"),
		)
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	if d.Suppliers, err = s.supplierNames(c); err != nil {
		s.fail(c, err)
		return
	}
	for _, p := range dashPanels {
		if panel, ok := p(s, c, a); ok {
			d.Panels = append(d.Panels, panel)
		}
	}
	v := s.newView(c, "Dashboard")
	v.Data = d
	s.render(c, http.StatusOK, "dashboard", v)
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// scopeOf is the supplier a page must be limited to: the actor's own for
// supplier users (-1, matching nothing, if one has none), 0 for staff.
func scopeOf(a store.Actor) int64 {
	if a.IsSupplier() {
		if a.SupplierID == 0 {
			return -1
		}
		return a.SupplierID
	}
	return 0
}

// supplierNames maps ids to codes for list columns (a handful of rows).
func (s *Server) supplierNames(c *gin.Context) (map[int64]string, error) {
	a := actorOf(c)
	names := map[int64]string{}
	if a.IsSupplier() {
		if sp, ok := s.actorSupplier(c); ok {
			names[sp.ID] = sp.Name
		}
		return names, nil
	}
	var rows []store.Supplier
	if err := s.Store.DB(c.Request.Context()).Select("id", "code", "name").Find(&rows).Error; err != nil {
		return nil, err
	}
	for _, r := range rows {
		names[r.ID] = r.Code
	}
	return names, nil
}
