package procure_test

import (
	"context"
	"testing"
	"time"

	"github.com/pogate/pogate/internal/fault"
	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
)

// Valid SSCC-18s (GS1 check digit) for packs.
const (
	ssccPallet = "106141411234567897"
	ssccCase1  = "006141411234567890"
	ssccCase2  = "006141411234567906"
)

func TestValidSSCC(t *testing.T) {
	cases := []struct {
		in   string
		want bool
	}{
		{ssccPallet, true}, {ssccCase1, true}, {ssccCase2, true},
		{"006141411234567891", false}, // wrong check digit
		{"00614141123456789", false},  // 17 digits
		{"00614141123456789A", false},
		{"", false},
	}
	for _, c := range cases {
		if got := store.ValidSSCC(c.in); got != c.want {
			t.Errorf("ValidSSCC(%q) = %v, want %v", c.in, got, c.want)
		}
	}
	if got := store.NormalizeSSCC("(00) " + ssccCase1); got != ssccCase1 {
		t.Errorf("NormalizeSSCC with AI = %q", got)
	}
	if got := store.NormalizeSSCC("00" + ssccCase1); got != ssccCase1 {
		t.Errorf("NormalizeSSCC 20 digits = %q", got)
	}
}

// An ASN puts its quantities in transit (in stock units), moves the
// expected dates of the shipped lines and keeps its packs and contents.
func TestSubmitASNRecordsPacksInTransitAndExpectedDates(t *testing.T) {
	f := newRcvFixture(t)
	ctx := context.Background()
	po := f.sentPO(t, f.acme, "", rcvLine{"SKU-1", 500}, rcvLine{"SKU-2", 24}, rcvLine{"SKU-3", 10})
	ship := f.now.Add(2 * time.Hour)
	due := time.Date(2026, 3, 9, 0, 0, 0, 0, time.UTC)
	asn, err := f.svc.SubmitASN(ctx, f.acmeUser, procure.ASNInput{
		PONumber: po.Number, ShipmentID: "SH-1001", ShipDate: &ship, ExpectedAt: &due, Carrier: "UPSN", Tracking: "1Z999",
		Lines: []procure.ASNLineInput{{LineRef: procure.LineRef{SKU: "SKU-1"}, Quantity: 300}},
		Packs: []procure.ASNPackInput{
			{SSCC: ssccPallet, Level: "T"},
			{SSCC: "(00)" + ssccCase1, ParentSSCC: ssccPallet, Items: []procure.ASNLineInput{
				{LineRef: procure.LineRef{SKU: "SKU-1"}, Quantity: 200},
				{LineRef: procure.LineRef{SupplierPart: "A-2"}, Quantity: 10},
			}},
			{SSCC: ssccCase2, ParentSSCC: ssccPallet, Items: []procure.ASNLineInput{
				{LineRef: procure.LineRef{SKU: "SKU-1"}, Quantity: 100},
				{LineRef: procure.LineRef{LineNo: 2}, Quantity: 14},
			}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if asn.Number == "" || asn.Status != store.ASNStatusOpen || asn.SupplierID != f.acme.ID || asn.Channel != "portal" {
		t.Fatalf("asn = %+v", asn)
	}
	if len(asn.Lines) != 2 || asn.Lines[0].Quantity != 300 || asn.Lines[1].Quantity != 24 || asn.Lines[1].LineNo != 2 {
		t.Fatalf("lines = %+v", asn.Lines)
	}
	if got := f.inTransit(t, "SKU-1"); got != 300 {
		t.Errorf("SKU-1 in transit = %d, want 300", got)
	}
	if got := f.inTransit(t, "SKU-2"); got != 24*12 {
		t.Errorf("SKU-2 in transit = %d stock units, want %d (24 cases of 12)", got, 24*12)
	}
	if got := f.inTransit(t, "SKU-3"); got != 0 {
		t.Errorf("SKU-3 in transit = %d, want 0 (not shipped)", got)
	}
	got, err := f.svc.GetASN(ctx, f.acmeUser, asn.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Packs) != 3 || got.Packs[1].ParentID == nil || *got.Packs[1].ParentID != got.Packs[0].ID ||
		got.Packs[1].SSCC != ssccCase1 || len(got.Packs[2].Contents) != 2 || got.Packs[2].Contents[1].Quantity != 14 {
		t.Fatalf("packs = %+v", got.Packs)
	}
	after := f.po(t, po.ID)
	for _, l := range after.Lines[:2] {
		if l.ExpectedAt == nil || !l.ExpectedAt.Equal(due) {
			t.Errorf("line %d expected %v, want %v", l.LineNo, l.ExpectedAt, due)
		}
	}
	if after.Lines[2].ExpectedAt.Equal(due) {
		t.Errorf("unshipped line 3 moved to the ASN date")
	}
	evs, _ := f.s.AuditFor(ctx, "asn", asn.ID, 0, store.Page{})
	if len(evs) != 1 || evs[0].Action != "asn.submitted" || evs[0].Channel != "portal" {
		t.Fatalf("audit = %+v", evs)
	}
	// A cancelled PO has nothing on its way, whatever its ASN said.
	if _, err := f.svc.Cancel(ctx, buyer, po.ID, "supplier went bust"); err != nil {
		t.Fatal(err)
	}
	if got := f.inTransit(t, "SKU-1"); got != 0 {
		t.Errorf("SKU-1 in transit on a cancelled PO = %d, want 0", got)
	}
}

// Every way an ASN can be wrong is refused with the line named.
func TestSubmitASNValidation(t *testing.T) {
	f := newRcvFixture(t)
	ctx := context.Background()
	po := f.sentPO(t, f.acme, "", rcvLine{"SKU-1", 500}, rcvLine{"SKU-2", 100})
	line := func(ref procure.LineRef, q int64) []procure.ASNLineInput {
		return []procure.ASNLineInput{{LineRef: ref, Quantity: q}}
	}
	cases := []struct {
		name  string
		in    procure.ASNInput
		code  fault.Code
		field string
		want  string
	}{
		{"unknown SKU", procure.ASNInput{Lines: line(procure.LineRef{SKU: "NOPE"}, 1)}, fault.Invalid, "lines[0]", po.Number + ` has no line with SKU "NOPE"`},
		{"unknown line number", procure.ASNInput{Lines: line(procure.LineRef{LineNo: 9}, 1)}, fault.Invalid, "lines[0]", "has no line with line number 9"},
		{"references disagree", procure.ASNInput{Lines: line(procure.LineRef{LineNo: 1, SKU: "SKU-2"}, 1)}, fault.Invalid, "lines[0]", `SKU "SKU-2" is line 2 but the other references name line 1`},
		{"no reference", procure.ASNInput{Lines: line(procure.LineRef{}, 1)}, fault.Invalid, "lines[0]", "name the PO line"},
		{"zero quantity", procure.ASNInput{Lines: line(procure.LineRef{LineNo: 1}, 0)}, fault.Invalid, "lines[0].quantity", "positive"},
		{"more than ordered", procure.ASNInput{Lines: line(procure.LineRef{LineNo: 2}, 101)}, fault.Invalid, "lines[0].quantity", "line 2 (SKU-2): 101 shipped would exceed the 100 ordered (tolerance 0%)"},
		{"line twice", procure.ASNInput{Lines: []procure.ASNLineInput{{LineRef: procure.LineRef{LineNo: 1}, Quantity: 1}, {LineRef: procure.LineRef{SKU: "SKU-1"}, Quantity: 1}}}, fault.Invalid, "lines[1]", "already listed as lines[0]"},
		{"bad SSCC check digit", procure.ASNInput{Packs: []procure.ASNPackInput{{SSCC: "006141411234567891", Items: line(procure.LineRef{LineNo: 1}, 5)}}}, fault.Invalid, "packs[0].sscc", "not a valid SSCC-18"},
		{"same SSCC twice", procure.ASNInput{Packs: []procure.ASNPackInput{{SSCC: ssccCase1, Items: line(procure.LineRef{LineNo: 1}, 5)}, {SSCC: ssccCase1, Items: line(procure.LineRef{LineNo: 1}, 5)}}}, fault.Invalid, "packs[1].sscc", "already packs[0]"},
		{"unknown pallet", procure.ASNInput{Packs: []procure.ASNPackInput{{SSCC: ssccCase1, ParentSSCC: ssccPallet, Items: line(procure.LineRef{LineNo: 1}, 5)}}}, fault.Invalid, "packs[0].parent_sscc", "not listed before"},
		{"packs hold more than the line", procure.ASNInput{Lines: line(procure.LineRef{LineNo: 1}, 5), Packs: []procure.ASNPackInput{{SSCC: ssccCase1, Items: line(procure.LineRef{LineNo: 1}, 6)}}}, fault.Invalid, "packs", "line 1 (SKU-1): the packs hold 6 but the line ships 5"},
		{"packs over ordered", procure.ASNInput{Packs: []procure.ASNPackInput{{SSCC: ssccCase1, Items: line(procure.LineRef{LineNo: 2}, 60)}, {SSCC: ssccCase2, Items: line(procure.LineRef{LineNo: 2}, 41)}}}, fault.Invalid, "lines[0].quantity", "line 2 (SKU-2): 101 shipped would exceed the 100 ordered"},
		{"no shipment id", procure.ASNInput{ShipmentID: " ", Lines: line(procure.LineRef{LineNo: 1}, 1)}, fault.Invalid, "shipment_id", "is required"},
		{"delivery before shipping", procure.ASNInput{ShipDate: &f.now, ExpectedAt: ptrTime(f.now.Add(-time.Hour)), Lines: line(procure.LineRef{LineNo: 1}, 1)}, fault.Invalid, "expected_delivery", "before the ship date"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			in.POID = po.ID
			if in.ShipmentID == "" {
				in.ShipmentID = "SH-" + tc.name
			}
			_, err := f.svc.SubmitASN(ctx, f.acmeUser, in)
			wantFault(t, err, tc.code, tc.want)
			var fe *fault.Error
			if asFault(err, &fe) && fe.Field != tc.field {
				t.Errorf("field %q, want %q", fe.Field, tc.field)
			}
		})
	}
	if n := f.inTransit(t, "SKU-1") + f.inTransit(t, "SKU-2"); n != 0 {
		t.Fatalf("refused ASNs left %d in transit", n)
	}

	// What is already in transit counts: 300 + 201 > 500.
	if _, err := f.svc.SubmitASN(ctx, f.acmeUser, procure.ASNInput{POID: po.ID, ShipmentID: "SH-A", Lines: line(procure.LineRef{LineNo: 1}, 300)}); err != nil {
		t.Fatal(err)
	}
	_, err := f.svc.SubmitASN(ctx, f.acmeUser, procure.ASNInput{POID: po.ID, ShipmentID: "SH-B", Lines: line(procure.LineRef{LineNo: 1}, 201)})
	wantFault(t, err, fault.Invalid, "line 1 (SKU-1): 201 shipped would exceed the 500 ordered (tolerance 0%); 300 already in transit on earlier ship notices")
	// The same shipment id twice for one PO.
	_, err = f.svc.SubmitASN(ctx, f.acmeUser, procure.ASNInput{POID: po.ID, ShipmentID: "SH-A", Lines: line(procure.LineRef{LineNo: 1}, 1)})
	wantFault(t, err, fault.Invalid, `shipment "SH-A" was already notified`)

	// A supplier tolerance of 2% lets 2% more through, and the message says so.
	f.setQtyTolerance(t, f.acme.ID, i64(200), nil)
	if _, err := f.svc.SubmitASN(ctx, f.acmeUser, procure.ASNInput{POID: po.ID, ShipmentID: "SH-C", Lines: line(procure.LineRef{LineNo: 2}, 102)}); err != nil {
		t.Fatalf("102 of 100 within 2%%: %v", err)
	}
	_, err = f.svc.SubmitASN(ctx, f.acmeUser, procure.ASNInput{POID: po.ID, ShipmentID: "SH-D", Lines: line(procure.LineRef{LineNo: 2}, 1)})
	wantFault(t, err, fault.Invalid, "line 2 (SKU-2): 1 shipped would exceed the 100 ordered (tolerance 2%); 102 already in transit")
}

func ptrTime(t time.Time) *time.Time { return &t }

// POs not out with the supplier take no ASN.
func TestSubmitASNRefusesPOsNotSentOrCancelled(t *testing.T) {
	f := newRcvFixture(t)
	ctx := context.Background()
	cases := []struct {
		status string
		want   string
	}{
		{store.POStatusDraft, "has not been sent to the supplier yet (it is draft)"},
		{store.POStatusApproved, "has not been sent to the supplier yet (it is approved)"},
		{store.POStatusCancelled, "was cancelled; nothing can be shipped against it"},
	}
	for _, tc := range cases {
		t.Run(tc.status, func(t *testing.T) {
			po := f.sentPO(t, f.acme, tc.status, rcvLine{"SKU-1", 10})
			_, err := f.svc.SubmitASN(ctx, f.acmeUser, procure.ASNInput{POID: po.ID, ShipmentID: "S1",
				Lines: []procure.ASNLineInput{{LineRef: procure.LineRef{LineNo: 1}, Quantity: 10}}})
			wantFault(t, err, fault.Conflict, po.Number+" "+tc.want)
		})
	}
}

// A supplier reaching another supplier's PO or ASN gets the same NotFound
// as for a PO that does not exist.
func TestSubmitASNSupplierIsolation(t *testing.T) {
	f := newRcvFixture(t)
	ctx := context.Background()
	acmePO := f.sentPO(t, f.acme, "", rcvLine{"SKU-1", 10})
	in := procure.ASNInput{POID: acmePO.ID, ShipmentID: "X", Lines: []procure.ASNLineInput{{LineRef: procure.LineRef{LineNo: 1}, Quantity: 1}}}
	_, errOther := f.svc.SubmitASN(ctx, f.globexEDI, in)
	wantFault(t, errOther, fault.NotFound, "purchase order not found")
	in.POID = acmePO.ID + 1000
	_, errMissing := f.svc.SubmitASN(ctx, f.globexEDI, in)
	if errOther.Error() != errMissing.Error() {
		t.Fatalf("another supplier's PO answers %q, a missing one %q", errOther, errMissing)
	}
	// By number too.
	_, err := f.svc.SubmitASN(ctx, f.globexEDI, procure.ASNInput{PONumber: acmePO.Number, ShipmentID: "X", Lines: in.Lines})
	wantFault(t, err, fault.NotFound, "purchase order "+acmePO.Number+" not found")
	// A supplier actor without a supplier sees nothing.
	_, err = f.svc.SubmitASN(ctx, store.Actor{Kind: store.ActorUser, Role: store.RoleSupplier}, procure.ASNInput{POID: acmePO.ID, ShipmentID: "X", Lines: in.Lines})
	wantFault(t, err, fault.NotFound, "not found")
	// The ASN itself is invisible to the other supplier.
	in.POID = acmePO.ID
	asn, err := f.svc.SubmitASN(ctx, f.acmeUser, in)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.GetASN(ctx, f.globexEDI, asn.ID); fault.CodeOf(err) != fault.NotFound {
		t.Fatalf("other supplier GetASN: %v", err)
	}
	list, total, err := f.svc.ListASNs(ctx, f.globexEDI, store.ASNFilter{}, store.Page{})
	if err != nil || total != 0 || len(list) != 0 {
		t.Fatalf("other supplier lists %d ASNs (%v)", total, err)
	}
	list, total, err = f.svc.ListASNs(ctx, f.warehouse, store.ASNFilter{POID: acmePO.ID}, store.Page{})
	if err != nil || total != 1 || list[0].ID != asn.ID {
		t.Fatalf("staff list: %d %v", total, err)
	}
	// Warehouse staff may not submit ASNs.
	_, err = f.svc.SubmitASN(ctx, f.warehouse, procure.ASNInput{POID: acmePO.ID, ShipmentID: "Y", Lines: in.Lines})
	wantFault(t, err, fault.Forbidden, "may not submit ship notices")
}
