package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"anju/server/app"
	"anju/server/openapi"
)

// The web app's types are generated from the OpenAPI document (make
// api-types), so the document must say what the server really answers. Every
// JSON answer any test here receives is checked against it: a success against
// the route's response schema, an error against the error envelope (or the
// route's own error body). A field the document calls an array that comes
// back null, a missing required field, a field it does not list, or a status
// it does not describe, fails the test that met it. So does a JSON request
// the server accepted without a field the document calls required.

// contract is the document's schemas, compiled once: every server of the
// suite builds the same document from the same route tables.
type contract struct {
	ops map[string]*operation // "GET /api/v1/me/plan"
}

type operation struct {
	request  *jsonschema.Schema         // the JSON body, nil when there is none
	statuses map[int]*jsonschema.Schema // documented status → its JSON body, nil when it has none
	binary   bool                       // Produces: a file, not JSON
	err      *jsonschema.Schema
}

var (
	contractOnce sync.Once
	theContract  *contract
	contractErr  error
)

func contractOf(a *app.App) (*contract, error) {
	contractOnce.Do(func() { theContract, contractErr = compileContract(a.OpenAPI()) })
	return theContract, contractErr
}

func compileContract(doc map[string]any) (*contract, error) {
	raw, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	var plain struct {
		Paths map[string]map[string]struct {
			RequestBody struct {
				Content map[string]struct {
					Schema any `json:"schema"`
				} `json:"content"`
			} `json:"requestBody"`
			Responses map[string]struct {
				Content map[string]struct {
					Schema any `json:"schema"`
				} `json:"content"`
			} `json:"responses"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(raw, &plain); err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	n := 0
	compile := func(schema any) (*jsonschema.Schema, error) {
		// Round-trip through the library's decoder so numbers are json.Number.
		b, _ := json.Marshal(schema)
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			return nil, err
		}
		n++
		loc := fmt.Sprintf("mem:///schema-%d.json", n)
		if err := c.AddResource(loc, v); err != nil {
			return nil, err
		}
		return c.Compile(loc)
	}
	out := &contract{ops: map[string]*operation{}}
	for path, ops := range plain.Paths {
		for method, op := range ops {
			o := &operation{statuses: map[int]*jsonschema.Schema{}}
			if body, ok := op.RequestBody.Content["application/json"]; ok {
				if o.request, err = compile(body.Schema); err != nil {
					return nil, fmt.Errorf("%s %s request: %w", method, path, err)
				}
			}
			for code, r := range op.Responses {
				var schema *jsonschema.Schema
				for media, body := range r.Content {
					if media != "application/json" {
						o.binary = true
						continue
					}
					if schema, err = compile(body.Schema); err != nil {
						return nil, fmt.Errorf("%s %s %s: %w", method, path, code, err)
					}
				}
				if code == "default" {
					o.err = schema
					continue
				}
				status, err := strconv.Atoi(code)
				if err != nil {
					return nil, fmt.Errorf("%s %s: status %q", method, path, code)
				}
				o.statuses[status] = schema
			}
			out.ops[strings.ToUpper(method)+" "+path] = o
		}
	}
	return out, nil
}

// checkAnswer reports (with t.Errorf, so any goroutine may call it) an answer
// that is not what the document says of its route; sent is the JSON request
// body, if any.
func (e *env) checkAnswer(t *testing.T, method, target string, sent []byte, status int, header http.Header, body []byte) {
	c, err := contractOf(e.app)
	if err != nil {
		t.Errorf("the OpenAPI document's schemas do not compile: %v", err)
		return
	}
	u, err := url.Parse(target)
	if err != nil || method == http.MethodHead || header.Get("Content-Encoding") != "" {
		return // compressed answers are the compression tests' business
	}
	// Echo's own router says which route answered.
	ctx := e.app.Echo.NewContext(httptest.NewRequest(method, "/", nil), httptest.NewRecorder())
	e.app.Echo.Router().Find(method, u.EscapedPath(), ctx)
	op := c.ops[method+" "+openapi.Path(ctx.Path())]
	if op == nil {
		return // not an API route (the web app, /healthz, /metrics) or no such route (404)
	}
	isJSON := strings.HasPrefix(header.Get("Content-Type"), "application/json")
	where := method + " " + target
	if op.request != nil && status < 300 && json.Valid(sent) {
		v, _ := jsonschema.UnmarshalJSON(bytes.NewReader(sent))
		if err := op.request.Validate(v); err != nil {
			t.Errorf("%s: the server accepted (%d) a body the OpenAPI document refuses (a field it calls required may be left out: tag it omitempty):\n%v\nbody: %.600s",
				where, status, err, sent)
		}
	}
	schema, documented := op.statuses[status]
	switch {
	case status >= 400:
		if !documented {
			schema = op.err
		}
		if isJSON {
			validate(t, schema, where, status, body)
		}
	case status == http.StatusNotModified:
	case !documented:
		t.Errorf("%s answered %d, a status the OpenAPI document does not give it: describe it in the route table (Status, Also)", where, status)
	case schema != nil:
		if !isJSON {
			t.Errorf("%s answered %q, not the JSON the OpenAPI document describes", where, header.Get("Content-Type"))
			return
		}
		validate(t, schema, where, status, body)
	case isJSON && !op.binary:
		t.Errorf("%s answered JSON the OpenAPI document does not describe: give its route a Response", where)
	}
}

func validate(t *testing.T, s *jsonschema.Schema, where string, status int, body []byte) {
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		t.Errorf("%s: %d answer is not JSON: %v", where, status, err)
		return
	}
	if err := s.Validate(v); err != nil {
		t.Errorf("%s: the %d answer is not what the OpenAPI document says (fix the route table or the type, then make api-types):\n%v\nbody: %.600s",
			where, status, err, body)
	}
}
