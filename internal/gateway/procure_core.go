package gateway

import (
	"context"
	"fmt"
	"strings"

	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
)

// ProcureCore is the Core over internal/procure. SubmitASN is wired to
// procure.SubmitASN; procure has no acknowledgement or invoice command yet,
// so those answer ErrNotWired and the sets stay mapped (stored, shown,
// applied by Tick once the commands exist and are wired here).
type ProcureCore struct {
	Service *procure.Service
}

// SubmitASN records one procure ASN per purchase order of the shipment.
// procure accepts a shipment id once per PO; an order already recorded
// under this shipment id (a replay after a crash) is taken as applied, so
// calling again with the same command changes nothing.
func (c ProcureCore) SubmitASN(ctx context.Context, actor store.Actor, cmd ASNCommand) (Applied, error) {
	var first Applied
	for _, o := range cmd.Orders {
		var existing store.ASN
		err := c.Service.Store.DB(ctx).Where("supplier_id = ? AND po_id = ? AND shipment_id = ?", cmd.SupplierID, o.POID, cmd.ShipmentID).
			Take(&existing).Error
		switch {
		case err == nil:
			if first.ID == 0 {
				first = Applied{Entity: "asn", ID: existing.ID}
			}
			continue
		case !isNotFound(err):
			return Applied{}, fmt.Errorf("gateway: looking for ASN %s: %w", cmd.ShipmentID, err)
		}
		asn, err := c.Service.SubmitASN(ctx, actor, ASNInputOf(cmd, o))
		if err != nil {
			return Applied{}, fmt.Errorf("purchase order %s: %w", o.PONumber, err)
		}
		if first.ID == 0 {
			first = Applied{Entity: "asn", ID: asn.ID}
		}
	}
	return first, nil
}

// Acknowledge is not wired: procure has no acknowledgement command yet.
func (ProcureCore) Acknowledge(context.Context, store.Actor, AckCommand) (Applied, error) {
	return Applied{}, ErrNotWired
}

// SubmitInvoice is not wired: procure has no invoice command yet.
func (ProcureCore) SubmitInvoice(context.Context, store.Actor, InvoiceCommand) (Applied, error) {
	return Applied{}, ErrNotWired
}

// ASNInputOf is the procure input for one order of a mapped 856: items in
// a pack with an SSCC become pack contents, the rest plain lines (summed
// per PO line). Each item names its PO line by one reference only, the
// most specific the 856 carries (our SKU from BP, else the supplier's part,
// else the UPC, else LIN01), so a partner's own line numbering never
// contradicts a part number.
func ASNInputOf(cmd ASNCommand, o ASNOrderCommand) procure.ASNInput {
	in := procure.ASNInput{POID: o.POID, PONumber: o.PONumber, ShipmentID: cmd.ShipmentID, ShipDate: cmd.ShippedAt,
		ExpectedAt: cmd.ExpectedAt, Carrier: cmd.Carrier, Tracking: cmd.BillOfLading}
	packIdx := map[string]int{}
	lineIdx := map[procure.LineRef]int{}
	for _, l := range o.Lines {
		ref := lineRefOf(l)
		item := procure.ASNLineInput{LineRef: ref, Quantity: l.Quantity}
		if sscc := strings.TrimSpace(l.SSCC); sscc != "" {
			i, ok := packIdx[sscc]
			if !ok {
				i = len(in.Packs)
				packIdx[sscc] = i
				in.Packs = append(in.Packs, procure.ASNPackInput{SSCC: sscc})
			}
			in.Packs[i].Items = append(in.Packs[i].Items, item)
			continue
		}
		if i, ok := lineIdx[ref]; ok {
			in.Lines[i].Quantity += l.Quantity
			continue
		}
		lineIdx[ref] = len(in.Lines)
		in.Lines = append(in.Lines, item)
	}
	return in
}

func lineRefOf(l ASNLineCommand) procure.LineRef {
	switch {
	case l.BuyerPart != "":
		return procure.LineRef{SKU: l.BuyerPart}
	case l.VendorPart != "":
		return procure.LineRef{SupplierPart: l.VendorPart}
	case l.UPC != "":
		return procure.LineRef{GTIN: l.UPC}
	}
	return procure.LineRef{LineNo: l.LineNo}
}
