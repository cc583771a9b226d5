package demo

import (
	"context"

	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
)

// QueueApprovedSends queues the send job of every approved PO. Seed moves
// its demo POs straight into their statuses, so the approved one has no send
// job; with this call it goes out by its supplier's channel like any other.
// Safe to call twice: a PO's pending send is unique in the queue, and a sent
// PO is no longer approved.
func QueueApprovedSends(ctx context.Context, s *store.Store, q procure.Queue) (int, error) {
	pos, _, err := s.POs(ctx, store.POFilter{Statuses: []string{store.POStatusApproved}, Sort: "oldest"}, store.Page{Number: 1, Size: store.MaxPageSize})
	if err != nil {
		return 0, err
	}
	err = s.InTx(ctx, func(tx *store.Tx) error {
		for _, po := range pos {
			if err := q.EnqueueTx(ctx, tx, procure.SendPOJob{POID: po.ID}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return len(pos), nil
}
