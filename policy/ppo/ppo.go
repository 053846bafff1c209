package ppo

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/freightsim/freightsim/policy"
)

// Config sets a [PPO] learner. Zero fields take the defaults named.
type Config struct {
	Hidden      []int   // hidden layer widths of the policy and of the critic; default 16, 16
	Sigma0      float64 // initial standard deviation of the price, in money (required)
	MinSigma    float64 // lower bound of sigma; default Sigma0 * policy.DefaultFloorRatio
	MaxSigma    float64 // upper bound of sigma; default 4 * Sigma0
	Scale       float64 // price scale of the network's output; default 5 * Sigma0
	Clip        float64 // epsilon of the clipped surrogate; default 0.2
	Epochs      int     // passes over each batch; default 10
	Minibatch   int     // decisions per minibatch; default 64
	Episodes    int     // episodes per batch; default 1
	LR          float64 // Adam step of the policy; default 1e-3
	CriticLR    float64 // Adam step of the critic; default 1e-3
	Gamma       float64 // discount per decision; default 1 (undiscounted, as freightsim's returns)
	Lambda      float64 // lambda of generalised advantage estimation; default 0.95
	Entropy     float64 // entropy bonus per decision, in units of normalised advantage; default 0
	MaxGradNorm float64 // global gradient-norm clip of each step; default 0.5
	TargetKL    float64 // stop a batch's epochs once the mean KL from the old policy exceeds 1.5 times this; default 0.02
	Linear      bool    // add a linear path from the features to the output of the policy and of the critic (a skip connection)
	Ridge       float64 // penalty Ridge/2 * |u|² per minibatch on the output weights of the policy's hidden layers (not its linear path); default 0
	Anneal      int     // batches over which the steps of the policy's mean and of the critic fall linearly from LR and CriticLR to 0 (then stay at 0; sigma's step stays LR); default 0, constant steps
	StateSigma  bool    // sigma depends on the state: its logit has a linear head on the normalised features, and the entropy bonus acts decision by decision
}

// withDefaults returns c with its zero fields set.
func (c Config) withDefaults() Config {
	def := func(v *float64, d float64) {
		if *v == 0 {
			*v = d
		}
	}
	if len(c.Hidden) == 0 {
		c.Hidden = []int{16, 16}
	}
	def(&c.MinSigma, c.Sigma0*policy.DefaultFloorRatio)
	def(&c.MaxSigma, 4*c.Sigma0)
	def(&c.Scale, 5*c.Sigma0)
	def(&c.Clip, 0.2)
	def(&c.LR, 1e-3)
	def(&c.CriticLR, 1e-3)
	def(&c.Gamma, 1)
	def(&c.Lambda, 0.95)
	def(&c.MaxGradNorm, 0.5)
	def(&c.TargetKL, 0.02)
	if c.Epochs == 0 {
		c.Epochs = 10
	}
	if c.Minibatch == 0 {
		c.Minibatch = 64
	}
	if c.Episodes == 0 {
		c.Episodes = 1
	}
	return c
}

