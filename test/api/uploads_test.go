package api_test

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// shade is a small PNG of one colour, so that photos told apart by content
// stay apart after re-encoding.
func shade(t *testing.T, v uint8) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for i := range img.Pix {
		img.Pix[i] = v
		if i%4 == 3 {
			img.Pix[i] = 255
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// countRows counts a table's rows straight from the database.
func (e *env) countRows(table string) int64 {
	e.t.Helper()
	var n int64
	if err := e.app.DB.Table(table).Count(&n).Error; err != nil {
		e.t.Fatal(err)
	}
	return n
}

// folderEmpty fails when anything was written into the instance's files_dir.
func (e *env) folderEmpty() {
	e.t.Helper()
	entries, err := os.ReadDir(e.app.Config.FilesDir)
	if err != nil && !os.IsNotExist(err) {
		e.t.Fatal(err)
	}
	if len(entries) != 0 {
		e.t.Fatalf("%d files written to files_dir; uploads belong in the database", len(entries))
	}
}

// TestNoConnectionHeldWhileDecoding: every upload route decodes its images
// before it opens a transaction or takes a lock. The files service calls a
// hook as each image is about to be decoded, and the hook finds no pooled
// database connection in use (a transaction, and the plan's vote lock inside
// it, hold one). Nothing is written to files_dir either.
func TestNoConnectionHeldWhileDecoding(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		sqlDB, err := e.app.DB.DB.DB()
		if err != nil {
			t.Fatal(err)
		}
		// The log sequencer and the sweepers use connections of their own at
		// any moment: stop them, and wait until they have let go.
		e.app.StopBackground()
		for i := 0; sqlDB.Stats().InUse != 0; i++ {
			if i == 200 {
				t.Fatal("a background task still holds a connection after 2 s")
			}
			time.Sleep(10 * time.Millisecond)
		}
		var decoded, held atomic.Int64
		e.app.Files.WhileDecoding(func() {
			decoded.Add(1)
			if sqlDB.Stats().InUse != 0 {
				held.Add(1)
			}
		})
		es := e.setupEstate("解码", 2)
		b := es.buildings[0]
		hh := e.signIn(b, b.households[0])
		e.complaint(hh, [][]byte{formPhoto(t), shade(t, 80)}, "category", "quality", "description", "楼道墙皮大面积脱落").want(201)
		e.multipartPost(fmt.Sprintf("/api/v1/projects/%d/updates", es.projectID), e.staff, [][]byte{formPhoto(t)}, nil,
			"text", "屋面防水完成").want(201)
		draft := e.do("POST", fmt.Sprintf("/api/v1/projects/%d/plans", es.projectID), e.staff, planBody("方案", time.Hour)).want(201).id("id")
		e.upload(fmt.Sprintf("/api/v1/plans/%d/attachments", draft), e.staff, "file", "roof.png", shade(t, 120), "title", "节点图").want(201)
		e.putEvidence(es.projectID, 2, formPhoto(t), "confirmed_on", time.Now().UTC().Format(time.DateOnly), "person", "李主任").want(200)
		e.do("POST", fmt.Sprintf("/api/v1/plans/%d/publish", draft), e.staff, nil).want(200)
		e.upload(fmt.Sprintf("/api/v1/plans/%d/paper-ballots", draft), e.staff, "photo", "form.jpg", formPhoto(t),
			"household_id", fmt.Sprint(b.households[1].id), "plan_choice", "agree", "management_choice", "agree").want(201)
		if decoded.Load() != 6 || held.Load() != 0 {
			t.Fatalf("%d images decoded, %d of them while a database connection was held", decoded.Load(), held.Load())
		}
		e.folderEmpty()
	})
}

// TestFailedTransactionLeavesNoFile: a paper ballot whose photo was stored
// inside the transaction, refused afterwards in it (a stale screen), leaves
// neither a file record nor its bytes, in the database or on disk.
func TestFailedTransactionLeavesNoFile(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		es := e.setupEstate("回滚", 1)
		planID := e.publishPlan(es, "方案", time.Hour)
		h := es.buildings[0].households[0]
		paper := func(extra ...string) *resp {
			fields := append([]string{"household_id", fmt.Sprint(h.id), "plan_choice", "agree", "management_choice", "agree"}, extra...)
			return e.upload(fmt.Sprintf("/api/v1/plans/%d/paper-ballots", planID), e.staff, "photo", "form.jpg", formPhoto(t), fields...)
		}
		first := paper().want(201)
		files, blobs := e.countRows("files"), e.countRows("file_blobs")
		if files != 1 || blobs != 1 {
			t.Fatalf("one paper ballot stored %d files and %d blobs", files, blobs)
		}
		paper("replaces", fmt.Sprint(first.id("id")+1000)).wantError(409, "stale_ballot")
		if f, b := e.countRows("files"), e.countRows("file_blobs"); f != files || b != blobs {
			t.Fatalf("a refused ballot left %d files and %d blobs behind", f-files, b-blobs)
		}
		e.folderEmpty()
	})
}

