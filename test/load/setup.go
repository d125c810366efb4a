package main

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"sync"
	"time"
)

// household is one generated household and what the run did with it.
type household struct {
	id       int64
	building int // index into fixture.buildings
	room     string
	code     string
	token    string
}

type building struct {
	id    int64
	token string
}

// fixture is the data a run creates for itself.
type fixture struct {
	districtID, communityID, projectID, planID int64
	buildings                                  []building
	households                                 []household
}

// signIn signs in as staff and returns the bearer token.
func signIn(cl *client, username, password string) (string, error) {
	res, err := cl.do(nil, call{method: "POST", path: "/api/v1/auth/login",
		body: mustJSON(map[string]string{"username": username, "password": password}), want: 200})
	if err != nil {
		return "", fmt.Errorf("staff sign-in: %w", err)
	}
	var out struct {
		Token string `json:"token"`
	}
	return out.Token, res.decode(&out)
}

// create POSTs body to path as staff and decodes the created resource into dst.
func create(cl *client, ph *phase, staff, path string, body, dst any) error {
	res, err := cl.do(ph, call{method: "POST", path: path, token: staff, body: mustJSON(body)})
	if err != nil {
		return err
	}
	return res.decode(dst)
}

// setUp creates a district, a community, its buildings and n households, a
// project and a published plan open for voting for the next hour. Households
// are created concurrently and timed in ph.
func setUp(cl *client, ph *phase, staff, suffix string, n, perBuilding, concurrency int) (*fixture, error) {
	fx := &fixture{}
	var idOnly struct {
		ID int64 `json:"id"`
	}
	if err := create(cl, nil, staff, "/api/v1/districts", map[string]any{"name": "压测区-" + suffix}, &idOnly); err != nil {
		return nil, err
	}
	fx.districtID = idOnly.ID
	if err := create(cl, nil, staff, "/api/v1/communities", map[string]any{"district_id": fx.districtID,
		"name": "压测小区-" + suffix, "address": "压测路1号", "built_year": 1995}, &idOnly); err != nil {
		return nil, err
	}
	fx.communityID = idOnly.ID

	nb := (n + perBuilding - 1) / perBuilding
	for b := 0; b < nb; b++ {
		var out struct {
			ID    int64  `json:"id"`
			Token string `json:"token"`
		}
		if err := create(cl, nil, staff, fmt.Sprintf("/api/v1/communities/%d/buildings", fx.communityID),
			map[string]any{"name": fmt.Sprintf("%d号楼", b+1)}, &out); err != nil {
			return nil, err
		}
		fx.buildings = append(fx.buildings, building{id: out.ID, token: out.Token})
	}

	// Rooms: four flats a floor (101…104, 201…204, …) in one entrance.
	fx.households = make([]household, n)
	var mu sync.Mutex
	var firstErr error
	runPool(ph, n, concurrency, func(i int) {
		b, k := i/perBuilding, i%perBuilding
		floor, flat := k/4+1, k%4+1
		room := fmt.Sprintf("%d%02d", floor, flat)
		var out struct {
			ID   int64  `json:"id"`
			Code string `json:"code"`
		}
		err := create(cl, ph, staff, fmt.Sprintf("/api/v1/buildings/%d/households", fx.buildings[b].id),
			map[string]any{"room": room, "entrance": "1单元", "floor": floor, "area_m2": 72.5,
				"owner_name": fmt.Sprintf("住户%04d", i+1)}, &out)
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			return
		}
		fx.households[i] = household{id: out.ID, building: b, room: room, code: out.Code}
	})
	if firstErr != nil {
		return nil, fmt.Errorf("create households: %w", firstErr)
	}

	if err := create(cl, nil, staff, fmt.Sprintf("/api/v1/communities/%d/projects", fx.communityID),
		map[string]any{"year": time.Now().Year(), "threshold_percent": 80}, &idOnly); err != nil {
		return nil, err
	}
	fx.projectID = idOnly.ID

	res, err := cl.do(nil, call{method: "GET", path: "/api/v1/catalog", want: 200})
	if err != nil {
		return nil, err
	}
	var catalog struct {
		Items []struct {
			Code string `json:"code"`
		} `json:"items"`
	}
	if err := res.decode(&catalog); err != nil {
		return nil, err
	}
	if len(catalog.Items) < 2 {
		return nil, fmt.Errorf("the catalogue has %d items; need 2", len(catalog.Items))
	}
	plan := map[string]any{
		"title":                  "压测改造方案 " + suffix,
		"summary":                "负载测试生成的方案。",
		"management_mode":        "professional",
		"management_description": "引入专业化物业服务企业。",
		"budget_total_yuan":      300000,
		"funding": []map[string]any{
			{"source": "central", "amount_yuan": 200000},
			{"source": "residents", "amount_yuan": 100000},
		},
		"items": []map[string]any{
			{"catalog_code": catalog.Items[0].Code, "description": "按标准改造。", "budget_yuan": 180000},
			{"catalog_code": catalog.Items[1].Code, "description": "按标准改造。", "budget_yuan": 120000},
		},
		"voting_closes_at": time.Now().Add(time.Hour).UTC().Format(time.RFC3339),
	}
	if err := create(cl, nil, staff, fmt.Sprintf("/api/v1/projects/%d/plans", fx.projectID), plan, &idOnly); err != nil {
		return nil, err
	}
	fx.planID = idOnly.ID
	if _, err := cl.do(nil, call{method: "POST", path: fmt.Sprintf("/api/v1/plans/%d/publish", fx.planID),
		token: staff, want: 200}); err != nil {
		return nil, err
	}
	return fx, nil
}

// signatureDataURL draws a 160×60 "signature" (a dark wavy stroke on white)
// and returns it as a PNG data URL.
func signatureDataURL() string {
	img := image.NewRGBA(image.Rect(0, 0, 160, 60))
	for y := 0; y < 60; y++ {
		for x := 0; x < 160; x++ {
			img.Set(x, y, color.White)
		}
	}
	ink := color.RGBA{R: 20, G: 20, B: 60, A: 255}
	for x := 10; x < 150; x++ {
		y := 30 + int(15*math.Sin(float64(x)/9))
		for d := -1; d <= 1; d++ {
			img.Set(x, y+d, ink)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		panic(err)
	}
	return "data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes())
}
