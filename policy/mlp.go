package policy

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// trunk is the hidden part of a small multilayer perceptron: layers of tanh
// units, h_l = tanh(W_l h_{l-1} + b_l) with h_0 = phi. It works on a prefix
// of a flat parameter slice owned by its user (layer by layer: W_l row-major,
// out x in, then b_l) and keeps the activations of the last forward pass for
// the backward pass, so it is not safe for concurrent use.
//
// It uses plain slices rather than gonum/mat: the layers are a few dozen
// units, where mat's bookkeeping (shape checks, views that allocate) would
// cost more than the arithmetic, and the hot path must not allocate.
type trunk struct {
	sizes []int       // dim, hidden sizes...
	offs  []int       // offs[l-1]: start of W_l in the parameters
	n     int         // number of trunk parameters
	act   [][]float64 // act[l]: output of layer l (act[0] is the last input)
	dAct  [][]float64 // dAct[l]: d(output)/d act[l] during backward
}

func newTrunk(ctor string, dim int, hidden []int) trunk {
	if dim < 1 {
		panic(fmt.Sprintf("policy: %s with %d features", ctor, dim))
	}
	if len(hidden) == 0 {
		panic(fmt.Sprintf("policy: %s without hidden layers", ctor))
	}
	t := trunk{sizes: append([]int{dim}, hidden...)}
	t.act = make([][]float64, len(t.sizes))
	t.dAct = make([][]float64, len(t.sizes))
	for l := 1; l < len(t.sizes); l++ {
		in, out := t.sizes[l-1], t.sizes[l]
		if out < 1 {
			panic(fmt.Sprintf("policy: %s with a hidden layer of %d units", ctor, out))
		}
		t.offs = append(t.offs, t.n)
		t.n += out*in + out
		t.act[l] = make([]float64, out)
		t.dAct[l] = make([]float64, out)
	}
	return t
}

// width is the number of units of the last hidden layer.
func (t *trunk) width() int { return t.sizes[len(t.sizes)-1] }

// glorot fills the trunk's weights with Glorot (Xavier) uniform values,
// U(-r, r) with r = sqrt(6/(fan_in+fan_out)), and its biases with zeros,
// drawing from rng layer by layer, row by row.
func (t *trunk) glorot(rng *rand.Rand, params []float64) {
	for l := 1; l < len(t.sizes); l++ {
		in, out := t.sizes[l-1], t.sizes[l]
		r := math.Sqrt(6 / float64(in+out))
		w := params[t.offs[l-1] : t.offs[l-1]+in*out]
		for i := range w {
			w[i] = r * (2*rng.Float64() - 1)
		}
		clear(params[t.offs[l-1]+in*out : t.offs[l-1]+in*out+out])
	}
}

// forward computes every layer's output for input phi and returns the last.
func (t *trunk) forward(params, phi []float64) []float64 {
	checkDim("features", len(phi), t.sizes[0])
	t.act[0] = phi
	for l := 1; l < len(t.sizes); l++ {
		in, out := t.sizes[l-1], t.sizes[l]
		w := params[t.offs[l-1]:]
		b := w[in*out:]
		x, h := t.act[l-1], t.act[l]
		for j := range out {
			row := w[j*in : (j+1)*in]
			s := b[j]
			for k, v := range x {
				s += row[k] * v
			}
			h[j] = math.Tanh(s)
		}
	}
	return t.act[len(t.act)-1]
}

// backward adds into grad the gradient of a scalar whose derivative with
// respect to the last layer's output the caller has written into lastGrad(),
// at the input of the last forward pass. It overwrites the derivative buffers.
func (t *trunk) backward(params, grad []float64) {
	L := len(t.sizes) - 1
	for l := L; l >= 1; l-- {
		in, out := t.sizes[l-1], t.sizes[l]
		w := params[t.offs[l-1]:]
		gw := grad[t.offs[l-1]:]
		gb := gw[in*out:]
		x, h, d := t.act[l-1], t.act[l], t.dAct[l]
		for j := range out {
			d[j] *= 1 - h[j]*h[j] // through tanh: now d/d(pre-activation)
		}
		for j, dj := range d {
			if dj == 0 {
				continue
			}
			row := gw[j*in : (j+1)*in]
			for k, v := range x {
				row[k] += dj * v
			}
			gb[j] += dj
		}
		if l == 1 {
			break
		}
		prev := t.dAct[l-1]
		clear(prev)
		for j, dj := range d {
			row := w[j*in : (j+1)*in]
			for k, wk := range row {
				prev[k] += wk * dj
			}
		}
	}
}

// lastGrad returns the buffer backward reads d/d(last output) from, for the
// caller to fill before calling backward.
func (t *trunk) lastGrad() []float64 { return t.dAct[len(t.dAct)-1] }
