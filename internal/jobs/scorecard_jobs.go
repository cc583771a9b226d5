package jobs

import (
	"context"
	"errors"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
)

// ScorecardsEvery is the scorecard schedule: nightly, recomputing the
// current and the previous month (late receipts and invoices still move it).
var ScorecardsEvery = 24 * time.Hour

func init() { Register(registerScorecardJobs) }

// registerScorecardJobs adds the nightly scorecard recompute; a job with a
// Month recomputes just that month (on demand).
func registerScorecardJobs(r *Registry) error {
	svc := r.Deps.Service
	if svc == nil {
		return errors.New("jobs: Deps.Service is required for the scorecard job")
	}
	once := river.InsertOpts{MaxAttempts: 3, UniqueOpts: river.UniqueOpts{ByArgs: true,
		ByState: []rivertype.JobState{rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRetryable, rivertype.JobStateRunning, rivertype.JobStateScheduled}}}
	err := Handle(r, func(ctx context.Context, job procure.ScorecardsJob) error {
		actor := store.System("jobs")
		var (
			n   int
			err error
		)
		if job.Month != "" {
			n, err = svc.RecomputeScorecards(ctx, actor, job.Month)
		} else {
			n, err = svc.RecomputeRecentScorecards(ctx, actor)
		}
		if err == nil {
			r.Deps.Log.Info("scorecards recomputed", "month", job.Month, "rows", n)
		}
		return err
	}, once)
	if err != nil {
		return err
	}
	r.Periodic("scorecards.recompute", river.PeriodicInterval(ScorecardsEvery), func() procure.Job { return procure.ScorecardsJob{} })
	return nil
}
