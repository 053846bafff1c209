// Package policy holds the stochastic pricing policies that freightsim's agents
// learn, and the policy-gradient updates that train them.
//
// A policy maps a feature vector phi (what an agent sees of a job and of the
// market) to a Gaussian distribution over a price: a shipper's bid or a
// carrier's ask. The [Linear] policy of van Heeswijk (2020) has mean
// mu = theta . phi and one global standard deviation sigma.
//
// Training is REINFORCE (Williams, 1992) with a baseline: [Reinforce.Update]
// takes one episode's decisions, collected in a [Batch] with their returns,
// groups them (in the smart-container paper by the job's remaining due at
// decision time), normalises each return by its group's mean and scale, and
// moves theta and sigma along the score function. The step is scaled by
// sigma², as in the paper, so the theta step is alpha/N * (a - mu) * phi * adv.
//
// # P2 compatibility
//
// The published code of van Heeswijk, "Smart Containers With Bidding
// Capacity: A Policy Gradient Algorithm for Semi-Cooperative Learning"
// (ICCL 2020, arXiv 2005.00565), has quirks that move its figures. With
// [Reinforce.Compat] set, two of them are reproduced exactly:
//
//   - (b) the scale of a group is sqrt(sum (G-m)²)/n, the standard deviation
//     divided by sqrt(n), and 1 where it is 0;
//   - (c) sigma is updated after every decision inside the loop, so later
//     decisions of the same update see the new value; theta's step uses the
//     current sigma² times the score stored at decision time; sigma has no floor.
//
// With Compat off the scale is the population standard deviation of the group
// (1 where it is 0), both steps are computed with the sigma of the episode and
// applied together, and sigma is kept at or above [Reinforce.MinSigma].
// The other two quirks, (a) the running "averages" of the market features
// and (d) jobs still waiting at the episode's end being dropped from
// learning, live where the features and episodes are made (package agents and
// package experiments).
//
// # Beyond P2
//
// For the strategic-bidding study of van Heeswijk, "Strategic bidding in
// freight transport using deep reinforcement learning" (Annals of Operations
// Research 350, 2025; arXiv 2102.09253), and for users, the package has a
// second, general family, configurable per agent:
//
//   - [Gaussian], a small interface for a pricing policy N(mu(phi),
//     sigma(phi)²) with a flat parameter vector, its log-density gradient
//     and its entropy gradient; [Sample] draws from any of them.
//     [LinearGaussian] has a linear mean and a global or state-dependent
//     log-linear sigma; [MLPGaussian] has a small tanh network for the mean
//     (and optionally for log sigma), initialised Glorot-uniform from a
//     seeded generator. Both take an aggressiveness offset on the initial
//     mean (SetMeanOffset) and floor sigma at MinSigma.
//   - [PG], the policy-gradient update of REINFORCE (Williams 1992) with no
//     baseline, P2's per-group mean, or a learned [Critic] ([LinearCritic]
//     by ridge regression, [MLPCritic] by Adam with PopArt normalisation,
//     van Hasselt et al. 2016), which makes it an actor-critic (policy
//     gradient theorem: Sutton, McAllester, Singh and Mansour 2000; Konda
//     and Tsitsiklis 2000). Options: advantage normalisation, an entropy
//     bonus, global gradient-norm clipping ([ClipNorm]).
//   - [Optimizer]s for gradient ascent: [SGD] and [Adam] (Kingma and Ba 2015).
//   - [Natural], the default learner (below); the deep learner of the PPO
//     family lives in package policy/ppo.
//   - [Utility], the exponential utility of constant absolute risk aversion
//     (Pratt 1964; Arrow 1965) applied to returns before the update: P1
//     finds that risk-seeking behaviour may raise an agent's share of the
//     reward, while overly aggressive strategies destabilise the market.
//
// # The default learner: a natural policy gradient
//
// P2's rule and PG with Adam do not reach the equilibria theory predicts:
// on the bilateral k-double auction P2's step, scaled by sigma², has all
// but vanished when the learned slopes are near 0.58 instead of 2/3, and
// Adam moves log sigma by its full step every episode until markets stop
// trading. [Natural] is the rule freightsim uses by default
// ([NewNatural]): a natural policy gradient (Amari 1998; Kakade 2002;
// Peters and Schaal 2008) for any [DistGrader] policy, whose step is
// measured by how much it changes the distribution of prices rather than
// the parameters, so it is the same in every unit of money (sigma given in
// that unit) and for every scaling, though not every shift, of the
// features; normalised advantages with a critic baseline
// fitted on earlier batches; a trust region on the KL divergence of each
// step (Schulman et al. 2015); a Robbins-Monro schedule (Robbins and Monro
// 1951) that halves the step after 200 updates, so that late policies stop
// wandering (the other side's wandering biases a learner's best response
// as noise in its quotes does); and a floor on sigma at 1/8 of its initial
// value, which is where a learner can still measure the slope of its
// payoff within an episode's noise. By default its metric is the diagonal
// of the Fisher information (each parameter scaled by its own
// information): on the bilateral market it reaches the closed form for k
// from 0.2 to 0.8 with a largest error of a mean coefficient of 0.040,
// against 0.055 for the full Fisher matrix ([Natural.Full]), whose steps
// tilt linear quotes past the equilibrium early on. The package
// policy/internal/game holds the markets it was developed and is tested on.
//
// Every analytic gradient (log-density, entropy, critic loss, mean and log
// sigma apart) is checked against central finite differences in the tests.
//
// The policies, critics, optimisers and PG keep scratch memory so that
// steady-state sampling and updating do not allocate; none is safe for
// concurrent use.
//
// Nothing here draws from a global random generator: sampling and the
// networks' initialisation take a *rand.Rand that the caller seeds.
package policy
