package policy

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/lapack/lapack64"
	"gonum.org/v1/gonum/mat"
)

// Critic is a learned value baseline: an estimate of the return that follows
// features phi, which [PG] subtracts from each return (actor-critic, Konda
// and Tsitsiklis 2000).
type Critic interface {
	Value(phi []float64) float64
	// Fit takes one fitting step towards returns (one per decision of b,
	// after any utility), reusing the critic's memory.
	Fit(b *Batch, returns []float64)
}

// LinearCritic is a linear value estimate V(phi) = W . phi fitted by ridge
// regression of the returns on the features: W minimises
// (1/2n) sum (W . phi - G)² + (Ridge/2) |W|². With phi[0] == 1 the bias is
// one of the weights; the default ridge is small enough to barely shrink it.
//
// Fit solves the regression exactly rather than by stochastic gradient: the
// normal equations are dim x dim, so the exact solution costs little more
// than one pass over the batch; it needs no learning rate, so it is
// indifferent to the scale of the returns (hundreds here, which an SGD
// critic would have to be tuned for); and it cannot diverge. Forget carries
// earlier episodes: the sufficient statistics are
//
//	A = Forget*A + sum phi phi^T,   c = Forget*c + sum phi G,   n = Forget*n + D
//
// and W solves (A/n + Ridge*I) W = c/n. Forget = 0 fits each batch alone.
type LinearCritic struct {
	W      []float64 // weights, one per feature
	Ridge  float64   // L2 penalty per decision; 0 means 1e-6 (keeps A/n+Ridge*I invertible when a feature is always 0)
	Forget float64   // weight in [0, 1) of the statistics of earlier batches

	a   *mat.SymDense // A (upper triangle)
	sys *mat.SymDense // A/n + Ridge*I, then its Cholesky factor
	c   []float64
	rhs []float64 // c/n, then the solution
	n   float64
}

// NewLinearCritic returns a zero critic for dim features.
func NewLinearCritic(dim int) *LinearCritic {
	if dim < 1 {
		panic(fmt.Sprintf("policy: NewLinearCritic with %d features", dim))
	}
	return &LinearCritic{
		W:   make([]float64, dim),
		a:   mat.NewSymDense(dim, nil),
		sys: mat.NewSymDense(dim, nil),
		c:   make([]float64, dim),
		rhs: make([]float64, dim),
	}
}

// Value is W . phi.
func (c *LinearCritic) Value(phi []float64) float64 {
	checkDim("features", len(phi), len(c.W))
	var v float64
	for i, x := range phi {
		v += c.W[i] * x
	}
	return v
}

// Fit adds the batch to the statistics and solves for W. An empty batch
// changes nothing.
func (c *LinearCritic) Fit(b *Batch, returns []float64) {
	dim := len(c.W)
	checkDim("batch features", b.Dim(), dim)
	checkDim("returns", len(returns), b.Len())
	if b.Len() == 0 {
		return
	}
	if !(c.Forget >= 0 && c.Forget < 1) {
		panic(fmt.Sprintf("policy: LinearCritic.Forget is %v, want [0, 1)", c.Forget))
	}
	if !(c.Ridge >= 0) || math.IsInf(c.Ridge, 0) {
		panic(fmt.Sprintf("policy: LinearCritic.Ridge is %v, want a finite number >= 0", c.Ridge))
	}
	ridge := c.Ridge
	if ridge == 0 {
		ridge = 1e-6
	}
	a := c.a.RawSymmetric()
	if c.Forget == 0 {
		// Clearing, not scaling by 0, also forgets a NaN a bad batch left.
		clear(a.Data)
		clear(c.c)
	} else {
		floats.Scale(c.Forget, a.Data)
		floats.Scale(c.Forget, c.c)
	}
	c.n = c.Forget*c.n + float64(b.Len())
	for d := range b.Len() {
		phi := b.Features(d)
		g := returns[d]
		for i, xi := range phi {
			if xi == 0 {
				continue
			}
			c.c[i] += xi * g
			row := a.Data[i*a.Stride : i*a.Stride+dim]
			for j := i; j < dim; j++ {
				row[j] += xi * phi[j]
			}
		}
	}
	s := c.sys.RawSymmetric()
	inv := 1 / c.n
	for i := range dim {
		for j := i; j < dim; j++ {
			s.Data[i*s.Stride+j] = a.Data[i*a.Stride+j] * inv
		}
		s.Data[i*s.Stride+i] += ridge
		c.rhs[i] = c.c[i] * inv
	}
	// Cholesky in place and two triangular solves, by gonum's LAPACK.
	// mat.Cholesky would do the same but also estimate the condition
	// number, with work space that allocates on every call.
	u, ok := lapack64.Potrf(s)
	if !ok {
		// Not positive definite: only a NaN or Inf in the data does this,
		// as Ridge > 0. Leave W as it was.
		return
	}
	lapack64.Potrs(u, blas64.General{Rows: dim, Cols: 1, Stride: 1, Data: c.rhs})
	copy(c.W, c.rhs)
}
