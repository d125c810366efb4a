// Package httpx is the HTTP edge's shared plumbing: the JSON error envelope and
// the central error handler, strict JSON binding, path parameters and list
// envelopes. Handlers in the domain packages use it; nothing here knows the domain.
package httpx

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"anju/server/problem"
)

// MaxBody is the largest request body accepted, 1 MiB.
const MaxBody = 1 << 20

// ErrorBody is the JSON error envelope.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail says what went wrong.
type ErrorDetail struct {
	Code    string         `json:"code"`
	Message string         `json:"message"`
	Details map[string]any `json:"details,omitempty"`
}

// List is the envelope of every list response.
type List[T any] struct {
	Items []T `json:"items"`
}

// Items wraps a slice, never answering null.
func Items[T any](items []T) List[T] {
	if items == nil {
		items = []T{}
	}
	return List[T]{Items: items}
}

// Bind decodes the JSON body strictly into dst: at most 1 MiB, no unknown fields,
// one JSON value. Its errors name the field and the problem.
func Bind(c echo.Context, dst any) error {
	req := c.Request()
	if ct := req.Header.Get(echo.HeaderContentType); ct != "" && !strings.HasPrefix(ct, echo.MIMEApplicationJSON) {
		return problem.Invalid("unsupported_media_type", "Send the body as JSON with Content-Type: application/json (got %q).", ct)
	}
	raw, err := io.ReadAll(http.MaxBytesReader(c.Response(), req.Body, MaxBody))
	if err != nil {
		return decodeProblem(err)
	}
	if err := checkJSON(raw); err != nil {
		return err
	}
	if trimmed := bytes.TrimSpace(raw); len(trimmed) > 0 && trimmed[0] != '{' {
		return problem.Invalid("malformed_json", "The body must be a JSON object, {…}.")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeProblem(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return problem.Invalid("malformed_json", "The body must hold exactly one JSON object, with nothing after it.")
	}
	return nil
}

func decodeProblem(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return echo.NewHTTPError(http.StatusRequestEntityTooLarge)
	case errors.Is(err, io.EOF):
		return problem.Invalid("malformed_json", "The request body is empty; send a JSON object.")
	case errors.As(err, &syn):
		return problem.Invalid("malformed_json", "The body is not valid JSON (problem near byte %d).", syn.Offset)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return problem.Invalid("malformed_json", "The body is cut off: the JSON is incomplete.")
	case errors.As(err, &typ):
		if typ.Field == "" {
			return problem.Invalid("malformed_json", "The body must be a JSON object.")
		}
		return problem.Field(typ.Field, "must be %s, not %s", describeType(typ.Type.Kind().String()), typ.Value)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return problem.Invalid("unknown_field", "The field %q is not known here; check its spelling against /api/v1/openapi.json.", name).With("field", name)
	}
	var p *problem.Error
	if errors.As(err, &p) {
		return p
	}
	return problem.Invalid("malformed_json", "The body could not be read as JSON: %s", err.Error())
}

func describeType(kind string) string {
	switch kind {
	case "int", "int32", "int64", "uint", "uint32", "uint64":
		return "a whole number"
	case "float32", "float64":
		return "a number"
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "slice":
		return "a list"
	case "struct", "map":
		return "an object"
	}
	return "of another type"
}

// ID reads a positive numeric path parameter.
func ID(c echo.Context, name string) (int64, error) {
	raw := c.Param(name)
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return 0, problem.Invalid("invalid_id", "%q is not an id: ids are positive whole numbers.", raw)
	}
	return id, nil
}

// QueryID reads an optional positive numeric query parameter (0 when absent).
func QueryID(c echo.Context, name string) (int64, error) {
	raw := c.QueryParam(name)
	if raw == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return 0, problem.Invalid("invalid_query", "%s=%q is not an id: ids are positive whole numbers.", name, raw)
	}
	return id, nil
}

// BindForm decodes a form body (urlencoded or multipart) of at most MaxBody
// into dst (form tags), refusing text that is not clean.
func BindForm(c echo.Context, dst any) error {
	req := c.Request()
	req.Body = http.MaxBytesReader(c.Response(), req.Body, MaxBody)
	if err := (&echo.DefaultBinder{}).BindBody(c, dst); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return echo.NewHTTPError(http.StatusRequestEntityTooLarge)
		}
		return problem.Invalid("malformed_form", "The form could not be read; send application/x-www-form-urlencoded fields.")
	}
	if err := checkValues("form field", req.Form); err != nil {
		return err
	}
	if req.MultipartForm != nil {
		return checkForm(req.MultipartForm)
	}
	return nil
}