// Validate reports a setting out of its range, naming it (after defaults).
func (c Config) Validate() error {
	c = c.withDefaults()
	if !(c.Sigma0 > 0) || math.IsInf(c.Sigma0, 0) {
		return fmt.Errorf("sigma0 is %v: want a positive number", c.Sigma0)
	}
	if !(c.MinSigma > 0 && c.MinSigma < c.Sigma0 && c.Sigma0 < c.MaxSigma) || math.IsInf(c.MaxSigma, 0) {
		return fmt.Errorf("sigma bounds [%v, %v] must hold sigma0 %v strictly inside, above 0", c.MinSigma, c.MaxSigma, c.Sigma0)
	}
	for _, f := range []struct {
		name   string
		v, max float64
	}{
		{"scale", c.Scale, math.Inf(1)}, {"clip", c.Clip, 1}, {"lr", c.LR, math.Inf(1)}, {"critic_lr", c.CriticLR, math.Inf(1)},
		{"gamma", c.Gamma, 1}, {"lambda", c.Lambda, 1}, {"max_grad_norm", c.MaxGradNorm, math.Inf(1)}, {"target_kl", c.TargetKL, math.Inf(1)},
	} {
		if !(f.v > 0 && f.v <= f.max) || math.IsInf(f.v, 0) {
			return fmt.Errorf("%s is %v: want a finite number in (0, %v]", f.name, f.v, f.max)
		}
	}
	if math.IsNaN(c.Entropy) || math.IsInf(c.Entropy, 0) || c.Entropy < 0 {
		return fmt.Errorf("entropy is %v: want a finite number >= 0", c.Entropy)
	}
	if math.IsNaN(c.Ridge) || math.IsInf(c.Ridge, 0) || c.Ridge < 0 {
		return fmt.Errorf("ridge is %v: want a finite number >= 0", c.Ridge)
	}
	if c.Anneal < 0 {
		return fmt.Errorf("anneal is %d: want a number of batches >= 0 (0: constant steps)", c.Anneal)
	}
	for _, f := range []struct {
		name string
		v    int
	}{{"epochs", c.Epochs}, {"minibatch", c.Minibatch}, {"episodes", c.Episodes}} {
		if f.v < 1 {
			return fmt.Errorf("%s is %d: want at least 1", f.name, f.v)
		}
	}
	for _, h := range c.Hidden {
		if h < 1 {
			return fmt.Errorf("hidden layer of %d units: want at least 1", h)
		}
	}
	return nil
}

// PPO is proximal policy optimisation (Schulman et al. 2017) with a
// clipped surrogate objective, a learned critic and generalised advantage
// estimation (Schulman et al. 2016), for a [Policy]. Update collects
// Config.Episodes episodes, then:
//
//  1. evaluates the critic at every decision and computes, trajectory by
//     trajectory (one trajectory is one job's life), the rewards
//     r_t = G_t - G_{t+1} from the returns-to-go the batch holds, the
//     temporal differences delta_t = r_t + gamma*V_{t+1} - V_t (V = 0 after
//     the last decision) and the advantages
//     A_t = delta_t + gamma*lambda*A_{t+1}; the critic's targets are
//     A_t + V_t. Advantages are then centred and divided by their standard
//     deviation over the batch; the critic learns targets divided by a
//     running root mean square (its output layer rescaled so that its
//     values do not move when the scale does);
//  2. for Epochs passes, in a random order drawn from the learner's own
//     generator, takes one Adam step per minibatch on the clipped surrogate
//     mean_i min(rho_i A_i, clip(rho_i, 1-Clip, 1+Clip) A_i) + Entropy * mean_i H_i
//     - Ridge/2 |u|² (u the output weights of the policy's hidden layers,
//     not its linear path),
//     rho_i = pi(a_i|phi_i)/pi_old(a_i|phi_i) with pi_old the policy the
//     price was drawn from (its mean and sigma are in the batch), and one on
//     the critic's squared error, each gradient clipped to norm
//     MaxGradNorm; it stops early once the mean KL divergence from pi_old
//     over the batch exceeds 1.5*TargetKL;
//  3. folds the batch's features into the policy's normalisation.
//
// With Config.Anneal = T the Adam steps of the policy's mean and of the
// critic in batch t are LR*(1 - t/T) and CriticLR*(1 - t/T), 0 from batch T
// on (the "anneal_lr" of PPO's reference implementations): with a
// constant step the mean keeps wandering, as far as a step per batch lets
// it, along directions in which the payoff is flat; a step that falls to 0
// makes the last policy a weighted average of the late batches' evidence
// instead. Sigma's step is not annealed: sigma is bounded, so it cannot
// wander, and the cost of noise keeps pushing it toward the floor, which
// an annealed step would stop short of (measured on P1's deterministic
// market: 1.32 against the floor 1.25 with batches of 4 episodes).
//
// Sigma cannot collapse: it is bounded in [MinSigma, MaxSigma] by the
// policy's parametrisation, and each batch moves it at most as far as the
// clipped ratio lets it. With Config.StateSigma, H_i is the entropy at
// decision i's state, so that the bonus widens sigma in the states where
// the surrogate does not narrow it: those whose return does not depend on
// the price (quotes that do not trade), where (z²-1) A averages 0.
// Without it sigma is one number and H_i = H.
//
// Observations are normalised by the policy (running mean and standard
// deviation), advantages per batch and critic targets by a running scale,
// and prices are in units of Scale: the same Config serves a market quoted
// in cents and one in thousands, given Sigma0 (and Scale) in its unit.
//
// PPO is not safe for concurrent use.
type PPO struct {
	Policy *Policy
	cfg    Config

	critic         *net
	cparams, cgrad []float64
	popt, copt     policy.Adam // the network of the policy (its mean), the critic
	sopt           policy.Adam // rho, the policy's sigma parameter: never annealed
	rng            *rand.Rand

	buf      *policy.Batch
	episodes int
	batches  int     // batches trained on
	retMS    float64 // running mean square of the critic's targets
	fitted   bool

	x, mbX                     []float64 // normalised features: all, one minibatch
	value, adv, target, oldLog []float64
	idx                        []int
	mbAct, mbAdv, mbOld, mbTgt []float64
	dOut, pgrad                []float64
	ls, dLogit, gls            []float64 // per row: log(sigma/Scale), its derivative in the logit, the surrogate's derivative in it
}

