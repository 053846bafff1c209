package results

// Summary is summary.json: each metric of the final evaluation summarised
// over replicates.
type Summary struct {
	Scenario   string          `json:"scenario"`
	Seed       uint64          `json:"seed"`
	Replicates int             `json:"replicates"`
	Episode    int             `json:"episode"` // training episodes before the final evaluation
	Metrics    map[string]Stat `json:"metrics"` // keyed by metric name; JSON sorts the keys
}

// SummarizeAt summarises every value column of t over the rows whose key
// column number key equals at.
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
		out[name] = Summarize(col)
	}
	return out
}
