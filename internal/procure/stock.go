package procure

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strconv"

	"github.com/pogate/pogate/internal/fault"
	"github.com/pogate/pogate/internal/store"
	"github.com/pogate/pogate/internal/tabular"
)

// StockInput is one on-hand figure from the inventory system. Location is a
// location code; empty means the only location when there is exactly one.
type StockInput struct {
	SKU       string `json:"sku"`
	Location  string `json:"location"`
	OnHand    int64  `json:"on_hand"`
	Allocated int64  `json:"allocated"`
}

// MaxStockBatch bounds one bulk stock call.
const MaxStockBatch = 10_000

// SetStockLevels replaces on-hand and allocated for each (SKU, location) in
// one transaction: all items apply or none, and each change is audited.
// Stock is absolute (a count), so replaying the same call is harmless.
func (s *Service) SetStockLevels(ctx context.Context, actor store.Actor, items []StockInput) (int, error) {
	if err := require(actor, store.RoleBuyer, store.RoleWarehouse); err != nil {
		return 0, err
	}
	if len(items) == 0 {
		return 0, fault.FieldErr("items", "send at least one stock level")
	}
	if len(items) > MaxStockBatch {
		return 0, fault.New(fault.TooLarge, "%d stock levels in one call; send at most %d", len(items), MaxStockBatch)
	}
	r, err := s.stockResolver(ctx)
	if err != nil {
		return 0, err
	}
	type resolved struct{ pid, lid, onHand, allocated int64 }
	rows := make([]resolved, len(items))
	seen := map[[2]int64]int{}
	for i, it := range items {
		field := func(name string) string { return fmt.Sprintf("items[%d].%s", i, name) }
		pid, lid, msgField, msg := r.resolve(it.SKU, it.Location)
		if msg != "" {
			return 0, fault.FieldErr(field(msgField), "%s", msg)
		}
		if it.OnHand < 0 || it.Allocated < 0 {
			return 0, fault.FieldErr(field("on_hand"), "stock cannot be negative (on_hand %d, allocated %d)", it.OnHand, it.Allocated)
		}
		key := [2]int64{pid, lid}
		if prev, dup := seen[key]; dup {
			return 0, fault.FieldErr(field("sku"), "%s at %s is also item %d; send each SKU and location once", it.SKU, r.locationCode(lid), prev)
		}
		seen[key] = i
		rows[i] = resolved{pid, lid, it.OnHand, it.Allocated}
	}
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		for _, row := range rows {
			if err := tx.SetStock(actor, row.pid, row.lid, row.onHand, row.allocated); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return len(rows), nil
}

// stockResolver maps SKUs and location codes to ids.
type stockResolver struct {
	products  map[string]int64
	locations map[string]int64
	codes     map[int64]string
}

func (s *Service) stockResolver(ctx context.Context) (*stockResolver, error) {
	products, err := s.Store.ProductIDsBySKU(ctx)
	if err != nil {
		return nil, err
	}
	locs, err := s.Store.Locations(ctx)
	if err != nil {
		return nil, err
	}
	r := &stockResolver{products: products, locations: map[string]int64{}, codes: map[int64]string{}}
	for _, l := range locs {
		r.locations[l.Code] = l.ID
		r.codes[l.ID] = l.Code
	}
	return r, nil
}

func (r *stockResolver) locationCode(id int64) string { return r.codes[id] }

// resolve returns ids, or the field at fault and a message.
func (r *stockResolver) resolve(sku, location string) (pid, lid int64, field, msg string) {
	pid, ok := r.products[sku]
	if !ok {
		return 0, 0, "sku", fmt.Sprintf("unknown SKU %q", sku)
	}
	if location == "" {
		if len(r.locations) == 1 {
			for _, id := range r.locations {
				return pid, id, "", ""
			}
		}
		return 0, 0, "location", fmt.Sprintf("name the location; there are %d", len(r.locations))
	}
	lid, ok = r.locations[location]
	if !ok {
		return 0, 0, "location", fmt.Sprintf("unknown location %q", location)
	}
	return pid, lid, "", ""
}

// ImportStock reads a stock file (sku, on_hand [, location] [, allocated])
// and applies it like SetStockLevels. A file with bad rows applies nothing
// unless Partial; the same file twice is recognised and not re-applied (so
// an old snapshot cannot overwrite newer counts by accident).
func (s *Service) ImportStock(ctx context.Context, actor store.Actor, rd io.Reader, opt ImportOptions) (ImportResult, error) {
	var res ImportResult
	if err := require(actor, store.RoleBuyer, store.RoleWarehouse); err != nil {
		return res, err
	}
	h := sha256.New()
	table, err := tabular.Read(io.TeeReader(rd, h), tabular.DefaultLimits)
	if err != nil {
		return res, fault.Wrap(fault.Invalid, err, "cannot read the stock file")
	}
	sum := hex.EncodeToString(h.Sum(nil))
	cols, err := table.Index([]string{"sku", "on_hand"}, map[string]string{"quantity": "on_hand", "qty": "on_hand", "onhand": "on_hand",
		"location_code": "location", "warehouse": "location", "reserved": "allocated"})
	if err != nil {
		return res, fault.Wrap(fault.Invalid, err, "wrong columns (need sku, on_hand; optional location, allocated)")
	}
	res.Rows = len(table.Rows)
	r, err := s.stockResolver(ctx)
	if err != nil {
		return res, err
	}
	type row struct{ pid, lid, onHand, allocated int64 }
	var good []row
	seen := map[[2]int64]int{}
	for _, tr := range table.Rows {
		n := tr.Number
		before := len(res.Errors)
		num := func(name string) int64 {
			v := cols.Get(tr, name)
			if v == "" && name == "allocated" {
				return 0
			}
			q, err := strconv.ParseInt(v, 10, 64)
			if err != nil || q < 0 {
				res.Errors = append(res.Errors, RowError{Row: n, Column: name, Reason: fmt.Sprintf("%q is not a whole number of at least 0", v)})
			}
			return q
		}
		onHand, allocated := num("on_hand"), num("allocated")
		pid, lid, field, msg := r.resolve(cols.Get(tr, "sku"), cols.Get(tr, "location"))
		if msg != "" {
			res.Errors = append(res.Errors, RowError{Row: n, Column: field, Reason: msg})
		} else if prev, dup := seen[[2]int64{pid, lid}]; dup {
			res.Errors = append(res.Errors, RowError{Row: n, Column: "sku", Reason: fmt.Sprintf("same SKU and location as row %d", prev)})
		} else {
			seen[[2]int64{pid, lid}] = n
		}
		if len(res.Errors) == before {
			good = append(good, row{pid, lid, onHand, allocated})
		}
	}
	if len(res.Errors) > 0 && !opt.Partial {
		return res, ErrImportRejected
	}
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		fresh, err := tx.RecordImport(store.ImportFile{Kind: "stock", SHA256: sum, Filename: opt.Filename, RowsTotal: int64(res.Rows), RowsApplied: int64(len(good))})
		if err != nil || !fresh {
			res.Replayed = !fresh
			return err
		}
		for _, g := range good {
			if err := tx.SetStock(actor, g.pid, g.lid, g.onHand, g.allocated); err != nil {
				return err
			}
		}
		res.Applied = len(good)
		return nil
	})
	return res, err
}
