package api_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The hostile values come in four classes; every slot gets one of each class
// in every four rounds, so even a short run sends each place a NUL, bad UTF-8
// and a number beyond the columns.
const (
	classNUL = iota
	classUTF8
	classNumber
	classOther
	classes
)

// hostileText are the values sent into path parameters, query values, form
// fields and header values, by class.
var hostileText = [classes][]string{
	classNUL:  {"\x00", "1\x00", "\x001", "a\x00b", "楼\x00", "\x00\x00\x00"},
	classUTF8: {"\xff", "\xfe\xff", "\xc3\x28", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xc0\xaf", "1\xff", "楼\xe6\xa5"},
	classNumber: {"9223372036854775807", "9223372036854775808", "-9223372036854775809", "2147483648", "-2147483649",
		"4294967296", "99999999999999999999999999999999", "1e309", strings.Repeat("9", 400)},
	classOther: {"", " ", "\t", "\n", "null", "true", "[]", "{}", "undefined", "%00", "\\u0000",
		"0", "-0", "-1", "+1", "00000001", "1.5", "NaN", "Infinity", "0x7fffffff", "2147483647", "-9223372036854775808", "1e-400",
		"../../../etc/passwd", "' OR '1'='1", "1; DROP TABLE households; --", "<script>alert(1)</script>",
		"%", "%%", "%zz", "\\", "/", "a/b", "..", ".json", "1.json", "😀", "\u202e", "\u2028", "\ufeff", "中文楼栋",
		strings.Repeat("楼", 3000), strings.Repeat("a", 10000)},
}

// hostileJSON are raw JSON values sent into body fields (whatever the schema
// says their type is) by class: the text values above as JSON strings, plus
// numbers beyond int32/int64/float64, wrong types, deep nesting, huge values.
var hostileJSON = func() [classes][]string {
	out := [classes][]string{
		classNUL:  {`"\u0000"`, `"a\u0000b"`, `["\u0000"]`, `{"a":"\u0000"}`, `[{"description":"\u0000"}]`},
		classUTF8: {`"\ud800"`, `"\udc00\ud800"`, "\"\xff\xfe\"", "\"a\xc3\x28\"", "[\"\xff\"]"},
		classNumber: {`2147483648`, `-2147483649`, `9223372036854775807`, `9223372036854775808`, `-9223372036854775809`,
			`1e400`, `-1e400`, `100000000000000000000000000000`, `[2147483648]`, `[9223372036854775808]`, `[-1,0,1e400]`,
			`"2147483648"`, `"9223372036854775808"`},
		classOther: {`0`, `-1`, `1.5`, `-0`, `1E2`, `1e-400`, `true`, `false`, `null`, `[]`, `{}`, `""`, `" "`, `"1"`, `"-1"`, `"NaN"`, `[null]`, `[{}]`,
			strings.Repeat("[", 2000) + strings.Repeat("]", 2000),
			strings.Repeat(`{"a":`, 2000) + "1" + strings.Repeat("}", 2000),
			`"` + strings.Repeat("楼", 100000) + `"`,
			"[" + strings.TrimSuffix(strings.Repeat("2147483648,", 20000), ",") + "]"},
	}
	for class, list := range hostileText {
		for _, s := range list {
			if len(s) < 500 {
				out[class] = append(out[class], rawJSONString(s))
			}
		}
	}
	return out
}()

// rawJSONString quotes s as a JSON string but leaves bytes that are not UTF-8
// as they are (json.Marshal would replace them), so they reach the server.
func rawJSONString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20:
			fmt.Fprintf(&b, `\u%04x`, c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// hostileBodies replace the whole body.
var hostileBodies = []string{
	``, ` `, `null`, `[]`, `"x"`, `1`, `{`, `}`, `{}`, `{"a":1}`, `{"a":1} {"a":2}`, `{"":""}`,
	"{\"\x00\":1}", `{"\u0000":1}`, "\xff\xfe{}", "{\"x\":\"\xff\"}", `{"__proto__":{}}`,
	strings.Repeat("[", 100000), strings.Repeat(`{"a":`, 20000),
	`{"a":"` + strings.Repeat("x", 1<<20) + `"}`,
}

// hostileFiles are uploads: empty, garbage, a PNG header with nonsense, text.
var hostileFiles = [][]byte{
	{}, {0}, []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x7f\xff\xff\xff\x7f\xff\xff\xff\x08\x06\x00\x00\x00"),
	[]byte("GIF89a"), []byte("%PDF-1.4\n%\xff\xff\n"), bytes.Repeat([]byte{0xff, 0xd8, 0xff}, 1000), []byte("<svg/onload=alert(1)>"),
	// spreadsheets for the household import: NUL, bad bytes, numbers beyond the columns, formulas
	[]byte("房号,楼层,面积,户主\n9\x0001,3,60,王\x00\n"), []byte("房号,楼层,面积\n\xff\xfe,3,60\n"),
	[]byte("房号,楼层,面积\n901,2147483648,1e400\n902,-9223372036854775809,60\n"),
	[]byte("room,floor,area,owner_name\n=1+1,3,60,@SUM(A1)\n"),
}

func pick[T any](r *rand.Rand, list []T) T { return list[r.IntN(len(list))] }

// describe shortens a value for a report line.
func describe(s string) string {
	if len(s) > 60 {
		s = fmt.Sprintf("%s…(%d bytes)", s[:40], len(s))
	}
	return strconv.Quote(s)
}

// schema is the subset of a JSON schema the fuzzer reads.
type schema struct {
	Type       any                `json:"type"`
	Properties map[string]*schema `json:"properties"`
	Items      *schema            `json:"items"`
	OneOf      []*schema          `json:"oneOf"`
	Format     string             `json:"format"`
}

func (s *schema) typ() string {
	if s == nil {
		return ""
	}
	if t, ok := s.Type.(string); ok {
		return t
	}
	if len(s.OneOf) > 0 {
		return s.OneOf[0].typ()
	}
	return ""
}

func (s *schema) fields() []string {
	names := make([]string, 0, len(s.Properties))
	for n := range s.Properties {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// baseline is a plausible valid value for a field, so that a request with one
// hostile field gets past the others; known names get values the server
// accepts, the rest a value of the schema's type.
func (f *fuzzer) baseline(name string, s *schema) string {
	if v, ok := f.known[name]; ok {
		return v
	}
	switch s.typ() {
	case "integer":
		return "1"
	case "number":
		return "10.5"
	case "boolean":
		return "true"
	case "array":
		if s.Items != nil && s.Items.typ() == "object" {
			return "[" + f.object(s.Items, "", "") + "]"
		}
		if s.Items != nil {
			return "[" + f.baseline(name, s.Items) + "]"
		}
		return "[]"
	case "object":
		return f.object(s, "", "")
	}
	if s != nil && strings.Contains(s.Format, "date") {
		return strconv.Quote(time.Now().UTC().Add(24 * time.Hour).Format(time.RFC3339))
	}
	return `"修缮说明"`
}

// object builds a JSON object of baselines with field replaced by raw
// (a nested field is "parent.child": raw goes into the first array item).
func (f *fuzzer) object(s *schema, field, raw string) string {
	var b strings.Builder
	b.WriteByte('{')
	for i, name := range s.fields() {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Quote(name) + ":")
		sub := s.Properties[name]
		parent, child, nested := strings.Cut(field, ".")
		switch {
		case name == field:
			b.WriteString(raw)
		case nested && name == parent && sub.typ() == "array" && sub.Items != nil:
			b.WriteString("[" + f.object(sub.Items, child, raw) + "]")
		case nested && name == parent:
			b.WriteString(f.object(sub, child, raw))
		default:
			b.WriteString(f.baseline(name, sub))
		}
	}
	b.WriteByte('}')
	return b.String()
}

// bodySlots are the fields a body schema offers to fuzz, one level deep.
func bodySlots(s *schema) []string {
	var out []string
	for _, name := range s.fields() {
		out = append(out, name)
		sub := s.Properties[name]
		if sub.typ() == "array" && sub.Items != nil && sub.Items.typ() == "object" {
			sub = sub.Items
		}
		if sub.typ() == "object" {
			for _, child := range sub.fields() {
				out = append(out, name+"."+child)
			}
		}
	}
	return out
}
