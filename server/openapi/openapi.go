// Package openapi builds the OpenAPI 3.1 document of every route from the route
// tables themselves, so the document cannot drift from what the server serves.
package openapi

import (
	"cmp"
	"encoding"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/invopop/jsonschema"

	"anju/server/consent"
	"anju/server/httpx"
	"anju/server/valid"
)

var pathParam = regexp.MustCompile(`(^|/)([^/]*?):([A-Za-z_]+)`)

// Path turns Echo's /projects/:id/consent into OpenAPI's /projects/{id}/consent,
// keeping escaped colons (token\:rotate) as literal ones.
func Path(echoPath string) string {
	const placeholder = "\x00"
	p := strings.ReplaceAll(echoPath, `\:`, placeholder)
	p = pathParam.ReplaceAllString(p, "$1$2{$3}")
	return strings.ReplaceAll(p, placeholder, ":")
}

// custom describes a type whose JSON is not what its Go fields say: it has its
// own MarshalJSON or UnmarshalJSON, so reflecting its fields would lie.
type custom struct {
	schema func() *jsonschema.Schema
	// optional: a field of this type may be left out of a request (the type
	// itself tells absent from null).
	optional bool
}

// customTypes are the types with their own JSON encoding. Describing a new one
// here is required: the document is not built while a type that marshals
// itself is missing (see checkCustom).
var customTypes = map[reflect.Type]custom{
	reflect.TypeOf(valid.Cents(0)): {schema: func() *jsonschema.Schema {
		return &jsonschema.Schema{Type: "number", Minimum: "0", Description: "an amount with at most two decimals (yuan, or m²)"}
	}},
	reflect.TypeOf(consent.OptionalID{}): {optional: true, schema: func() *jsonschema.Schema {
		return &jsonschema.Schema{OneOf: []*jsonschema.Schema{{Type: "integer"}, {Type: "null"}},
			Description: "the receipt id this vote replaces; null for a first vote; leave out to replace whatever is there"}
	}},
}

// timeType is time.Time, which the reflector already writes as a date-time string.
var timeType = reflect.TypeOf(time.Time{})

func reflector() *jsonschema.Reflector {
	return &jsonschema.Reflector{
		DoNotReference:            true,
		AllowAdditionalProperties: false,
		Mapper: func(t reflect.Type) *jsonschema.Schema {
			if c, ok := customTypes[t]; ok {
				return c.schema()
			}
			return nil
		},
	}
}

// direction says which way a body goes: the server writes answers and reads
// requests, and encoding/json treats a nil pointer differently each way.
type direction bool

const (
	answer  direction = false // written by encoding/json: a nil pointer is null, or left out with omitempty
	request direction = true  // read by encoding/json: null is accepted into any pointer
)

// schemaOf is the schema of what encoding/json writes for v's type (an
// answer) or reads into it (a request). The reflector knows the field names,
// omitempty (not required), json:"-" (left out), time.Time (date-time), []byte
// (base64) and maps; what it does not say, truthful adds.
func schemaOf(r *jsonschema.Reflector, v any, dir direction) *jsonschema.Schema {
	t := reflect.TypeOf(v)
	s := r.ReflectFromType(t)
	s.Version = ""
	s.ID = ""
	truthful(t, s, t.String(), dir)
	return s
}

var (
	jsonMarshaler   = reflect.TypeOf((*json.Marshaler)(nil)).Elem()
	jsonUnmarshaler = reflect.TypeOf((*json.Unmarshaler)(nil)).Elem()
	textMarshaler   = reflect.TypeOf((*encoding.TextMarshaler)(nil)).Elem()
	textUnmarshaler = reflect.TypeOf((*encoding.TextUnmarshaler)(nil)).Elem()
)

// checkCustom panics on a type that encodes itself but is not in customTypes:
// its fields are not its JSON, so the document would lie.
func checkCustom(t reflect.Type, where string) {
	if t == timeType {
		return
	}
	if _, ok := customTypes[t]; ok {
		return
	}
	for _, i := range []reflect.Type{jsonMarshaler, jsonUnmarshaler, textMarshaler, textUnmarshaler} {
		if t.Implements(i) || reflect.PointerTo(t).Implements(i) {
			panic(fmt.Sprintf("openapi: %s (in %s) implements %s: describe its JSON in customTypes (server/openapi)", t, where, i))
		}
	}
}

