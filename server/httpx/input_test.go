package httpx

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"anju/server/problem"
)

func TestHasNULEscapeTellsEscapesFromEscapedBackslashes(t *testing.T) {
	for raw, want := range map[string]bool{
		`{"a":"\u0000"}`:           true,
		`{"a":"x\u0000y"}`:         true,
		`{"a":"\\u0000"}`:          false, // a backslash, then the text u0000
		`{"a":"\\\u0000"}`:         true,  // a backslash, then a NUL
		`{"a":"\\\\u0000"}`:        false,
		`{"a":"u0000"}`:            false,
		`{"a":"\u00001"}`:          true,
		`{"\u0000":1}`:             true,
		`{"a":"\u0001"}`:           false,
		`{"a":"\\", "b":"\u0000"}`: true,
	} {
		if got := hasNULEscape([]byte(raw)); got != want {
			t.Errorf("%s: %v, want %v", raw, got, want)
		}
	}
}

func bindRequest(body string) (echo.Context, *httptest.ResponseRecorder) {
	e := echo.New()
	req := httptest.NewRequest(http.MethodPost, "/x", strings.NewReader(body))
	req.Header.Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
	rec := httptest.NewRecorder()
	return e.NewContext(req, rec), rec
}

func TestBindRefusesNULAndBadUTF8NamingTheField(t *testing.T) {
	type item struct {
		Description string `json:"description"`
	}
	type body struct {
		Username string `json:"username"`
		Items    []item `json:"items"`
	}
	for raw, field := range map[string]string{
		`{"username":"\u0000"}`:                                 "username",
		`{"username":"ok","items":[{"description":"a\u0000"}]}`: "items[0].description",
		"{\"username\":\"\xff\"}":                               "",
		"{\"username\":\"\xed\xa0\x80\"}":                       "",
	} {
		c, _ := bindRequest(raw)
		var dst body
		err := Bind(c, &dst)
		p, ok := problem.As(err)
		if !ok || p.Code != "invalid_text" {
			t.Errorf("%q: %v, want invalid_text", raw, err)
			continue
		}
		if field != "" && p.Details["field"] != field {
			t.Errorf("%q: field %v, want %s", raw, p.Details["field"], field)
		}
	}
	c, _ := bindRequest(`{"username":"王\\u0000","items":[]}`)
	var ok body
	if err := Bind(c, &ok); err != nil || ok.Username != `王\u0000` {
		t.Errorf("an escaped backslash is text: %v %q", err, ok.Username)
	}
}

func TestCleanInputRefusesParamsQueryAndStoredHeaders(t *testing.T) {
	e := echo.New()
	e.HTTPErrorHandler = ErrorHandler(slog.New(slog.NewTextHandler(io.Discard, nil)))
	e.Use(CleanInput)
	e.GET("/things/:token", func(c echo.Context) error { return c.String(http.StatusOK, "ok") })
	for _, c := range []struct {
		path, header string
		want         int
	}{
		{"/things/abc?q=%E6%A5%BC", "", 200},
		{"/things/a%00b", "", 400},
		{"/things/%FF", "", 400},
		{"/things/abc?q=%00", "", 400},
		{"/things/abc?%C3%28=1", "", 400},
		{"/things/abc", "key\xff", 400},
		{"/things/abc", "楼-1", 200},
	} {
		req := httptest.NewRequest(http.MethodGet, c.path, nil)
		if c.header != "" {
			req.Header.Set("Idempotency-Key", c.header)
		}
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, req)
		if rec.Code != c.want || (c.want == 400 && !strings.Contains(rec.Body.String(), `"invalid_text"`)) {
			t.Errorf("%s %q: %d %s, want %d", c.path, c.header, rec.Code, rec.Body.String(), c.want)
		}
	}
}

func TestIntBoundsWhatReachesAnIntegerColumn(t *testing.T) {
	e := echo.New()
	for raw, want := range map[string]bool{"2": true, "5": true, "1": false, "6": false,
		"2147483648": false, "9223372036854775807": false, "99999999999999999999": false, "": false, "2x": false} {
		c := e.NewContext(httptest.NewRequest(http.MethodGet, "/?year="+raw, nil), httptest.NewRecorder())
		c.SetParamNames("n")
		c.SetParamValues(raw)
		if _, err := Int(c, "n", 2, 5); (err == nil) != want {
			t.Errorf("Int(%q) error %v, want ok=%v", raw, err, want)
		}
	}
	c := e.NewContext(httptest.NewRequest(http.MethodGet, "/?year=2147483648", nil), httptest.NewRecorder())
	if _, err := QueryInt(c, "year", 2000, 2100, 0); err == nil {
		t.Error("QueryInt took a year beyond int4")
	}
	c = e.NewContext(httptest.NewRequest(http.MethodGet, "/", nil), httptest.NewRecorder())
	if n, err := QueryInt(c, "year", 2000, 2100, 7); err != nil || n != 7 {
		t.Errorf("absent: %d %v, want the default", n, err)
	}
}