// TestTwoInstancesServeEachOthersFiles: two servers on one database and no
// shared folder; what one stores, the other serves.
func TestTwoInstancesServeEachOthersFiles(t *testing.T) {
	each(t, func(t *testing.T, a *env) {
		b := startServer(t, a.dialect, testConfig(t, a.dbURL))
		b.staff = a.staff // one signing key, kept in the database
		es := a.setupEstate("双机", 2)
		bd := es.buildings[0]
		hh := a.signIn(bd, bd.households[0])
		filed := a.complaint(hh, [][]byte{shade(t, 40)}, "category", "quality", "description", "单元门禁坏了一周").want(201)
		url := filed.get("photos").([]any)[0].(map[string]any)["url"].(string)
		fromA, fromB := a.do("GET", url, "", nil).want(200), b.do("GET", url, "", nil).want(200)
		if !bytes.Equal(fromA.body, fromB.body) || len(fromB.body) == 0 {
			t.Fatal("the other instance serves different bytes")
		}
		planID := b.publishPlan(es, "方案", time.Hour)
		rec := b.upload(fmt.Sprintf("/api/v1/plans/%d/paper-ballots", planID), b.staff, "photo", "form.jpg", formPhoto(t),
			"household_id", fmt.Sprint(bd.households[1].id), "plan_choice", "agree", "management_choice", "agree").want(201)
		ev := a.do("GET", fmt.Sprintf("/api/v1/ballot-revisions/%d/evidence", rec.id("id")), a.staff, nil).want(200)
		if ev.header.Get("Content-Type") != "image/jpeg" {
			t.Fatalf("evidence stored by one instance, served by the other: %s", ev.header.Get("Content-Type"))
		}
		a.folderEmpty()
		b.folderEmpty()
	})
}

// TestFilesOfAnEarlierReleaseAreImportedAtStart: files an earlier release
// kept in files_dir (records with a storage key, bytes only on disk) are
// imported at start; a missing or damaged one is logged and answers 410,
// never stops the server; a restart imports nothing twice, and one that
// finds the missing file imports it. The folder is only read.
func TestFilesOfAnEarlierReleaseAreImportedAtStart(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		es := e.setupEstate("迁移", 1)
		hh := e.signIn(es.buildings[0], es.buildings[0].households[0])
		filed := e.complaint(hh, [][]byte{shade(t, 30), shade(t, 60), shade(t, 90)}, "category", "quality", "description", "屋顶漏水三处").want(201)
		var urls []string
		for _, p := range filed.get("photos").([]any) {
			urls = append(urls, p.(map[string]any)["url"].(string))
		}
		want := make([][]byte, 3)
		for i, u := range urls {
			want[i] = e.do("GET", u, "", nil).want(200).body
		}
		// Turn the database into one of an earlier release: bytes in a folder.
		dir := t.TempDir()
		var rows []struct {
			ID    int64
			Token string
		}
		e.app.DB.Raw("SELECT id, token FROM files ORDER BY id").Scan(&rows)
		for i, r := range rows {
			e.exec("UPDATE files SET storage_key = ? WHERE id = ?", r.Token, r.ID)
			switch i {
			case 0:
				writeFile(t, dir, r.Token, want[0])
			case 2:
				writeFile(t, dir, r.Token, append([]byte{}, want[2][:len(want[2])-1]...)) // damaged
			}
		}
		e.exec("DELETE FROM file_blobs")
		writeFile(t, dir, "left-by-a-failed-upload", []byte("x"))
		before := listing(t, dir)

		cfg := testConfig(t, e.dbURL)
		cfg.FilesDir = dir
		b, logs := startLogged(t, e.dialect, cfg)
		if got := b.do("GET", urls[0], "", nil).want(200).body; !bytes.Equal(got, want[0]) {
			t.Fatal("the imported photo differs")
		}
		if listing(t, dir) != before {
			t.Fatal("the import wrote into files_dir")
		}
		b.do("GET", urls[1], "", nil).wantError(410, "file_missing")
		b.do("GET", urls[2], "", nil).wantError(410, "file_missing")
		for _, must := range []string{"stored file not imported: missing", "file_id=" + fmt.Sprint(rows[1].ID),
			"stored file not imported: damaged", "file_id=" + fmt.Sprint(rows[2].ID),
			"imported=1 missing=1 damaged=1 unreferenced_left_in_folder=1"} {
			if !strings.Contains(logs.String(), must) {
				t.Fatalf("the start log lacks %q:\n%s", must, logs.String())
			}
		}
		if e.countRows("file_blobs") != 1 {
			t.Fatalf("%d blobs after the import", e.countRows("file_blobs"))
		}
		// A second start imports nothing again; one that finds the missing file imports it.
		_, logs = startLogged(t, e.dialect, cfg)
		if !strings.Contains(logs.String(), "imported=0 missing=1 damaged=1") || e.countRows("file_blobs") != 1 {
			t.Fatalf("a second start: %d blobs\n%s", e.countRows("file_blobs"), logs.String())
		}
		writeFile(t, dir, rows[1].Token, want[1])
		before = listing(t, dir)
		c, _ := startLogged(t, e.dialect, cfg)
		if got := c.do("GET", urls[1], "", nil).want(200).body; !bytes.Equal(got, want[1]) {
			t.Fatal("the restored photo differs")
		}
		if listing(t, dir) != before {
			t.Fatal("the import wrote into files_dir")
		}
	})
}

