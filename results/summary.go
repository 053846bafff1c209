package results

// Summary is summary.json: each metric of the final evaluation summarised
// over replicates.
type Summary struct {
	Scenario   string          `json:"scenario"`
	Seed       uint64          `json:"seed"`
	Replicates int             `json:"replicates"`
	Episode    int             `json:"episode"` // training episodes before the final evaluation
	Metrics    map[string]Stat `json:"metrics"` // keyed by metric name; JSON sorts the keys
	// Stopped lists the replicates whose training stopped early (an early
	// stop rule), with their last training episode and why; their final
	// evaluation is the one at that episode.
	Stopped []Stopped `json:"stopped,omitempty"`
}

// Stopped says when and why a replicate's training stopped early.
type Stopped struct {
	Replicate int    `json:"replicate"`
	Episode   int    `json:"episode"` // the last training episode run
	Reason    string `json:"reason"`
}

// SummarizeAt summarises every value column of t over the rows whose key
// column number key equals at, with [SummarizeMetric]: the intervals of
// bounded metrics are clipped to their bounds.
func SummarizeAt(t *Table, key int, at int64) map[string]Stat {
	out := make(map[string]Stat, len(t.Values))
	col := make([]float64, 0, len(t.Rows))
	for c, name := range t.Values {
		col = col[:0]
		for _, r := range t.Rows {
			if r.Keys[key] == at {
				col = append(col, r.Values[c])
			}
		}
		out[name] = SummarizeMetric(name, col)
	}
	return out
}
