package jobs

import (
	"context"
	"errors"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/pogate/pogate/internal/procure"
)

// ChaseEvery is how often the leader looks for overdue acknowledgements.
var ChaseEvery = 15 * time.Minute

func init() { Register(registerPOJobs) }

// registerPOJobs adds the purchase-order workers: send, chase, chase mail,
// approval mail, counter mail.
func registerPOJobs(r *Registry) error {
	d := r.Deps.Dispatch
	if d == nil {
		return errors.New("jobs: Deps.Dispatch is required for the purchase-order jobs")
	}
	// One pending send per PO: a second approval path or a replayed request
	// cannot queue a second copy while the first waits.
	sendOpts := river.InsertOpts{MaxAttempts: 12, UniqueOpts: river.UniqueOpts{ByArgs: true,
		ByState: []rivertype.JobState{rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRetryable, rivertype.JobStateRunning, rivertype.JobStateScheduled}}}
	err := Handle(r, func(ctx context.Context, job procure.SendPOJob) error {
		err := d.Send(ctx, job.POID)
		if errors.Is(err, procure.ErrDispatchInProgress) {
			// Another worker holds the lease; look again after it expires.
			return river.JobSnooze(time.Minute)
		}
		return err
	}, sendOpts)
	if err != nil {
		return err
	}
	if err := Handle(r, func(ctx context.Context, _ procure.ChaseAcksJob) error {
		res, err := d.Chase(ctx)
		if err == nil && (len(res.Chased) > 0 || len(res.Escalated) > 0) {
			r.Deps.Log.Info("acknowledgements chased", "chased", res.Chased, "escalated", res.Escalated)
		}
		return err
	}, river.InsertOpts{MaxAttempts: 3}); err != nil {
		return err
	}
	if err := Handle(r, d.SendChaseMail, river.InsertOpts{MaxAttempts: 10}); err != nil {
		return err
	}
	if err := Handle(r, d.SendApprovalMail, river.InsertOpts{MaxAttempts: 10}); err != nil {
		return err
	}
	if err := Handle(r, d.SendCounterMail, river.InsertOpts{MaxAttempts: 10}); err != nil {
		return err
	}
	r.Periodic("po.chase_acks", river.PeriodicInterval(ChaseEvery), func() procure.Job { return procure.ChaseAcksJob{} })
	return nil
}
