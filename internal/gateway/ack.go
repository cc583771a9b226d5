package gateway

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/pogate/pogate/edi"
	"github.com/pogate/pogate/internal/store"
)

const minuteAge = time.Minute

// writeAcks renders what goes back for each interchange of an inbound file
// (a 997 per functional group, a TA1 when the envelope is wrong or one was
// asked for), numbers it with the partner's next control number, records
// it as an outbound file with its edi_acks rows, and stages it for the
// outbox (written when the transaction commits). A file whose 997s were
// already recorded gets none again.
func (g *Gateway) writeAcks(tx *store.Tx, in store.EDIFile, p store.EDIPartner, parsed *edi.File) error {
	done, err := tx.EDIAcksOut(in.ID)
	if err != nil || len(done) > 0 {
		return err
	}
	for _, ic := range parsed.Interchanges {
		for _, t := range ic.TA1 {
			if err := g.applyTA1(tx, in, p, t); err != nil {
				return err
			}
		}
		ta1, acks := edi.Acks(ic, false)
		if ta1 == nil && len(acks) == 0 {
			continue
		}
		if err := tx.LockEDIPartner(p.ID); err != nil {
			return err
		}
		n, err := tx.NextControlNumber(p.ID)
		if err != nil {
			return err
		}
		env := replyEnvelope(ic, p, n, tx.Now())
		var buf bytes.Buffer
		if err := edi.WriteAck(&buf, env, ta1, acks); err != nil {
			return fmt.Errorf("gateway: rendering the 997 for interchange %s: %w", ic.ControlNumber, err)
		}
		kind := "997"
		if len(acks) == 0 {
			kind = "TA1"
		}
		name := fmt.Sprintf("%s-%09d-re-%s.edi", kind, n, safeName(ic.ControlNumber))
		sum := sha256.Sum256(buf.Bytes())
		out := store.EDIFile{Direction: store.EDIOutbound, Kind: kind, PartnerID: ptr(p.ID), SupplierID: ptr(p.SupplierID),
			Source: "gateway", Filename: name, SHA256: hex.EncodeToString(sum[:]), SizeBytes: int64(buf.Len()),
			Status: store.EDIFileSent, SenderQualifier: env.SenderQualifier, SenderID: env.SenderID,
			ReceiverQualifier: env.ReceiverQualifier, ReceiverID: env.ReceiverID,
			InterchangeControl: fmt.Sprintf("%09d", n), ControlNumber: ptr(n), AckForFileID: ptr(in.ID), ProcessedAt: ptr(tx.Now())}
		if err := tx.InsertEDIFile(&out, buf.Bytes()); err != nil {
			return err
		}
		if ta1 != nil {
			detail, _ := json.Marshal(ta1)
			if err := tx.InsertEDIAck(&store.EDIAck{Direction: store.EDIOutbound, PartnerID: ptr(p.ID), FileID: out.ID, AckedFileID: ptr(in.ID),
				Status: ta1.AckCode, TA1Code: ta1.NoteCode, DetailJSON: string(detail)}); err != nil {
				return err
			}
		}
		for _, a := range acks {
			detail, _ := json.Marshal(a)
			if err := tx.InsertEDIAck(&store.EDIAck{Direction: store.EDIOutbound, PartnerID: ptr(p.ID), FileID: out.ID, AckedFileID: ptr(in.ID),
				FunctionalID: a.GroupFunctionalID, GroupControl: a.GroupControlNumber, Status: a.Status, DetailJSON: string(detail)}); err != nil {
				return err
			}
		}
		g.stage(tx, p, name, buf.Bytes())
	}
	return nil
}

