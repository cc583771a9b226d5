package procure

import (
	"context"
	"fmt"
	"time"

	"github.com/pogate/pogate/internal/store"
)

// ScheduleActor is who scheduled reorder runs are recorded as.
var ScheduleActor = store.Actor{Kind: store.ActorSystem, Label: "reorder schedule", Role: store.RoleAdmin, Channel: "jobs"}

// RunScheduledReorder is the daily job's entry point. River's periodic jobs
// also fire when a leader starts, so a restart (or a second leader after a
// failover) would otherwise run the reorder again within the day; this runs
// it only when the last scheduled run is older than every minus an hour of
// slack. ran is false when it skipped.
func (s *Service) RunScheduledReorder(ctx context.Context, every time.Duration) (res ReorderResult, ran bool, err error) {
	var last []store.ReorderRun
	err = s.Store.DB(ctx).Where("actor_label = ? AND dry_run = ?", ScheduleActor.Label, false).Order("id DESC").Limit(1).Find(&last).Error
	if err != nil {
		return res, false, fmt.Errorf("procure: last scheduled reorder: %w", err)
	}
	if len(last) == 1 && s.now().Sub(last[0].StartedAt) < every-time.Hour {
		return res, false, nil
	}
	res, err = s.RunReorder(ctx, ScheduleActor, ReorderOptions{})
	return res, err == nil, err
}
