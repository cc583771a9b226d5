package gateway

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/pogate/pogate/edi"
	"github.com/pogate/pogate/internal/fault"
	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
	"gorm.io/gorm"
)

var errNotHandled = errors.New("gateway: set not handled")

// mapSet maps an accepted set to its command input.
func mapSet(t *edi.Transaction, supplierID int64, currency, ref string) (any, error) {
	switch d := t.Document.(type) {
	case *edi.Ack855:
		return MapAck(d, supplierID, ref)
	case *edi.ASN856:
		return MapASN(d, supplierID, ref)
	case *edi.Invoice810:
		return MapInvoice(d, supplierID, currency, ref)
	case *edi.FuncAck997:
		return mapFA(d), nil
	}
	return nil, errNotHandled
}

// FACommand is a partner's 997 about a group we sent.
type FACommand struct {
	FunctionalID string     `json:"functional_id"`
	GroupControl string     `json:"group_control"`
	Status       string     `json:"status"` // AK901
	Codes        []string   `json:"codes,omitempty"`
	Sets         []FASetAck `json:"sets,omitempty"`
}

// FASetAck is one AK2 loop of a partner's 997.
type FASetAck struct {
	Set     string   `json:"set"`
	Control string   `json:"control"`
	Status  string   `json:"status"`
	Codes   []string `json:"codes,omitempty"`
}

func mapFA(d *edi.FuncAck997) FACommand {
	c := FACommand{FunctionalID: d.GroupFunctionalID, GroupControl: strings.TrimSpace(d.GroupControlNumber), Status: d.Status, Codes: d.Codes}
	for _, s := range d.Sets {
		c.Sets = append(c.Sets, FASetAck{Set: s.Set, Control: s.ControlNumber, Status: s.Status, Codes: s.Codes})
	}
	return c
}

// applyFile applies every set of the file still waiting for it.
func (g *Gateway) applyFile(ctx context.Context, fileID int64) error {
	rows, err := g.store.EDITransactionsOf(ctx, fileID)
	if err != nil {
		return err
	}
	batcher, batches := g.core.(InvoiceBatcher)
	for i := 0; i < len(rows); {
		r := rows[i]
		if r.Status != store.EDITxReceived {
			i++
			continue
		}
		if batches && r.SetID == "810" {
			// An 810 file often carries hundreds of invoices: apply the
			// run of them that follows in one call.
			j := i + 1
			for j < len(rows) && j-i < procure.MaxInvoiceBatch && rows[j].SetID == "810" &&
				rows[j].Status == store.EDITxReceived && derefID(rows[j].PartnerID) == derefID(r.PartnerID) {
				j++
			}
			if err := g.applyInvoices(ctx, batcher, rows[i:j]); err != nil {
				return err
			}
			i = j
			continue
		}
		if err := g.applySet(ctx, r); err != nil {
			return err
		}
		i++
	}
	return nil
}

// applyInvoices applies 810 sets of one partner with one batch call, then
// settles each set as applySet would have.
func (g *Gateway) applyInvoices(ctx context.Context, core InvoiceBatcher, rows []store.EDITransaction) error {
	p, err := g.store.EDIPartnerByID(ctx, derefID(rows[0].PartnerID))
	if err != nil {
		return err
	}
	var (
		cmds     []InvoiceCommand
		sets     []store.EDITransaction
		readable []store.EDITransaction
		numbers  []string
	)
	for _, r := range rows {
		var cmd InvoiceCommand
		if err := json.Unmarshal([]byte(r.CommandJSON), &cmd); err != nil {
			if err := g.settleSet(ctx, r, store.EDITxException, "stored command unreadable: "+err.Error(), Applied{}); err != nil {
				return err
			}
			continue
		}
		cmds, readable, numbers = append(cmds, cmd), append(readable, r), append(numbers, cmd.PONumber)
	}
	// The partner's sets all bill its own supplier: one query resolves
	// every order they name; an unknown one parks its set, as in applySet.
	ids, err := g.store.POIDsByNumber(ctx, p.SupplierID, numbers)
	if err != nil {
		return err
	}
	found := cmds[:0]
	for k, r := range readable {
		cmd := cmds[k]
		if derefID(r.SupplierID) != p.SupplierID || ids[cmd.PONumber] == 0 {
			why := fault.New(fault.NotFound, "purchase order %s not found for this supplier", cmd.PONumber)
			if err := g.settleCall(ctx, r, Applied{}, why); err != nil {
				return err
			}
			continue
		}
		cmd.POID = ids[cmd.PONumber]
		found, sets = append(found, cmd), append(sets, r)
	}
	cmds = found
	if len(cmds) == 0 {
		return nil
	}
	results := core.SubmitInvoices(ctx, partnerActor(p), cmds)
	// Settled together, in one transaction: a commit per set cost more
	// than storing and matching the invoices.
	var (
		settled []settlement
		failed  error
	)
	for k, r := range sets {
		st, park, err := settlementOf(r, results[k].Applied, results[k].Err)
		switch {
		case err != nil:
			failed = cmp.Or(failed, err)
		case park:
			if err := g.park(ctx, r, results[k].Err.Error()); err != nil {
				return err
			}
		default:
			settled = append(settled, st)
		}
	}
	if err := g.settleSets(ctx, settled); err != nil {
		return err
	}
	return failed
}