func writeFile(t *testing.T, dir, name string, data []byte) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), data, 0o640); err != nil {
		t.Fatal(err)
	}
}

// listing names a folder's files with their sizes, one a line, sorted.
func listing(t *testing.T, dir string) string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, en := range entries {
		info, _ := en.Info()
		lines = append(lines, fmt.Sprintf("%s %d", en.Name(), info.Size()))
	}
	return strings.Join(lines, "\n")
}

// TestStoredFilesAreServedSafely: every route that serves an upload sends a
// PDF as a download with a safe name, photos inline, all sandboxed and never
// sniffed; the staff console still gets the bytes it shows in a frame.
func TestStoredFilesAreServedSafely(t *testing.T) {
	e := newEnv(t, "sqlite", nil)
	es := e.setupEstate("下载", 1)
	pdf := []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF")
	draft := e.do("POST", fmt.Sprintf("/api/v1/projects/%d/plans", es.projectID), e.staff, planBody("方案", time.Hour)).want(201).id("id")
	doc := e.upload(fmt.Sprintf("/api/v1/plans/%d/attachments", draft), e.staff, "file", "a.pdf", pdf, "title", "设计说明").want(201)
	pic := e.upload(fmt.Sprintf("/api/v1/plans/%d/attachments", draft), e.staff, "file", "roof.png", shade(t, 50), "title", "节点图").want(201)
	check := func(r *resp, disposition string) {
		t.Helper()
		h := r.header
		if !strings.HasPrefix(h.Get("Content-Disposition"), disposition) || h.Get("X-Content-Type-Options") != "nosniff" ||
			!strings.HasPrefix(h.Get("Content-Security-Policy"), "sandbox") {
			t.Fatalf("%s: Content-Disposition %q, CSP %q, nosniff %q", r.req, h.Get("Content-Disposition"),
				h.Get("Content-Security-Policy"), h.Get("X-Content-Type-Options"))
		}
	}
	staffPDF := e.do("GET", doc.str("url"), e.staff, nil).want(200)
	check(staffPDF, `attachment; filename="file.pdf"; filename*=UTF-8''%E8%AE%BE%E8%AE%A1%E8%AF%B4%E6%98%8E.pdf`)
	if !bytes.Equal(staffPDF.body, pdf) || staffPDF.header.Get("Content-Type") != "application/pdf" {
		t.Fatal("the console's PDF (shown in a frame from a blob: URL) must arrive as sent")
	}
	check(e.do("GET", pic.str("url"), e.staff, nil).want(200), "inline")
	e.do("POST", fmt.Sprintf("/api/v1/plans/%d/publish", draft), e.staff, nil).want(200)
	hh := e.signIn(es.buildings[0], es.buildings[0].households[0])
	for _, a := range e.do("GET", "/api/v1/me/plan", hh, nil).want(200).get("attachments").([]any) {
		att := a.(map[string]any)
		want := "inline"
		if att["content_type"] == "application/pdf" {
			want = "attachment"
		}
		check(e.do("GET", att["url"].(string), "", nil).want(200), want)
	}
	e.putEvidence(es.projectID, 3, pdf, "confirmed_on", time.Now().UTC().Format(time.DateOnly), "person", "设计院").want(200)
	check(e.do("GET", fmt.Sprintf("/api/v1/projects/%d/start-criteria/3/evidence", es.projectID), e.staff, nil).want(200),
		fmt.Sprintf(`attachment; filename="project-%d-criterion-3.pdf"`, es.projectID))
	filed := e.complaint(hh, [][]byte{shade(t, 70)}, "category", "quality", "description", "外墙保温层起鼓").want(201)
	check(e.do("GET", filed.get("photos").([]any)[0].(map[string]any)["url"].(string), "", nil).want(200), `inline; filename="photo.png"`)
	planID := draft
	rec := e.upload(fmt.Sprintf("/api/v1/plans/%d/paper-ballots", planID), e.staff, "photo", "form.jpg", formPhoto(t),
		"household_id", fmt.Sprint(es.buildings[0].households[0].id), "plan_choice", "agree", "management_choice", "agree").want(201)
	check(e.do("GET", fmt.Sprintf("/api/v1/ballot-revisions/%d/evidence", rec.id("id")), e.staff, nil).want(200),
		fmt.Sprintf(`inline; filename="paper-ballot-%d.jpg"`, rec.id("id")))
}
