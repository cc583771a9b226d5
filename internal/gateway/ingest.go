package gateway

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/pogate/pogate/edi"
	"github.com/pogate/pogate/internal/fault"
	"github.com/pogate/pogate/internal/store"
)

// Source kinds: how a file reached the gateway.
const (
	SourceFolder = "folder"
	SourceSFTP   = "sftp"
	SourceUpload = "upload"
)

// Source says how a file arrived and what the channel already proves.
type Source struct {
	Kind string
	// PartnerID is set when the channel identifies the partner (its own
	// drop folder or SFTP login): the file's ISA sender must be that partner.
	PartnerID int64
	// SupplierID is set for an upload with a supplier's token: the sender's
	// partner profile must speak for that supplier.
	SupplierID int64
	// By labels who handed the file in (user, token, SFTP login).
	By string
}

// Ingest runs the whole inbound pipeline for one file: store the bytes,
// then parse, check for duplicates, record its sets, write the 997, and
// apply what can be applied. The error is non-nil only when the file could
// not be stored, or the database failed mid-way (the stored file is then
// finished by Tick); a file with X12 or business errors is stored with its
// status and errors and returned without error.
func (g *Gateway) Ingest(ctx context.Context, src Source, filename string, data []byte) (store.EDIFile, error) {
	id, err := g.Receive(ctx, src, filename, data)
	if err != nil {
		return store.EDIFile{}, err
	}
	if err := g.Process(ctx, id, src); err != nil {
		return store.EDIFile{}, err
	}
	return g.store.EDIFileByID(ctx, id, 0)
}

