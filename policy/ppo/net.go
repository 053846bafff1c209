package ppo

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// net is a multilayer perceptron with tanh hidden layers and one linear
// output, evaluated on a batch of inputs at once (one row each), with an
// optional linear path from the inputs straight to the output (a skip
// connection):
//
//	H_0 = X,  H_l = tanh(H_{l-1} W_l^T + b_l),  out = H_L u + c (+ X s)
//
// Its weights are views into a flat parameter slice owned by its user
// (layer by layer: W_l row-major, out x in, then b_l; then u, then c, then
// s if the net has the linear path), so
// that an optimiser can step them in place, and its gradients views into a
// slice of the same layout. It keeps the activations of the last forward
// pass for the backward pass, in buffers that grow to the largest batch it
// has seen and are then reused; it is not safe for concurrent use.
type net struct {
	sizes []int        // inputs, hidden widths
	n     int          // number of parameters
	w, gw []*mat.Dense // per hidden layer: weights and their gradient (views)
	wT    []mat.Matrix // per hidden layer: w transposed (kept, so that a pass does not allocate)
	b, gb [][]float64  // per hidden layer: biases and their gradient (views)
	u, gu []float64    // output weights and their gradient (views)
	c, gc []float64    // output bias (length 1) and its gradient
	s, gs []float64    // weights of the linear path from the inputs and their gradient (nil without it)

	rows  int
	act   []*mat.Dense // act[l]: H_l of the last forward pass (act[0] is X)
	delta []*mat.Dense // delta[l]: d(scalar)/d(pre-activation of layer l)
	dT    []mat.Matrix // delta[l] transposed
	tmp   []*mat.Dense // per hidden layer, out x in: a term of gw
	out   []float64
	buf   [][]float64 // the memory behind act, delta
}

// size returns the number of parameters of a net with these sizes, with
// or without the linear path.
func size(sizes []int, linear bool) int {
	n := 0
	for l := 1; l < len(sizes); l++ {
		n += sizes[l]*sizes[l-1] + sizes[l]
	}
	if linear {
		n += sizes[0]
	}
	return n + sizes[len(sizes)-1] + 1
}

// newNet returns a net over dim inputs with the given hidden widths, with
// the linear path if linear, whose parameters are params[:size] and
// gradients grad[:size]. It panics on a width below 1 or slices too short.
func newNet(dim int, hidden []int, linear bool, params, grad []float64) *net {
	if dim < 1 || len(hidden) == 0 {
		panic(fmt.Sprintf("ppo: a network of %d inputs and hidden layers %v", dim, hidden))
	}
	sizes := append([]int{dim}, hidden...)
	for _, h := range hidden {
		if h < 1 {
			panic(fmt.Sprintf("ppo: a hidden layer of %d units", h))
		}
	}
	t := &net{sizes: sizes, n: size(sizes, linear)}
	if len(params) < t.n || len(grad) < t.n {
		panic(fmt.Sprintf("ppo: %d parameters and %d gradients for a network of %d", len(params), len(grad), t.n))
	}
	off := 0
	for l := 1; l < len(sizes); l++ {
		in, out := sizes[l-1], sizes[l]
		t.w = append(t.w, mat.NewDense(out, in, params[off:off+out*in]))
		t.gw = append(t.gw, mat.NewDense(out, in, grad[off:off+out*in]))
		t.wT = append(t.wT, t.w[len(t.w)-1].T())
		off += out * in
		t.b = append(t.b, params[off:off+out])
		t.gb = append(t.gb, grad[off:off+out])
		off += out
		t.tmp = append(t.tmp, mat.NewDense(out, in, nil))
	}
	h := sizes[len(sizes)-1]
	t.u, t.gu = params[off:off+h], grad[off:off+h]
	t.c, t.gc = params[off+h:off+h+1], grad[off+h:off+h+1]
	if linear {
		off += h + 1
		t.s, t.gs = params[off:off+dim], grad[off:off+dim]
	}
	t.act = make([]*mat.Dense, len(sizes))
	t.delta = make([]*mat.Dense, len(sizes))
	t.dT = make([]mat.Matrix, len(sizes))
	for l := range sizes {
		t.act[l] = &mat.Dense{}
		t.delta[l] = &mat.Dense{}
		t.dT[l] = t.delta[l].T()
	}
	t.buf = make([][]float64, 2*len(sizes))
	return t
}

