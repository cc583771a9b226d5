package store_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/pogate/pogate/internal/store"
	"github.com/pogate/pogate/internal/store/storetest"
)

// TestSessionFindReadsUserAndSupplier checks the one-query session read:
// the memo holds exactly the rows UserByID and Supplier return, nothing
// for a session without a user, and an expired session is not found.
func TestSessionFindReadsUserAndSupplier(t *testing.T) {
	s := storetest.Open(t)
	ctx := context.Background()
	sys := store.System("test")
	threshold := int64(150000)
	sp := store.Supplier{Code: "ACME", Name: "Acme", ContactName: "Ann", Email: "ann@acme.test", Phone: "+1 555", Currency: "USD",
		PaymentTerms: "NET30", AckSLAHours: 48, BackorderPolicy: store.BackorderCreate, Channel: store.ChannelPortal, ApprovalThresholdMinor: &threshold}
	if err := s.CreateSupplier(ctx, sys, &sp); err != nil {
		t.Fatal(err)
	}
	u := store.User{Email: "sup@acme.test", Name: "Sup", Role: store.RoleSupplier, SupplierID: &sp.ID, PasswordHash: "x"}
	if err := s.CreateUser(ctx, sys, &u); err != nil {
		t.Fatal(err)
	}
	st := s.Sessions()
	st.OwnerOf = func(b []byte) int64 {
		if string(b) == "signed-in" {
			return u.ID
		}
		return 0
	}
	exp := s.Now().Add(time.Hour)
	if err := st.CommitCtx(ctx, "tok-user", []byte("signed-in"), exp); err != nil {
		t.Fatal(err)
	}
	if err := st.CommitCtx(ctx, "tok-anon", []byte("anonymous"), exp); err != nil {
		t.Fatal(err)
	}
	if err := st.CommitCtx(ctx, "tok-old", []byte("signed-in"), s.Now().Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}

	memo := store.WithSessionMemo(ctx)
	data, found, err := st.FindCtx(memo, "tok-user")
	if err != nil || !found || string(data) != "signed-in" {
		t.Fatalf("find: %q %v %v", data, found, err)
	}
	gotU, gotS, ok := store.SessionUser(memo)
	if !ok || gotS == nil {
		t.Fatalf("memo holds no user or supplier: %v %v", gotU, gotS)
	}
	wantU, _ := s.UserByID(ctx, u.ID)
	wantS, _ := s.Supplier(ctx, sp.ID)
	if !sameUser(*gotU, wantU) || !sameSupplier(*gotS, wantS) {
		t.Errorf("memo\n user %+v\n supplier %+v\nwant\n user %+v\n supplier %+v", *gotU, *gotS, wantU, wantS)
	}

	memo = store.WithSessionMemo(ctx)
	if _, found, err := st.FindCtx(memo, "tok-anon"); err != nil || !found {
		t.Fatalf("anonymous session: %v %v", found, err)
	}
	if u, sp, ok := store.SessionUser(memo); ok || u != nil || sp != nil {
		t.Errorf("anonymous session has a user in the memo: %v %v", u, sp)
	}
	if _, found, err := st.FindCtx(store.WithSessionMemo(ctx), "tok-old"); err != nil || found {
		t.Errorf("expired session found: %v %v", found, err)
	}
}

// TestSessionQueryReadsEveryColumn fails when User or Supplier gains a
// field: sessionQuery and scanSessionRow list their columns by hand, and a
// column they miss would reach the pages as a zero value.
func TestSessionQueryReadsEveryColumn(t *testing.T) {
	if n := reflect.TypeOf(store.User{}).NumField(); n != 9 {
		t.Errorf("store.User has %d fields; sessionQuery and scanSessionRow read 9: add the new column to both", n)
	}
	if n := reflect.TypeOf(store.Supplier{}).NumField(); n != 15 {
		t.Errorf("store.Supplier has %d fields; sessionQuery and scanSessionRow read 15: add the new column to both", n)
	}
}

// sameUser and sameSupplier compare rows with times by instant (the two
// reads may carry different locations).
func sameUser(a, b store.User) bool {
	if !a.CreatedAt.Equal(b.CreatedAt) || !a.UpdatedAt.Equal(b.UpdatedAt) {
		return false
	}
	a.CreatedAt, a.UpdatedAt, b.CreatedAt, b.UpdatedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	return reflect.DeepEqual(a, b)
}

func sameSupplier(a, b store.Supplier) bool {
	if !a.CreatedAt.Equal(b.CreatedAt) || !a.UpdatedAt.Equal(b.UpdatedAt) {
		return false
	}
	a.CreatedAt, a.UpdatedAt, b.CreatedAt, b.UpdatedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	return reflect.DeepEqual(a, b)
}