// New returns a PPO learner over dim features with a new policy and critic
// drawn from rng, which also shuffles the minibatches. It panics on a
// configuration that does not pass Validate.
func New(rng *rand.Rand, dim int, cfg Config) *PPO {
	if err := cfg.Validate(); err != nil {
		panic("ppo: " + err.Error())
	}
	cfg = cfg.withDefaults()
	p := NewPolicy(rng, dim, cfg.Hidden, cfg.Linear, cfg.StateSigma, cfg.Sigma0, cfg.MinSigma, cfg.MaxSigma, cfg.Scale)
	n := size(append([]int{dim}, cfg.Hidden...), cfg.Linear)
	o := &PPO{
		Policy: p, cfg: cfg, rng: rng,
		cparams: make([]float64, n), cgrad: make([]float64, n),
		popt: policy.Adam{LR: cfg.LR}, copt: policy.Adam{LR: cfg.CriticLR}, sopt: policy.Adam{LR: cfg.LR},
		buf:   policy.NewBatch(dim),
		pgrad: make([]float64, len(p.params)),
	}
	o.critic = newNet(dim, cfg.Hidden, cfg.Linear, o.cparams, o.cgrad)
	o.critic.init(rng)
	return o
}

// Config returns the learner's configuration with its defaults filled in.
func (o *PPO) Config() Config { return o.cfg }

// Update adds one episode's decisions and, every Config.Episodes episodes,
// trains on them (see [PPO]). It returns an error wrapping
// policy.ErrDiverged, and changes nothing, if a return, action or feature
// is not finite, and one if a step leaves a parameter that is not.
func (o *PPO) Update(b *policy.Batch) (policy.Stats, error) {
	if b.Dim() != o.Policy.Dim() {
		panic(fmt.Sprintf("ppo: batch of %d features for a policy of %d", b.Dim(), o.Policy.Dim()))
	}
	if err := finite(b); err != nil {
		return policy.Stats{}, err
	}
	o.append(b)
	o.episodes++
	st := policy.Stats{Decisions: o.buf.Len(), Trajectories: o.buf.Trajectories, Entropy: o.entropy()}
	if o.episodes < o.cfg.Episodes {
		return st, nil
	}
	defer func() {
		o.buf.Reset()
		o.episodes = 0
	}()
	D := o.buf.Len()
	if D == 0 {
		return st, nil
	}
	for _, r := range o.buf.Return {
		st.MeanReturn += r
	}
	st.MeanReturn /= float64(D)
	o.prepare()
	o.anneal()
	var err error
	st.GradNorm, err = o.train()
	o.batches++
	for i := range D {
		o.Policy.observe(o.buf.Features(i))
	}
	o.Policy.refresh()
	return st, err
}

// anneal sets the steps of the batch about to be trained on: with
// Config.Anneal = T > 0, batch t (from 0) steps the policy's mean by
// LR*(1 - t/T) and the critic by CriticLR*(1 - t/T), both by 0 from batch T
// on; sigma keeps the step LR.
func (o *PPO) anneal() {
	if o.cfg.Anneal == 0 {
		return
	}
	f := max(0, 1-float64(o.batches)/float64(o.cfg.Anneal))
	o.popt.LR, o.copt.LR = o.cfg.LR*f, o.cfg.CriticLR*f
}