// init draws the hidden weights Glorot-uniform from rng, U(-r, r) with
// r = sqrt(6/(fan_in+fan_out)), layer by layer and row by row, and sets
// every bias, the output layer and the linear path to zero.
func (t *net) init(rng *rand.Rand) {
	for l, w := range t.w {
		in, out := t.sizes[l], t.sizes[l+1]
		r := math.Sqrt(6 / float64(in+out))
		raw := w.RawMatrix().Data
		for i := range raw {
			raw[i] = r * (2*rng.Float64() - 1)
		}
		clear(t.b[l])
	}
	clear(t.u)
	t.c[0] = 0
	clear(t.s)
}

// resize points the activation and delta matrices at buffers of rows rows.
func (t *net) resize(rows int) {
	if rows == t.rows {
		return
	}
	t.rows = rows
	for l, s := range t.sizes {
		for k, m := range []*mat.Dense{t.act[l], t.delta[l]} {
			i := 2*l + k
			if cap(t.buf[i]) < rows*s {
				t.buf[i] = make([]float64, rows*s)
			}
			m.SetRawMatrix(blasGeneral(rows, s, t.buf[i][:rows*s]))
		}
	}
	if cap(t.out) < rows {
		t.out = make([]float64, rows)
	}
	t.out = t.out[:rows]
}

// forward evaluates the net on the rows of x (rows x inputs, row-major, a
// view) and returns the outputs (a buffer, valid until the next call).
func (t *net) forward(x []float64, rows int) []float64 {
	if len(x) != rows*t.sizes[0] {
		panic(fmt.Sprintf("ppo: %d inputs for %d rows of %d", len(x), rows, t.sizes[0]))
	}
	t.resize(rows)
	copy(t.act[0].RawMatrix().Data, x)
	for l := range t.w {
		h := t.act[l+1]
		h.Mul(t.act[l], t.wT[l])
		raw := h.RawMatrix()
		for r := range rows {
			row := raw.Data[r*raw.Stride : r*raw.Stride+raw.Cols]
			for j, b := range t.b[l] {
				row[j] = math.Tanh(row[j] + b)
			}
		}
	}
	last := t.act[len(t.act)-1].RawMatrix()
	for r := range rows {
		row := last.Data[r*last.Stride : r*last.Stride+last.Cols]
		v := t.c[0]
		for j, x := range row {
			v += t.u[j] * x
		}
		for j, s := range t.s {
			v += s * x[r*len(t.s)+j]
		}
		t.out[r] = v
	}
	return t.out
}

// backward adds into the gradient views the gradient of sum_r dOut[r] *
// out[r] at the inputs of the last forward pass.
func (t *net) backward(dOut []float64) {
	L := len(t.w)
	last := t.act[L].RawMatrix()
	d := t.delta[L].RawMatrix()
	in := t.act[0].RawMatrix().Data
	for r, g := range dOut {
		t.gc[0] += g
		for j := range t.gs {
			t.gs[j] += g * in[r*len(t.gs)+j]
		}
		h := last.Data[r*last.Stride : r*last.Stride+last.Cols]
		dr := d.Data[r*d.Stride : r*d.Stride+d.Cols]
		for j, x := range h {
			t.gu[j] += g * x
			dr[j] = g * t.u[j] * (1 - x*x) // through tanh
		}
	}
	for l := L; l >= 1; l-- {
		dl := t.delta[l]
		t.tmp[l-1].Mul(t.dT[l], t.act[l-1])
		t.gw[l-1].Add(t.gw[l-1], t.tmp[l-1])
		raw := dl.RawMatrix()
		for r := range t.rows {
			for j, g := range raw.Data[r*raw.Stride : r*raw.Stride+raw.Cols] {
				t.gb[l-1][j] += g
			}
		}
		if l == 1 {
			break
		}
		prev := t.delta[l-1]
		prev.Mul(dl, t.w[l-1])
		h := t.act[l-1].RawMatrix()
		p := prev.RawMatrix()
		for i, x := range h.Data[:t.rows*h.Cols] {
			p.Data[i] *= 1 - x*x
		}
	}
}

// blasGeneral is a dense rows x cols row-major view of data for mat.Dense.SetRawMatrix.
func blasGeneral(rows, cols int, data []float64) blas64.General {
	return blas64.General{Rows: rows, Cols: cols, Stride: cols, Data: data}
}
