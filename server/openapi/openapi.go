// Package openapi builds the OpenAPI 3.1 document of every route from the route
// tables themselves, so the document cannot drift from what the server serves.
package openapi

import (
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

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

func reflector() *jsonschema.Reflector {
	return &jsonschema.Reflector{
		DoNotReference:            true,
		AllowAdditionalProperties: false,
		Mapper: func(t reflect.Type) *jsonschema.Schema {
			switch t {
			case reflect.TypeOf(valid.Cents(0)):
				return &jsonschema.Schema{Type: "number", Minimum: "0", Description: "an amount with at most two decimals (yuan, or m²)"}
			case reflect.TypeOf(consent.OptionalID{}):
				return &jsonschema.Schema{OneOf: []*jsonschema.Schema{{Type: "integer"}, {Type: "null"}},
					Description: "the receipt id this vote replaces; null for a first vote; leave out to replace whatever is there"}
			}
			return nil
		},
	}
}

func schemaOf(r *jsonschema.Reflector, v any) *jsonschema.Schema {
	s := r.Reflect(v)
	s.Version = ""
	return s
}

var errorSchema = map[string]any{
	"type": "object",
	"properties": map[string]any{"error": map[string]any{
		"type":     "object",
		"required": []string{"code", "message"},
		"properties": map[string]any{
			"code":    map[string]any{"type": "string"},
			"message": map[string]any{"type": "string"},
			"details": map[string]any{"type": "object"},
		},
	}},
}

// Document returns the OpenAPI document for the given routes.
func Document(routes []httpx.Route, title, version string) map[string]any {
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
				"application/json": map[string]any{"schema": schemaOf(r, rt.Request)}}}
		}
		success := map[string]any{"description": "success"}
		switch {
		case rt.Produces != "":
			success["content"] = map[string]any{rt.Produces: map[string]any{"schema": map[string]any{"type": "string", "format": "binary"}}}
		case rt.Response != nil:
			success["content"] = map[string]any{"application/json": map[string]any{"schema": schemaOf(r, rt.Response)}}
		}
		errResp := map[string]any{"description": "an error; see error.code", "content": map[string]any{
			"application/json": map[string]any{"schema": errorSchema}}}
		op["responses"] = map[string]any{strconv.Itoa(rt.Status): success, "default": errResp}
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
