package store_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/pogate/pogate/internal/fault"
	"github.com/pogate/pogate/internal/store"
	"github.com/pogate/pogate/internal/store/storetest"
)

func ediPartnerFixture(t *testing.T, s *store.Store, code, isaID string) store.EDIPartner {
	t.Helper()
	ctx := context.Background()
	actor := store.System("test")
	sup := &store.Supplier{Code: code, Name: code, Currency: "EUR", AckSLAHours: 24, BackorderPolicy: store.BackorderCreate, Channel: store.ChannelEDI}
	if err := s.CreateSupplier(ctx, actor, sup); err != nil {
		t.Fatal(err)
	}
	p := &store.EDIPartner{SupplierID: sup.ID, Name: code, ISAQualifier: "ZZ", ISAID: isaID, GSID: isaID,
		OurISAQualifier: "ZZ", OurISAID: "BRAND", OurGSID: "BRAND", Version: "00401",
		ElementSep: "*", ComponentSep: ">", RepetitionSep: "U", SegmentTerm: "~", Expects997: true, AckWindowHours: 24}
	if err := s.CreateEDIPartner(ctx, actor, p); err != nil {
		t.Fatal(err)
	}
	return *p
}

// The raw bytes come back exactly; an outbound control number cannot be
// recorded twice for one partner; listings are scoped by supplier.
func TestEDIFileStoreRules(t *testing.T) {
	s := storetest.Open(t)
	ctx := context.Background()
	a := ediPartnerFixture(t, s, "A", "PARTNERA")
	b := ediPartnerFixture(t, s, "B", "PARTNERB")
	raw := []byte("ISA*00*\x00\xff binary-safe~")
	control := int64(7)
	var first store.EDIFile
	err := s.InTx(ctx, func(tx *store.Tx) error {
		first = store.EDIFile{Direction: store.EDIOutbound, Kind: "850", PartnerID: &a.ID, SupplierID: &a.SupplierID,
			Source: "gateway", Filename: "a.edi", SHA256: "x", SizeBytes: int64(len(raw)), Status: store.EDIFileSent, ControlNumber: &control}
		return tx.InsertEDIFile(&first, raw)
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.EDIFileRaw(ctx, first.ID, a.SupplierID)
	if err != nil || !bytes.Equal(got, raw) {
		t.Fatalf("raw = %q, %v", got, err)
	}
	if _, err := s.EDIFileRaw(ctx, first.ID, b.SupplierID); !fault.Is(err, fault.NotFound) {
		t.Fatalf("other supplier reading raw: %v, want not found", err)
	}
	err = s.InTx(ctx, func(tx *store.Tx) error {
		again := store.EDIFile{Direction: store.EDIOutbound, Kind: "850", PartnerID: &a.ID, SupplierID: &a.SupplierID,
			Source: "gateway", Filename: "b.edi", SHA256: "y", Status: store.EDIFileSent, ControlNumber: &control}
		return tx.InsertEDIFile(&again, nil)
	})
	if !fault.Is(err, fault.Conflict) {
		t.Fatalf("reusing control number %d: %v, want conflict", control, err)
	}
	// The same number for another partner is fine.
	err = s.InTx(ctx, func(tx *store.Tx) error {
		other := store.EDIFile{Direction: store.EDIOutbound, Kind: "850", PartnerID: &b.ID, SupplierID: &b.SupplierID,
			Source: "gateway", Filename: "c.edi", SHA256: "z", Status: store.EDIFileSent, ControlNumber: &control}
		return tx.InsertEDIFile(&other, nil)
	})
	if err != nil {
		t.Fatal(err)
	}
	list, total, err := s.EDIFiles(ctx, store.EDIFileFilter{SupplierID: a.SupplierID}, store.Page{})
	if err != nil || total != 1 || len(list) != 1 || list[0].ID != first.ID {
		t.Fatalf("supplier A list = %d files (total %d), %v", len(list), total, err)
	}
	all, total, err := s.EDIFiles(ctx, store.EDIFileFilter{Search: "C.ED"}, store.Page{})
	if err != nil || total != 1 || all[0].Filename != "c.edi" {
		t.Fatalf("search = %+v (total %d), %v", all, total, err)
	}
}

// Control numbers handed out under concurrency are distinct and the
// partner's counter ends after the last one.
func TestNextControlNumberConcurrent(t *testing.T) {
	s := storetest.Open(t)
	ctx := context.Background()
	p := ediPartnerFixture(t, s, "A", "PARTNERA")
	const workers, each = 6, 10
	nums := make(chan int64, workers*each)
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		go func() {
			for i := 0; i < each; i++ {
				err := s.InTx(ctx, func(tx *store.Tx) error {
					if err := tx.LockEDIPartner(p.ID); err != nil {
						return err
					}
					n, err := tx.NextControlNumber(p.ID)
					if err != nil {
						return err
					}
					c := n
					f := store.EDIFile{Direction: store.EDIOutbound, PartnerID: &p.ID, SupplierID: &p.SupplierID, Source: "test",
						Filename: "x", SHA256: "x", Status: store.EDIFileSent, ControlNumber: &c}
					if err := tx.InsertEDIFile(&f, nil); err != nil {
						return err
					}
					nums <- n
					return nil
				})
				if err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	deadline := time.After(60 * time.Second)
	for w := 0; w < workers; w++ {
		select {
		case err := <-errs:
			if err != nil {
				t.Fatal(err)
			}
		case <-deadline:
			t.Fatal("workers did not finish")
		}
	}
	close(nums)
	seen := map[int64]bool{}
	for n := range nums {
		if seen[n] {
			t.Fatalf("control number %d handed out twice", n)
		}
		seen[n] = true
	}
	if len(seen) != workers*each {
		t.Fatalf("%d numbers, want %d", len(seen), workers*each)
	}
	after, err := s.EDIPartnerByID(ctx, p.ID)
	if err != nil || after.NextControl != workers*each+1 {
		t.Fatalf("next control = %d, want %d (%v)", after.NextControl, workers*each+1, err)
	}
}

// Recording a file's sets again (the step replayed after a crash) adds
// only the sets not yet there and leaves the others as they are.
func TestInsertEDITransactionsKeepsRecordedSets(t *testing.T) {
	s := storetest.Open(t)
	ctx := context.Background()
	a := ediPartnerFixture(t, s, "A", "PARTNERA")
	var f store.EDIFile
	rows := func(n int) []store.EDITransaction {
		out := make([]store.EDITransaction, n)
		for i := range out {
			out[i] = store.EDITransaction{FileID: f.ID, Seq: i + 1, PartnerID: &a.ID, SupplierID: &a.SupplierID, SetID: "810",
				ControlNumber: fmt.Sprintf("%04d", i+1), Status: store.EDITxReceived}
		}
		return out
	}
	err := s.InTx(ctx, func(tx *store.Tx) error {
		f = store.EDIFile{Direction: store.EDIInbound, Kind: "810", PartnerID: &a.ID, SupplierID: &a.SupplierID,
			Source: "upload", Filename: "in.edi", SHA256: "z", Status: store.EDIFileReceived}
		if err := tx.InsertEDIFile(&f, []byte("ISA")); err != nil {
			return err
		}
		return tx.InsertEDITransactions(rows(3))
	})
	if err != nil {
		t.Fatal(err)
	}
	err = s.InTx(ctx, func(tx *store.Tx) error {
		first, err := tx.EDITransactionsOf(f.ID)
		if err != nil {
			return err
		}
		if err := tx.UpdateEDITransaction(first[0].ID, map[string]any{"status": store.EDITxApplied}); err != nil {
			return err
		}
		return tx.InsertEDITransactions(rows(5))
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.EDITransactionsOf(ctx, f.ID)
	if err != nil || len(got) != 5 {
		t.Fatalf("%d sets after the replay, want 5 (%v)", len(got), err)
	}
	if got[0].Status != store.EDITxApplied || got[4].Status != store.EDITxReceived || got[4].Seq != 5 {
		t.Errorf("sets after the replay: %+v", got)
	}
}
