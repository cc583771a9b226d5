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
)

// TestSessionLookupsEachGetTheirOwn runs many concurrent session reads of
// many sessions (live with and without a supplier, anonymous, expired,
// unknown) and checks every caller gets exactly its own session, user and
// supplier, however the lookups were grouped into queries. On PostgreSQL
// they must have been grouped: fewer queries than lookups.
func TestSessionLookupsEachGetTheirOwn(t *testing.T) {
	s := storetest.Open(t)
	ctx := context.Background()
	sys := store.System("test")
	const users = 24
	type want struct {
		found    bool
		data     string
		userID   int64
		supplier int64
	}
	wants := map[string]want{}
	owner := map[string]int64{}
	for i := range users {
		u := store.User{Email: fmt.Sprintf("u%d@batch.test", i), Name: fmt.Sprintf("U%d", i), Role: store.RoleBuyer, PasswordHash: "x"}
		var sid int64
		if i%2 == 0 {
			sp := store.Supplier{Code: fmt.Sprintf("B%d", i), Name: "B", Currency: "USD", AckSLAHours: 24, BackorderPolicy: store.BackorderCreate, Channel: store.ChannelPortal}
			if err := s.CreateSupplier(ctx, sys, &sp); err != nil {
				t.Fatal(err)
			}
			sid = sp.ID
			u.Role, u.SupplierID = store.RoleSupplier, &sp.ID
		}
		if err := s.CreateUser(ctx, sys, &u); err != nil {
			t.Fatal(err)
		}
		data := fmt.Sprintf("data-of-%d", i)
		owner[data] = u.ID
		wants[fmt.Sprintf("live-%d", i)] = want{found: true, data: data, userID: u.ID, supplier: sid}
	}
	st := s.Sessions()
	st.OwnerOf = func(b []byte) int64 { return owner[string(b)] }
	for tok, w := range wants {
		if err := st.CommitCtx(ctx, tok, []byte(w.data), s.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 4 {
		if err := st.CommitCtx(ctx, fmt.Sprintf("anon-%d", i), []byte(fmt.Sprintf("anon-data-%d", i)), s.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		wants[fmt.Sprintf("anon-%d", i)] = want{found: true, data: fmt.Sprintf("anon-data-%d", i)}
		if err := st.CommitCtx(ctx, fmt.Sprintf("old-%d", i), []byte("data-of-0"), s.Now().Add(-time.Second)); err != nil {
			t.Fatal(err)
		}
		wants[fmt.Sprintf("old-%d", i)] = want{}
		wants[fmt.Sprintf("unknown-%d", i)] = want{}
	}
	tokens := make([]string, 0, len(wants))
	for tok := range wants {
		tokens = append(tokens, tok)
	}

	const rounds = 25
	var wg sync.WaitGroup
	errs := make(chan error, rounds*len(tokens))
	for r := range rounds {
		for i := range tokens {
			tok := tokens[(i+r)%len(tokens)]
			wg.Add(1)
			go func() {
				defer wg.Done()
				memo := store.WithSessionMemo(ctx)
				data, found, err := st.FindCtx(memo, tok)
				w := wants[tok]
				if err != nil {
					errs <- fmt.Errorf("%s: %w", tok, err)
					return
				}
				if found != w.found || string(data) != w.data {
					errs <- fmt.Errorf("%s: got (%q, %v), want (%q, %v)", tok, data, found, w.data, w.found)
					return
				}
				u, sp, ok := store.SessionUser(memo)
				switch {
				case w.userID == 0 && ok:
					errs <- fmt.Errorf("%s: a session without a user came with user %d", tok, u.ID)
				case w.userID != 0 && (!ok || u.ID != w.userID):
					errs <- fmt.Errorf("%s: user %v, want %d", tok, u, w.userID)
				case w.supplier != 0 && (sp == nil || sp.ID != w.supplier):
					errs <- fmt.Errorf("%s: supplier %v, want %d", tok, sp, w.supplier)
				case w.supplier == 0 && sp != nil:
					errs <- fmt.Errorf("%s: supplier %d for a user without one", tok, sp.ID)
				}
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	lookups := int64(rounds * len(tokens))
	if s.Dialect() == store.Postgres {
		q := store.SessionBatchQueries(st)
		t.Logf("%d lookups in %d queries", lookups, q)
		if q == 0 || q >= lookups {
			t.Errorf("%d lookups took %d queries: concurrent lookups were not batched", lookups, q)
		}
	}
}

// TestSessionLookupGivesUpWithItsContext: a caller whose context ends stops
// waiting with that error, and the lookups after it still work.
func TestSessionLookupGivesUpWithItsContext(t *testing.T) {
	s := storetest.Open(t)
	st := s.Sessions()
	ctx := context.Background()
	if err := st.CommitCtx(ctx, "tok", []byte("d"), s.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	done, cancel := context.WithCancel(ctx)
	cancel()
	if _, _, err := st.FindCtx(done, "tok"); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled lookup: %v, want context.Canceled", err)
	}
	if data, found, err := st.FindCtx(ctx, "tok"); err != nil || !found || string(data) != "d" {
		t.Errorf("lookup after a cancelled one: %q %v %v", data, found, err)
	}
}
