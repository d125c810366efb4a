//go:build race

package api_test

// raceDetector: under -race, decoding runs 10–20 times slower, so the upload
// load test sends small photos (the scenario still runs for the race detector;
// its timings mean nothing then).
const raceDetector = true
