// Package ppo holds a deep policy-gradient learner of the proximal policy
// optimisation family for freightsim's pricing agents: [PPO], the clipped
// surrogate objective of Schulman, Wolski, Dhariwal, Radford and Klimov,
// "Proximal Policy Optimization Algorithms" (arXiv 1707.06347, 2017), with
// a learned critic and generalised advantage estimation (Schulman, Moritz,
// Levine, Jordan and Abbeel, "High-Dimensional Continuous Control Using
// Generalized Advantage Estimation", ICLR 2016), several epochs of
// minibatches per batch of episodes, and Adam (Kingma and Ba 2015).
//
// The policy ([Policy]) and the critic are multilayer perceptrons with
// tanh hidden layers, optionally with a linear path from the features to
// the output (a skip connection, [Config].Linear), evaluated a minibatch at
// a time with gonum/mat. The linear path makes a linear equilibrium
// (bilateral trading's) exactly representable, and a penalty on the hidden
// layers' output weights ([Config].Ridge) pulls the network toward its
// linear part where the batches carry little evidence (quotes that never
// trade). Both are off by default: on bilateral trading they bring PPO
// nearer the equilibrium, on P1's deterministic market they do not
// (docs/EXPERIMENTS.md, section Learners). A step falling linearly to 0
// over the training ([Config].Anneal, for the mean and the critic; sigma's
// step is not annealed) is off by default too; with it PPO matches the
// default learner's adherence on both markets (with batches of 4 episodes
// on P1's, with the linear path on bilateral trading). The policy quotes a Gaussian price whose mean is the network's output times
// a price scale and whose standard deviation is one parameter squashed
// into [MinSigma, MaxSigma]: sigma cannot collapse, whatever the optimiser
// does, which is what stopped the Adam-trained policies of package policy
// (sigma fell within about a hundred episodes and markets stopped
// trading). With [Config].StateSigma (off by default) sigma depends on the
// state through a linear head on the features, and the entropy bonus acts
// decision by decision: sigma narrows where noise costs and keeps, or
// widens, its width where quotes have stopped trading, so that a quote
// whose return no longer depends on it is still explored (on P1's
// deterministic market this keeps the job that must not trade out of the
// trap in which its quotes drift unseen; docs/EXPERIMENTS.md). Features are normalised by running statistics, advantages per
// batch and the critic's targets by a running scale, so one configuration
// serves markets whatever their unit of money.
//
// A PPO learner implements the update rule agents.Trained expects
// (Update(*policy.Batch) (policy.Stats, error)); its [Policy] implements
// policy.Gaussian. Every analytic gradient (the network, log pi, the
// entropy, the clipped surrogate and the critic's loss) is checked against
// central finite differences in the tests. Nothing here draws from a global
// generator: initialisation and minibatch order come from the *rand.Rand
// given to [New].
package ppo