// applySet applies one set: resolve its purchase orders (unknown → park),
// call the core command, record the outcome. Only database failures are
// returned; everything the set itself is to blame for is recorded on it.
func (g *Gateway) applySet(ctx context.Context, r store.EDITransaction) error {
	if r.SetID == "997" {
		return g.applyFA(ctx, r)
	}
	supplierID := derefID(r.SupplierID)
	p, err := g.store.EDIPartnerByID(ctx, derefID(r.PartnerID))
	if err != nil {
		return err
	}
	actor := partnerActor(p)
	var (
		applied Applied
		callErr error
	)
	switch r.SetID {
	case "855":
		var cmd AckCommand
		if err := json.Unmarshal([]byte(r.CommandJSON), &cmd); err != nil {
			return g.settleSet(ctx, r, store.EDITxException, "stored command unreadable: "+err.Error(), Applied{})
		}
		if cmd.POID, callErr = g.resolvePO(ctx, cmd.PONumber, supplierID); callErr == nil {
			applied, callErr = g.call(func(c Core) (Applied, error) { return c.Acknowledge(ctx, actor, cmd) })
		}
	case "856":
		var cmd ASNCommand
		if err := json.Unmarshal([]byte(r.CommandJSON), &cmd); err != nil {
			return g.settleSet(ctx, r, store.EDITxException, "stored command unreadable: "+err.Error(), Applied{})
		}
		for i := range cmd.Orders {
			if cmd.Orders[i].POID, callErr = g.resolvePO(ctx, cmd.Orders[i].PONumber, supplierID); callErr != nil {
				break
			}
		}
		if callErr == nil {
			applied, callErr = g.call(func(c Core) (Applied, error) { return c.SubmitASN(ctx, actor, cmd) })
		}
	case "810":
		var cmd InvoiceCommand
		if err := json.Unmarshal([]byte(r.CommandJSON), &cmd); err != nil {
			return g.settleSet(ctx, r, store.EDITxException, "stored command unreadable: "+err.Error(), Applied{})
		}
		if cmd.POID, callErr = g.resolvePO(ctx, cmd.PONumber, supplierID); callErr == nil {
			applied, callErr = g.call(func(c Core) (Applied, error) { return c.SubmitInvoice(ctx, actor, cmd) })
		}
	default:
		return g.settleSet(ctx, r, store.EDITxIgnored, "transaction set "+r.SetID+" is not handled inbound", Applied{})
	}
	return g.settleCall(ctx, r, applied, callErr)
}

// settleCall records what a core call did with a set: applied, mapped
// (no core yet), parked (its PO is not there yet) or an exception; only
// database failures are returned.
func (g *Gateway) settleCall(ctx context.Context, r store.EDITransaction, applied Applied, callErr error) error {
	st, park, err := settlementOf(r, applied, callErr)
	switch {
	case err != nil:
		return err
	case park:
		return g.park(ctx, r, callErr.Error())
	}
	return g.settleSets(ctx, []settlement{st})
}

// settlement is what becomes of one set: its new status, text and record.
type settlement struct {
	r       store.EDITransaction
	status  string
	text    string
	applied Applied
}

