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
		g.POST("/pos/:po_id/submit", s.requireRole(store.RoleBuyer), s.postSubmitPO)
		g.POST("/pos/:po_id/approve", s.requireRole(store.RoleApprover), s.postApprovePO)
		g.POST("/pos/:po_id/reject", s.requireRole(store.RoleApprover), s.postRejectPO)
		g.GET("/approvals", s.requireRole(store.RoleApprover), s.pageApprovals)
	})
	addNav(10, "/approvals", "Approvals", staff(store.RoleApprover))
	poActionHooks = append(poActionHooks, func(s *Server, c *gin.Context, a store.Actor, po store.PurchaseOrder) []poAction {
		base := "/pos/" + strconv.FormatInt(po.ID, 10)
		if a.IsSupplier() {
			return nil
		}
		var out []poAction
		if po.Status == store.POStatusDraft && a.HasRole(store.RoleBuyer) {
			out = append(out, poAction{Href: base + "/submit", Label: "Submit for approval", Class: "primary", Post: true})
		}
		if po.Status == store.POStatusPendingApproval && a.HasRole(store.RoleApprover) {
			out = append(out, poAction{Href: base + "/approve", Label: "Approve and send", Class: "primary", Post: true},
				poAction{Href: base + "/reject", Label: "Send back to the buyer", Post: true, Reason: true})
		}
		return out
	})
	poSectionHooks = append(poSectionHooks, func(s *Server, c *gin.Context, a store.Actor, po store.PurchaseOrder) (poSection, bool) {
		if a.IsSupplier() {
			return poSection{}, false
		}
		ds, wf, err := s.Procure.Dispatches(c.Request.Context(), a, po.ID)
		if err != nil || (len(ds) == 0 && wf.RejectedReason == "" && wf.LastDispatchError == "") {
			return poSection{}, false
		}
		sec := poSection{Title: "Approval and sending", Empty: "Not sent yet."}
		if wf.RejectedReason != "" && po.Status == store.POStatusDraft {
			sec.Rows = append(sec.Rows, dashRow{Label: "Sent back by the approver", Detail: wf.RejectedReason, Status: "rejected"})
		}
		if po.ApprovalRule != "" {
			sec.Rows = append(sec.Rows, dashRow{Label: "Approval rule", Detail: po.ApprovalRule})
		}
		for _, d := range ds {
			detail := d.Channel
			if d.Reference != "" {
				detail += " · " + d.Reference
			}
			if d.Error != "" {
				detail += " · " + d.Error
			}
			sec.Rows = append(sec.Rows, dashRow{Label: "Send attempt " + strconv.Itoa(d.Attempt), Detail: detail, Status: d.Outcome})
		}
		return sec, true
	})
}

func (s *Server) postSubmitPO(c *gin.Context) {
	id, err := idParam(c, "po_id")
	if err != nil {
		s.fail(c, err)
		return
	}
	po, dec, err := s.Procure.Submit(c.Request.Context(), actorOf(c), id)
	if err != nil {
		s.poActionFailed(c, id, err)
		return
	}
	if dec.Auto {
		s.flash(c, "ok", po.Number+" is approved by rule ("+dec.Reason+") and is being sent to the supplier.")
	} else {
		s.flash(c, "ok", po.Number+" waits for an approver: "+dec.Reason+".")
	}
	redirect(c, "/pos/"+strconv.FormatInt(po.ID, 10))
}

func (s *Server) postApprovePO(c *gin.Context) {
	id, err := idParam(c, "po_id")
	if err != nil {
		s.fail(c, err)
		return
	}
	po, err := s.Procure.Approve(c.Request.Context(), actorOf(c), id, c.PostForm("reason"))
	if err != nil {
		s.poActionFailed(c, id, err)
		return
	}
	s.flash(c, "ok", po.Number+" is approved and is being sent to the supplier.")
	redirect(c, s.backTo(c, "/pos/"+strconv.FormatInt(po.ID, 10)))
}

func (s *Server) postRejectPO(c *gin.Context) {
	id, err := idParam(c, "po_id")
	if err != nil {
		s.fail(c, err)
		return
	}
	po, err := s.Procure.Reject(c.Request.Context(), actorOf(c), id, c.PostForm("reason"))
	if err != nil {
		s.poActionFailed(c, id, err)
		return
	}
	s.flash(c, "ok", po.Number+" went back to its buyer as a draft.")
	redirect(c, s.backTo(c, "/pos/"+strconv.FormatInt(po.ID, 10)))
}

// backTo honours a same-site "back" form field (the approvals queue).
func (s *Server) backTo(c *gin.Context, def string) string {
	if b := c.PostForm("back"); b != "" {
		return safeNext(b)
	}
	return def
}

// poActionFailed re-shows the PO page with the error of a form action, or
// answers an error page for not-found and forbidden.
func (s *Server) poActionFailed(c *gin.Context, id int64, err error) {
	if errs, status, ok := errorsOf(err); ok {
		s.showPO(c, id, status, errs)
		return
	}
	s.fail(c, err)
}

type approvalsData struct {
	POs       []store.PurchaseOrder
	Suppliers map[int64]string
}

// pageApprovals is the approver's queue: oldest first, with approve and
// send-back on each row.
func (s *Server) pageApprovals(c *gin.Context) {
	page, err := pageOf(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	pos, total, err := s.Procure.ListPOs(c.Request.Context(), actorOf(c), store.POFilter{Statuses: []string{store.POStatusPendingApproval}, Search: c.Query("q"), Sort: "oldest"}, page)
	if err != nil {
		s.fail(c, err)
		return
	}
	d := approvalsData{POs: pos}
	if d.Suppliers, err = s.supplierNames(c); err != nil {
		s.fail(c, err)
		return
	}
	v := s.newView(c, "Approvals")
	v.Data = d
	v.Pager = newPager(c, page, total)
	s.render(c, http.StatusOK, "approvals", v)
}
