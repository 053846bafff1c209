package scenario

import "testing"

// TestSetEpisodes: a shorter run evaluates often enough for ten points
// after the first; the scenario's own length, a longer run, and a cadence
// the user set keep the scenario's cadence.
func TestSetEpisodes(t *testing.T) {
	for _, c := range []struct {
		every, episodes, n int
		keep               bool
		want               int
	}{
		{1000, 4000, 500, false, 50},    // the case: two points became eleven
		{1000, 4000, 4000, false, 1000}, // the preset as shipped
		{1000, 4000, 20000, false, 1000},
		{1000, 4000, 500, true, 1000}, // --set evaluation.every
		{100, 1000, 5, false, 1},      // fewer episodes than points: every episode
		{100, 1000, 0, false, 1},
		{20, 1000, 500, false, 20}, // already more often than n/10
	} {
		sc := Config{Training: Training{Episodes: c.episodes}, Evaluation: Evaluation{Every: c.every}}
		sc.SetEpisodes(c.n, c.keep)
		if sc.Training.Episodes != c.n || sc.Evaluation.Every != c.want {
			t.Errorf("every %d, %d episodes, SetEpisodes(%d, %v): %d episodes every %d, want %d every %d",
				c.every, c.episodes, c.n, c.keep, sc.Training.Episodes, sc.Evaluation.Every, c.n, c.want)
		}
	}
}
