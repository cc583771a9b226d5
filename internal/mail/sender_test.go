package mail_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/pogate/pogate/internal/config"
	"github.com/pogate/pogate/internal/mail"
	"github.com/pogate/pogate/internal/mail/mailtest"
	"github.com/pogate/pogate/internal/procure"
)

func newSender(t *testing.T, srv *mailtest.Server) *mail.Sender {
	t.Helper()
	s, err := mail.New(mail.Options{Host: srv.Host(), Port: srv.Port(), From: "pogate@brand.test", Timeout: 5 * time.Second}, slog.Default())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSendTextHTMLAndAttachmentReadBack(t *testing.T) {
	srv := mailtest.Start(t)
	s := newSender(t, srv)
	pdf := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte{0, 1, 2, 0xff}, 300)...)
	err := s.Send(context.Background(), procure.Mail{
		To: []string{"orders@supplier.test"}, Subject: "Purchase order PO-000042 — Ünïcode",
		Text: "Please find PO-000042 attached.\nTotal: 1234.50 USD", HTML: "<p>Please find <b>PO-000042</b> attached.</p>",
		Attachments: []procure.Attachment{{Name: "PO-000042.pdf", ContentType: "application/pdf", Data: pdf}},
	})
	if err != nil {
		t.Fatal(err)
	}
	msgs := srv.Messages()
	if len(msgs) != 1 {
		t.Fatalf("received %d messages, want 1", len(msgs))
	}
	m := msgs[0]
	if m.From != "pogate@brand.test" || len(m.To) != 1 || m.To[0] != "orders@supplier.test" {
		t.Errorf("envelope from=%q to=%v", m.From, m.To)
	}
	if m.Subject != "Purchase order PO-000042 — Ünïcode" {
		t.Errorf("subject = %q", m.Subject)
	}
	if !strings.Contains(m.Text, "Total: 1234.50 USD") {
		t.Errorf("text = %q", m.Text)
	}
	if !strings.Contains(m.HTML, "<b>PO-000042</b>") {
		t.Errorf("html = %q", m.HTML)
	}
	if len(m.Attachments) != 1 {
		t.Fatalf("attachments = %d, want 1", len(m.Attachments))
	}
	a := m.Attachments[0]
	if a.Name != "PO-000042.pdf" || a.ContentType != "application/pdf" || !bytes.Equal(a.Data, pdf) {
		t.Errorf("attachment %q %q %d bytes, equal=%v", a.Name, a.ContentType, len(a.Data), bytes.Equal(a.Data, pdf))
	}
}

func TestSendFailuresAreErrors(t *testing.T) {
	srv := mailtest.Start(t)
	s := newSender(t, srv)
	srv.FailNext(1)
	m := procure.Mail{To: []string{"a@b.test"}, Subject: "x", Text: "y"}
	if err := s.Send(context.Background(), m); err == nil {
		t.Fatal("a 451 from the server must be an error so the job retries")
	}
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatalf("second attempt: %v", err)
	}
	if n := len(srv.Messages()); n != 1 {
		t.Fatalf("received %d, want 1", n)
	}
	if err := s.Send(context.Background(), procure.Mail{Subject: "no one"}); err == nil {
		t.Fatal("a message without recipients must be refused")
	}
}

func TestNoHostLogsInsteadOfSending(t *testing.T) {
	var buf bytes.Buffer
	cfg := config.Defaults()
	s, err := mail.New(mail.OptionsFrom(cfg), slog.New(slog.NewTextHandler(&buf, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Send(context.Background(), procure.Mail{To: []string{"x@y.test"}, Subject: "Reminder PO-1"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "Reminder PO-1") || !strings.Contains(buf.String(), "POGATE_SMTP_HOST") {
		t.Fatalf("log = %q", buf.String())
	}
	if _, err := mail.New(mail.Options{}, nil); err == nil {
		t.Fatal("an empty From must be refused")
	}
}
