package procure_test

import (
	"context"
	"testing"

	"github.com/pogate/pogate/internal/fault"
	"github.com/pogate/pogate/internal/store"
)

// A supplier actor that somehow has no supplier id must see nothing, not
// everything: the scope it gets (-1) has to filter, not be ignored.
func TestSupplierActorWithoutSupplierSeesNothing(t *testing.T) {
	f := newFixture(t)
	withCatalog(t, f)
	ctx := context.Background()
	po, err := f.svc.CreateDraft(ctx, buyer, simpleDraft(f, "SKU-1", 5))
	if err != nil {
		t.Fatal(err)
	}
	orphan := store.Actor{Kind: store.ActorUser, ID: 9, Role: store.RoleSupplier}
	if _, err := f.svc.GetPO(ctx, orphan, po.ID); fault.CodeOf(err) != fault.NotFound {
		t.Fatalf("orphan supplier actor read a PO: %v", err)
	}
	if list, total, err := f.svc.ListPOs(ctx, orphan, store.POFilter{}, store.Page{}); err != nil || total != 0 || len(list) != 0 {
		t.Fatalf("orphan supplier actor listed %d POs (%v)", total, err)
	}
	if list, total, err := f.svc.ListInvoices(ctx, orphan, store.InvoiceFilter{}, store.Page{}); err != nil || total != 0 || len(list) != 0 {
		t.Fatalf("orphan supplier actor listed %d invoices (%v)", total, err)
	}
}