// truthful walks Go type t beside its schema s and makes s say what
// encoding/json does where the reflector does not:
//   - a pointer field without omitempty is written as null when nil, so its
//     schema is "X or null"; with omitempty it is left out instead (optional);
//     in a request any pointer field may be null (it reads as nil);
//   - a slice or map element that is a pointer may be null;
//   - a field of a custom type marked optional (consent.OptionalID) is optional;
//   - the fields are those encoding/json sees (embedded structs flattened),
//     which the reflector's properties must match; a type that implements its
//     own JSON must be described in customTypes.
//
// A nil slice or map is written as null too. This API never sends one (lists go
// through httpx.Items, handlers build the rest non-nil), so a slice is an
// array; a field that may really be null says so with jsonschema:"nullable",
// which the reflector honours. The API tests check every answer against this
// document (test/api), so a null where an array is promised fails there.
func truthful(t reflect.Type, s *jsonschema.Schema, where string, dir direction) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	checkCustom(t, where)
	if _, ok := customTypes[t]; ok || t == timeType || s == nil {
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		fields := jsonFields(t)
		if s.Properties == nil || s.Properties.Len() != len(fields) {
			panic(fmt.Sprintf("openapi: %s: the reflector's properties differ from encoding/json's fields", where))
		}
		for _, f := range fields {
			prop, ok := s.Properties.Get(f.name)
			if !ok {
				panic(fmt.Sprintf("openapi: %s: field %q is not among the reflector's properties", where, f.name))
			}
			inner := prop
			if tagged := nullInOneOf(prop); tagged != nil {
				inner = tagged // jsonschema:"nullable": the reflector wrapped it
			}
			truthful(f.typ, inner, where+"."+f.name, dir)
			if f.typ.Kind() == reflect.Pointer && (!f.omit || dir == request) && !acceptsNull(prop) {
				s.Properties.Set(f.name, nullable(prop))
			}
			if f.omit || f.viaPointer || customTypes[f.typ].optional {
				s.Required = slices.DeleteFunc(s.Required, func(n string) bool { return n == f.name })
			}
		}
		if len(s.Required) == 0 {
			s.Required = nil
		}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return // base64
		}
		truthful(t.Elem(), s.Items, where+"[]", dir)
		if t.Elem().Kind() == reflect.Pointer && !acceptsNull(s.Items) {
			s.Items = nullable(s.Items)
		}
	case reflect.Map:
		elem := s.AdditionalProperties
		for _, p := range s.PatternProperties {
			elem = p
		}
		if elem == nil {
			// map[string]any: any members, which the generated TypeScript
			// reads as "none" unless said.
			s.AdditionalProperties = jsonschema.TrueSchema
			return
		}
		truthful(t.Elem(), elem, where+"{}", dir)
		if t.Elem().Kind() == reflect.Pointer && !acceptsNull(elem) {
			n := nullable(elem)
			*elem = *n
		}
	}
}

// nullable is "s or null".
func nullable(s *jsonschema.Schema) *jsonschema.Schema {
	return &jsonschema.Schema{OneOf: []*jsonschema.Schema{s, {Type: "null"}}}
}

// acceptsNull tells whether s already allows null: a null type, "X or null",
// or a schema with no type at all (an interface field: anything).
func acceptsNull(s *jsonschema.Schema) bool {
	return s == nil || s.Type == "null" || nullInOneOf(s) != nil ||
		s.Type == "" && s.OneOf == nil && s.AnyOf == nil && s.AllOf == nil && s.Ref == "" && s.Enum == nil && s.Const == nil
}

// nullInOneOf returns X of a oneOf [X, null], else nil.
func nullInOneOf(s *jsonschema.Schema) *jsonschema.Schema {
	if len(s.OneOf) == 2 && s.OneOf[1].Type == "null" {
		return s.OneOf[0]
	}
	return nil
}

// field is a JSON object member as encoding/json sees a struct field.
type field struct {
	name       string
	typ        reflect.Type
	omit       bool // omitempty or omitzero: left out when empty
	viaPointer bool // reached through an embedded pointer: left out when that is nil
}

// jsonFields lists t's JSON members by encoding/json's rules: exported
// fields, json names, "-" left out, embedded structs flattened. Two members of
// one name (where encoding/json's depth rules would choose) are refused.
func jsonFields(t reflect.Type) []field {
	var all []field
	var walk func(t reflect.Type, viaPointer bool)
	walk = func(t reflect.Type, viaPointer bool) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			if strings.Contains(","+opts+",", ",string,") {
				panic(fmt.Sprintf("openapi: %s.%s uses json:\",string\": describe it", t, f.Name))
			}
			ft := f.Type
			if f.Anonymous && name == "" {
				et, ptr := ft, false
				if et.Kind() == reflect.Pointer {
					et, ptr = et.Elem(), true
				}
				if et.Kind() == reflect.Struct {
					walk(et, viaPointer || ptr)
					continue
				}
			}
			if !f.IsExported() {
				continue
			}
			omit := strings.Contains(","+opts+",", ",omitempty,") || strings.Contains(","+opts+",", ",omitzero,")
			all = append(all, field{name: cmp.Or(name, f.Name), typ: ft, omit: omit, viaPointer: viaPointer})
		}
	}
	walk(t, false)
	seen := map[string]bool{}
	for _, f := range all {
		if seen[f.name] {
			// encoding/json would pick one by depth and tags; the reflector
			// just keeps the last. Rather than guess, say so.
			panic(fmt.Sprintf("openapi: %s has two JSON fields named %q (through embedding): rename one", t, f.name))
		}
		seen[f.name] = true
	}
	return all
}

