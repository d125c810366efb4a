// Package problem is the error vocabulary the domain speaks: a kind (what went
// wrong, in terms the HTTP edge maps to a status), a stable machine code and a
// sentence a person can act on. Domain packages return these; the HTTP error
// handler turns them into the JSON error envelope.
package problem

import (
	"errors"
	"fmt"
	"time"
)

// Kind classifies a problem.
type Kind int

const (
	KindInvalid       Kind = iota + 1 // the request itself is wrong (400)
	KindUnauthorized                  // not signed in or bad credentials (401)
	KindForbidden                     // signed in, but not allowed (403)
	KindNotFound                      // no such thing, or not visible to the caller (404)
	KindConflict                      // the request clashes with the current state (409)
	KindGone                          // it existed and was retired (410)
	KindUnprocessable                 // well-formed but cannot be applied (422)
	KindTooMany                       // slow down (429)
	KindTooLarge                      // the body or file is too large (413)
	KindUnavailable                   // the server or a dependency cannot serve now; retry later (503)
)

// Error is a problem to report to the client.
type Error struct {
	Kind       Kind
	Code       string
	Message    string
	Details    map[string]any
	RetryAfter time.Duration
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// With returns a copy carrying extra details.
func (e *Error) With(key string, value any) *Error {
	c := *e
	c.Details = map[string]any{}
	for k, v := range e.Details {
		c.Details[k] = v
	}
	c.Details[key] = value
	return &c
}

func newf(kind Kind, code, format string, args ...any) *Error {
	return &Error{Kind: kind, Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid reports bad input.
func Invalid(code, format string, args ...any) *Error {
	return newf(KindInvalid, code, format, args...)
}

// Field reports one bad field, naming it in the details.
func Field(field, format string, args ...any) *Error {
	return newf(KindInvalid, "invalid_field", field+": "+format, args...).With("field", field)
}

// NotFound reports an unknown or invisible resource.
func NotFound(code, format string, args ...any) *Error {
	return newf(KindNotFound, code, format, args...)
}

// Conflict reports a clash with the current state.
func Conflict(code, format string, args ...any) *Error {
	return newf(KindConflict, code, format, args...)
}

// Forbidden reports a lack of permission.
func Forbidden(format string, args ...any) *Error {
	return newf(KindForbidden, "forbidden", format, args...)
}

// Unauthorized reports missing or bad credentials.
func Unauthorized(code, format string, args ...any) *Error {
	return newf(KindUnauthorized, code, format, args...)
}

// Gone reports something retired on purpose.
func Gone(code, format string, args ...any) *Error {
	return newf(KindGone, code, format, args...)
}

// Unprocessable reports a well-formed request that cannot be applied.
func Unprocessable(code, format string, args ...any) *Error {
	return newf(KindUnprocessable, code, format, args...)
}

// TooMany reports rate limiting; retry tells the client when to come back.
func TooMany(code string, retry time.Duration, format string, args ...any) *Error {
	e := newf(KindTooMany, code, format, args...)
	e.RetryAfter = retry
	return e
}

// TooLarge reports an upload over its limit.
func TooLarge(code, format string, args ...any) *Error {
	return newf(KindTooLarge, code, format, args...)
}

// Unavailable reports that the request cannot be served now (the server is
// busy, the database is unreachable); retry tells the client when to come back.
func Unavailable(code string, retry time.Duration, format string, args ...any) *Error {
	e := newf(KindUnavailable, code, format, args...)
	e.RetryAfter = retry
	return e
}

// As extracts a *Error from err.
func As(err error) (*Error, bool) {
	var p *Error
	ok := errors.As(err, &p)
	return p, ok
}
