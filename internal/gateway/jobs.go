package gateway

import (
	"context"
)

// ProcessFileJob asks for one stored inbound file to be parsed, answered
// and applied. Receive enqueues it in the transaction that stores the file
// (when the gateway has a Queue), so a stored file is processed even if the
// process that received it dies; the channel that received the file also
// processes it at once, and the job then finds nothing left to do.
type ProcessFileJob struct {
	FileID int64 `json:"file_id"`
}

// Kind implements procure.Job (River's JobArgs).
func (ProcessFileJob) Kind() string { return "edi.process_file" }

// TickJob runs the gateway's periodic work (Tick) once per cluster.
type TickJob struct{}

// Kind implements procure.Job.
func (TickJob) Kind() string { return "edi.tick" }

// ProcessFile is the worker of ProcessFileJob.
func (g *Gateway) ProcessFile(ctx context.Context, job ProcessFileJob) error {
	f, err := g.store.EDIFileByID(ctx, job.FileID, 0)
	if err != nil {
		return err
	}
	return g.Process(ctx, f.ID, Source{Kind: f.Source})
}