// Created answers 201 with the resource.
func Created(c echo.Context, v any) error { return c.JSON(http.StatusCreated, v) }

// OK answers 200 with the resource.
func OK(c echo.Context, v any) error { return c.JSON(http.StatusOK, v) }

// Upload is a file sent as one field of a multipart form.
type Upload struct {
	Name string
	Data []byte
}

// FormFile reads the multipart field name of at most max bytes; the whole body
// may be a little larger for the other fields. Its errors say what to send.
func FormFile(c echo.Context, name string, max int64) (*Upload, error) {
	req := c.Request()
	if !strings.HasPrefix(req.Header.Get(echo.HeaderContentType), echo.MIMEMultipartForm) {
		return nil, problem.Invalid("unsupported_media_type", "Send this as multipart/form-data with the file in the field %q.", name)
	}
	req.Body = http.MaxBytesReader(c.Response(), req.Body, max+MaxBody)
	if err := req.ParseMultipartForm(max + MaxBody); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, problem.TooLarge("file_too_large", "The upload is larger than %d MiB.", max>>20)
		}
		return nil, problem.Invalid("malformed_form", "The multipart form could not be read: send the file in the field %q.", name)
	}
	if err := checkForm(req.MultipartForm); err != nil {
		return nil, err
	}
	f, hdr, err := req.FormFile(name)
	if err != nil {
		return nil, problem.Field(name, "is required: attach the file in the multipart field %q", name)
	}
	defer f.Close()
	if hdr.Size > max {
		return nil, problem.TooLarge("file_too_large", "The file is larger than %d MiB.", max>>20)
	}
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, problem.Invalid("malformed_form", "The file could not be read completely; try again.")
	}
	if int64(len(data)) > max {
		return nil, problem.TooLarge("file_too_large", "The file is larger than %d MiB.", max>>20)
	}
	return &Upload{Name: hdr.Filename, Data: data}, nil
}

// MultipartForm reads a multipart/form-data body of at most max bytes.
func MultipartForm(c echo.Context, max int64) (*multipart.Form, error) {
	req := c.Request()
	if !strings.HasPrefix(req.Header.Get(echo.HeaderContentType), echo.MIMEMultipartForm) {
		return nil, problem.Invalid("unsupported_media_type", "Send this as multipart/form-data.")
	}
	req.Body = http.MaxBytesReader(c.Response(), req.Body, max)
	if err := req.ParseMultipartForm(8 << 20); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, problem.TooLarge("upload_too_large", "The upload is larger than %d MiB altogether; send fewer or smaller photos.", max>>20)
		}
		return nil, problem.Invalid("malformed_form", "The multipart form could not be read; send it again.")
	}
	if err := checkForm(req.MultipartForm); err != nil {
		return nil, err
	}
	return req.MultipartForm, nil
}

// FormValue is the trimmed first value of a multipart field ("" when absent).
func FormValue(form *multipart.Form, name string) string {
	if v := form.Value[name]; len(v) > 0 {
		return strings.TrimSpace(v[0])
	}
	return ""
}

// FormFiles reads every file of a multipart field: at most maxCount files of
// at most maxEach bytes each.
func FormFiles(form *multipart.Form, name string, maxEach int64, maxCount int) ([]Upload, error) {
	hdrs := form.File[name]
	if len(hdrs) > maxCount {
		return nil, problem.Field(name, "at most %d files may be attached (got %d)", maxCount, len(hdrs))
	}
	out := make([]Upload, 0, len(hdrs))
	for i, hdr := range hdrs {
		if hdr.Size > maxEach {
			return nil, problem.TooLarge("file_too_large", "File %d (%s) is larger than %d MiB; take the photo at a lower resolution.", i+1, hdr.Filename, maxEach>>20)
		}
		f, err := hdr.Open()
		if err != nil {
			return nil, problem.Invalid("malformed_form", "File %d could not be read; send it again.", i+1)
		}
		data, err := io.ReadAll(io.LimitReader(f, maxEach+1))
		_ = f.Close()
		if err != nil || int64(len(data)) > maxEach {
			return nil, problem.Invalid("malformed_form", "File %d could not be read completely; send it again.", i+1)
		}
		out = append(out, Upload{Name: hdr.Filename, Data: data})
	}
	return out, nil
}
