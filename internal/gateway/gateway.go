// Package gateway is pogate's EDI gateway around the pure edi package: it
// receives X12 files from trading partners (drop folders, the embedded SFTP
// server, the HTTP upload), stores each one raw before anything else,
// parses and validates it, refuses duplicates, maps every transaction set to
// a core command, writes a 997 back to the partner's outbox, and sends
// purchase orders out as 850s with control numbers that are never reused.
//
// # Storage
//
// Raw files are stored in the database (edi_file_contents, BYTEA/BLOB),
// inserted in the same transaction as their edi_files row and never
// updated. That keeps the bytes and their status together on every replica
// and in every backup; files are bounded by the upload limit. The folders
// under DataDir/edi are only the exchange points partners see.
//
// # Steps and retries
//
// Receive stores the bytes and, when the gateway has a Queue, enqueues a
// durable ProcessFileJob in the same transaction. The channel that received
// the file (folder poller, SFTP, HTTP upload) then processes it at once, so
// the uploader gets the status and the 997 in its answer; the job finds the
// work done. Each step is idempotent and can be re-run: a repeated file
// becomes a duplicate row, never a second application; Process locks the
// file row and skips work already recorded (sets by (file, seq), 997s by
// the inbound file); applying a set passes a SourceRef the core treats as
// an idempotency key. Tick (a periodic job, TickJob) re-runs what a crash
// left behind, retries parked sets and flags late 997s.
package gateway

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
)

// Core is the seam to the purchase-order core: the commands an inbound set
// ends in. The gateway resolves the purchase order first (an unknown PO
// parks the set), then calls the command with a SourceRef that identifies
// the set ("edi:<file id>:<seq>"); a command called again with the same
// SourceRef must return the first result and change nothing, because a
// crash between the command's commit and the gateway's status update makes
// the gateway call it again.
//
// internal/procure did not have Acknowledge, SubmitASN or an invoice
// command when this was written; a nil Core (or ErrNotWired) leaves the set
// "mapped" with its command stored, and Tick applies it once Core is set.
type Core interface {
	Acknowledge(ctx context.Context, actor store.Actor, cmd AckCommand) (Applied, error)
	SubmitASN(ctx context.Context, actor store.Actor, cmd ASNCommand) (Applied, error)
	SubmitInvoice(ctx context.Context, actor store.Actor, cmd InvoiceCommand) (Applied, error)
}

// InvoiceBatcher is a Core that applies many 810s in one call. The result
// for cmds[i] is results[i]; an error there is that invoice's alone.
type InvoiceBatcher interface {
	SubmitInvoices(ctx context.Context, actor store.Actor, cmds []InvoiceCommand) []CallResult
}

// CallResult is the outcome of one command of a batch call.
type CallResult struct {
	Applied Applied
	Err     error
}

// Applied names the record a command created or changed.
type Applied struct {
	Entity string
	ID     int64
}

// ErrNotWired is what a Core returns for a command it does not have yet.
var ErrNotWired = errors.New("gateway: core command not wired yet")

// Options configure a Gateway. Zero values take the defaults in New.
type Options struct {
	Store   *store.Store
	Core    Core
	Log     *slog.Logger
	DataDir string
	// DuplicateWindow is how long (sender, ISA13) identifies an interchange
	// (default 90 days); identical bytes are a duplicate at any age.
	DuplicateWindow time.Duration
	// ParkRetries is how many times a set waiting for its PO is retried
	// before it becomes an exception (default 5), RetryInterval the wait
	// between tries (default 30 minutes).
	ParkRetries   int
	RetryInterval time.Duration
	// MaxFileBytes caps a received file (default 20 MiB).
	MaxFileBytes int64
	// Queue, when set, gets a ProcessFileJob in the transaction that stores
	// each received file (internal/jobs registers its worker).
	Queue procure.Queue
}

// Gateway runs the EDI pipeline. It is safe for concurrent use.
type Gateway struct {
	store  *store.Store
	core   Core
	log    *slog.Logger
	root   string
	window time.Duration
	tries  int
	every  time.Duration
	max    int64
	queue  procure.Queue
}

// New builds a Gateway.
func New(o Options) *Gateway {
	g := &Gateway{store: o.Store, core: o.Core, log: o.Log, window: o.DuplicateWindow, tries: o.ParkRetries,
		every: o.RetryInterval, max: o.MaxFileBytes, queue: o.Queue}
	if g.log == nil {
		g.log = slog.Default()
	}
	if g.window <= 0 {
		g.window = 90 * 24 * time.Hour
	}
	if g.tries <= 0 {
		g.tries = 5
	}
	if g.every <= 0 {
		g.every = 30 * time.Minute
	}
	if g.max <= 0 {
		g.max = 20 << 20
	}
	if o.DataDir != "" {
		g.root = filepath.Join(o.DataDir, "edi")
	}
	return g
}

// SetCore wires the core commands (the lead's adapter over procure).
func (g *Gateway) SetCore(c Core) { g.core = c }

// Store is the store the gateway writes to.
func (g *Gateway) Store() *store.Store { return g.store }

// partnerActor is who an inbound file's changes are recorded as.
func partnerActor(p store.EDIPartner) store.Actor {
	return store.Actor{Kind: store.ActorPartner, ID: p.ID, Label: "edi:" + p.Name, Role: store.RoleSupplier, SupplierID: p.SupplierID, Channel: "edi"}
}

// Tick runs the periodic work: files a crash left half-processed, parked
// and mapped sets that are due, and 850s whose 997 is overdue.
func (g *Gateway) Tick(ctx context.Context) error {
	return errors.Join(g.ResumeStuck(ctx), g.RetryDue(ctx), g.CheckAckWindows(ctx))
}