// append copies b's decisions and trajectory ends into the learner's batch.
func (o *PPO) append(b *policy.Batch) {
	start, e := o.buf.Len(), 0
	for i := range b.Len() {
		o.buf.Add(b.Features(i), b.Action[i], b.Mean[i], b.Sigma[i], b.Return[i], b.Group[i])
		for e < len(b.Ends) && b.Ends[e] == i+1 {
			o.buf.EndTrajectory()
			e++
		}
	}
	if o.buf.Len() > start && (len(o.buf.Ends) == 0 || o.buf.Ends[len(o.buf.Ends)-1] != o.buf.Len()) {
		// Decisions after the last recorded end (or a batch built
		// without ends) form one last trajectory.
		o.buf.EndTrajectory()
	}
}

// entropy is the policy's entropy at the running mean of the features.
func (o *PPO) entropy() float64 {
	ls, _ := o.Policy.logSigma()
	return halfLog2Pi + 0.5 + math.Log(o.Policy.Scale) + ls
}

// prepare normalises the features and computes values, advantages, the
// critic's targets and the old log-probabilities.
func (o *PPO) prepare() {
	b, p := o.buf, o.Policy
	D, dim := b.Len(), p.Dim()
	o.x = grow(o.x, D*dim)
	for i := range D {
		p.normalise(o.x[i*dim:(i+1)*dim], b.Features(i))
	}
	scale := math.Sqrt(o.retMS)
	if !o.fitted {
		scale = 1
	}
	o.value = grow(o.value, D)
	for i, v := range o.critic.forward(o.x, D) {
		o.value[i] = v * scale
	}
	o.adv, o.target, o.oldLog = grow(o.adv, D), grow(o.target, D), grow(o.oldLog, D)
	gae(b.Return, o.value, b.Ends, o.cfg.Gamma, o.cfg.Lambda, o.adv, o.target)
	for i := range D {
		z := (b.Action[i] - b.Mean[i]) / b.Sigma[i]
		o.oldLog[i] = -0.5*z*z - math.Log(b.Sigma[i])
	}
	// Advantages: centred, unit spread.
	var m, v float64
	for _, a := range o.adv {
		m += a
	}
	m /= float64(D)
	for _, a := range o.adv {
		v += (a - m) * (a - m)
	}
	sd := math.Sqrt(v / float64(D))
	if sd == 0 {
		sd = 1
	}
	for i, a := range o.adv {
		o.adv[i] = (a - m) / sd
	}
	// Critic targets: a running root mean square, the output layer
	// rescaled so that the critic's values stay where they were.
	var ms float64
	for _, t := range o.target {
		ms += t * t
	}
	ms /= float64(D)
	old := scale
	if !o.fitted {
		o.retMS, o.fitted = ms, true
	} else {
		o.retMS += 0.05 * (ms - o.retMS)
	}
	if !(o.retMS > 0) {
		o.retMS = 1
	}
	scale = math.Sqrt(o.retMS)
	for j := range o.critic.u {
		o.critic.u[j] *= old / scale
	}
	o.critic.c[0] *= old / scale
	for i := range o.target {
		o.target[i] /= scale
	}
}

// gae writes the generalised advantage estimates and the critic's targets
// of a batch into adv and target: for each trajectory (decisions
// ends[t-1] to ends[t]) the rewards are r_t = G_t - G_{t+1} from the
// returns-to-go G (G after the last decision is 0), the temporal
// differences delta_t = r_t + gamma*V_{t+1} - V_t with V = 0 after the
// last decision, the advantage A_t = delta_t + gamma*lambda*A_{t+1} and
// the target A_t + V_t.
func gae(returns, value []float64, ends []int, gamma, lambda float64, adv, target []float64) {
	start := 0
	for _, end := range ends {
		next, nextAdv := 0.0, 0.0
		for t := end - 1; t >= start; t-- {
			r := returns[t]
			if t+1 < end {
				r -= returns[t+1]
			}
			delta := r + gamma*next - value[t]
			nextAdv = delta + gamma*lambda*nextAdv
			adv[t] = nextAdv
			target[t] = nextAdv + value[t]
			next = value[t]
		}
		start = end
	}
}

