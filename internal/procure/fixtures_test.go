package procure_test

import (
	"context"
	"testing"

	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
	"github.com/pogate/pogate/internal/store/storetest"
)

var buyer = store.Actor{Kind: store.ActorUser, ID: 0, Label: "buyer@test", Role: store.RoleBuyer, Channel: "test"}

type fixture struct {
	s        *store.Store
	svc      *procure.Service
	acme     store.Supplier
	globex   store.Supplier
	products []store.Product
}

// newFixture opens a fresh store with two suppliers and three products.
func newFixture(t testing.TB) *fixture {
	t.Helper()
	ctx := context.Background()
	s := storetest.Open(t)
	f := &fixture{s: s, svc: procure.New(s, nil)}
	f.acme = store.Supplier{Code: "ACME", Name: "Acme", Currency: "USD", AckSLAHours: 24, BackorderPolicy: store.BackorderCreate, Channel: store.ChannelPortal}
	f.globex = store.Supplier{Code: "GLOBEX", Name: "Globex", Currency: "EUR", AckSLAHours: 24, BackorderPolicy: store.BackorderCancel, Channel: store.ChannelEmail}
	for _, sp := range []*store.Supplier{&f.acme, &f.globex} {
		if err := s.CreateSupplier(ctx, buyer, sp); err != nil {
			t.Fatal(err)
		}
	}
	for _, sku := range []string{"SKU-1", "SKU-2", "SKU-3"} {
		p := store.Product{SKU: sku, Name: "Product " + sku}
		if err := s.CreateProduct(ctx, buyer, &p); err != nil {
			t.Fatal(err)
		}
		f.products = append(f.products, p)
	}
	return f
}
