package httpx

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"anju/server/problem"
)

// Text in Anju is UTF-8 without NUL bytes: PostgreSQL cannot store a NUL in
// text at all (SQLSTATE 22021) and SQLite would keep a string that no other
// tool reads back whole. So every path parameter, query value, stored header,
// JSON string and form value is checked once, here at the edge, and refused
// with a 400 that names the place, before any handler or query sees it.

// storedHeaders are the request headers whose values the server keeps.
var storedHeaders = []string{"Idempotency-Key"}

// CleanInput refuses path parameters, query names and values and stored
// headers that hold a NUL byte or are not UTF-8. It runs after routing, for
// every route.
func CleanInput(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		names, values := c.ParamNames(), c.ParamValues()
		for i := 0; i < len(names) && i < len(values); i++ {
			if err := checkText("path parameter "+names[i], names[i], values[i]); err != nil {
				return err
			}
		}
		if err := checkValues("query parameter", c.QueryParams()); err != nil {
			return err
		}
		for _, h := range storedHeaders {
			for _, v := range c.Request().Header.Values(h) {
				if err := checkText("header "+h, h, v); err != nil {
					return err
				}
			}
		}
		return next(c)
	}
}

// checkText refuses s when it holds a NUL byte or is not UTF-8; where says
// what s is ("query parameter status") and field names it in the details.
func checkText(where, field, s string) error {
	if strings.IndexByte(s, 0) >= 0 {
		return problem.Invalid("invalid_text", "The %s holds a NUL byte (\\0), which text cannot contain; remove it.", where).
			With("field", field)
	}
	if !utf8.ValidString(s) {
		return problem.Invalid("invalid_text", "The %s is not valid UTF-8 text; send text encoded as UTF-8.", where).
			With("field", field)
	}
	return nil
}

// checkValues checks every name and value of a query or form.
func checkValues(where string, vs url.Values) error {
	for name, list := range vs {
		if err := checkText(where+" name", name, name); err != nil {
			return err
		}
		for _, v := range list {
			if err := checkText(where+" "+name, name, v); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkForm checks the text fields and file names of a multipart form.
func checkForm(f *multipart.Form) error {
	if err := checkValues("form field", f.Value); err != nil {
		return err
	}
	for name, files := range f.File {
		if err := checkText("form field name", name, name); err != nil {
			return err
		}
		for _, h := range files {
			if err := checkText("file name of "+name, name, h.Filename); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkJSON refuses a body that is not UTF-8 or whose strings hold a NUL
// (written \u0000 in JSON; a raw NUL is a syntax error anyway). encoding/json
// would otherwise turn bad bytes into U+FFFD silently and pass NULs through.
func checkJSON(raw []byte) error {
	if !utf8.Valid(raw) {
		return problem.Invalid("invalid_text", "The body is not valid UTF-8 text; send JSON encoded as UTF-8.")
	}
	if !hasNULEscape(raw) {
		return nil
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil // not JSON at all: the decoder reports it
	}
	field := nulField(v, "")
	if field == "" {
		field = "a field"
	}
	return problem.Invalid("invalid_text", "%s holds a NUL character (\\u0000), which text cannot contain; remove it.", field).
		With("field", strings.Trim(field, `"`))
}

// hasNULEscape finds \u0000 that is an escape, not an escaped backslash
// followed by the text u0000: the run of backslashes before it must be odd.
func hasNULEscape(raw []byte) bool {
	for i := 0; ; {
		j := bytes.Index(raw[i:], []byte(`u0000`))
		if j < 0 {
			return false
		}
		j += i
		n := 0
		for k := j - 1; k >= 0 && raw[k] == '\\'; k-- {
			n++
		}
		if n%2 == 1 {
			return true
		}
		i = j + 1
	}
}

// nulField names the first member whose key or string value holds a NUL.
func nulField(v any, path string) string {
	switch t := v.(type) {
	case string:
		if strings.IndexByte(t, 0) >= 0 {
			if path == "" {
				return "the body"
			}
			return strconv.Quote(path)
		}
	case []any:
		for i, e := range t {
			if f := nulField(e, path+"["+strconv.Itoa(i)+"]"); f != "" {
				return f
			}
		}
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			e := t[k]
			p := k
			if path != "" {
				p = path + "." + k
			}
			if strings.IndexByte(k, 0) >= 0 {
				return "a field name"
			}
			if f := nulField(e, p); f != "" {
				return f
			}
		}
	}
	return ""
}

// Int reads a whole-number path parameter within [min, max]. Every number the
// server passes to the database must fit its column (INTEGER is 32 bits on
// PostgreSQL), so numbers are bounded where they are read.
func Int(c echo.Context, name string, min, max int) (int, error) {
	raw := c.Param(name)
	n, err := strconv.Atoi(raw)
	if err != nil || n < min || n > max {
		return 0, problem.Field(name, "must be a whole number from %d to %d (got %q)", min, max, raw)
	}
	return n, nil
}

// QueryInt reads an optional whole-number query parameter within [min, max];
// def when absent.
func QueryInt(c echo.Context, name string, min, max, def int) (int, error) {
	raw := c.QueryParam(name)
	if raw == "" {
		return def, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < min || n > max {
		return 0, problem.Field(name, "must be a whole number from %d to %d (got %q)", min, max, raw)
	}
	return n, nil
}
