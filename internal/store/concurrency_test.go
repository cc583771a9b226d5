package store_test

import (
	"context"
	"sync"
	"testing"

	"github.com/pogate/pogate/internal/store"
	"github.com/pogate/pogate/internal/store/storetest"
)

// Concurrent writers queue instead of failing, and sequence values are
// unique: on SQLite through immediate transactions, on PostgreSQL through
// the row lock of the upsert.
func TestConcurrentTransactionsGetUniqueSequenceValues(t *testing.T) {
	s := storetest.Open(t)
	const n = 24
	var wg sync.WaitGroup
	vals := make([]int64, n)
	errs := make([]error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			errs[i] = s.InTx(context.Background(), func(tx *store.Tx) error {
				var err error
				vals[i], err = tx.NextValue("test_seq")
				return err
			})
		}(i)
	}
	wg.Wait()
	seen := map[int64]bool{}
	for i := range vals {
		if errs[i] != nil {
			t.Fatalf("writer %d: %v", i, errs[i])
		}
		if seen[vals[i]] {
			t.Fatalf("value %d handed out twice", vals[i])
		}
		seen[vals[i]] = true
	}
	for v := int64(1); v <= n; v++ {
		if !seen[v] {
			t.Fatalf("value %d missing: %v", v, vals)
		}
	}
}
