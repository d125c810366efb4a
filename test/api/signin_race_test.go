//go:build race

package api_test

// timingRounds is fewer under the race detector, which makes every argon2
// hash some fifteen times slower (a staff check takes 1.5 s): medians of
// interleaved runs still compare the two paths.
const timingRounds = 7
