package main

import (
	"bytes"
	"os"
	"regexp"
	"strings"
	"testing"
)

// committedDocument is the OpenAPI document the web app's types are generated
// from (web/src/api/schema.ts, by openapi-typescript).
const committedDocument = "../web/src/api/openapi.json"

var pathLine = regexp.MustCompile(`^    "(/[^"]*)": \{$`)

// TestCommittedOpenAPIDocumentIsCurrent: the document in the web app is what
// `anju openapi` prints from today's route tables and Go types, byte for byte.
// A changed field, type or route fails here until `make api-types` writes the
// document and the TypeScript again (and the web build then type-checks the
// app against them).
func TestCommittedOpenAPIDocumentIsCurrent(t *testing.T) {
	var out, errOut bytes.Buffer
	if err := run([]string{"openapi"}, &out, &errOut); err != nil {
		t.Fatalf("openapi: %v (%s)", err, errOut.String())
	}
	committed, err := os.ReadFile(committedDocument)
	if err != nil {
		t.Fatalf("%v: run make api-types", err)
	}
	if bytes.Equal(committed, out.Bytes()) {
		return
	}
	have, want := strings.Split(string(committed), "\n"), strings.Split(out.String(), "\n")
	i := 0
	for i < len(have) && i < len(want) && have[i] == want[i] {
		i++
	}
	route := "(before the paths)"
	for j := min(i, len(want)-1); j >= 0; j-- {
		if m := pathLine.FindStringSubmatch(want[j]); m != nil {
			route = m[1]
			break
		}
	}
	line := func(l []string) string {
		if i < len(l) {
			return strings.TrimSpace(l[i])
		}
		return "(end of file)"
	}
	t.Fatalf("web/src/api/openapi.json is not the server's OpenAPI document: the route tables or their Go types changed.\n"+
		"Run `make api-types` (it writes the document and web/src/api/schema.ts), then fix what the web app's type check finds.\n"+
		"First difference at line %d, under %s:\n  committed: %s\n  server:    %s", i+1, route, line(have), line(want))
}
