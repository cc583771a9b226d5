package procure

import (
	"fmt"
	"strings"

	"github.com/pogate/pogate/internal/fault"
	"github.com/pogate/pogate/internal/store"
)

// LineRef names a PO line in whichever way the sender knows it: the dock
// scans a GTIN, a supplier quotes its own part number, an EDI LIN segment
// carries the PO line number, the portal posts the line id. Give at least
// one; when several are given they must agree.
type LineRef struct {
	POLineID     int64  `json:"po_line_id,omitempty"`
	LineNo       int    `json:"line_no,omitempty"`
	SKU          string `json:"sku,omitempty"`
	GTIN         string `json:"gtin,omitempty"`
	SupplierPart string `json:"supplier_part,omitempty"`
}

func (r LineRef) empty() bool {
	return r.POLineID == 0 && r.LineNo == 0 && strings.TrimSpace(r.SKU) == "" &&
		strings.TrimSpace(r.GTIN) == "" && strings.TrimSpace(r.SupplierPart) == ""
}

// poLineIndex resolves LineRefs against one PO's lines.
type poLineIndex struct {
	number   string
	lines    []store.POLine
	products map[int64]store.Product
}

func newPOLineIndex(tx *store.Tx, number string, lines []store.POLine) (*poLineIndex, error) {
	ids := make([]int64, 0, len(lines))
	for _, l := range lines {
		ids = append(ids, l.ProductID)
	}
	var ps []store.Product
	if len(ids) > 0 {
		if err := tx.DB().Where("id IN ?", ids).Find(&ps).Error; err != nil {
			return nil, fmt.Errorf("procure: products of %s: %w", number, err)
		}
	}
	idx := &poLineIndex{number: number, lines: lines, products: make(map[int64]store.Product, len(ps))}
	for _, p := range ps {
		idx.products[p.ID] = p
	}
	return idx, nil
}

// normGTIN drops leading zeros, so a GTIN-13 scanned as a 14-digit
// GTIN with a leading 0 (or a UPC-A as EAN-13) still matches.
func normGTIN(g string) string {
	g = strings.TrimSpace(g)
	t := strings.TrimLeft(g, "0")
	if t == "" {
		return g
	}
	return t
}

// resolve finds the line ref names; field is the input path for errors.
func (x *poLineIndex) resolve(ref LineRef, field string) (int, error) {
	if ref.empty() {
		return -1, fault.FieldErr(field, "name the PO line by po_line_id, line_no, sku, gtin or supplier_part")
	}
	found := -1
	pick := func(kind, value string, match func(l store.POLine) bool) error {
		hit := -1
		for i, l := range x.lines {
			if match(l) {
				hit = i
				break
			}
		}
		if hit < 0 {
			return fault.FieldErr(field, "%s has no line with %s %s", x.number, kind, value)
		}
		if found >= 0 && found != hit {
			return fault.FieldErr(field, "%s %s is line %d but the other references name line %d", kind, value, x.lines[hit].LineNo, x.lines[found].LineNo)
		}
		found = hit
		return nil
	}
	if ref.POLineID != 0 {
		if err := pick("line id", fmt.Sprint(ref.POLineID), func(l store.POLine) bool { return l.ID == ref.POLineID }); err != nil {
			return -1, err
		}
	}
	if ref.LineNo != 0 {
		if err := pick("line number", fmt.Sprint(ref.LineNo), func(l store.POLine) bool { return l.LineNo == ref.LineNo }); err != nil {
			return -1, err
		}
	}
	if sku := strings.TrimSpace(ref.SKU); sku != "" {
		if err := pick("SKU", fmt.Sprintf("%q", sku), func(l store.POLine) bool { return strings.EqualFold(x.products[l.ProductID].SKU, sku) }); err != nil {
			return -1, err
		}
	}
	if g := strings.TrimSpace(ref.GTIN); g != "" {
		n := normGTIN(g)
		if err := pick("GTIN", g, func(l store.POLine) bool {
			p := x.products[l.ProductID].GTIN
			return p != "" && normGTIN(p) == n
		}); err != nil {
			return -1, err
		}
	}
	if sp := strings.TrimSpace(ref.SupplierPart); sp != "" {
		if err := pick("supplier part", fmt.Sprintf("%q", sp), func(l store.POLine) bool { return strings.EqualFold(l.SupplierPart, sp) }); err != nil {
			return -1, err
		}
	}
	return found, nil
}

// label names a line for messages: "line 2 (SKU-2)".
func (x *poLineIndex) label(i int) string {
	l := x.lines[i]
	if sku := x.products[l.ProductID].SKU; sku != "" {
		return fmt.Sprintf("line %d (%s)", l.LineNo, sku)
	}
	return fmt.Sprintf("line %d", l.LineNo)
}
