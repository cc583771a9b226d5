package gateway

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
)

// oneByOne is ProcureCore without its batch method, so the gateway applies
// each 810 on its own: the reference the batch path must agree with.
type oneByOne struct{ Core }

// multi810 is an interchange of 810 sets, one per invoice: number, PO and
// quantity of SKU-1 at 2.125.
func multi810(invoices [][3]string) []byte {
	var b strings.Builder
	b.WriteString("ISA*00*          *00*          *ZZ*ACMESUPPLY     *ZZ*BRAND          *261205*1200*U*00401*000000406*0*P*>~\n")
	b.WriteString("GS*IN*ACMESUPPLY*BRAND*20261205*1200*406*X*004010~\n")
	for i, inv := range invoices {
		ctl := fmt.Sprintf("%04d", i+1)
		var qty int64
		fmt.Sscan(inv[2], &qty)
		fmt.Fprintf(&b, "ST*810*%s~\nBIG*20261205*%s*20261127*%s~\nCUR*SE*EUR~\nIT1*1*%d*EA*2.125*PE*BP*SKU-1*VP*AC-100~\nTDS*%d~\nCTT*1~\nSE*7*%s~\n",
			ctl, inv[0], inv[1], qty, qty*2125/10, ctl)
	}
	fmt.Fprintf(&b, "GE*%d*406~\nIEA*1*000000406~\n", len(invoices))
	return []byte(b.String())
}

// An 810 file of many invoices goes through SubmitInvoices in one call and
// settles every set exactly as applying them one by one does: invoices on
// one PO line, an unknown PO (parked), a repeated invoice number.
func TestMultiInvoice810BatchMatchesOneByOne(t *testing.T) {
	file := multi810([][3]string{
		{"INV-A", "PO-1001", "100"}, {"INV-B", "PO-1001", "50"}, {"INV-C", "PO-9999", "10"},
		{"INV-A", "PO-1001", "100"}, {"INV-D", "PO-1001", "150"}, {"INV-E", "PO-1001", "20"},
	})
	type outcome struct{ set, status, entity, invoice string }
	run := func(batch bool) ([]outcome, *fixture, Core, int64) {
		fx := newFixture(t)
		var core Core = ProcureCore{Service: procure.New(fx.s, slog.New(slog.NewTextHandler(io.Discard, nil)))}
		if !batch {
			core = oneByOne{core}
		}
		fx.g.SetCore(core)
		if err := fx.s.DB(fx.ctx).Model(&store.PurchaseOrder{}).Where("id = ?", fx.po.ID).Update("status", store.POStatusSent).Error; err != nil {
			t.Fatal(err)
		}
		f := fx.ingest("invoices.edi", file)
		var out []outcome
		for _, r := range fx.sets(f.ID) {
			o := outcome{set: r.ControlNumber, status: r.Status, entity: r.Entity}
			if r.EntityID != nil {
				var inv store.Invoice
				if err := fx.s.DB(fx.ctx).Take(&inv, *r.EntityID).Error; err != nil {
					t.Fatal(err)
				}
				o.invoice = inv.Number + " " + inv.Status
			}
			out = append(out, o)
		}
		return out, fx, core, f.ID
	}
	batched, fx, core, fileID := run(true)
	single, _, _, _ := run(false)
	if fmt.Sprint(batched) != fmt.Sprint(single) {
		t.Fatalf("batch and one-by-one differ:\nbatch  %v\nsingle %v", batched, single)
	}
	if len(batched) != 6 || batched[2].status != store.EDITxParked || !strings.Contains(batched[0].invoice, "INV-A") {
		t.Fatalf("outcomes %v: want six sets, the unknown PO's parked", batched)
	}
	for i, o := range batched {
		if i != 2 && o.status != store.EDITxApplied && o.status != store.EDITxException {
			t.Errorf("set %s not settled: %+v", o.set, o)
		}
	}
	// A replay of the stored commands (a crash before the sets were
	// settled) stores nothing new and names the same invoices.
	var n, m int64
	fx.s.DB(fx.ctx).Model(&store.Invoice{}).Count(&n)
	var cmds []InvoiceCommand
	var ids []int64
	for _, r := range fx.sets(fileID) {
		if r.EntityID == nil {
			continue
		}
		var cmd InvoiceCommand
		mustUnmarshal(t, r.CommandJSON, &cmd)
		cmd.POID = fx.po.ID
		cmds, ids = append(cmds, cmd), append(ids, *r.EntityID)
	}
	res := core.(InvoiceBatcher).SubmitInvoices(context.Background(), partnerActor(fx.partner), cmds)
	for i, r := range res {
		if r.Err != nil || r.Applied.ID != ids[i] {
			t.Errorf("replay %d: %+v, want invoice %d", i, r, ids[i])
		}
	}
	fx.s.DB(fx.ctx).Model(&store.Invoice{}).Count(&m)
	if n == 0 || m != n {
		t.Errorf("invoices: %d before replay, %d after", n, m)
	}
}
