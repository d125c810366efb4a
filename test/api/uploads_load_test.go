package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// largePhoto is a 12-megapixel phone photo (4000×3000 JPEG, a few MB):
// gradients with grain, so that it neither compresses to nothing nor decodes
// faster than a real one; 480×360 under the race detector. Made once per
// test binary.
var largePhoto = sync.OnceValue(func() []byte {
	w, h := 4000, 3000
	if raceDetector {
		w, h = 480, 360
	}
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	rng := rand.New(rand.NewPCG(9, 9))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			i := img.PixOffset(x, y)
			grain := uint8(rng.IntN(24))
			img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = uint8(x/16)+grain, uint8(y/12)+grain, uint8((x+y)/28)+grain, 255
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 88}); err != nil {
		panic(err)
	}
	return buf.Bytes()
})

// loadClient keeps a connection per concurrent caller, so that no vote pays
// for a new one.
var loadClient = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 32}, Timeout: 5 * time.Minute}

// send is a request that can be made from any goroutine (e.do may only be
// called from the test's own).
func (e *env) send(method, path, token, contentType string, body []byte) (int, http.Header, []byte, error) {
	req, err := http.NewRequest(method, e.srv.URL+path, bytes.NewReader(body))
	if err != nil {
		return 0, nil, nil, err
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := loadClient.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, raw, err
}

// latencies summarises vote times.
type latencies []time.Duration

func (l latencies) at(q float64) time.Duration {
	s := slices.Clone(l)
	slices.Sort(s)
	return s[min(len(s)-1, int(q*float64(len(s))))]
}

func (l latencies) String() string {
	return fmt.Sprintf("%4d votes  p50 %6.1f ms  p90 %6.1f ms  p99 %6.1f ms  max %6.1f ms", len(l),
		ms(l.at(0.5)), ms(l.at(0.9)), ms(l.at(0.99)), ms(l.at(1)))
}

// TestVotesStayFastWhileHouseholdsUploadPhotos: six households each file a
// complaint with nine 12-megapixel photos while four others vote on the plan
// without pause; the vote times are printed beside those of the same voters
// on the same server without uploads, measured just before. Timings on a
// shared 2-core machine are not asserted (the goal is p99 < 250 ms); what is
// asserted cannot vary: every vote succeeds, every upload is stored or
// refused with 503 server_busy and Retry-After, and each stored complaint
// decoded its nine. (That no image is decoded inside a transaction is
// TestNoConnectionHeldWhileDecoding's; here the voters hold connections.)
func TestVotesStayFastWhileHouseholdsUploadPhotos(t *testing.T) {
	photo := largePhoto()
	each(t, func(t *testing.T, e *env) {
		es := e.setupEstate("负载", 10)
		planID := e.publishPlan(es, "方案", 2*time.Hour)
		b := es.buildings[0]
		tokens := make([]string, len(b.households))
		for i, h := range b.households {
			tokens[i] = e.signIn(b, h)
		}
		uploaders, voters := tokens[:6], tokens[6:]
		var decoded atomic.Int64
		e.app.Files.WhileDecoding(func() { decoded.Add(1) })

		// Each voter votes in a loop, changing its vote every time, until done says so.
		var failures []string
		var mu sync.Mutex
		castVotes := func(done func(n int) bool) latencies {
			var all latencies
			var wg sync.WaitGroup
			for v, tok := range voters {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for n := 0; !done(n); n++ {
						choice := []string{"agree", "disagree"}[(n+v)%2]
						body, _ := json.Marshal(vote(planID, choice, choice))
						began := time.Now()
						status, _, raw, err := e.send("PUT", "/api/v1/me/ballot", tok, "application/json", body)
						took := time.Since(began)
						mu.Lock()
						all = append(all, took)
						if err != nil || status != 200 {
							failures = append(failures, fmt.Sprintf("vote: %d %v %.200s", status, err, raw))
						}
						mu.Unlock()
					}
				}()
			}
			wg.Wait()
			return all
		}

		quiet := castVotes(func(n int) bool { return n >= 100 })

		// The forms are built before the clock starts: building 35 MB bodies
		// in this process would slow the votes, not the server.
		forms, formTypes := make([][]byte, len(uploaders)), make([]string, len(uploaders))
		for i := range uploaders {
			var buf bytes.Buffer
			w := multipart.NewWriter(&buf)
			_ = w.WriteField("category", "quality")
			_ = w.WriteField("description", fmt.Sprintf("第%d户：楼道墙皮脱落，附照片九张", i+1))
			for p := 0; p < 9; p++ {
				fw, _ := w.CreateFormFile("photos", fmt.Sprintf("IMG_%04d.jpg", p))
				_, _ = fw.Write(photo)
			}
			_ = w.Close()
			forms[i], formTypes[i] = buf.Bytes(), w.FormDataContentType()
		}
		runtime.GC()

		var uploading sync.WaitGroup
		var stored, busy atomic.Int64
		var finished atomic.Bool
		for i, tok := range uploaders {
			uploading.Add(1)
			go func() {
				defer uploading.Done()
				status, hdr, raw, err := e.send("POST", "/api/v1/me/complaints", tok, formTypes[i], forms[i])
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil && status == 201:
					stored.Add(1)
				case err == nil && status == 503 && bytes.Contains(raw, []byte(`"server_busy"`)) && hdr.Get("Retry-After") != "":
					busy.Add(1)
				default:
					failures = append(failures, fmt.Sprintf("upload: %d %v %.200s", status, err, raw))
				}
			}()
		}
		go func() { uploading.Wait(); finished.Store(true) }()
		began := time.Now()
		loaded := castVotes(func(int) bool { return finished.Load() })
		uploadTime := time.Since(began)

		t.Logf("%s, %d photos of %d KiB: stored %d complaints, %d refused busy, in %v",
			e.dialect, 6*9, len(photo)>>10, stored.Load(), busy.Load(), uploadTime.Round(time.Millisecond))
		t.Logf("votes without uploads:  %v", quiet)
		t.Logf("votes during uploads:   %v", loaded)
		t.Logf("p99 during / without:   %.2f (goal: p99 during uploads < 250 ms)", ms(loaded.at(0.99))/ms(quiet.at(0.99)))
		if raceDetector {
			t.Log("(built with -race: small photos, and timings that mean nothing; run without -race for the figures)")
		}
		if len(failures) > 0 {
			t.Fatalf("%d failed requests, first: %s", len(failures), failures[0])
		}
		if stored.Load() == 0 || decoded.Load() < 9*stored.Load() || len(loaded) == 0 {
			t.Fatalf("stored %d complaints, decoded %d photos, %d votes", stored.Load(), decoded.Load(), len(loaded))
		}
	})
}
