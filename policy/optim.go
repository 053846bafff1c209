package policy

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/floats"
)

// Optimizer moves parameters along a gradient to increase an objective
// (gradient ascent), in place.
type Optimizer interface {
	Step(params, grad []float64)
}

// SGD is plain gradient ascent: params += LR * grad.
type SGD struct {
	LR float64 // step size
}

// Step takes one step.
func (o SGD) Step(params, grad []float64) {
	checkDim("gradient", len(grad), len(params))
	for i, g := range grad {
		params[i] += o.LR * g
	}
}

// Adam is the adaptive-moment method of Kingma and Ba (2015), as ascent:
//
//	m = Beta1*m + (1-Beta1)*g        v = Beta2*v + (1-Beta2)*g²
//	params += LR * (m/(1-Beta1^t)) / (sqrt(v/(1-Beta2^t)) + Eps)
//
// Zero Beta1, Beta2 and Eps mean 0.9, 0.999 and 1e-8. The moment estimates
// are sized at the first Step; one Adam serves one parameter vector (Step
// panics if the length changes; Reset starts afresh).
type Adam struct {
	LR, Beta1, Beta2, Eps float64

	m, v   []float64
	b1, b2 float64 // Beta1^t and Beta2^t
}

// Step takes one step.
func (o *Adam) Step(params, grad []float64) {
	checkDim("gradient", len(grad), len(params))
	beta1, beta2, eps := o.Beta1, o.Beta2, o.Eps
	if beta1 == 0 {
		beta1 = 0.9
	}
	if beta2 == 0 {
		beta2 = 0.999
	}
	if eps == 0 {
		eps = 1e-8
	}
	if o.m == nil {
		o.m = make([]float64, len(params))
		o.v = make([]float64, len(params))
		o.b1, o.b2 = 1, 1
	}
	if len(o.m) != len(params) {
		panic(fmt.Sprintf("policy: Adam used for %d parameters, then %d", len(o.m), len(params)))
	}
	o.b1 *= beta1
	o.b2 *= beta2
	c1, c2 := 1/(1-o.b1), 1/(1-o.b2)
	for i, g := range grad {
		o.m[i] = beta1*o.m[i] + (1-beta1)*g
		o.v[i] = beta2*o.v[i] + (1-beta2)*g*g
		params[i] += o.LR * (o.m[i] * c1) / (math.Sqrt(o.v[i]*c2) + eps)
	}
}

// Reset forgets the moment estimates and the step count.
func (o *Adam) Reset() { o.m, o.v = nil, nil }

// ClipNorm scales grad in place so that its Euclidean norm is at most max,
// and returns the norm it had. A max <= 0 leaves grad as it is.
func ClipNorm(grad []float64, max float64) (norm float64) {
	norm = floats.Norm(grad, 2) // scaled, so no overflow before the square root
	if max > 0 && norm > max {
		c := max / norm
		for i := range grad {
			grad[i] *= c
		}
	}
	return norm
}
