package jobs

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/riverqueue/river"

	"github.com/pogate/pogate/internal/procure"
)

// Registration adds workers and periodic jobs to a Queue being built. Each
// job file appends one with Register in its init, so adding a job never
// edits a central table.
type Registration func(r *Registry) error

var registrations []Registration

// Register adds a registration used by every Queue built without explicit
// Options.Registrations.
func Register(r Registration) { registrations = append(registrations, r) }

// Registry collects workers while a Queue is built.
type Registry struct {
	Deps     Deps
	workers  *river.Workers
	periodic []*river.PeriodicJob
	queue    *Queue
}

// Handle registers fn as the worker of job kind T, with the insert options
// every job of that kind gets (queue, max attempts, uniqueness).
func Handle[T procure.Job](r *Registry, fn func(ctx context.Context, args T) error, opts river.InsertOpts) error {
	var zero T
	kind := zero.Kind()
	if _, dup := r.queue.handlers[kind]; dup {
		return fmt.Errorf("jobs: two workers for job kind %q", kind)
	}
	r.queue.handlers[kind] = handler{
		opts: opts,
		run: func(ctx context.Context, encoded []byte) error {
			var args T
			if err := json.Unmarshal(encoded, &args); err != nil {
				return fmt.Errorf("decode %s arguments: %w", kind, err)
			}
			return fn(ctx, args)
		},
	}
	return river.AddWorkerSafely(r.workers, river.WorkFunc(func(ctx context.Context, job *river.Job[T]) error {
		return fn(ctx, job.Args)
	}))
}

// Periodic adds a job that River's elected leader enqueues on schedule, so a
// cluster of replicas runs it once per tick.
func (r *Registry) Periodic(id string, schedule river.PeriodicSchedule, job func() procure.Job) {
	r.periodic = append(r.periodic, river.NewPeriodicJob(schedule, func() (river.JobArgs, *river.InsertOpts) {
		j := job()
		opts := r.queue.handlers[j.Kind()].opts
		return j, &opts
	}, &river.PeriodicJobOpts{ID: id, RunOnStart: true}))
}
