// Package valid checks request fields and says what is wrong in words a person
// can act on. Every function returns a *problem.Error naming the field.
package valid

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"anju/server/problem"
)

// Text trims v and checks that it is present (when required), at most max
// characters long and free of control characters.
func Text(field, v string, required bool, max int) (string, error) {
	v = strings.TrimSpace(v)
	if required && v == "" {
		return "", problem.Field(field, "is required")
	}
	if n := utf8.RuneCountInString(v); n > max {
		return "", problem.Field(field, "is %d characters long; at most %d are allowed", n, max)
	}
	if !utf8.ValidString(v) {
		return "", problem.Field(field, "is not valid UTF-8 text")
	}
	for _, r := range v {
		if unicode.IsControl(r) && r != '\n' && r != '\t' {
			return "", problem.Field(field, "contains control characters")
		}
	}
	return v, nil
}

// OneOf checks that v is one of the allowed values.
func OneOf(field, v string, allowed ...string) error {
	for _, a := range allowed {
		if v == a {
			return nil
		}
	}
	return problem.Field(field, "must be one of %s (got %q)", strings.Join(allowed, ", "), v)
}

// Phone checks an optional phone number: digits with an optional leading +,
// spaces and hyphens, 5 to 20 digits.
func Phone(field, v string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", nil
	}
	digits := 0
	for i, r := range v {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '+' && i == 0, r == '-', r == ' ':
		default:
			return "", problem.Field(field, "may hold only digits, spaces, hyphens and a leading +")
		}
	}
	if digits < 5 || digits > 20 {
		return "", problem.Field(field, "must have 5 to 20 digits")
	}
	return v, nil
}

// Range checks min <= v <= max.
func Range(field string, v, min, max int) error {
	if v < min || v > max {
		return problem.Field(field, "must be between %d and %d (got %d)", min, max, v)
	}
	return nil
}

// Date parses a calendar date written YYYY-MM-DD (midnight UTC).
func Date(field, v string) (time.Time, error) {
	d, err := time.Parse(time.DateOnly, strings.TrimSpace(v))
	if err != nil {
		return time.Time{}, problem.Field(field, "must be a date written YYYY-MM-DD, such as 2026-11-23 (got %q)", v)
	}
	return d, nil
}

// china is the time zone calendar days are counted in (UTC+8, no summer time).
var china = time.FixedZone("CST", 8*3600)

// Today is today's date in China (midnight UTC of that calendar day), the day
// a person entering a date means by "today", even at 07:00 when it is still
// yesterday in UTC.
func Today(now time.Time) time.Time {
	c := now.In(china)
	return time.Date(c.Year(), c.Month(), c.Day(), 0, 0, 0, 0, time.UTC)
}
