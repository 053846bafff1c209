package agents

import "math/rand/v2"

// Sampler draws a number from a distribution, using the random stream it is
// given (package experiments builds them from the scenario, with gonum's
// distributions).
type Sampler interface {
	Sample(rng *rand.Rand) float64
}