// Document returns the OpenAPI document for the given routes; shapes are the
// error formats of the routes that do not answer errors in httpx.ErrorBody.
func Document(routes []httpx.Route, title, version string, shapes ...httpx.Shape) map[string]any {
	r := reflector()
	paths := map[string]map[string]any{}
	for _, rt := range routes {
		path := Path(rt.Path)
		op := map[string]any{
			"summary":     rt.Summary,
			"tags":        []string{rt.Tag},
			"operationId": strings.ToLower(rt.Method) + strings.NewReplacer("/", "_", "{", "", "}", "", ":", "_", ".", "_", "-", "_").Replace(path),
			"x-access":    string(rt.Access),
		}
		var params []map[string]any
		for _, m := range pathParam.FindAllStringSubmatch(strings.ReplaceAll(rt.Path, `\:`, "\x00"), -1) {
			schema := map[string]any{"type": "integer", "minimum": 1}
			if m[3] == "token" {
				schema = map[string]any{"type": "string"}
			}
			params = append(params, map[string]any{"name": m[3], "in": "path", "required": true, "schema": schema})
		}
		names := make([]string, 0, len(rt.Params))
		for n := range rt.Params {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			params = append(params, map[string]any{"name": n, "in": "query", "required": false,
				"description": rt.Params[n], "schema": map[string]any{"type": "string"}})
		}
		if (rt.Method == "PUT" && rt.Path == "/api/v1/me/ballot") || (rt.Method == "POST" && rt.Path == "/api/v1/me/complaints") {
			params = append(params, map[string]any{"name": "Idempotency-Key", "in": "header", "required": false,
				"description": "a unique key per vote attempt; a replay returns the first receipt", "schema": map[string]any{"type": "string", "maxLength": 100}})
		}
		if len(params) > 0 {
			op["parameters"] = params
		}
		if rt.Access != httpx.Public {
			op["security"] = []map[string]any{{"bearer": []string{}}}
		}
		if len(rt.Form) > 0 {
			props := map[string]any{}
			for name, desc := range rt.Form {
				if file, ok := strings.CutPrefix(desc, "file:"); ok {
					props[name] = map[string]any{"type": "string", "format": "binary", "description": strings.TrimSpace(file)}
				} else {
					props[name] = map[string]any{"type": "string", "description": desc}
				}
			}
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{
				"multipart/form-data": map[string]any{"schema": map[string]any{"type": "object", "properties": props}}}}
		}
		if rt.Request != nil {
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{
				"application/json": map[string]any{"schema": schemaOf(r, rt.Request, request)}}}
		}
		success := map[string]any{"description": "success"}
		switch {
		case rt.Produces != "":
			success["content"] = map[string]any{rt.Produces: map[string]any{"schema": map[string]any{"type": "string", "format": "binary"}}}
		case rt.Response != nil:
			success["content"] = map[string]any{"application/json": map[string]any{"schema": schemaOf(r, rt.Response, answer)}}
		}
		var errBody any = httpx.ErrorBody{}
		errWhat := "an error; see error.code"
		for _, s := range shapes {
			if strings.HasPrefix(rt.Path, s.Prefix) {
				errBody, errWhat = s.Schema, "an error"
			}
		}
		errResp := map[string]any{"description": errWhat, "content": map[string]any{
			"application/json": map[string]any{"schema": schemaOf(r, errBody, answer)}}}
		responses := map[string]any{strconv.Itoa(rt.Status): success, "default": errResp}
		for status, body := range rt.Errors {
			responses[strconv.Itoa(status)] = map[string]any{"description": errWhat + ", with details", "content": map[string]any{
				"application/json": map[string]any{"schema": schemaOf(r, body, answer)}}}
		}
		for status, when := range rt.Also {
			also := maps.Clone(success)
			also["description"] = when
			responses[strconv.Itoa(status)] = also
		}
		op["responses"] = responses
		if paths[path] == nil {
			paths[path] = map[string]any{}
		}
		paths[path][strings.ToLower(rt.Method)] = op
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{"title": title, "version": version,
			"description": "Anju (安居): residents' consent and feedback for old residential community renovation. " +
				"Errors are {\"error\": {\"code\", \"message\"}}; lists are {\"items\": [...]}; times are RFC 3339 UTC."},
		"servers": []map[string]any{{"url": "/"}},
		"paths":   paths,
		"components": map[string]any{"securitySchemes": map[string]any{
			"bearer": map[string]any{"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}},
	}
}
