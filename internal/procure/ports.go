package procure

import (
	"context"

	"github.com/pogate/pogate/internal/store"
)

// Mailer sends one e-mail. internal/mail implements it over SMTP; tests use
// a real in-process SMTP server, never a fake of this interface.
type Mailer interface {
	Send(ctx context.Context, m Mail) error
}

// Mail is one outbound message.
type Mail struct {
	To          []string
	Subject     string
	Text        string
	HTML        string
	Attachments []Attachment
}

// Attachment is a file attached to a Mail.
type Attachment struct {
	Name        string
	ContentType string
	Data        []byte
}

// Job is the arguments of a durable background job. Its Kind matches
// River's JobArgs, so internal/jobs can insert it as it is.
type Job interface {
	Kind() string
}

// Queue inserts jobs inside the caller's transaction, so a job exists if and
// only if the change that asked for it committed. internal/jobs implements it.
type Queue interface {
	EnqueueTx(ctx context.Context, tx *store.Tx, job Job) error
}
