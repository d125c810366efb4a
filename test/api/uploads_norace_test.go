//go:build !race

package api_test

// raceDetector: see uploads_race_test.go.
const raceDetector = false
