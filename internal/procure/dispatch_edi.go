package procure

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/pogate/pogate/edi"
	"github.com/pogate/pogate/internal/store"
	"github.com/pogate/pogate/matching"
)

// OutboxEDI850 renders 850s with the edi package's writer into a folder per
// partner (Dir/<partner ISA id>/), where the gateway's transports (folder
// drop, SFTP) pick them up. A file appears only complete: it is written to a
// temporary name and renamed.
type OutboxEDI850 struct {
	Dir string
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// Render850 implements EDIRenderer.
func (o OutboxEDI850) Render850(ctx context.Context, tx *store.Tx, po store.PurchaseOrder, sup store.Supplier) (string, error) {
	partner, err := tx.EDIPartnerForSupplier(sup.ID)
	if err != nil {
		return "", fmt.Errorf("supplier %s sends by EDI but has no partner profile: %w", sup.Code, err)
	}
	ctl, err := tx.NextControlNumber(partner.ID)
	if err != nil {
		return "", err
	}
	doc, err := PO850From(po, sup)
	if err != nil {
		return "", err
	}
	env := edi.Envelope{SenderQualifier: partner.OurISAQualifier, SenderID: partner.OurISAID, ReceiverQualifier: partner.ISAQualifier,
		ReceiverID: partner.ISAID, GroupSenderID: partner.OurGSID, GroupReceiverID: partner.GSID, ControlNumber: ctl, Time: tx.Now()}
	switch v := strings.TrimSpace(partner.Version); len(v) {
	case 5: // ISA12 "00401" -> GS08 "004010"
		env.Version, env.GroupVersion = v, v+"0"
	case 6: // GS08 "004010" -> ISA12 "00401"
		env.Version, env.GroupVersion = v[:5], v
	}
	dir := filepath.Join(o.Dir, unsafeName.ReplaceAllString(strings.TrimSpace(partner.ISAID), "_"))
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", fmt.Errorf("edi outbox: %w", err)
	}
	name := fmt.Sprintf("850_%s_%09d.x12", unsafeName.ReplaceAllString(po.Number, "_"), ctl)
	tmp, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return "", fmt.Errorf("edi outbox: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := edi.Write850(tmp, doc, env); err != nil {
		tmp.Close()
		return "", fmt.Errorf("write 850 for %s: %w", po.Number, err)
	}
	if err := tmp.Close(); err != nil {
		return "", fmt.Errorf("edi outbox: %w", err)
	}
	final := filepath.Join(dir, name)
	if err := os.Rename(tmp.Name(), final); err != nil {
		return "", fmt.Errorf("edi outbox: %w", err)
	}
	return "850 ISA13 " + strconv.FormatInt(ctl, 10) + " " + final, nil
}

// PO850From maps a PO to the edi package's 850 shape.
func PO850From(po store.PurchaseOrder, sup store.Supplier) (*edi.PO850, error) {
	exp, ok := matching.CurrencyExponent(po.Currency)
	if !ok {
		return nil, fmt.Errorf("850 for %s: unknown currency %q", po.Number, po.Currency)
	}
	doc := &edi.PO850{Purpose: "00", OrderType: "SA", PONumber: po.Number, Currency: po.Currency,
		PODate: edi.DateOf(po.CreatedAt)}
	for _, l := range po.Lines {
		line := edi.POLine{LineNumber: strconv.Itoa(l.LineNo), Quantity: edi.NewDecimal(l.Quantity, 0), Unit: nonEmpty(l.Unit, "EA"),
			UnitPrice: x12Decimal(l.UnitPriceMicros, matching.PriceScale), PriceBasis: "PE"}
		if l.SupplierPart != "" {
			line.Item.VendorPart = l.SupplierPart
		}
		line.Item.Description = l.Description
		if l.ExpectedAt != nil {
			line.Dates = append(line.Dates, edi.DateRef{Qualifier: "002", Date: edi.DateOf(*l.ExpectedAt)})
		}
		doc.Lines = append(doc.Lines, line)
	}
	doc.Total = x12Decimal(po.TotalMinor, exp)
	return doc, nil
}

// x12Decimal drops trailing zero decimals ("12.500000" -> "12.5"): X12 R
// values are shortest-form by convention and element widths are small.
func x12Decimal(units int64, scale int) edi.Decimal {
	for scale > 0 && units%10 == 0 {
		units /= 10
		scale--
	}
	return edi.NewDecimal(units, int32(scale))
}