// train runs the epochs and returns the norm of the last policy gradient
// before clipping.
func (o *PPO) train() (float64, error) {
	b, p, c := o.buf, o.Policy, o.cfg
	D, dim := b.Len(), p.Dim()
	if cap(o.idx) < D {
		o.idx = make([]int, D)
	}
	o.idx = o.idx[:D]
	for i := range o.idx {
		o.idx[i] = i
	}
	var norm float64
	for range c.Epochs {
		o.rng.Shuffle(D, func(i, j int) { o.idx[i], o.idx[j] = o.idx[j], o.idx[i] })
		for lo := 0; lo < D; lo += c.Minibatch {
			mb := o.idx[lo:min(lo+c.Minibatch, D)]
			m := len(mb)
			o.mbX = grow(o.mbX, m*dim)
			o.mbAct, o.mbAdv, o.mbOld, o.mbTgt = grow(o.mbAct, m), grow(o.mbAdv, m), grow(o.mbOld, m), grow(o.mbTgt, m)
			for r, i := range mb {
				copy(o.mbX[r*dim:(r+1)*dim], o.x[i*dim:(i+1)*dim])
				o.mbAct[r], o.mbAdv[r], o.mbOld[r], o.mbTgt[r] = b.Action[i], o.adv[i], o.oldLog[i], o.target[i]
			}
			norm = o.policyStep(m)
			o.criticStep(m)
		}
		for j, w := range p.params {
			if math.IsNaN(w) || math.IsInf(w, 0) {
				return norm, fmt.Errorf("policy parameter %d is %v after a step: %w", j, w, policy.ErrDiverged)
			}
		}
		if o.kl() > 1.5*c.TargetKL {
			break
		}
	}
	return norm, nil
}

// policyStep takes one Adam step on the clipped surrogate of the current
// minibatch (m rows) and returns the gradient's norm before clipping.
func (o *PPO) policyStep(m int) float64 {
	p := o.Policy
	o.policyGrad(m)
	norm := policy.ClipNorm(p.grad, o.cfg.MaxGradNorm)
	// Adam is per parameter: two optimisers with one step are one.
	n := p.sigmaStart()
	o.popt.Step(p.params[:n], p.grad[:n])
	o.sopt.Step(p.params[n:], p.grad[n:])
	return norm
}

// policyGrad writes into the policy's gradient buffer the gradient of the
// surrogate objective of the current minibatch (m rows) and returns the
// objective, mean_r min(rho_r A_r, clip(rho_r) A_r) + Entropy * H.
func (o *PPO) policyGrad(m int) float64 {
	p, c := o.Policy, o.cfg
	mu := p.net.forward(o.mbX, m)
	o.logSigmas(o.mbX, m)
	o.dOut, o.gls = grow(o.dOut, m), grow(o.gls, m)
	var gLogSigma, obj float64
	inv := 1 / float64(m)
	for r := range m {
		o.gls[r] = 0
		sigma := p.Scale * math.Exp(o.ls[r])
		z := (o.mbAct[r] - p.Scale*mu[r]) / sigma
		logp := -0.5*z*z - math.Log(sigma)
		ratio := math.Exp(logp - o.mbOld[r])
		a := o.mbAdv[r]
		// The min picks the clipped term, whose gradient is 0, only when
		// the ratio has left [1-Clip, 1+Clip] on the side the advantage
		// favours.
		if (a > 0 && ratio > 1+c.Clip) || (a < 0 && ratio < 1-c.Clip) {
			obj += min(max(ratio, 1-c.Clip), 1+c.Clip) * a * inv
			o.dOut[r] = 0
			continue
		}
		obj += ratio * a * inv
		w := ratio * a * inv
		o.dOut[r] = w * z / sigma * p.Scale // d/d(net output) of w*log pi
		gLogSigma += w * (z*z - 1)
		o.gls[r] = w * (z*z - 1)
	}
	clear(p.grad)
	p.net.backward(o.dOut)
	var pen float64
	for j, u := range p.net.u {
		pen += 0.5 * c.Ridge * u * u
		p.net.gu[j] -= c.Ridge * u
	}
	if p.q == nil {
		p.grad[len(p.params)-1] = (gLogSigma + c.Entropy) * o.dLogit[0]
		return obj + c.Entropy*(o.ls[0]+math.Log(p.Scale)+halfLog2Pi+0.5) - pen
	}
	// A state-dependent sigma: the entropy bonus, the mean of the rows'
	// entropies, acts on each row's sigma, and so widens it where the
	// surrogate does not pull it in (quotes whose return does not depend
	// on them: quotes that do not trade).
	dim := p.Dim()
	var h float64
	for r := range m {
		h += (o.ls[r] + math.Log(p.Scale) + halfLog2Pi + 0.5) * inv
		p.addGradLogSigma(o.mbX[r*dim:(r+1)*dim], o.gls[r]+c.Entropy*inv, o.dLogit[r], p.grad)
	}
	return obj + c.Entropy*h - pen
}

