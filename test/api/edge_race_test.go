package api_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"sync"
	"testing"
	"time"
)

// TestParallelConfirmationsOfACriterion: staff confirming the same start
// criterion at the same moment (a double tap, two committee members) all get
// 200, the later replacing the earlier, never a 500 from the unique index
// (found by the fuzzer on PostgreSQL: 30 of 40 answered 500).
func TestParallelConfirmationsOfACriterion(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		es := e.setupEstate("并发", 1)
		today := time.Now().In(time.FixedZone("CST", 8*3600)).Format(time.DateOnly)
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		_ = w.WriteField("confirmed_on", today)
		_ = w.WriteField("person", "李主任")
		fw, _ := w.CreateFormFile("evidence", "contract.pdf")
		_, _ = fw.Write([]byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"))
		_ = w.Close()
		path := fmt.Sprintf("/api/v1/projects/%d/start-criteria/4", es.projectID)
		counts := map[int]int{}
		var mu sync.Mutex
		for range 5 {
			var wg sync.WaitGroup
			for range 8 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					status, _, _ := e.raw("PUT", path, e.staff, w.FormDataContentType(), buf.Bytes())
					mu.Lock()
					counts[status]++
					mu.Unlock()
				}()
			}
			wg.Wait()
		}
		if counts[200] != 40 {
			t.Fatalf("40 confirmations in bursts of 8: %v, want 40 × 200", counts)
		}
	})
}
