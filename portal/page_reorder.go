package portal

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"
	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
)

func init() {
	addRoutes(func(s *Server, _, web *gin.RouterGroup) {
		g := s.signedIn(web)
		g.GET("/reorder", s.requireRole(store.RoleBuyer, store.RoleApprover), s.pageReorder)
		g.POST("/reorder/run", s.requireRole(store.RoleBuyer), s.postReorderRun)
	})
	addNav(15, "/reorder", "Reorder", staff(store.RoleBuyer, store.RoleApprover))
}

type reorderData struct {
	Run       store.ReorderRun
	Proposals []procure.ReorderProposal
	HasRun    bool
}

// pageReorder shows the proposals of the latest run (or ?run=) with the
// reason for each, and the buttons to preview again or create drafts.
func (s *Server) pageReorder(c *gin.Context) {
	page, err := pageOf(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	var runID int64
	if v := c.Query("run"); v != "" {
		if runID, err = strconv.ParseInt(v, 10, 64); err != nil || runID <= 0 {
			s.fail(c, fieldErr("run", "must be a run number"))
			return
		}
	}
	run, props, total, err := s.Procure.ReorderProposals(c.Request.Context(), actorOf(c), runID, page)
	if err != nil {
		s.fail(c, err)
		return
	}
	v := s.newView(c, "Reorder proposals")
	v.Data = reorderData{Run: run, Proposals: props, HasRun: run.ID > 0}
	v.Pager = newPager(c, page, total)
	s.render(c, http.StatusOK, "reorder", v)
}

// postReorderRun runs the engine: "preview" records proposals only;
// "create" also creates one draft PO per supplier.
func (s *Server) postReorderRun(c *gin.Context) {
	dry := c.PostForm("mode") != "create"
	res, err := s.Procure.RunReorder(c.Request.Context(), actorOf(c), procure.ReorderOptions{DryRun: dry})
	if err != nil {
		s.fail(c, err)
		return
	}
	switch {
	case dry:
		s.flash(c, "ok", strconv.Itoa(len(res.Proposals))+" proposals from "+strconv.Itoa(res.SKUsConsidered)+" SKUs. Nothing was ordered; review them and create drafts.")
	case len(res.Orders) == 0:
		s.flash(c, "warn", "Nothing needs ordering now; no drafts were created.")
	default:
		s.flash(c, "ok", strconv.Itoa(len(res.Orders))+" draft purchase orders created from "+strconv.Itoa(len(res.Proposals))+" proposals. Review and submit them for approval.")
	}
	redirect(c, "/reorder?run="+strconv.FormatInt(res.RunID, 10))
}
