package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
)

// Receiving adds the ship-and-receive part of the loop to a freshly seeded
// demo, so the ASN, receipt and in-transit views have something to show:
//
//   - an ACME PO that was shipped in full (an ASN with a pallet of cartons)
//     and received short: the receipt shows the ASN difference, the PO is
//     partially received and ready to be closed into a backorder;
//   - a second ACME PO with an open ASN: goods in transit, waiting for the
//     warehouse's receive page.
//
// It uses the real commands (SubmitASN as the ACME user, Receive as the
// warehouse user); only the send and acknowledgement are plain status
// writes, as in Seed, so no e-mail or EDI leaves a demo. It returns the PO
// numbers it created.
func Receiving(ctx context.Context, s *store.Store, svc *procure.Service) ([]string, error) {
	acme, err := s.SupplierByCode(ctx, "ACME")
	if err != nil {
		return nil, fmt.Errorf("demo receiving: %w", err)
	}
	items, _, err := s.CatalogItems(ctx, store.CatalogFilter{SupplierID: acme.ID}, store.Page{Size: 4})
	if err != nil || len(items) < 4 {
		return nil, fmt.Errorf("demo receiving: ACME needs four catalog items (%d): %v", len(items), err)
	}
	users := map[string]store.Actor{}
	for _, email := range []string{"buyer@demo.pogate", "warehouse@demo.pogate", "acme@demo.pogate"} {
		u, err := s.UserByEmail(ctx, email)
		if err != nil {
			return nil, fmt.Errorf("demo receiving: user %s: %w", email, err)
		}
		users[email] = u.Actor("portal")
	}
	buyer, dock, supplier := users["buyer@demo.pogate"], users["warehouse@demo.pogate"], users["acme@demo.pogate"]

	var numbers []string
	// PO 1: shipped in full on one pallet, 10 short of line 1 at the dock.
	po1, err := acknowledgedPO(ctx, s, svc, buyer, acme.ID, items[0], 500, items[1], 120)
	if err != nil {
		return nil, err
	}
	shipped := s.Now().Add(-48 * time.Hour)
	due := s.Now().Add(-2 * time.Hour)
	asn1, err := svc.SubmitASN(ctx, supplier, procure.ASNInput{POID: po1.ID, ShipmentID: "ACME-SH-1001", ShipDate: &shipped,
		ExpectedAt: &due, Carrier: "UPSN", Tracking: "1Z999AA10123456784",
		Packs: []procure.ASNPackInput{
			{SSCC: "106141411234567897", Level: "T"},
			{SSCC: "006141411234567890", ParentSSCC: "106141411234567897", Items: []procure.ASNLineInput{{LineRef: procure.LineRef{LineNo: 1}, Quantity: 500}}},
			{SSCC: "006141411234567906", ParentSSCC: "106141411234567897", Items: []procure.ASNLineInput{{LineRef: procure.LineRef{LineNo: 2}, Quantity: 120}}},
		}})
	if err != nil {
		return nil, fmt.Errorf("demo ASN for %s: %w", po1.Number, err)
	}
	if _, err := svc.Receive(ctx, dock, procure.ReceiptInput{ASNID: asn1.ID, Reference: "DN-88412", Lines: []procure.ReceiptLineInput{
		{LineRef: procure.LineRef{LineNo: 1}, Received: 490, Damaged: 4, Reason: "4 mugs chipped"},
		{LineRef: procure.LineRef{LineNo: 2}, Received: 120},
	}}); err != nil {
		return nil, fmt.Errorf("demo receipt for %s: %w", po1.Number, err)
	}
	numbers = append(numbers, po1.Number)

	// PO 2: on its way.
	po2, err := acknowledgedPO(ctx, s, svc, buyer, acme.ID, items[2], 300, items[3], 48)
	if err != nil {
		return nil, err
	}
	shipped2 := s.Now().Add(-6 * time.Hour)
	due2 := s.Now().Add(72 * time.Hour)
	if _, err := svc.SubmitASN(ctx, supplier, procure.ASNInput{POID: po2.ID, ShipmentID: "ACME-SH-1002", ShipDate: &shipped2,
		ExpectedAt: &due2, Carrier: "FDEG", Tracking: "612999AA10123456",
		Lines: []procure.ASNLineInput{{LineRef: procure.LineRef{LineNo: 1}, Quantity: 300}, {LineRef: procure.LineRef{LineNo: 2}, Quantity: 48}}}); err != nil {
		return nil, fmt.Errorf("demo ASN for %s: %w", po2.Number, err)
	}
	return append(numbers, po2.Number), nil
}

// acknowledgedPO drafts a two-line PO and moves it to acknowledged with
// plain status writes (approved, sent, acknowledged).
func acknowledgedPO(ctx context.Context, s *store.Store, svc *procure.Service, buyer store.Actor, supplierID int64,
	a store.CatalogItem, qa int64, b store.CatalogItem, qb int64) (store.PurchaseOrder, error) {
	po, err := svc.CreateDraft(ctx, buyer, procure.DraftPO{SupplierID: supplierID, Notes: "Demo order (shipped)", Lines: []procure.DraftLine{
		{ProductID: a.ProductID, Quantity: qa}, {ProductID: b.ProductID, Quantity: qb}}})
	if err != nil {
		return po, fmt.Errorf("demo shipped PO: %w", err)
	}
	now := s.Now()
	err = s.InTx(ctx, func(tx *store.Tx) error {
		p, err := tx.LockPO(po.ID, 0)
		if err != nil {
			return err
		}
		steps := []map[string]any{
			{"status": store.POStatusApproved, "approved_at": now.Add(-72 * time.Hour), "approval_rule": "demo"},
			{"status": store.POStatusSent, "sent_at": now.Add(-72 * time.Hour), "ack_due_at": now.Add(-48 * time.Hour)},
			{"status": store.POStatusAcknowledged, "acknowledged_at": now.Add(-70 * time.Hour)},
		}
		for _, f := range steps {
			if err := tx.SavePOHeader(&p, f); err != nil {
				return err
			}
		}
		return tx.Audit(buyer, "po.status", "purchase_order", p.ID, p.SupplierID, nil, map[string]string{"status": p.Status})
	})
	if err != nil {
		return po, fmt.Errorf("demo shipped PO %s: %w", po.Number, err)
	}
	return s.PO(ctx, po.ID, 0)
}