// Receive stores a file's bytes and its row (status received) in one
// transaction; nothing is parsed before the bytes are safe.
func (g *Gateway) Receive(ctx context.Context, src Source, filename string, data []byte) (int64, error) {
	if int64(len(data)) > g.max {
		return 0, fault.New(fault.TooLarge, "the file has %d bytes; the limit is %d", len(data), g.max)
	}
	if len(data) == 0 {
		return 0, fault.New(fault.Invalid, "the file is empty")
	}
	sum := sha256.Sum256(data)
	f := store.EDIFile{Direction: store.EDIInbound, Source: src.Kind, Filename: cleanName(filename),
		SHA256: hex.EncodeToString(sum[:]), SizeBytes: int64(len(data)), Status: store.EDIFileReceived, ReceivedBy: src.By}
	if src.PartnerID > 0 {
		f.PartnerID = ptr(src.PartnerID)
	}
	if src.SupplierID > 0 {
		f.SupplierID = ptr(src.SupplierID)
	}
	err := g.store.InTx(ctx, func(tx *store.Tx) error {
		if src.PartnerID > 0 && src.SupplierID == 0 {
			var p store.EDIPartner
			if err := tx.DB().Where("id = ?", src.PartnerID).Take(&p).Error; err != nil {
				return fmt.Errorf("gateway: partner %d: %w", src.PartnerID, err)
			}
			f.SupplierID = ptr(p.SupplierID)
		}
		if err := tx.InsertEDIFile(&f, data); err != nil {
			return err
		}
		if g.queue != nil {
			return g.queue.EnqueueTx(ctx, tx, ProcessFileJob{FileID: f.ID})
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	g.log.Info("edi file received", "file_id", f.ID, "name", f.Filename, "bytes", f.SizeBytes, "source", src.Kind)
	return f.ID, nil
}

// Process moves a received file through parsing, its 997 and applying its
// sets. It may be called again for the same file at any point: every step
// checks what is already recorded.
func (g *Gateway) Process(ctx context.Context, fileID int64, src Source) error {
	if err := g.parseStep(ctx, fileID, src); err != nil {
		return err
	}
	if err := g.applyFile(ctx, fileID); err != nil {
		return err
	}
	return g.settleFile(ctx, fileID)
}

// parseStep: parse, identify the partner, detect duplicates, record the
// sets with their mapped commands and write the 997 — one transaction, so
// a crash leaves the file either received or parsed, never half-recorded.
func (g *Gateway) parseStep(ctx context.Context, fileID int64, src Source) error {
	return g.store.InTx(ctx, func(tx *store.Tx) error {
		f, err := tx.LockEDIFile(fileID)
		if err != nil {
			return err
		}
		if f.Status != store.EDIFileReceived {
			return nil
		}
		var c store.EDIFileContent
		if err := tx.DB().Where("file_id = ?", fileID).Take(&c).Error; err != nil {
			return fmt.Errorf("gateway: file %d content: %w", fileID, err)
		}
		parsed, err := edi.Parse(bytes.NewReader(c.Raw))
		if err != nil {
			return g.fail(tx, f, "the file could not be read: "+err.Error())
		}
		if len(parsed.Interchanges) == 0 {
			return g.fail(tx, f, "not an X12 interchange: "+errorList(parsed.Errors, 3))
		}
		first := parsed.Interchanges[0]
		for _, ic := range parsed.Interchanges[1:] {
			if ic.SenderQualifier != first.SenderQualifier || ic.SenderID != first.SenderID {
				return g.fail(tx, f, fmt.Sprintf("the file mixes senders %s/%s and %s/%s; send one partner's interchanges per file",
					first.SenderQualifier, first.SenderID, ic.SenderQualifier, ic.SenderID))
			}
		}
		fields := map[string]any{"sender_qualifier": first.SenderQualifier, "sender_id": first.SenderID,
			"receiver_qualifier": first.ReceiverQualifier, "receiver_id": first.ReceiverID, "interchange_control": first.ControlNumber,
			"kind": kindOf(parsed)}
		if err := tx.UpdateEDIFile(f.ID, fields); err != nil {
			return err
		}
		f.SenderQualifier, f.SenderID, f.InterchangeControl = first.SenderQualifier, first.SenderID, first.ControlNumber
		p, err := g.partnerOf(ctx, tx, f, src, first)
		if err != nil {
			if fault.Is(err, fault.NotFound) || fault.Is(err, fault.Forbidden) {
				return g.fail(tx, f, err.Error())
			}
			return err
		}
		// The partner's lock comes before any row that references it: the
		// 997 below takes a control number, and Send850 holds this lock
		// while it does the same.
		if err := tx.LockEDIPartner(p.ID); err != nil {
			return err
		}
		if err := tx.UpdateEDIFile(f.ID, map[string]any{"partner_id": p.ID, "supplier_id": p.SupplierID}); err != nil {
			return err
		}
		earlier, err := tx.EarlierEDIFile(f.ID, p.ID, f.SHA256, first.SenderQualifier, first.SenderID, first.ControlNumber, tx.Now().Add(-g.window))
		if err != nil {
			return err
		}
		if earlier.ID != 0 {
			why := fmt.Sprintf("duplicate of file %d (%s, received %s): ", earlier.ID, earlier.Filename, earlier.CreatedAt.UTC().Format("2006-01-02 15:04 MST"))
			if earlier.SHA256 == f.SHA256 {
				why += "same content"
			} else {
				why += fmt.Sprintf("interchange control number %s from %s/%s was already received", first.ControlNumber, first.SenderQualifier, first.SenderID)
			}
			if err := tx.UpdateEDIFile(f.ID, map[string]any{"status": store.EDIFileDuplicate, "duplicate_of": earlier.ID,
				"error_text": why, "processed_at": tx.Now()}); err != nil {
				return err
			}
			return tx.Audit(partnerActor(p), "edi_file.duplicate", "edi_file", f.ID, p.SupplierID, nil, map[string]any{"duplicate_of": earlier.ID})
		}
		if err := g.recordSets(tx, f, p, parsed); err != nil {
			return err
		}
		if err := g.writeAcks(tx, f, p, parsed); err != nil {
			return err
		}
		if err := tx.UpdateEDIFile(f.ID, map[string]any{"status": store.EDIFileParsed, "error_text": summarise(parsed)}); err != nil {
			return err
		}
		return tx.Audit(partnerActor(p), "edi_file.parsed", "edi_file", f.ID, p.SupplierID, nil,
			map[string]any{"filename": f.Filename, "interchange": first.ControlNumber, "valid": parsed.Valid()})
	})
}

// partnerOf finds the sender's partner profile and checks it against what
// the channel proves. The supplier always comes from the profile.
func (g *Gateway) partnerOf(ctx context.Context, tx *store.Tx, f store.EDIFile, src Source, ic *edi.Interchange) (store.EDIPartner, error) {
	var p store.EDIPartner
	err := tx.DB().Where("isa_qualifier = ? AND isa_id = ?", ic.SenderQualifier, ic.SenderID).Take(&p).Error
	if err != nil {
		if isNotFound(err) {
			return p, fault.New(fault.NotFound, "unknown sender %s/%s: no trading partner profile has these ISA05/ISA06 ids", ic.SenderQualifier, ic.SenderID)
		}
		return p, fmt.Errorf("gateway: partner lookup: %w", err)
	}
	if src.PartnerID > 0 && src.PartnerID != p.ID {
		return p, fault.New(fault.Forbidden, "the file names sender %s/%s, which is not the partner whose folder or login it came through", ic.SenderQualifier, ic.SenderID)
	}
	if f.PartnerID != nil && *f.PartnerID != p.ID {
		return p, fault.New(fault.Forbidden, "the file names sender %s/%s, which is not the partner it was received for", ic.SenderQualifier, ic.SenderID)
	}
	if f.SupplierID != nil && *f.SupplierID != p.SupplierID {
		return p, fault.New(fault.Forbidden, "the file names sender %s/%s, a trading partner of another supplier; upload only your own files", ic.SenderQualifier, ic.SenderID)
	}
	if p.OurISAID != "" && ic.ReceiverID != p.OurISAID {
		return p, fault.New(fault.Forbidden, "the interchange is addressed to %s/%s, not to us (%s/%s)", ic.ReceiverQualifier, ic.ReceiverID, p.OurISAQualifier, p.OurISAID)
	}
	return p, nil
}

// fail marks a file failed with a reason a person can act on.
func (g *Gateway) fail(tx *store.Tx, f store.EDIFile, why string) error {
	g.log.Warn("edi file failed", "file_id", f.ID, "reason", why)
	if err := tx.UpdateEDIFile(f.ID, map[string]any{"status": store.EDIFileFailed, "error_text": why, "processed_at": tx.Now()}); err != nil {
		return err
	}
	sup := int64(0)
	if f.SupplierID != nil {
		sup = *f.SupplierID
	}
	return tx.Audit(store.System("edi"), "edi_file.failed", "edi_file", f.ID, sup, nil, map[string]any{"reason": why})
}

// recordSets writes one row per set, with its validation outcome and, for
// accepted sets, the core command it maps to.
func (g *Gateway) recordSets(tx *store.Tx, f store.EDIFile, p store.EDIPartner, parsed *edi.File) error {
	seq := 0
	currency := ""
	var rows []store.EDITransaction
	for _, ic := range parsed.Interchanges {
		icRejected := anyReject(ic.Errors)
		for _, grp := range ic.Groups {
			grpRejected := icRejected || anyReject(grp.Errors)
			for _, t := range grp.Transactions {
				seq++
				row := store.EDITransaction{FileID: f.ID, Seq: seq, PartnerID: ptr(p.ID), SupplierID: ptr(p.SupplierID),
					InterchangeControl: ic.ControlNumber, GroupControl: grp.ControlNumber, FunctionalID: grp.FunctionalID,
					SetID: t.Set, ControlNumber: t.ControlNumber, Status: store.EDITxReceived}
				row.Reference = referenceOf(t.Document)
				switch {
				case t.Rejected() || grpRejected:
					row.Status = store.EDITxRejected
					row.ErrorText = rejectText(ic, grp, t)
				default:
					if currency == "" && t.Set == "810" {
						var sup store.Supplier
						if err := tx.DB().Where("id = ?", p.SupplierID).Take(&sup).Error; err != nil {
							return fmt.Errorf("gateway: supplier %d: %w", p.SupplierID, err)
						}
						currency = sup.Currency
					}
					cmd, err := mapSet(t, p.SupplierID, currency, sourceRef(f.ID, seq))
					switch {
					case err == errNotHandled:
						row.Status = store.EDITxIgnored
						row.ErrorText = fmt.Sprintf("transaction set %s is not handled inbound; nothing applied", t.Set)
					case err != nil:
						row.Status = store.EDITxException
						row.ErrorText = "not applied: " + err.Error()
					default:
						b, err := json.Marshal(cmd)
						if err != nil {
							return fmt.Errorf("gateway: command of set %s: %w", t.Set, err)
						}
						row.CommandJSON = string(b)
					}
				}
				rows = append(rows, row)
			}
		}
	}
	return tx.InsertEDITransactions(rows)
}

func sourceRef(fileID int64, seq int) string { return fmt.Sprintf("edi:%d:%d", fileID, seq) }

func anyReject(errs []*edi.Error) bool {
	for _, e := range errs {
		if e.Rejects() {
			return true
		}
	}
	return false
}

func rejectText(ic *edi.Interchange, grp *edi.Group, t *edi.Transaction) string {
	var errs []*edi.Error
	errs = append(errs, t.Errors...)
	errs = append(errs, grp.Errors...)
	errs = append(errs, ic.Errors...)
	return "rejected (997 sent): " + errorList(errs, 5)
}

// errorList renders the first n errors for people.
func errorList(errs []*edi.Error, n int) string {
	var parts []string
	for i, e := range errs {
		if i == n {
			parts = append(parts, fmt.Sprintf("and %d more", len(errs)-n))
			break
		}
		parts = append(parts, describe(e))
	}
	if len(parts) == 0 {
		return "no readable content"
	}
	return strings.Join(parts, "; ")
}

func describe(e *edi.Error) string {
	where := e.SegmentID
	if e.ElementPosition > 0 {
		where += fmt.Sprintf("%02d", e.ElementPosition)
	}
	if e.SegmentPosition > 0 {
		where += fmt.Sprintf(" (segment %d)", e.SegmentPosition)
	}
	if where != "" {
		where += ": "
	}
	return fmt.Sprintf("%s%s [X12 %s %s]", where, e.Message, e.Level, e.Code)
}

// summarise is the file-level error text: problems outside any set,
// warnings about lenient readings and a count of rejected sets; empty when
// the file is clean.
func summarise(f *edi.File) string {
	var parts []string
	if len(f.Errors) > 0 {
		parts = append(parts, errorList(f.Errors, 3))
	}
	rejected, total := 0, 0
	for _, ic := range f.Interchanges {
		if len(ic.Errors) > 0 {
			parts = append(parts, "interchange "+ic.ControlNumber+": "+errorList(ic.Errors, 3))
		}
		for _, g := range ic.Groups {
			if len(g.Errors) > 0 {
				parts = append(parts, "group "+g.ControlNumber+": "+errorList(g.Errors, 3))
			}
			for _, t := range g.Transactions {
				total++
				for _, w := range t.Warnings {
					// Lenient readings applied; the analyst raises them with the partner.
					parts = append(parts, fmt.Sprintf("set %s warning: %s%02d (segment %d): %s", t.ControlNumber, w.SegmentID, w.ElementPosition, w.SegmentPosition, w.Message))
				}
				if t.Rejected() || anyReject(g.Errors) || anyReject(ic.Errors) {
					rejected++
				}
			}
		}
	}
	if rejected > 0 {
		parts = append(parts, fmt.Sprintf("%d of %d transaction sets rejected", rejected, total))
	}
	return strings.Join(parts, "; ")
}

// kindOf names the file by its transaction set ("856"), "mixed" when it
// carries several kinds, "TA1" for interchange acknowledgements only.
func kindOf(f *edi.File) string {
	kind := ""
	for _, ic := range f.Interchanges {
		if len(ic.Groups) == 0 && len(ic.TA1) > 0 && kind == "" {
			kind = "TA1"
		}
		for _, g := range ic.Groups {
			for _, t := range g.Transactions {
				switch kind {
				case "", "TA1":
					kind = t.Set
				case t.Set:
				default:
					return "mixed"
				}
			}
		}
	}
	return kind
}

func referenceOf(d edi.Document) string {
	switch v := d.(type) {
	case *edi.Ack855:
		return v.PONumber
	case *edi.ASN856:
		return v.ShipmentID
	case *edi.Invoice810:
		return v.InvoiceNumber
	case *edi.PO850:
		return v.PONumber
	case *edi.FuncAck997:
		return v.GroupFunctionalID + " " + v.GroupControlNumber
	}
	return ""
}

func cleanName(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, "\\", "/"))
	if name == "." || name == "/" || name == "" {
		return "upload.edi"
	}
	if len(name) > 200 {
		name = name[:200]
	}
	return name
}

func ptr[T any](v T) *T { return &v }
