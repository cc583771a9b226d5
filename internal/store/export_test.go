package store

import (
	"context"
	"fmt"
)

// SessionBatchQueries is how many batch queries ss has sent (PostgreSQL).
func SessionBatchQueries(ss *SessionStore) int64 { return ss.batch.queries.Load() }

// POListVersion reads a supplier's PO list version on its own (pages read
// it with the session: SessionPOListVersion); 0 before the first change.
func (s *Store) POListVersion(ctx context.Context, supplierID int64) (int64, error) {
	var v []int64
	err := s.db.WithContext(ctx).Raw(`SELECT version FROM supplier_po_versions WHERE supplier_id = ?`, supplierID).Scan(&v).Error
	if err != nil {
		return 0, fmt.Errorf("store: PO list version of supplier %d: %w", supplierID, err)
	}
	if len(v) == 0 {
		return 0, nil
	}
	return v[0], nil
}
