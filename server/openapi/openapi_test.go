package openapi

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"anju/server/consent"
	"anju/server/valid"
)

type inner struct {
	N int `json:"n"`
}

type base struct {
	Since time.Time `json:"since"`
}

type extra struct {
	Note string `json:"note"`
}

// sample has one field of each kind the web app's types depend on.
type sample struct {
	base
	*extra
	Plain     string             `json:"plain"`
	Count     int64              `json:"count"`
	Maybe     *int64             `json:"maybe"`
	Omitted   *int64             `json:"omitted,omitempty"`
	Zero      string             `json:"zero,omitzero"`
	Hidden    string             `json:"-"`
	secret    string             //nolint:unused // unexported: not in the JSON
	Bytes     []byte             `json:"bytes"`
	NilBytes  []byte             `json:"nil_bytes" jsonschema:"nullable"`
	List      []inner            `json:"list"`
	Pointers  []*inner           `json:"pointers"`
	Child     *inner             `json:"child"`
	Counts    map[string]int     `json:"counts"`
	Anything  map[string]any     `json:"anything"`
	Any       any                `json:"any"`
	When      *time.Time         `json:"when"`
	Money     valid.Cents        `json:"money"`
	MaybeCash *valid.Cents       `json:"maybe_cash"`
	Replaces  consent.OptionalID `json:"replaces"`
	Untagged  bool
}