// settlementOf sorts a core call's outcome: a settlement, a set to park
// (its PO is not there yet), or a database failure to retry the file for.
func settlementOf(r store.EDITransaction, applied Applied, callErr error) (settlement, bool, error) {
	switch {
	case callErr == nil:
		return settlement{r, store.EDITxApplied, "", applied}, false, nil
	case errors.Is(callErr, ErrNotWired):
		return settlement{r, store.EDITxMapped, "mapped; waiting for the core command to be wired (" + r.SetID + ")", Applied{}}, false, nil
	case fault.Is(callErr, fault.NotFound):
		return settlement{}, true, nil
	case fault.CodeOf(callErr) != fault.Internal && fault.CodeOf(callErr) != "" && fault.CodeOf(callErr) != fault.Unavailable:
		return settlement{r, store.EDITxException, "not applied: " + callErr.Error(), Applied{}}, false, nil
	default:
		return settlement{}, false, fmt.Errorf("gateway: applying set %d: %w", r.ID, callErr)
	}
}

func (g *Gateway) call(f func(Core) (Applied, error)) (Applied, error) {
	if g.core == nil {
		return Applied{}, ErrNotWired
	}
	return f(g.core)
}

// resolvePO finds the supplier's purchase order by number. Another
// supplier's PO is as unknown as a missing one.
func (g *Gateway) resolvePO(ctx context.Context, number string, supplierID int64) (int64, error) {
	po, err := g.store.POByNumber(ctx, number, supplierID)
	if err != nil {
		if fault.Is(err, fault.NotFound) {
			return 0, fault.New(fault.NotFound, "purchase order %s not found for this supplier", number)
		}
		return 0, err
	}
	return po.ID, nil
}

// park keeps a set whose purchase order is not there yet, to be retried;
// after the last retry it becomes an exception for a person to look at.
func (g *Gateway) park(ctx context.Context, r store.EDITransaction, why string) error {
	return g.store.InTx(ctx, func(tx *store.Tx) error {
		cur, err := tx.LockEDITransaction(r.ID)
		if err != nil {
			return err
		}
		if cur.Status == store.EDITxApplied || cur.Status == store.EDITxException {
			return nil
		}
		attempts := cur.Attempts + 1
		fields := map[string]any{"attempts": attempts}
		action := "edi_transaction.parked"
		if attempts > g.tries {
			fields["status"] = store.EDITxException
			fields["error_text"] = fmt.Sprintf("exception after %d tries: %s", attempts, why)
			fields["next_attempt_at"] = nil
			action = "edi_transaction.exception"
		} else {
			fields["status"] = store.EDITxParked
			fields["error_text"] = fmt.Sprintf("parked (try %d of %d): %s", attempts, g.tries+1, why)
			fields["next_attempt_at"] = tx.Now().Add(g.every)
		}
		if err := tx.UpdateEDITransaction(r.ID, fields); err != nil {
			return err
		}
		return tx.Audit(store.System("edi"), action, "edi_transaction", r.ID, derefID(r.SupplierID), nil, fields)
	})
}

// settleSet records a set's final (or waiting, for mapped) outcome unless a
// concurrent run already applied it.
func (g *Gateway) settleSet(ctx context.Context, r store.EDITransaction, status, text string, a Applied) error {
	return g.settleSets(ctx, []settlement{{r, status, text, a}})
}

// settleSets records settlements in one transaction; a set already
// applied (by a run that crashed before finishing) is left as it is.
func (g *Gateway) settleSets(ctx context.Context, ss []settlement) error {
	if len(ss) == 0 {
		return nil
	}
	ids := make([]int64, len(ss))
	for i, st := range ss {
		ids[i] = st.r.ID
	}
	return g.store.InTx(ctx, func(tx *store.Tx) error {
		current, err := tx.LockEDITransactions(ids)
		if err != nil {
			return err
		}
		var events []store.AuditEvent
		for _, st := range ss {
			cur, ok := current[st.r.ID]
			if !ok {
				return fault.New(fault.NotFound, "EDI transaction %d not found", st.r.ID)
			}
			if cur.Status == store.EDITxApplied {
				continue
			}
			fields := map[string]any{"status": st.status, "error_text": st.text, "next_attempt_at": nil}
			if st.status == store.EDITxMapped {
				fields["next_attempt_at"] = tx.Now().Add(g.every)
			}
			if st.applied.Entity != "" {
				fields["entity"], fields["entity_id"] = st.applied.Entity, st.applied.ID
			}
			if err := tx.UpdateEDITransaction(st.r.ID, fields); err != nil {
				return err
			}
			if st.status == store.EDITxApplied || st.status == store.EDITxException {
				ev, err := tx.AuditEvent(store.System("edi"), "edi_transaction."+st.status, "edi_transaction", st.r.ID, derefID(st.r.SupplierID), nil, fields)
				if err != nil {
					return err
				}
				events = append(events, ev)
			}
		}
		return tx.AppendAudit(events)
	})
}

