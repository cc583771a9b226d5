package procure_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/pogate/pogate/internal/fault"
	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
)

// 20 docks receive 10 units each at once against a line with 100 open:
// exactly 100 are taken in, the other 10 receipts are refused with the
// over-receipt message, and stock, line and receipt events agree. On
// PostgreSQL the line rows are locked FOR UPDATE; on SQLite writers queue
// behind immediate transactions. Either way the check is made inside the
// transaction that writes.
func TestConcurrentReceiptsNeverOverReceive(t *testing.T) {
	f := newRcvFixture(t)
	ctx := context.Background()
	po := f.sentPO(t, f.acme, "", rcvLine{"SKU-1", 100})
	const workers, each = 20, 10
	var (
		wg       sync.WaitGroup
		start    = make(chan struct{})
		errs     = make([]error, workers)
		accepted = make([]int64, workers)
	)
	for i := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			res, err := f.svc.Receive(ctx, f.warehouse, procure.ReceiptInput{POID: po.ID,
				Lines: []procure.ReceiptLineInput{recvLine(procure.LineRef{LineNo: 1}, each)}})
			errs[i] = err
			if err == nil {
				accepted[i] = res.Receipt.Lines[0].AcceptedQty
			}
		}()
	}
	close(start)
	wg.Wait()
	var ok, refused, total int64
	for i, err := range errs {
		switch {
		case err == nil:
			ok++
			total += accepted[i]
		case fault.CodeOf(err) == fault.Conflict && strings.Contains(err.Error(), "10 received would exceed the 100 ordered (tolerance 0%); 100 already received"):
			refused++
		default:
			t.Errorf("worker %d: unexpected error %v", i, err)
		}
	}
	if ok != 10 || refused != 10 || total != 100 {
		t.Fatalf("%s: %d receipts booked (%d units), %d refused; want 10 (100), 10", f.s.Dialect(), ok, total, refused)
	}
	after := f.po(t, po.ID)
	if after.Lines[0].ReceivedQty != 100 || after.Status != store.POStatusReceived {
		t.Fatalf("line received %d status %s", after.Lines[0].ReceivedQty, after.Status)
	}
	if got := f.onHand(t, "SKU-1"); got != 100 {
		t.Fatalf("on hand %d, want 100", got)
	}
	_, n, err := f.svc.ListReceipts(ctx, f.warehouse, store.ReceiptFilter{POID: po.ID}, store.Page{})
	if err != nil || n != 10 {
		t.Fatalf("%d receipt events (%v), want 10", n, err)
	}
}

// Receipts of different POs that list the same products in opposite orders
// run at once without deadlocking and without losing a stock update.
func TestConcurrentReceiptsOfCrossedPOs(t *testing.T) {
	f := newRcvFixture(t)
	ctx := context.Background()
	a := f.sentPO(t, f.acme, "", rcvLine{"SKU-1", 1000}, rcvLine{"SKU-3", 1000})
	b := f.sentPO(t, f.acme, "", rcvLine{"SKU-3", 1000}, rcvLine{"SKU-1", 1000})
	const rounds = 8
	var wg sync.WaitGroup
	errs := make(chan error, 2*rounds)
	for i := range 2 * rounds {
		po := a
		if i%2 == 1 {
			po = b
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := f.svc.Receive(ctx, f.warehouse, procure.ReceiptInput{POID: po.ID, Lines: []procure.ReceiptLineInput{
				recvLine(procure.LineRef{LineNo: 1}, 5), recvLine(procure.LineRef{LineNo: 2}, 5)}})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("%s: %v", f.s.Dialect(), err)
		}
	}
	if got := f.onHand(t, "SKU-1"); got != 2*rounds*5 {
		t.Fatalf("SKU-1 on hand %d, want %d", got, 2*rounds*5)
	}
	if got := f.onHand(t, "SKU-3"); got != 2*rounds*5 {
		t.Fatalf("SKU-3 on hand %d, want %d", got, 2*rounds*5)
	}
}
