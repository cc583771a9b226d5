// Package mail sends pogate's outbound e-mail (POs with their PDF, chase
// reminders, buyer notices) over SMTP with wneessen/go-mail. It implements
// procure.Mailer; with no SMTP host configured it logs what it would have
// sent, so a laptop demo never fails on a missing mail server.
package mail

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/pogate/pogate/internal/config"
	"github.com/pogate/pogate/internal/procure"
)

// Options configure a Sender. They mirror the SMTP fields of config.Config.
type Options struct {
	Host     string
	Port     int
	User     string
	Password string
	From     string
	// Timeout bounds one connection and delivery (default 30 s).
	Timeout time.Duration
	// RequireTLS refuses to send over an unencrypted connection. Off by
	// default because local relays (and the test server) speak plain SMTP;
	// STARTTLS is still used whenever the server offers it.
	RequireTLS bool
}

// OptionsFrom takes the SMTP settings of the process configuration.
func OptionsFrom(c config.Config) Options {
	return Options{Host: c.SMTPHost, Port: c.SMTPPort, User: c.SMTPUser, Password: c.SMTPPassword, From: c.SMTPFrom}
}

// Sender delivers procure.Mail over SMTP.
type Sender struct {
	opts Options
	log  *slog.Logger
}

var _ procure.Mailer = (*Sender)(nil)

// New builds a Sender. An empty Host makes it a logging sender.
func New(o Options, log *slog.Logger) (*Sender, error) {
	if log == nil {
		log = slog.Default()
	}
	if o.Port == 0 {
		o.Port = 25
	}
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	if strings.TrimSpace(o.From) == "" {
		return nil, errors.New("mail: a sender address (POGATE_SMTP_FROM) is required")
	}
	return &Sender{opts: o, log: log}, nil
}

// Send delivers one message. An error means the message was not accepted by
// the server; callers (jobs) retry.
func (s *Sender) Send(ctx context.Context, m procure.Mail) error {
	if len(m.To) == 0 {
		return errors.New("mail: message has no recipient")
	}
	if s.opts.Host == "" {
		s.log.Info("mail not sent: no SMTP host configured (set POGATE_SMTP_HOST)",
			"to", strings.Join(m.To, ", "), "subject", m.Subject, "attachments", len(m.Attachments))
		return nil
	}
	msg, err := s.message(m)
	if err != nil {
		return err
	}
	client, err := gomail.NewClient(s.opts.Host, s.clientOptions()...)
	if err != nil {
		return fmt.Errorf("mail: smtp client for %s: %w", s.opts.Host, err)
	}
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("mail: send %q to %s via %s:%d: %w", m.Subject, strings.Join(m.To, ", "), s.opts.Host, s.opts.Port, err)
	}
	return nil
}

func (s *Sender) clientOptions() []gomail.Option {
	policy := gomail.TLSOpportunistic
	if s.opts.RequireTLS {
		policy = gomail.TLSMandatory
	}
	opts := []gomail.Option{gomail.WithPort(s.opts.Port), gomail.WithTimeout(s.opts.Timeout), gomail.WithTLSPolicy(policy)}
	if s.opts.User != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(s.opts.User), gomail.WithPassword(s.opts.Password))
	}
	return opts
}

// message converts a procure.Mail into a MIME message: text (and HTML as an
// alternative when given) plus attachments.
func (s *Sender) message(m procure.Mail) (*gomail.Msg, error) {
	msg := gomail.NewMsg()
	if err := msg.From(s.opts.From); err != nil {
		return nil, fmt.Errorf("mail: sender address %q: %w", s.opts.From, err)
	}
	if err := msg.To(m.To...); err != nil {
		return nil, fmt.Errorf("mail: recipient %q: %w", strings.Join(m.To, ", "), err)
	}
	msg.Subject(m.Subject)
	switch {
	case m.Text != "" && m.HTML != "":
		msg.SetBodyString(gomail.TypeTextPlain, m.Text)
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	case m.HTML != "":
		msg.SetBodyString(gomail.TypeTextHTML, m.HTML)
	default:
		msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	}
	for _, a := range m.Attachments {
		ct := a.ContentType
		if ct == "" {
			ct = "application/octet-stream"
		}
		msg.AttachReadSeeker(a.Name, bytes.NewReader(a.Data), gomail.WithFileContentType(gomail.ContentType(ct)))
	}
	return msg, nil
}