// settleFile derives the file's status from its sets.
func (g *Gateway) settleFile(ctx context.Context, fileID int64) error {
	return g.store.InTx(ctx, func(tx *store.Tx) error {
		f, err := tx.LockEDIFile(fileID)
		if err != nil {
			return err
		}
		switch f.Status {
		case store.EDIFileParsed, store.EDIFileParked, store.EDIFileApplied:
		default:
			// received: not parsed yet; failed and duplicate are final.
			return nil
		}
		rows, err := tx.EDITransactionsOf(fileID)
		if err != nil {
			return err
		}
		status, text := fileOutcome(f, rows)
		if status == f.Status && text == f.ErrorText {
			return nil
		}
		return tx.UpdateEDIFile(fileID, map[string]any{"status": status, "error_text": text, "processed_at": tx.Now()})
	})
}

// fileOutcome: parked while any set waits for its PO; parsed while any set
// waits for its core command; failed when nothing could be applied and
// something was wrong; applied otherwise (with the problems listed).
func fileOutcome(f store.EDIFile, rows []store.EDITransaction) (string, string) {
	counts := map[string]int{}
	var problems []string
	for _, r := range rows {
		counts[r.Status]++
		if r.Status == store.EDITxRejected || r.Status == store.EDITxException || r.Status == store.EDITxParked {
			problems = append(problems, fmt.Sprintf("set %s #%s %s: %s", r.SetID, r.ControlNumber, r.Reference, r.ErrorText))
		}
	}
	envelope := envelopeText(f.ErrorText)
	text := strings.Join(append(nonEmpty(envelope), problems...), "\n")
	switch {
	case counts[store.EDITxParked] > 0:
		return store.EDIFileParked, text
	case counts[store.EDITxMapped] > 0 || counts[store.EDITxReceived] > 0:
		return store.EDIFileParsed, text
	case counts[store.EDITxApplied]+counts[store.EDITxIgnored] == 0 && (counts[store.EDITxRejected]+counts[store.EDITxException] > 0 || envelope != ""):
		return store.EDIFileFailed, text
	}
	return store.EDIFileApplied, text
}

// envelopeText keeps what the parse summary (or an earlier settle) said
// about the envelopes, dropping per-set lines and counts that the set
// lines repeat.
func envelopeText(s string) string {
	var keep []string
	for _, line := range strings.Split(s, "\n") {
		if strings.HasPrefix(line, "set ") {
			continue
		}
		for _, part := range strings.Split(line, "; ") {
			if part != "" && !strings.Contains(part, "transaction sets rejected") {
				keep = append(keep, part)
			}
		}
	}
	return strings.Join(keep, "; ")
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// RetryDue retries parked sets and sets waiting for a core command whose
// time has come, then settles their files.
func (g *Gateway) RetryDue(ctx context.Context) error {
	rows, err := g.store.DueEDITransactions(ctx, g.store.Now(), 200)
	if err != nil {
		return err
	}
	files := map[int64]bool{}
	var errs []error
	for _, r := range rows {
		if err := g.applySet(ctx, r); err != nil {
			errs = append(errs, err)
			continue
		}
		files[r.FileID] = true
	}
	for id := range files {
		errs = append(errs, g.settleFile(ctx, id))
	}
	return errors.Join(errs...)
}

// ResumeStuck finishes files a crash left received or parsed (older than a
// minute, so files being processed right now are left alone).
func (g *Gateway) ResumeStuck(ctx context.Context) error {
	fs, err := g.store.StuckEDIFiles(ctx, g.store.Now().Add(-minuteAge), 100)
	if err != nil {
		return err
	}
	var errs []error
	for _, f := range fs {
		src := Source{Kind: f.Source}
		if f.PartnerID != nil && f.Source != SourceUpload {
			src.PartnerID = *f.PartnerID
		}
		errs = append(errs, g.Process(ctx, f.ID, src))
	}
	return errors.Join(errs...)
}

func derefID(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

func isNotFound(err error) bool { return errors.Is(err, gorm.ErrRecordNotFound) }

func isNotFoundFault(err error) bool { return fault.Is(err, fault.NotFound) }