func reflected(t *testing.T, v any) map[string]any {
	t.Helper()
	raw, err := json.Marshal(schemaOf(reflector(), v, answer))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func prop(t *testing.T, s map[string]any, name string) map[string]any {
	t.Helper()
	p, ok := s["properties"].(map[string]any)[name].(map[string]any)
	if !ok {
		t.Fatalf("no property %q in %v", name, s["properties"])
	}
	return p
}

// nullableOf returns X when p is "X or null", else nil.
func nullableOf(p map[string]any) map[string]any {
	one, _ := p["oneOf"].([]any)
	if len(one) != 2 || one[1].(map[string]any)["type"] != "null" {
		return nil
	}
	return one[0].(map[string]any)
}

func TestSchemasSayWhatEncodingJSONWrites(t *testing.T) {
	s := reflected(t, sample{})
	var names []string
	for n := range s["properties"].(map[string]any) {
		names = append(names, n)
	}
	want := []string{"since", "note", "plain", "count", "maybe", "omitted", "zero", "bytes", "nil_bytes", "list", "pointers",
		"child", "counts", "anything", "any", "when", "money", "maybe_cash", "replaces", "Untagged"}
	if len(names) != len(want) {
		t.Errorf("properties %v, want %v", names, want)
	}
	required := map[string]bool{}
	for _, r := range s["required"].([]any) {
		required[r.(string)] = true
	}
	for _, n := range want {
		optional := n == "omitted" || n == "zero" || n == "note" || n == "replaces"
		if required[n] == optional {
			t.Errorf("%s: required %v, want %v", n, required[n], !optional)
		}
	}
	for _, n := range []string{"maybe", "child", "when", "maybe_cash", "nil_bytes"} {
		if nullableOf(prop(t, s, n)) == nil {
			t.Errorf("%s (a pointer, or tagged nullable) must be null-able: %v", n, prop(t, s, n))
		}
	}
	for _, n := range []string{"plain", "count", "omitted", "bytes", "list", "counts", "money"} {
		if nullableOf(prop(t, s, n)) != nil {
			t.Errorf("%s must not be null-able: %v", n, prop(t, s, n))
		}
	}
	if p := nullableOf(prop(t, s, "when")); p["type"] != "string" || p["format"] != "date-time" {
		t.Errorf("a *time.Time is a date-time or null: %v", p)
	}
	if p := prop(t, s, "since"); p["type"] != "string" || p["format"] != "date-time" {
		t.Errorf("a time.Time is a date-time: %v", p)
	}
	if p := prop(t, s, "bytes"); p["type"] != "string" || p["contentEncoding"] != "base64" {
		t.Errorf("[]byte is base64 text: %v", p)
	}
	if items := prop(t, s, "pointers")["items"].(map[string]any); nullableOf(items) == nil {
		t.Errorf("a []*T's items may be null: %v", items)
	}
	if p := prop(t, s, "counts"); p["type"] != "object" || p["additionalProperties"].(map[string]any)["type"] != "integer" {
		t.Errorf("map[string]int: %v", p)
	}
	if p := prop(t, s, "anything"); p["additionalProperties"] != true {
		t.Errorf("map[string]any must allow any member (else the TypeScript says none): %v", p)
	}
	if p := s["properties"].(map[string]any)["any"]; p != true {
		t.Errorf("an interface field is anything (true): %v", p)
	}
	if p := prop(t, s, "money"); p["type"] != "number" {
		t.Errorf("valid.Cents writes a number: %v", p)
	}
	if p := nullableOf(prop(t, s, "maybe_cash")); p == nil || p["type"] != "number" {
		t.Errorf("*valid.Cents is a number or null: %v", prop(t, s, "maybe_cash"))
	}
}

// TestARequestMayHoldNullInAnyPointer: encoding/json reads null into a
// pointer with or without omitempty; only what it writes differs.
func TestARequestMayHoldNullInAnyPointer(t *testing.T) {
	raw, _ := json.Marshal(schemaOf(reflector(), sample{}, request))
	var s map[string]any
	_ = json.Unmarshal(raw, &s)
	for _, n := range []string{"maybe", "omitted", "child", "when", "maybe_cash"} {
		if nullableOf(prop(t, s, n)) == nil {
			t.Errorf("%s: a request may send null for a pointer: %v", n, prop(t, s, n))
		}
	}
	if nullableOf(prop(t, s, "plain")) != nil || nullableOf(prop(t, s, "list")) != nil {
		t.Error("only pointers (and nullable-tagged fields) take null")
	}
}

type selfMarshaling struct{ v int }

func (selfMarshaling) MarshalJSON() ([]byte, error) { return []byte(`"x"`), nil }

type withSelfMarshaling struct {
	Field selfMarshaling `json:"field"`
}

type textKey struct{}

func (*textKey) UnmarshalText([]byte) error { return nil }

type twoNames struct {
	inner
	N string `json:"n"`
}

type stringOption struct {
	N int `json:"n,string"`
}

// TestTypesTheReflectorCannotDescribeAreRefused: a type with its own JSON
// encoding must be described in customTypes, and ambiguous fields renamed,
// rather than guessed at.
func TestTypesTheReflectorCannotDescribeAreRefused(t *testing.T) {
	for name, v := range map[string]any{
		"MarshalJSON":         withSelfMarshaling{},
		"UnmarshalText":       struct{ K *textKey }{},
		"two fields named n":  twoNames{},
		`json:",string"`:      stringOption{},
		"top-level marshaler": selfMarshaling{},
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				r := recover()
				if r == nil || !strings.Contains(r.(string), "openapi:") {
					t.Fatalf("want a panic that says what to do, got %v", r)
				}
			}()
			schemaOf(reflector(), v, answer)
		})
	}
}

// TestEveryCustomTypeIsOne: the map describes types that really encode themselves.
func TestEveryCustomTypeIsOne(t *testing.T) {
	for typ := range customTypes {
		ok := false
		for _, i := range []reflect.Type{jsonMarshaler, jsonUnmarshaler, textMarshaler, textUnmarshaler} {
			ok = ok || typ.Implements(i) || reflect.PointerTo(typ).Implements(i)
		}
		if !ok {
			t.Errorf("%s has no JSON methods of its own: take it out of customTypes", typ)
		}
	}
}

func TestPath(t *testing.T) {
	for in, want := range map[string]string{
		"/api/v1/projects/:id/consent":        "/api/v1/projects/{id}/consent",
		`/api/v1/buildings/:id/token\:rotate`: "/api/v1/buildings/{id}/token:rotate",
		"/api/v1/public/buildings/:token":     "/api/v1/public/buildings/{token}",
	} {
		if got := Path(in); got != want {
			t.Errorf("Path(%q) = %q, want %q", in, got, want)
		}
	}
}
