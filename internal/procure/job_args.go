package procure

import (
	"context"

	"github.com/pogate/pogate/internal/fault"
	"github.com/pogate/pogate/internal/store"
)

// Job kinds that procure enqueues; internal/jobs registers their workers.
// They are plain values (ids, not records) so a job always works from the
// current database state, however long it waited.

// SendPOJob sends an approved PO to its supplier by the supplier's channel.
type SendPOJob struct {
	POID int64 `json:"po_id"`
}

func (SendPOJob) Kind() string { return "po.send" }

// ChaseAcksJob looks for sent POs past their acknowledgement SLA (plus the
// grace hour) and chases or escalates them. It runs on a schedule, once per
// cluster.
type ChaseAcksJob struct{}

func (ChaseAcksJob) Kind() string { return "po.chase_acks" }

// ChaseMailJob e-mails one chase of one PO to one party.
type ChaseMailJob struct {
	POID int64 `json:"po_id"`
	// Level 1 is the reminder at due + 1 h; 2 is the escalation.
	Level int `json:"level"`
	// To is "supplier" or "buyer".
	To string `json:"to"`
}

func (ChaseMailJob) Kind() string { return "po.chase_mail" }

// ApprovalMailJob tells the approvers that a PO waits for them.
type ApprovalMailJob struct {
	POID int64 `json:"po_id"`
}

func (ApprovalMailJob) Kind() string { return "po.approval_mail" }

// CounterMailJob tells the supplier that the buyer countered one of its
// line changes.
type CounterMailJob struct {
	ChangeID int64 `json:"change_id"`
}

func (CounterMailJob) Kind() string { return "po.counter_mail" }

// enqueue inserts job in tx through the configured queue. Without a queue
// the change is refused: an approval whose send job is lost would leave the
// PO approved and never sent.
func (s *Service) enqueue(ctx context.Context, tx *store.Tx, job Job) error {
	if s.Queue == nil {
		return fault.New(fault.Unavailable, "background jobs are not configured in this process; %s cannot be queued", job.Kind())
	}
	return s.Queue.EnqueueTx(ctx, tx, job)
}

// Publish appends a domain event (po.approved, po.acknowledged, ...) in the
// caller's transaction; webhook delivery reads it from the outbox_events table.
func (s *Service) Publish(tx *store.Tx, topic, entity string, entityID, supplierID int64, payload any) error {
	return tx.PublishEvent(topic, entity, entityID, supplierID, payload)
}