// logSigmas writes log(sigma/Scale) and its derivative in the logit at the
// m rows of x into o.ls and o.dLogit (every row the same without a
// state-dependent sigma).
func (o *PPO) logSigmas(x []float64, m int) {
	p := o.Policy
	o.ls, o.dLogit = grow(o.ls, m), grow(o.dLogit, m)
	if p.q == nil {
		ls, d := p.logSigma()
		for r := range m {
			o.ls[r], o.dLogit[r] = ls, d
		}
		return
	}
	dim := p.Dim()
	for r := range m {
		o.ls[r], o.dLogit[r] = p.logSigmaAt(x[r*dim : (r+1)*dim])
	}
}

// criticStep takes one Adam step on the critic's mean squared error over
// the current minibatch.
func (o *PPO) criticStep(m int) {
	o.criticGrad(m)
	policy.ClipNorm(o.cgrad, o.cfg.MaxGradNorm)
	o.copt.Step(o.cparams, o.cgrad)
}

// criticGrad writes into the critic's gradient buffer the gradient of
// -L, L = 1/(2m) sum_r (V_r - target_r)² in normalised units, over the
// current minibatch, and returns L.
func (o *PPO) criticGrad(m int) float64 {
	v := o.critic.forward(o.mbX, m)
	o.dOut = grow(o.dOut, m)
	var loss float64
	for r := range m {
		d := v[r] - o.mbTgt[r]
		loss += 0.5 * d * d / float64(m)
		o.dOut[r] = -d / float64(m)
	}
	clear(o.cgrad)
	o.critic.backward(o.dOut)
	return loss
}

// kl is the mean over the batch of KL(pi_old || pi), estimated from the
// log ratios as mean(rho - 1 - log rho) (unbiased and non-negative).
func (o *PPO) kl() float64 {
	b, p := o.buf, o.Policy
	D := b.Len()
	mu := p.net.forward(o.x, D)
	o.logSigmas(o.x, D)
	var kl float64
	for i := range D {
		sigma := p.Scale * math.Exp(o.ls[i])
		z := (b.Action[i] - p.Scale*mu[i]) / sigma
		lr := -0.5*z*z - math.Log(sigma) - o.oldLog[i]
		kl += math.Expm1(lr) - lr
	}
	return kl / float64(D)
}

// finite reports a NaN or infinite return, action, mean, sigma or feature.
func finite(b *policy.Batch) error {
	bad := func(x float64) bool { return math.IsNaN(x) || math.IsInf(x, 0) }
	for i := range b.Len() {
		if bad(b.Return[i]) || bad(b.Action[i]) || bad(b.Mean[i]) || !(b.Sigma[i] > 0) || bad(b.Sigma[i]) {
			return fmt.Errorf("decision %d: return %v, action %v, mean %v, sigma %v: %w",
				i, b.Return[i], b.Action[i], b.Mean[i], b.Sigma[i], policy.ErrDiverged)
		}
		for f, x := range b.Features(i) {
			if bad(x) {
				return fmt.Errorf("feature %d of decision %d is %v: %w", f, i, x, policy.ErrDiverged)
			}
		}
	}
	return nil
}

// grow returns s with length n, reusing its memory; contents are not cleared.
func grow(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	return s[:n]
}
