package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/pogate/pogate/internal/gateway"
	"github.com/pogate/pogate/portal"
)

// EDI gateway timing in serve: inboxes are polled every ediPollInterval (a
// file is taken once it held still over two polls), and parked sets,
// half-processed files and 997 windows are checked every ediTickEvery polls.
const (
	ediPollInterval = 5 * time.Second
	ediTickEvery    = 12
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
		Core: gateway.ProcureCore{Service: a.procure}})
	actual, _ := ediGateways.LoadOrStore(a, g)
	return actual.(*gateway.Gateway)
}

func init() {
	serveHooks = append(serveHooks, startEDIGateway)
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
		g.NewPoller().Run(pctx, ediPollInterval, ediTickEvery)
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
