package gateway

import (
	"context"

	"github.com/pogate/pogate/internal/store"
)

// Scope limits a listing to what actor may see: a supplier user or token
// (or partner) sees its own supplier's files only, staff see all.
func Scope(actor store.Actor) int64 {
	if actor.IsSupplier() {
		if actor.SupplierID <= 0 {
			return -1 // a supplier actor without a supplier sees nothing
		}
		return actor.SupplierID
	}
	return 0
}

// Files lists EDI files for the buyers' EDI page and the API, newest first,
// scoped to the actor: the one list function pages and handlers share.
func (g *Gateway) Files(ctx context.Context, actor store.Actor, f store.EDIFileFilter, page store.Page) ([]store.EDIFile, int64, error) {
	if sc := Scope(actor); sc != 0 {
		f.SupplierID = sc
	}
	return g.store.EDIFiles(ctx, f, page)
}

// AckFile is an acknowledgement file with its X12 text.
type AckFile struct {
	File store.EDIFile
	Text string
}

// Detail is everything shown about one file: its sets and what became of
// them, the acknowledgements exchanged, and for an inbound file the 997 we
// sent (for a duplicate, the one sent for the original: a replay answers
// with the first result).
type Detail struct {
	File         store.EDIFile
	Partner      *store.EDIPartner
	Transactions []store.EDITransaction
	Acks         []store.EDIAck
	// AcksSent are the 997/TA1 files we wrote for this inbound file.
	AcksSent []AckFile
	// AckedBy are the partner's files that acknowledged this outbound one.
	AckedBy []store.EDIFile
}

// FileDetail reads one file for actor; another supplier's file is NotFound.
func (g *Gateway) FileDetail(ctx context.Context, actor store.Actor, id int64) (Detail, error) {
	var d Detail
	f, err := g.store.EDIFileByID(ctx, id, Scope(actor))
	if err != nil {
		return d, err
	}
	d.File = f
	if f.PartnerID != nil {
		if p, err := g.store.EDIPartnerByID(ctx, *f.PartnerID); err == nil {
			d.Partner = &p
		}
	}
	if d.Transactions, err = g.store.EDITransactionsOf(ctx, id); err != nil {
		return d, err
	}
	if d.Acks, err = g.store.EDIAcksFor(ctx, id); err != nil {
		return d, err
	}
	if f.Direction == store.EDIInbound {
		answered := id
		if f.DuplicateOf != nil {
			answered = *f.DuplicateOf
		}
		sent, _, err := g.store.EDIFiles(ctx, store.EDIFileFilter{AckForFileID: answered}, store.Page{Size: store.MaxPageSize})
		if err != nil {
			return d, err
		}
		for _, a := range sent {
			raw, err := g.store.EDIFileRaw(ctx, a.ID, 0)
			if err != nil {
				return d, err
			}
			d.AcksSent = append(d.AcksSent, AckFile{File: a, Text: string(raw)})
		}
		return d, nil
	}
	for _, a := range d.Acks {
		if a.Direction == store.EDIInbound && a.AckedFileID != nil && *a.AckedFileID == id {
			if in, err := g.store.EDIFileByID(ctx, a.FileID, 0); err == nil {
				d.AckedBy = append(d.AckedBy, in)
			}
		}
	}
	return d, nil
}

// Raw is a file's stored bytes for actor.
func (g *Gateway) Raw(ctx context.Context, actor store.Actor, id int64) (store.EDIFile, []byte, error) {
	f, err := g.store.EDIFileByID(ctx, id, Scope(actor))
	if err != nil {
		return f, nil, err
	}
	raw, err := g.store.EDIFileRaw(ctx, id, 0)
	return f, raw, err
}
