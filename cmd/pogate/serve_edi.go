package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/riverqueue/river"

	"github.com/pogate/pogate/internal/gateway"
	"github.com/pogate/pogate/internal/jobs"
	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
	"github.com/pogate/pogate/portal"
)

// EDI gateway timing in serve: inboxes are polled every ediPollInterval (a
// file is taken once it held still over two polls); parked sets,
// half-processed files and 997 windows are checked every ediTickInterval by
// the periodic TickJob (or by the poller when there is no job queue).
const (
	ediPollInterval = 5 * time.Second
	ediTickInterval = time.Minute
)

// ediGateways keeps one gateway per app, so the API, the background parts
// and dispatch (procure.EDIRenderer) share its core and folders.
var ediGateways sync.Map // *app → *gateway.Gateway

// ediGateway returns the app's gateway: partner folders under DataDir/edi,
// inbound sets applied through procure (855 Acknowledge, 856 SubmitASN, 810
// SubmitInvoice). Dispatch should use it as its EDI renderer:
// procure.Dispatch{EDI: ediGateway(a)} in app_jobs.go.
func ediGateway(a *app) *gateway.Gateway {
	if g, ok := ediGateways.Load(a); ok {
		return g.(*gateway.Gateway)
	}
	g := gateway.New(gateway.Options{Store: a.store, Log: a.log, DataDir: a.cfg.DataDir, MaxFileBytes: a.cfg.MaxUploadBytes,
		Core: gateway.ProcureCore{Service: a.procure}, Queue: a.procure.Queue})
	actual, _ := ediGateways.LoadOrStore(a, g)
	return actual.(*gateway.Gateway)
}

// gatewayOfStore finds the app gateway that writes to st, for job workers
// (River hands them the procure service, not the app).
func gatewayOfStore(st *store.Store, log *slog.Logger) *gateway.Gateway {
	var found *gateway.Gateway
	ediGateways.Range(func(_, v any) bool {
		if g := v.(*gateway.Gateway); g.Store() == st {
			found = g
			return false
		}
		return true
	})
	if found == nil {
		// No app gateway yet (a job worked outside serve): no folders, so
		// 997s are recorded but not copied to an outbox.
		log.Warn("edi: job worked without the serve gateway; outbox copies skipped")
		found = gateway.New(gateway.Options{Store: st, Log: log})
	}
	return found
}

func init() {
	serveHooks = append(serveHooks, startEDIGateway)
	// Durable EDI work: every stored file's processing (enqueued with the
	// file) and the periodic Tick, run once per cluster by River's leader.
	jobs.Register(func(r *jobs.Registry) error {
		st, log := r.Deps.Service.Store, r.Deps.Log
		err := jobs.Handle(r, func(ctx context.Context, job gateway.ProcessFileJob) error {
			return gatewayOfStore(st, log).ProcessFile(ctx, job)
		}, river.InsertOpts{MaxAttempts: 10})
		if err != nil {
			return err
		}
		err = jobs.Handle(r, func(ctx context.Context, _ gateway.TickJob) error {
			return gatewayOfStore(st, log).Tick(ctx)
		}, river.InsertOpts{MaxAttempts: 3})
		if err != nil {
			return err
		}
		r.Periodic("edi.tick", river.PeriodicInterval(ediTickInterval), func() procure.Job { return gateway.TickJob{} })
		return nil
	})
}

// startEDIGateway shares the gateway with the API, polls the partners'
// inboxes, and starts the SFTP server when POGATE_SFTP_ADDR is set. That
// one variable is read here rather than in internal/config because the
// config package is the lead's; empty (the default) leaves SFTP off.
func startEDIGateway(ctx context.Context, a *app, srv *portal.Server) (func(), error) {
	g := ediGateway(a)
	srv.SetEDIGateway(g)
	pctx, cancel := context.WithCancel(ctx)
	polled := make(chan struct{})
	go func() {
		defer close(polled)
		tickEvery := 0 // TickJob does it
		if a.procure.Queue == nil {
			tickEvery = int(ediTickInterval / ediPollInterval)
		}
		g.NewPoller().Run(pctx, ediPollInterval, tickEvery)
	}()
	var sftpServer *gateway.SFTPServer
	if addr := strings.TrimSpace(os.Getenv("POGATE_SFTP_ADDR")); addr != "" {
		s, err := g.NewSFTPServer(gateway.HostKeyPath(a.cfg.DataDir))
		if err != nil {
			cancel()
			<-polled
			return nil, err
		}
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			cancel()
			<-polled
			return nil, fmt.Errorf("EDI SFTP cannot listen on %s: %w (set POGATE_SFTP_ADDR, or leave it empty to disable SFTP)", addr, err)
		}
		sftpServer = s
		go func() {
			if err := s.Serve(ln); err != nil {
				a.log.Error("EDI SFTP server stopped", "err", err)
			}
		}()
		a.log.Info("EDI SFTP server for trading partners", "addr", ln.Addr().String())
	}
	return func() {
		cancel()
		if sftpServer != nil {
			sftpServer.Close()
		}
		<-polled
	}, nil
}