// replyEnvelope addresses an acknowledgement from the partner profile: our
// ids as sender, theirs as receiver, their delimiters; the received
// interchange supplies the usage indicator and group version.
func replyEnvelope(ic *edi.Interchange, p store.EDIPartner, control int64, now time.Time) edi.Envelope {
	env := edi.ReplyEnvelope(ic)
	env.SenderQualifier, env.SenderID = p.OurISAQualifier, p.OurISAID
	env.ReceiverQualifier, env.ReceiverID = p.ISAQualifier, p.ISAID
	env.GroupSenderID, env.GroupReceiverID = orDefault(p.OurGSID, p.OurISAID), orDefault(p.GSID, p.ISAID)
	if len(p.Version) == 5 {
		env.Version = p.Version
	}
	env.ControlNumber, env.GroupControlNumber = control, control
	env.Time = now
	env.Delimiters = delimitersOf(p)
	return env
}

// delimitersOf reads the partner profile's separators; anything unusable
// falls back to pogate's defaults.
func delimitersOf(p store.EDIPartner) edi.Delimiters {
	d := edi.DefaultDelimiters
	one := func(s string) (byte, bool) {
		switch s {
		case `\n`, "\n", "\r\n", "LF", "CRLF":
			return '\n', true
		}
		if len(s) == 1 {
			return s[0], true
		}
		return 0, false
	}
	if b, ok := one(p.ElementSep); ok && b != '\n' {
		d.Element = b
	}
	if b, ok := one(p.ComponentSep); ok && b != '\n' {
		d.Component = b
	}
	if b, ok := one(p.SegmentTerm); ok {
		d.Segment = b
	}
	if b, ok := one(p.RepetitionSep); ok && !isAlnum(b) && b != '\n' {
		d.Repetition = b
	} else {
		d.Repetition = 0
	}
	return d
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// applyFA applies a partner's 997 to the group we sent: the outbound file
// with that control number becomes accepted, partially accepted or
// rejected, and a PO whose 850 was not fully accepted is flagged.
func (g *Gateway) applyFA(ctx context.Context, r store.EDITransaction) error {
	var cmd FACommand
	if err := json.Unmarshal([]byte(r.CommandJSON), &cmd); err != nil {
		return g.settleSet(ctx, r, store.EDITxException, "stored 997 unreadable: "+err.Error(), Applied{})
	}
	control, err := strconv.ParseInt(strings.TrimLeft(cmd.GroupControl, "0"), 10, 64)
	if err != nil {
		return g.settleSet(ctx, r, store.EDITxIgnored, fmt.Sprintf("997 answers group %q, which is not a control number we use", cmd.GroupControl), Applied{})
	}
	var applied Applied
	note := ""
	err = g.store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.LockEDIPartner(derefID(r.PartnerID)); err != nil {
			return err
		}
		out, err := tx.OutboundEDIFileByControl(derefID(r.PartnerID), control)
		if err != nil {
			if isNotFoundFault(err) {
				note = fmt.Sprintf("997 answers group %s, which we never sent to this partner", cmd.GroupControl)
				return nil
			}
			return err
		}
		detail, _ := json.Marshal(cmd)
		if err := tx.InsertEDIAck(&store.EDIAck{Direction: store.EDIInbound, PartnerID: r.PartnerID, FileID: r.FileID, AckedFileID: ptr(out.ID),
			FunctionalID: cmd.FunctionalID, GroupControl: cmd.GroupControl, Status: cmd.Status, DetailJSON: string(detail)}); err != nil {
			return err
		}
		applied = Applied{Entity: "edi_file", ID: out.ID}
		state := store.EDIAckAccepted
		switch cmd.Status {
		case "R":
			state = store.EDIAckRejected
		case "P":
			state = store.EDIAckPartial
		}
		fields := map[string]any{"ack_status": state, "acked_at": tx.Now()}
		if state != store.EDIAckAccepted {
			fields["flagged_at"] = tx.Now()
			fields["flag_reason"] = fmt.Sprintf("the partner's 997 %s our %s (AK9 %s%s)", map[string]string{"R": "rejected", "P": "partially accepted"}[cmd.Status],
				orDefault(out.Kind, "file"), cmd.Status, codesText(cmd))
		}
		if err := tx.UpdateEDIFile(out.ID, fields); err != nil {
			return err
		}
		if out.POID != nil {
			action := "po.edi_acknowledged"
			if state != store.EDIAckAccepted {
				action = "po.edi_flagged"
			}
			return tx.Audit(store.System("edi"), action, "purchase_order", *out.POID, derefID(out.SupplierID), nil, fields)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if note != "" {
		return g.settleSet(ctx, r, store.EDITxIgnored, note, Applied{})
	}
	return g.settleSet(ctx, r, store.EDITxApplied, "", applied)
}

func codesText(c FACommand) string {
	var codes []string
	codes = append(codes, c.Codes...)
	for _, s := range c.Sets {
		if s.Status == "R" {
			codes = append(codes, fmt.Sprintf("set %s %s rejected %s", s.Set, s.Control, strings.Join(s.Codes, ",")))
		}
	}
	if len(codes) == 0 {
		return ""
	}
	return "; " + strings.Join(codes, "; ")
}

// applyTA1 records a partner's interchange acknowledgement of a file we
// sent; a rejecting TA1 flags it like a rejecting 997.
func (g *Gateway) applyTA1(tx *store.Tx, in store.EDIFile, p store.EDIPartner, t edi.TA1) error {
	control, err := strconv.ParseInt(strings.TrimLeft(t.ControlNumber, "0"), 10, 64)
	if err != nil {
		return nil
	}
	if err := tx.LockEDIPartner(p.ID); err != nil {
		return err
	}
	out, err := tx.OutboundEDIFileByControl(p.ID, control)
	if err != nil {
		if isNotFoundFault(err) {
			return nil
		}
		return err
	}
	detail, _ := json.Marshal(t)
	if err := tx.InsertEDIAck(&store.EDIAck{Direction: store.EDIInbound, PartnerID: ptr(p.ID), FileID: in.ID, AckedFileID: ptr(out.ID),
		Status: t.AckCode, TA1Code: t.NoteCode, DetailJSON: string(detail)}); err != nil {
		return err
	}
	if t.AckCode != "R" {
		return nil
	}
	fields := map[string]any{"ack_status": store.EDIAckRejected, "acked_at": tx.Now(), "flagged_at": tx.Now(),
		"flag_reason": "the partner's TA1 rejected the interchange (note code " + t.NoteCode + ")"}
	if err := tx.UpdateEDIFile(out.ID, fields); err != nil {
		return err
	}
	if out.POID != nil {
		return tx.Audit(store.System("edi"), "po.edi_flagged", "purchase_order", *out.POID, derefID(out.SupplierID), nil, fields)
	}
	return nil
}

// CheckAckWindows flags outbound files still awaiting a 997 after the
// partner's window (ack_due_at, from AckWindowHours at sending). Time is
// the store's clock.
func (g *Gateway) CheckAckWindows(ctx context.Context) error {
	due, err := g.store.OverdueEDIAcks(ctx, g.store.Now(), 200)
	if err != nil {
		return err
	}
	for _, f := range due {
		err := g.store.InTx(ctx, func(tx *store.Tx) error {
			cur, err := tx.LockEDIFile(f.ID)
			if err != nil {
				return err
			}
			if cur.AckStatus != store.EDIAckAwaiting || cur.AckDueAt == nil || !cur.AckDueAt.Before(tx.Now()) {
				return nil
			}
			fields := map[string]any{"ack_status": store.EDIAckOverdue, "flagged_at": tx.Now(),
				"flag_reason": fmt.Sprintf("no 997 from the partner by %s (window closed)", cur.AckDueAt.UTC().Format("2006-01-02 15:04 MST"))}
			if err := tx.UpdateEDIFile(cur.ID, fields); err != nil {
				return err
			}
			if cur.POID != nil {
				return tx.Audit(store.System("edi"), "po.edi_flagged", "purchase_order", *cur.POID, derefID(cur.SupplierID), nil, fields)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}
