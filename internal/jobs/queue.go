// Package jobs is pogate's durable background work on River: sending POs,
// chasing acknowledgements and whatever other features register. Jobs are
// inserted in the same database transaction as the change that asks for them
// (procure.Queue), so a job exists if and only if its change committed.
//
// Drivers: on PostgreSQL River's database/sql driver over the store's own
// pool (so InsertTx accepts gorm's *sql.Tx) with a pgx pool for LISTEN; on
// SQLite riversqlite over a second *sql.DB on the same file with one
// connection, as River's SQLite driver requires. River's tables come from
// rivermigrate, not goose. Periodic jobs are enqueued by River's elected
// leader only, so several replicas run each schedule once.
package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
)

// Options configure a Queue.
type Options struct {
	Store *store.Store
	// DatabaseURL is the PostgreSQL URL the store uses; empty means SQLite
	// at SQLitePath.
	DatabaseURL string
	SQLitePath  string
	Log         *slog.Logger
	// Workers is how many jobs run at once in this process (default 4).
	Workers int
	// PollInterval is how often River looks for jobs when it cannot be
	// notified (SQLite; default 1 s).
	PollInterval time.Duration
	// Registrations add workers and periodic jobs (see Register); nil means
	// every registration made in init by this and other packages.
	Registrations []Registration
	// Deps is handed to every registration.
	Deps Deps
}

// Deps are what job workers call into.
type Deps struct {
	Service  *procure.Service
	Dispatch *procure.Dispatch
	Log      *slog.Logger
}

// Queue is the River client plus the job handlers; it implements procure.Queue.
type Queue struct {
	client   *river.Client[*sql.Tx]
	driver   riverdriver.Driver[*sql.Tx]
	handlers map[string]handler
	log      *slog.Logger
	closers  []func()

	mu      sync.Mutex
	started bool
}

var _ procure.Queue = (*Queue)(nil)

// handler runs one job from its encoded arguments (Drain uses it; River
// workers wrap the same function).
type handler struct {
	run  func(ctx context.Context, encodedArgs []byte) error
	opts river.InsertOpts
}

// New migrates River's tables and builds the client; it does not start
// working jobs (Start does), so commands can enqueue from any process.
func New(ctx context.Context, o Options) (*Queue, error) {
	if o.Store == nil {
		return nil, errors.New("jobs: a store is required")
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if o.Deps.Log == nil {
		o.Deps.Log = o.Log
	}
	if o.Workers <= 0 {
		o.Workers = 4
	}
	if o.PollInterval <= 0 {
		o.PollInterval = time.Second
	}
	q := &Queue{handlers: map[string]handler{}, log: o.Log}
	if err := q.openDriver(ctx, o); err != nil {
		q.close()
		return nil, err
	}
	migrator, err := rivermigrate.New(q.driver, &rivermigrate.Config{Logger: quiet(o.Log)})
	if err != nil {
		q.close()
		return nil, fmt.Errorf("jobs: river migrator: %w", err)
	}
	if _, err := migrator.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		q.close()
		return nil, fmt.Errorf("jobs: migrate River's tables: %w", err)
	}
	reg := &Registry{workers: river.NewWorkers(), queue: q, Deps: o.Deps}
	regs := o.Registrations
	if regs == nil {
		regs = registrations
	}
	for _, r := range regs {
		if err := r(reg); err != nil {
			q.close()
			return nil, err
		}
	}
	cfg := &river.Config{
		Logger:            quiet(o.Log),
		Queues:            map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: o.Workers}},
		Workers:           reg.workers,
		PeriodicJobs:      reg.periodic,
		FetchPollInterval: o.PollInterval,
		FetchCooldown:     min(o.PollInterval, 100*time.Millisecond),
		MaxAttempts:       10,
		JobTimeout:        5 * time.Minute,
	}
	client, err := river.NewClient(q.driver, cfg)
	if err != nil {
		q.close()
		return nil, fmt.Errorf("jobs: river client: %w", err)
	}
	q.client = client
	return q, nil
}

