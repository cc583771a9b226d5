package jobs

import (
	"context"
	"errors"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/pogate/pogate/internal/procure"
)

// ReorderEvery is the reorder schedule (daily by default, DESIGN.md section 5).
var ReorderEvery = 24 * time.Hour

// WebhooksEvery is how often new outbox events are fanned out and due
// webhook deliveries are sent (retries wait for their own backoff).
var WebhooksEvery = time.Minute

func init() { Register(registerReorderJobs) }

// registerReorderJobs adds the daily reorder run and webhook delivery. Both
// run on River's elected leader, so several replicas run each once per tick.
func registerReorderJobs(r *Registry) error {
	svc := r.Deps.Service
	if svc == nil {
		return errors.New("jobs: Deps.Service is required for the reorder and webhook jobs")
	}
	once := river.InsertOpts{MaxAttempts: 3, UniqueOpts: river.UniqueOpts{ByArgs: true,
		ByState: []rivertype.JobState{rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRetryable, rivertype.JobStateRunning, rivertype.JobStateScheduled}}}
	err := Handle(r, func(ctx context.Context, _ procure.ReorderJob) error {
		// Periodic jobs also fire when a leader starts; the service skips a
		// run when the last scheduled one is recent, so restarts do not reorder twice a day.
		res, ran, err := svc.RunScheduledReorder(ctx, ReorderEvery)
		if err == nil && ran {
			r.Deps.Log.Info("reorder run", "run", res.RunID, "skus", res.SKUsConsidered, "proposals", len(res.Proposals), "drafts", len(res.Orders))
		}
		return err
	}, once)
	if err != nil {
		return err
	}
	deliverer := &procure.Deliverer{Store: svc.Store, Feed: procure.OutboxFeed{Store: svc.Store}}
	err = Handle(r, func(ctx context.Context, _ procure.DeliverWebhooksJob) error {
		if _, err := deliverer.FanOut(ctx); err != nil {
			return err
		}
		rep, err := deliverer.DeliverDue(ctx)
		if err == nil && rep != (procure.DeliveryReport{}) {
			r.Deps.Log.Info("webhooks delivered", "delivered", rep.Delivered, "retrying", rep.Retrying, "failed", rep.Failed)
		}
		return err
	}, once)
	if err != nil {
		return err
	}
	r.Periodic("reorder.run", river.PeriodicInterval(ReorderEvery), func() procure.Job { return procure.ReorderJob{} })
	r.Periodic("webhooks.deliver", river.PeriodicInterval(WebhooksEvery), func() procure.Job { return procure.DeliverWebhooksJob{} })
	return nil
}
