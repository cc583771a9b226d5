package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/pogate/pogate/internal/store"
	"github.com/pogate/pogate/internal/store/storetest"
	"gorm.io/gorm"
)

// listVersionFixture makes n suppliers with one sent PO each.
func listVersionFixture(t *testing.T, s *store.Store, n int) (suppliers []int64, pos []int64) {
	t.Helper()
	ctx := context.Background()
	for i := range n {
		sp := store.Supplier{Code: fmt.Sprintf("V%d", i), Name: fmt.Sprintf("Versioned %d", i), Currency: "USD", AckSLAHours: 24,
			BackorderPolicy: store.BackorderCreate, Channel: store.ChannelPortal, Active: true}
		if err := s.CreateSupplier(ctx, store.System("test"), &sp); err != nil {
			t.Fatal(err)
		}
		po := store.PurchaseOrder{Number: fmt.Sprintf("PO-V%d", i), SupplierID: sp.ID, Status: "sent", Currency: "USD", TotalMinor: 100, Source: "test", Version: 1}
		if err := s.DB(ctx).Create(&po).Error; err != nil {
			t.Fatal(err)
		}
		suppliers, pos = append(suppliers, sp.ID), append(pos, po.ID)
	}
	return suppliers, pos
}

func listVersion(t *testing.T, s *store.Store, supplierID int64) int64 {
	t.Helper()
	v, err := s.POListVersion(context.Background(), supplierID)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestPOListVersionMovesWithTheSuppliersOrders: inserting, updating and
// deleting a supplier's PO moves that supplier's version and no other's; a
// rolled-back change moves nothing; moving a PO to another supplier moves
// both; and the session read returns the same version.
func TestPOListVersionMovesWithTheSuppliersOrders(t *testing.T) {
	s := storetest.Open(t)
	ctx := context.Background()
	sups, pos := listVersionFixture(t, s, 2)
	a, b := sups[0], sups[1]
	va, vb := listVersion(t, s, a), listVersion(t, s, b)
	if va == 0 || vb == 0 {
		t.Fatalf("creating a PO did not move its supplier's version: %d %d", va, vb)
	}
	step := func(what string, change func(db *gorm.DB) error, moveA, moveB bool) {
		t.Helper()
		if err := change(s.DB(ctx)); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		na, nb := listVersion(t, s, a), listVersion(t, s, b)
		if (na != va) != moveA || (nb != vb) != moveB || na < va || nb < vb {
			t.Errorf("%s: versions %d→%d (A), %d→%d (B); want A moved=%v, B moved=%v", what, va, na, vb, nb, moveA, moveB)
		}
		va, vb = na, nb
	}
	step("update A's PO", func(db *gorm.DB) error {
		return db.Model(&store.PurchaseOrder{}).Where("id = ?", pos[0]).Update("status", "acknowledged").Error
	}, true, false)
	step("update of a column the list does not show", func(db *gorm.DB) error {
		return db.Model(&store.PurchaseOrder{}).Where("id = ?", pos[1]).Update("notes", "n").Error
	}, false, true)
	step("rolled back", func(db *gorm.DB) error {
		err := db.Transaction(func(tx *gorm.DB) error {
			if err := tx.Model(&store.PurchaseOrder{}).Where("id = ?", pos[0]).Update("status", "closed").Error; err != nil {
				return err
			}
			return errors.New("roll back")
		})
		if err == nil || err.Error() != "roll back" {
			return fmt.Errorf("transaction: %v", err)
		}
		return nil
	}, false, false)
	step("one statement over both", func(db *gorm.DB) error {
		return db.Model(&store.PurchaseOrder{}).Where("id IN ?", pos).Update("total_minor", 200).Error
	}, true, true)
	if s.Dialect() == store.Postgres {
		step("written from a session with another search_path", func(db *gorm.DB) error {
			return db.Transaction(func(tx *gorm.DB) error {
				var schema string
				if err := tx.Raw(`SELECT current_schema()`).Scan(&schema).Error; err != nil {
					return err
				}
				if err := tx.Exec(`SET LOCAL search_path = pg_catalog`).Error; err != nil {
					return err
				}
				return tx.Exec(fmt.Sprintf(`UPDATE %q.purchase_orders SET total_minor = 300 WHERE id = $1`, schema), pos[1]).Error
			})
		}, false, true)
	}
	step("move A's PO to B", func(db *gorm.DB) error {
		return db.Model(&store.PurchaseOrder{}).Where("id = ?", pos[0]).Update("supplier_id", b).Error
	}, true, true)
	step("delete it", func(db *gorm.DB) error {
		return db.Where("id = ?", pos[0]).Delete(&store.PurchaseOrder{}).Error
	}, false, true)

	// The session read carries the same number for a supplier user.
	u := store.User{Email: "v@b.test", Name: "V", Role: store.RoleSupplier, SupplierID: &b, PasswordHash: "x"}
	if err := s.CreateUser(ctx, store.System("test"), &u); err != nil {
		t.Fatal(err)
	}
	st := s.Sessions()
	st.OwnerOf = func([]byte) int64 { return u.ID }
	if err := st.CommitCtx(ctx, "tok", []byte("d"), s.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	memo := store.WithSessionMemo(ctx)
	if _, found, err := st.FindCtx(memo, "tok"); err != nil || !found {
		t.Fatalf("find: %v %v", found, err)
	}
	if got, ok := store.SessionPOListVersion(memo); !ok || got != vb {
		t.Errorf("session read version %d (ok=%v), want %d", got, ok, vb)
	}
	if _, ok := store.SessionPOListVersion(ctx); ok {
		t.Error("a context without a session read reports a version")
	}
}

// TestPOListVersionCrossingTransactionsDoNotDeadlock runs pairs of
// transactions that change two suppliers' orders in opposite order, many
// times at once: every one commits (the versions are bumped at commit in
// supplier order, so they cannot deadlock) and each supplier's version
// moved once per committed transaction that touched it.
func TestPOListVersionCrossingTransactionsDoNotDeadlock(t *testing.T) {
	s := storetest.Open(t)
	if s.Dialect() != "postgres" {
		t.Skip("SQLite runs one writer at a time; crossing writers need PostgreSQL")
	}
	ctx := context.Background()
	sups, pos := listVersionFixture(t, s, 2)
	// A second PO each, so the two transactions never want the same PO row.
	for i, sid := range sups {
		po := store.PurchaseOrder{Number: fmt.Sprintf("PO-W%d", i), SupplierID: sid, Status: "sent", Currency: "USD", Source: "test", Version: 1}
		if err := s.DB(ctx).Create(&po).Error; err != nil {
			t.Fatal(err)
		}
		pos = append(pos, po.ID)
	}
	before := []int64{listVersion(t, s, sups[0]), listVersion(t, s, sups[1])}
	const rounds = 40
	var wg sync.WaitGroup
	errs := make(chan error, 2*rounds)
	for r := range rounds {
		for dir := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				first, second := pos[0], pos[3] // A's, then B's
				if dir == 1 {
					first, second = pos[1], pos[2] // B's, then A's
				}
				errs <- s.DB(ctx).Transaction(func(tx *gorm.DB) error {
					for _, id := range []int64{first, second} {
						if err := tx.Model(&store.PurchaseOrder{}).Where("id = ?", id).Update("total_minor", r).Error; err != nil {
							return err
						}
						time.Sleep(time.Millisecond) // let the other direction interleave
					}
					return nil
				})
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("a crossing transaction failed: %v", err)
		}
	}
	for i, sid := range sups {
		if got := listVersion(t, s, sid); got != before[i]+2*rounds {
			t.Errorf("supplier %d: version %d, want %d (+1 per committed transaction)", sid, got, before[i]+2*rounds)
		}
	}
}
