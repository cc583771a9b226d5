// Package mailtest runs a real SMTP server (emersion/go-smtp) inside a test
// process and keeps every message it receives, parsed back with net/mail and
// mime/multipart, so tests check what a recipient would really get: the
// envelope, subject, text and attachments, after a full SMTP exchange.
package mailtest

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// Message is one received e-mail.
type Message struct {
	From        string
	To          []string
	Subject     string
	Header      mail.Header
	Text        string
	HTML        string
	Attachments []Attachment
	Raw         []byte
}

// Attachment is one attached file of a received Message.
type Attachment struct {
	Name        string
	ContentType string
	Data        []byte
}

// Server is an in-process SMTP server.
type Server struct {
	srv  *smtp.Server
	ln   net.Listener
	host string
	port int

	mu       sync.Mutex
	messages []Message
	changed  chan struct{}
	// FailNext makes the next n deliveries fail with a transient 451, to
	// test retries.
	failNext int
}

// Start listens on 127.0.0.1 on a free port; the server stops when t ends.
func Start(t testing.TB) *Server {
	t.Helper()
	s, err := Listen("127.0.0.1:0")
	if err != nil {
		t.Fatalf("mailtest: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// Listen starts a server on addr (for tools and manual runs).
func Listen(addr string) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen %s: %w", addr, err)
	}
	s := &Server{ln: ln, changed: make(chan struct{})}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &session{server: s}, nil }))
	srv.Domain = "mailtest.local"
	srv.AllowInsecureAuth = true
	srv.MaxMessageBytes = 32 << 20
	srv.ReadTimeout = 30 * time.Second
	srv.WriteTimeout = 30 * time.Second
	srv.ErrorLog = log.New(io.Discard, "", 0)
	s.srv = srv
	tcp := ln.Addr().(*net.TCPAddr)
	s.host, s.port = tcp.IP.String(), tcp.Port
	go srv.Serve(ln)
	return s, nil
}

// Host and Port are where clients connect.
func (s *Server) Host() string { return s.host }
func (s *Server) Port() int    { return s.port }

// Close stops the server.
func (s *Server) Close() error { return s.srv.Close() }

// FailNext makes the next n DATA commands fail with a temporary error.
func (s *Server) FailNext(n int) {
	s.mu.Lock()
	s.failNext = n
	s.mu.Unlock()
}

// Messages returns a copy of everything received so far.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

// WaitFor blocks until n messages have arrived or ctx ends; it returns the
// messages received so far either way.
func (s *Server) WaitFor(ctx context.Context, n int) ([]Message, error) {
	for {
		s.mu.Lock()
		msgs, ch := append([]Message(nil), s.messages...), s.changed
		s.mu.Unlock()
		if len(msgs) >= n {
			return msgs, nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return msgs, fmt.Errorf("mailtest: %d of %d messages received: %w", len(msgs), n, ctx.Err())
		}
	}
}

func (s *Server) add(m Message) {
	s.mu.Lock()
	s.messages = append(s.messages, m)
	close(s.changed)
	s.changed = make(chan struct{})
	s.mu.Unlock()
}

func (s *Server) takeFailure() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failNext > 0 {
		s.failNext--
		return true
	}
	return false
}

type session struct {
	server *Server
	from   string
	to     []string
}

func (ss *session) AuthMechanisms() []string { return nil }
func (ss *session) Reset()                   { ss.from, ss.to = "", nil }
func (ss *session) Logout() error            { return nil }

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if ss.server.takeFailure() {
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "mailtest: temporary failure requested by the test"}
	}
	m, err := Parse(raw)
	if err != nil {
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "mailtest: unparseable message: " + err.Error()}
	}
	m.From, m.To = ss.from, append([]string(nil), ss.to...)
	ss.server.add(m)
	return nil
}

// Parse reads a raw RFC 5322 message into its text, HTML and attachments.
func Parse(raw []byte) (Message, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return Message{}, fmt.Errorf("read message: %w", err)
	}
	dec := new(mime.WordDecoder)
	subject, err := dec.DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		subject = msg.Header.Get("Subject")
	}
	out := Message{Subject: subject, Header: msg.Header, Raw: raw}
	err = walkPart(&out, msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Header.Get("Content-Disposition"), msg.Body)
	return out, err
}

func walkPart(out *Message, contentType, encoding, disposition string, body io.Reader) error {
	if contentType == "" {
		contentType = "text/plain"
	}
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return fmt.Errorf("content type %q: %w", contentType, err)
	}
	if strings.HasPrefix(mediaType, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return fmt.Errorf("multipart: %w", err)
			}
			if err := walkPart(out, p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p.Header.Get("Content-Disposition"), p); err != nil {
				return err
			}
		}
	}
	data, err := decodeBody(encoding, body)
	if err != nil {
		return err
	}
	disp, dparams, _ := mime.ParseMediaType(disposition)
	name := dparams["filename"]
	if name == "" {
		name = params["name"]
	}
	switch {
	case disp == "attachment" || (name != "" && !strings.HasPrefix(mediaType, "text/")):
		out.Attachments = append(out.Attachments, Attachment{Name: name, ContentType: mediaType, Data: data})
	case mediaType == "text/html":
		out.HTML += string(data)
	default:
		out.Text += string(data)
	}
	return nil
}

func decodeBody(encoding string, r io.Reader) ([]byte, error) {
	switch strings.ToLower(strings.TrimSpace(encoding)) {
	case "base64":
		// The decoder skips the CR LF of 76-column lines itself.
		r = base64.NewDecoder(base64.StdEncoding, r)
	case "quoted-printable":
		r = quotedprintable.NewReader(r)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("decode %s body: %w", encoding, err)
	}
	return b, nil
}
