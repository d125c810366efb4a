//go:build !race

package api_test

// timingRounds is how many times each sign-in path is timed.
const timingRounds = 16
