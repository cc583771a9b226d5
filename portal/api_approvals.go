package portal

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/pogate/pogate/internal/store"
)

func init() {
	addRoutes(func(s *Server, api, _ *gin.RouterGroup) {
		api.POST("/purchase-orders/:po_id/submit", s.requireRole(store.RoleBuyer), s.apiSubmitPO)
		api.POST("/purchase-orders/:po_id/approve", s.requireRole(store.RoleApprover), s.apiApprovePO)
		api.POST("/purchase-orders/:po_id/reject", s.requireRole(store.RoleApprover), s.apiRejectPO)
		api.GET("/purchase-orders/:po_id/dispatches", s.apiPODispatches)
	})
}

type approvalDecisionJSON struct {
	Auto      bool   `json:"auto"`
	Rule      string `json:"rule"`
	Threshold string `json:"threshold,omitempty"`
	Reason    string `json:"reason"`
}

type submitResultJSON struct {
	PurchaseOrder poJSON               `json:"purchase_order"`
	Decision      approvalDecisionJSON `json:"decision"`
}

func (s *Server) apiSubmitPO(c *gin.Context) {
	id, err := idParam(c, "po_id")
	if err != nil {
		s.fail(c, err)
		return
	}
	po, dec, err := s.Procure.Submit(c.Request.Context(), actorOf(c), id)
	if err != nil {
		s.fail(c, err)
		return
	}
	out := submitResultJSON{PurchaseOrder: poView(po), Decision: approvalDecisionJSON{Auto: dec.Auto, Rule: dec.Rule, Reason: dec.Reason}}
	if dec.Rule != "currency_differs" {
		out.Decision.Threshold = money(dec.ThresholdMinor, po.Currency)
	}
	c.JSON(http.StatusOK, out)
}

func (s *Server) apiApprovePO(c *gin.Context) {
	id, err := idParam(c, "po_id")
	if err != nil {
		s.fail(c, err)
		return
	}
	var in struct {
		Note string `json:"note"`
	}
	if err := decodeJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	po, err := s.Procure.Approve(c.Request.Context(), actorOf(c), id, in.Note)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, poView(po))
}

func (s *Server) apiRejectPO(c *gin.Context) {
	id, err := idParam(c, "po_id")
	if err != nil {
		s.fail(c, err)
		return
	}
	var in struct {
		Reason string `json:"reason"`
	}
	if err := decodeJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	po, err := s.Procure.Reject(c.Request.Context(), actorOf(c), id, in.Reason)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, poView(po))
}

type dispatchAttemptJSON struct {
	Attempt    int        `json:"attempt"`
	Channel    string     `json:"channel"`
	Outcome    string     `json:"outcome"`
	Reference  string     `json:"reference,omitempty"`
	Error      string     `json:"error,omitempty"`
	StartedAt  time.Time  `json:"started_at"`
	FinishedAt *time.Time `json:"finished_at,omitempty"`
}

type dispatchStateJSON struct {
	Channel           string                `json:"channel,omitempty"`
	Attempts          int                   `json:"attempts"`
	LastDispatchError string                `json:"last_dispatch_error,omitempty"`
	InProgressUntil   *time.Time            `json:"in_progress_until,omitempty"`
	History           []dispatchAttemptJSON `json:"history"`
}

// apiPODispatches shows how sending a PO went: every attempt and the last error.
func (s *Server) apiPODispatches(c *gin.Context) {
	id, err := idParam(c, "po_id")
	if err != nil {
		s.fail(c, err)
		return
	}
	ds, wf, err := s.Procure.Dispatches(c.Request.Context(), actorOf(c), id)
	if err != nil {
		s.fail(c, err)
		return
	}
	out := dispatchStateJSON{Channel: wf.DispatchChannel, Attempts: wf.DispatchAttempts, LastDispatchError: wf.LastDispatchError,
		InProgressUntil: wf.DispatchClaimedUntil, History: make([]dispatchAttemptJSON, 0, len(ds))}
	for _, d := range ds {
		out.History = append(out.History, dispatchAttemptJSON{Attempt: d.Attempt, Channel: d.Channel, Outcome: d.Outcome,
			Reference: d.Reference, Error: d.Error, StartedAt: d.StartedAt, FinishedAt: d.FinishedAt})
	}
	c.JSON(http.StatusOK, out)
}
