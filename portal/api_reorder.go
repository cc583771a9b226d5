package portal

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"
	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
)

func init() {
	addRoutes(func(s *Server, api, _ *gin.RouterGroup) {
		api.POST("/reorder/run", s.requireRole(store.RoleBuyer), s.apiRunReorder)
		api.GET("/reorder/proposals", s.requireRole(store.RoleBuyer, store.RoleApprover), s.apiReorderProposals)
	})
}

// apiRunReorder runs the reorder engine now; ?dry_run=true creates no PO.
func (s *Server) apiRunReorder(c *gin.Context) {
	res, err := s.Procure.RunReorder(c.Request.Context(), actorOf(c), procure.ReorderOptions{DryRun: c.Query("dry_run") == "true"})
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, res)
}

// reorderProposalsJSON is a page of proposals with the run they belong to.
type reorderProposalsJSON struct {
	Run     *reorderRunJSON           `json:"run"`
	Items   []procure.ReorderProposal `json:"items"`
	Total   int64                     `json:"total"`
	Page    int                       `json:"page"`
	PerPage int                       `json:"per_page"`
}

type reorderRunJSON struct {
	ID             int64  `json:"id"`
	StartedAt      string `json:"started_at"`
	DryRun         bool   `json:"dry_run"`
	By             string `json:"by"`
	SKUsConsidered int64  `json:"skus_considered"`
	Proposals      int64  `json:"proposals"`
	OrdersCreated  int64  `json:"orders_created"`
}

// apiReorderProposals lists the proposals of the latest run (or ?run_id=).
func (s *Server) apiReorderProposals(c *gin.Context) {
	page, err := pageOf(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	var runID int64
	if v := c.Query("run_id"); v != "" {
		if runID, err = strconv.ParseInt(v, 10, 64); err != nil || runID <= 0 {
			s.fail(c, fieldErr("run_id", "must be a positive number"))
			return
		}
	}
	run, items, total, err := s.Procure.ReorderProposals(c.Request.Context(), actorOf(c), runID, page)
	if err != nil {
		s.fail(c, err)
		return
	}
	l := newList(items, total, page)
	out := reorderProposalsJSON{Items: l.Items, Total: l.Total, Page: l.Page, PerPage: l.PerPage}
	if run.ID != 0 {
		out.Run = &reorderRunJSON{ID: run.ID, StartedAt: run.StartedAt.UTC().Format("2006-01-02T15:04:05Z"), DryRun: run.DryRun, By: run.ActorLabel,
			SKUsConsidered: run.SKUsConsidered, Proposals: run.Proposals, OrdersCreated: run.OrdersCreated}
	}
	c.JSON(http.StatusOK, out)
}