func (q *Queue) openDriver(ctx context.Context, o Options) error {
	if o.Store.Dialect() == store.Postgres {
		if o.DatabaseURL == "" {
			return errors.New("jobs: the PostgreSQL URL is required on PostgreSQL")
		}
		pool, err := pgxpool.New(ctx, o.DatabaseURL)
		if err != nil {
			return fmt.Errorf("jobs: pgx pool for River's listener: %w", err)
		}
		q.closers = append(q.closers, pool.Close)
		// The store's pool does the work so that InsertTx takes gorm's
		// *sql.Tx; the pgx pool only LISTENs for new-job notifications.
		q.driver = riverdatabasesql.NewWithPgxListener(o.Store.SQL(), pool)
		return nil
	}
	if o.SQLitePath == "" {
		return errors.New("jobs: the SQLite path is required on SQLite")
	}
	db, err := sql.Open("sqlite", sqliteDSN(o.SQLitePath))
	if err != nil {
		return fmt.Errorf("jobs: open SQLite for River: %w", err)
	}
	// River's SQLite driver runs internal operations in parallel; one
	// connection turns SQLITE_BUSY into waiting.
	db.SetMaxOpenConns(1)
	q.closers = append(q.closers, func() { db.Close() })
	q.driver = riversqlite.New(db)
	return nil
}

func sqliteDSN(path string) string {
	v := url.Values{}
	v.Add("_pragma", "foreign_keys(1)")
	v.Add("_pragma", "journal_mode(WAL)")
	v.Add("_pragma", "busy_timeout(10000)")
	v.Add("_pragma", "synchronous(NORMAL)")
	v.Set("_txlock", "immediate")
	return "file:" + path + "?" + v.Encode()
}

// quiet keeps River's own info chatter out of the log.
func quiet(l *slog.Logger) *slog.Logger {
	return slog.New(levelFloor{l.Handler(), slog.LevelWarn})
}

type levelFloor struct {
	slog.Handler
	min slog.Level
}

func (h levelFloor) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.Handler.Enabled(ctx, l)
}

// EnqueueTx inserts job inside tx: it is worked only if tx commits.
func (q *Queue) EnqueueTx(ctx context.Context, tx *store.Tx, job procure.Job) error {
	sqlTx, ok := tx.DB().Statement.ConnPool.(*sql.Tx)
	if !ok {
		return fmt.Errorf("jobs: enqueue %s: the store transaction is not a *sql.Tx (%T)", job.Kind(), tx.DB().Statement.ConnPool)
	}
	h, ok := q.handlers[job.Kind()]
	if !ok {
		return fmt.Errorf("jobs: no worker registered for job kind %q", job.Kind())
	}
	opts := h.opts
	if _, err := q.client.InsertTx(ctx, sqlTx, job, &opts); err != nil {
		return fmt.Errorf("jobs: enqueue %s: %w", job.Kind(), err)
	}
	return nil
}

// Start begins working jobs (and, on the elected leader, periodic jobs).
func (q *Queue) Start(ctx context.Context) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if err := q.client.Start(ctx); err != nil {
		return fmt.Errorf("jobs: start River: %w", err)
	}
	q.started = true
	return nil
}

// Stop finishes running jobs (bounded by ctx) and releases the pools.
func (q *Queue) Stop(ctx context.Context) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	var err error
	if q.started {
		err = q.client.Stop(ctx)
		q.started = false
	}
	q.close()
	return err
}

func (q *Queue) close() {
	for i := len(q.closers) - 1; i >= 0; i-- {
		q.closers[i]()
	}
	q.closers = nil
}

// Client exposes the River client (tests subscribe to its events).
func (q *Queue) Client() *river.Client[*sql.Tx] { return q.client }

// Drain works every available job now, in the caller's goroutine, oldest
// first, until none is left or one fails; it returns how many ran. Tests use
// it to run jobs deterministically, and one-shot CLI runs use it instead of
// starting workers. A worked job is deleted. It refuses while the client is
// started, because River's own workers would race it.
func (q *Queue) Drain(ctx context.Context) (int, error) {
	q.mu.Lock()
	started := q.started
	q.mu.Unlock()
	if started {
		return 0, errors.New("jobs: Drain while River is working jobs")
	}
	ran := 0
	for {
		res, err := q.client.JobList(ctx, river.NewJobListParams().States(rivertype.JobStateAvailable).
			OrderBy(river.JobListOrderByID, river.SortOrderAsc).First(50))
		if err != nil {
			return ran, fmt.Errorf("jobs: list available jobs: %w", err)
		}
		if len(res.Jobs) == 0 {
			return ran, nil
		}
		for _, job := range res.Jobs {
			h, ok := q.handlers[job.Kind]
			if !ok {
				return ran, fmt.Errorf("jobs: no worker for job %d of kind %q", job.ID, job.Kind)
			}
			if err := h.run(ctx, job.EncodedArgs); err != nil {
				return ran, fmt.Errorf("jobs: job %d (%s): %w", job.ID, job.Kind, err)
			}
			if _, err := q.client.JobDelete(ctx, job.ID); err != nil {
				return ran, fmt.Errorf("jobs: remove worked job %d: %w", job.ID, err)
			}
			ran++
		}
	}
}
