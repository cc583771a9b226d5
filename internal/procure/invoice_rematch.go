package procure

import (
	"context"

	"github.com/pogate/pogate/internal/store"
)

// Invoices that waited for goods are re-matched inside the receipt's own
// transaction, under the PO lines' locks the receipt already holds: the
// receipt and the release of the invoices it completes commit together, and
// two invoices never claim the same goods.
func init() {
	OnReceipt(func(ctx context.Context, s *Service, tx *store.Tx, r store.Receipt) error {
		return s.RematchAwaiting(tx, store.System("receipt"), r.POID)
	})
}
