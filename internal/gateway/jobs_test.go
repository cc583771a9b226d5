package gateway

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
)

// recordingQueue keeps the jobs enqueued by committed transactions only,
// like River's InsertTx does.
type recordingQueue struct {
	mu   sync.Mutex
	jobs []procure.Job
}

func (q *recordingQueue) EnqueueTx(_ context.Context, tx *store.Tx, job procure.Job) error {
	tx.AfterCommit(func() {
		q.mu.Lock()
		defer q.mu.Unlock()
		q.jobs = append(q.jobs, job)
	})
	return nil
}

// A stored file has its processing job queued with it; the job alone
// finishes the file, and running it again changes nothing.
func TestReceiveQueuesDurableProcessing(t *testing.T) {
	fx := newFixture(t)
	q := &recordingQueue{}
	fx.g.queue = q
	id, err := fx.g.Receive(fx.ctx, Source{Kind: SourceFolder, PartnerID: fx.partner.ID}, "855.edi", readFixture(t, "855-ack-po1001.edi"))
	if err != nil {
		t.Fatal(err)
	}
	if len(q.jobs) != 1 || q.jobs[0].(ProcessFileJob).FileID != id || q.jobs[0].Kind() != "edi.process_file" {
		t.Fatalf("jobs %+v", q.jobs)
	}
	if f := fx.file(id); f.Status != store.EDIFileReceived {
		t.Fatalf("status before the job: %s", f.Status)
	}
	for i := 0; i < 2; i++ {
		if err := fx.g.ProcessFile(fx.ctx, q.jobs[0].(ProcessFileJob)); err != nil {
			t.Fatal(err)
		}
	}
	if f := fx.file(id); f.Status != store.EDIFileApplied {
		t.Fatalf("status after the job: %s %q", f.Status, f.ErrorText)
	}
	if acks, _, _ := fx.core.counts(); acks != 1 || fx.core.calls != 1 {
		t.Fatalf("applied %d times, %d calls", acks, fx.core.calls)
	}
	if n := len(fx.outboxFiles()); n != 1 {
		t.Fatalf("%d 997s", n)
	}
}

// A failed enqueue stores nothing: the bytes and their job go together.
func TestReceiveWithBrokenQueueStoresNothing(t *testing.T) {
	fx := newFixture(t)
	fx.g.queue = failingQueue{}
	if _, err := fx.g.Receive(fx.ctx, Source{Kind: SourceUpload}, "855.edi", readFixture(t, "855-ack-po1001.edi")); err == nil {
		t.Fatal("receive succeeded without its job")
	}
	if files, _, _ := fx.s.EDIFiles(fx.ctx, store.EDIFileFilter{}, store.Page{}); len(files) != 0 {
		t.Fatalf("%d files stored without a job", len(files))
	}
}

type failingQueue struct{}

func (failingQueue) EnqueueTx(context.Context, *store.Tx, procure.Job) error {
	return errors.New("queue down")
}
