// Package fault is the one error type of pogate. Every layer wraps its
// failures in a *fault.Error with a Code; the portal maps the Code to an HTTP
// status exactly once, so no handler decides statuses on its own and a
// supplier reaching another supplier's record sees the same NotFound as a
// missing one.
package fault

import (
	"errors"
	"fmt"
)

// Code classifies an error for the caller, not for the log.
type Code string

const (
	Invalid       Code = "invalid"       // the input is wrong; Field says which part
	NotFound      Code = "not_found"     // missing, or not visible to this actor
	Conflict      Code = "conflict"      // the record's state forbids the action
	Forbidden     Code = "forbidden"     // the actor's role may not do this
	Unauthorized  Code = "unauthorized"  // no or bad credentials
	TooLarge      Code = "too_large"     // upload or body over the limit
	Unavailable   Code = "unavailable"   // a dependency is down; retry later
	Internal      Code = "internal"      // a bug or an unexpected failure
	RateLimited   Code = "rate_limited"  // too many attempts
	Unprocessable Code = "unprocessable" // well-formed but cannot be used (e.g. unreadable file)
)

// Error carries a code, a message a person can act on, and optionally the
// field (or row/column) it concerns and the underlying cause.
type Error struct {
	Code    Code
	Message string
	Field   string
	Err     error
}

func (e *Error) Error() string {
	msg := e.Message
	if e.Field != "" {
		msg = e.Field + ": " + msg
	}
	if e.Err != nil {
		return msg + ": " + e.Err.Error()
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// New builds an error with a formatted message.
func New(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Wrap keeps cause as the underlying error while giving it a code and message.
func Wrap(code Code, cause error, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Err: cause}
}

// Field builds an Invalid error about one input field.
func FieldErr(field, format string, args ...any) *Error {
	return &Error{Code: Invalid, Field: field, Message: fmt.Sprintf(format, args...)}
}

// CodeOf returns the code of the first *Error in err's chain, Internal if none.
func CodeOf(err error) Code {
	var fe *Error
	if errors.As(err, &fe) {
		return fe.Code
	}
	return Internal
}

// Is reports whether err carries code.
func Is(err error, code Code) bool { return err != nil && CodeOf(err) == code }
