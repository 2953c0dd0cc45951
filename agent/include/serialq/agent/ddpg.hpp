#pragma once
// Deep deterministic policy gradient (Lillicrap et al., ICLR 2016) as HAQ (Wang et al., "HAQ:
// Hardware-Aware Automated Quantization with Mixed Precision", CVPR 2019) uses it: a
// deterministic actor mu(s) in [0, 1] (the continuous action HAQ rounds to a bitwidth), a critic
// Q(s, a), slowly following target copies of both, and a replay buffer of single transitions.
// One update is one critic and one actor Adam step on a minibatch drawn from the buffer, then a
// soft update of the targets. Exploration (warm-up with uniform actions, then a truncated normal
// around mu(s) whose sigma decays per episode) is the caller's: DdpgParams holds its constants
// and exploration_sigma() its schedule, sample_truncated_normal() draws the noise.
//
// Defaults are those of HAQ's code (github.com/mit-han-lab/haq: rl_quantize.py's arguments and
// lib/rl/ddpg.py), the paper where the code is silent.
//
// The pieces are templates over the scalar like the PPO code (nn/tensor.hpp): float in the
// search, double in the gradient checks.
#include "serialq/agent/nn/adam.hpp"
#include "serialq/agent/nn/mlp.hpp"

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace serialq::agent {

struct DdpgParams {
    std::vector<int> actor_hidden{400, 300};  // ReLU layers of mu(s) (the HAQ paper's
        // implementation details and the default
        // arguments of lib/rl/ddpg.py's Actor; note that
        // rl_quantize.py's --hidden1 default is 300, so
        // HAQ's shipped scripts run 300, 300)
    std::vector<int> critic_hidden{400, 300};  // ReLU layers of Q(s, a) (as actor_hidden)
    AdamParams actor_adam{1e-4, 0.9, 0.999, 1e-8};  // rl_quantize.py --lr_a 1e-4; betas and
        // epsilon are torch.optim.Adam's defaults
    AdamParams critic_adam{1e-3, 0.9, 0.999, 1e-8};  // rl_quantize.py --lr_c 1e-3
    double tau = 0.01;  // soft target update theta' <- (1 - tau) theta' + tau theta
        // (rl_quantize.py --tau)
    double discount = 1.0;  // gamma of the critic's target r + gamma Q'(s', mu'(s'))
        // (rl_quantize.py --discount)
    int replay_per_layer = 128;  // replay capacity per quantised layer: HAQ's --rmsize 128 is
        // multiplied by the number of layers (rl_quantize.py)
    int batch_size = 64;  // minibatch of one update (rl_quantize.py --bsize)
    int warmup_episodes = 20;  // episodes of uniform random actions before any update
        // (rl_quantize.py --warmup; HAQ's loop tests episode <= warmup
        // and so plays 21, we play exactly this many)
    double noise_sigma = 0.5;  // sigma of the truncated normal exploration noise in the first
        // episode after warm-up (rl_quantize.py --init_delta)
    double noise_decay = 0.99;  // sigma's factor per episode after warm-up (--delta_decay)
    double baseline_step = 0.5;  // reward baseline b, an exponential moving average of the
        // minibatches' mean rewards, b <- b + step (mean - b) from
        // b = the first minibatch's mean, subtracted from the rewards of
        // each update (lib/rl/ddpg.py: moving_alpha = 0.5); 0 = none
    int updates_per_step = 1;  // updates per stored transition once warm-up is over
        // (rl_quantize.py --n_update); for the caller, Ddpg ignores it
    double output_init = 3e-3;  // the output layers' weights start U(-w, w), biases 0
        // (Lillicrap et al. §7, who draw the biases alike; HAQ passes
        // --init_w 0.003 to its networks but never applies it)
    void check() const;  // throws ConfigError naming the field ("haq.tau")

    // Replay capacity for a network of `layers` quantised layers (replay_per_layer * layers).
    Index replay_capacity(Index layers) const;
    // Episodes are counted from 0; the first warmup_episodes play uniform actions.
    bool warming_up(long long episode) const { return episode < warmup_episodes; }
    // noise_sigma * noise_decay^(episode - warmup_episodes) after warm-up; noise_sigma during it.
    double exploration_sigma(long long episode) const;
};

// Each field a search config's haq block sets: key, range and help. output_init and the Adam
// moments other than the learning rates are not configurable (check() still checks them).
const ConfigFields<DdpgParams>& ddpg_fields();

// A draw from the normal distribution N(mean, sigma^2) truncated to [lo, hi], as HAQ's
// exploration noise (scipy.stats.truncnorm there). By rejection: up to
// kTruncatedNormalTries normal draws (Box-Muller on uniform01(), so the same seed gives the same
// numbers on every standard library), the first inside [lo, hi] is returned. If none is, or if
// sigma == 0, the result is clamp(mean, lo, hi), the truncated distribution's mode. With mean in
// [lo, hi] each try succeeds with probability >= P(0 <= Z <= (hi - lo) / sigma), 0.477 for HAQ's
// [0, 1] and sigma 0.5, so the clamp is reached with probability < 1e-28 there; it bounds the
// time spent when mean lies far outside the interval. Requires lo <= hi and sigma >= 0, all
// finite (std::invalid_argument otherwise).
inline constexpr int kTruncatedNormalTries = 100;
double sample_truncated_normal(double mean, double sigma, double lo, double hi,
                               std::mt19937_64& rng);

// The actor mu(s) = sigmoid(MLP(s)): state -> actor_hidden (ReLU) -> 1 -> sigmoid, so the
// action lies in (0, 1) (lib/rl/ddpg.py's Actor). Columns are samples.
template <typename S>
class DdpgActor {
public:
    DdpgActor(Index state_size, const std::vector<int>& hidden);
    DdpgActor(const DdpgActor&) = delete;  // the layers point into parameters_
    DdpgActor& operator=(const DdpgActor&) = delete;

    // Hidden layers He-uniform (Mlp::init), output weights U(-output_init, output_init).
    void init(std::mt19937_64& rng, double output_init);
    Index state_size() const { return state_size_; }
    ParameterSet<S>& parameters() { return parameters_; }
    const ParameterSet<S>& parameters() const { return parameters_; }

    // Sizes the buffers for up to N columns (allocates only when N changes).
    void resize(Index columns);
    Index columns() const { return actions_.cols(); }

    // states: (D x n), n <= N -> actions().leftCols(n), each in (0, 1).
    void forward(const ConstMatRef<S>& states);
    const Mat<S>& actions() const { return actions_; }  // (1 x N)

    // After forward over all N columns: accumulates dL/dtheta for dL/dactions (1 x N).
    void backward(const ConstMatRef<S>& states, const ConstMatRef<S>& dactions);

private:
    Index state_size_;
    int last_hidden_;
    ParameterSet<S> parameters_;
    Mlp<S> mlp_;
    Mat<S> actions_;  // sigmoid of the Mlp's output (1 x N)
    Mat<S> dlogit_;  // dL/d(pre-sigmoid output)    (1 x N)
};

// The critic Q(s, a): the concatenation [s; a] -> critic_hidden (ReLU) -> 1. HAQ's Critic feeds
// s and a through two first layers of its own and adds them, relu(W1 s + b1 + W2 a + b2), which
// is one layer on [s; a] with W = [W1 W2] and b = b1 + b2: the same functions, here as one Mlp
// (only the initial weights differ, PyTorch drawing W1 and W2 by their own fan-ins).
template <typename S>
class DdpgCritic {
public:
    DdpgCritic(Index state_size, const std::vector<int>& hidden);
    DdpgCritic(const DdpgCritic&) = delete;
    DdpgCritic& operator=(const DdpgCritic&) = delete;

    void init(std::mt19937_64& rng, double output_init);
    Index state_size() const { return state_size_; }
    ParameterSet<S>& parameters() { return parameters_; }
    const ParameterSet<S>& parameters() const { return parameters_; }

    void resize(Index columns);
    Index columns() const { return input_.cols(); }

    // states: (D x n), actions: (1 x n), n <= N -> q().leftCols(n).
    void forward(const ConstMatRef<S>& states, const ConstMatRef<S>& actions);
    const Mat<S>& q() const { return mlp_.output(); }  // (1 x N)

    // After forward over all N columns, for dL/dq (1 x N): accumulates dL/dtheta and, if
    // dactions is non-null, writes dL/da (1 x N) to it (the input gradient's action row).
    void backward(const ConstMatRef<S>& dq, Mat<S>* dactions);

private:
    Index state_size_;
    int last_hidden_;
    ParameterSet<S> parameters_;
    Mlp<S> mlp_;
    Mat<S> input_;  // [s; a]      ((D + 1) x N)
    Mat<S> dinput_;  // dL/d[s; a]  ((D + 1) x N)
};

// B transitions side by side, one per column.
template <typename S>
struct Minibatch {
    Mat<S> states;  // (D x B)
    Mat<S> actions;  // (1 x B)
    Mat<S> rewards;  // (1 x B)
    Mat<S> next_states;  // (D x B)
    Mat<S> dones;  // (1 x B): 1 where the episode ended with the transition, else 0
    void resize(Index state_size, Index batch);
    Index size() const { return states.cols(); }
};

// The last `capacity` transitions (s, a, r, s', done), in a ring: once full, each push
// overwrites the oldest. Storage is allocated by reset() only.
template <typename S>
class ReplayBuffer {
public:
    void reset(Index state_size, Index capacity);  // forgets what was stored

    Index state_size() const { return states_.rows(); }
    Index capacity() const { return states_.cols(); }
    Index size() const { return size_; }  // transitions held, <= capacity
    Index head() const { return head_; }  // the slot the next push writes

    // state, next_state: (D x 1).
    void push(const ConstMatRef<S>& state, S action, S reward, const ConstMatRef<S>& next_state,
              bool done);

    // Fills `out` (sized by Minibatch::resize) with out.size() transitions drawn uniformly:
    // without replacement when the buffer holds at least that many, with replacement otherwise
    // (as HAQ's lib/rl/memory.py). Requires size() >= 1. The draw depends only on rng and size().
    void sample(std::mt19937_64& rng, Minibatch<S>& out);

    // Storage by slot, one column per slot; slots [0, size()) are filled.
    const Mat<S>& states() const { return states_; }  // (D x C)
    const Mat<S>& actions() const { return actions_; }  // (1 x C)
    const Mat<S>& rewards() const { return rewards_; }  // (1 x C)
    const Mat<S>& next_states() const { return next_states_; }
    const Mat<S>& dones() const { return dones_; }  // (1 x C), 0 or 1

    // Raw access, for checkpoints. set_position requires 0 <= size <= C, 0 <= head < C and
    // head == size % C unless size == C (what pushes leave): std::logic_error otherwise.
    Mat<S>& states_data() { return states_; }
    Mat<S>& actions_data() { return actions_; }
    Mat<S>& rewards_data() { return rewards_; }
    Mat<S>& next_states_data() { return next_states_; }
    Mat<S>& dones_data() { return dones_; }
    void set_position(Index head, Index size);

private:
    Mat<S> states_, actions_, rewards_, next_states_, dones_;
    Index head_ = 0, size_ = 0;
    std::vector<Index> order_;  // sampling scratch (C)
};

// The critic's loss on a minibatch with fixed targets y (1 x B):
//   L = mean_b (Q(s_b, a_b) - y_b)^2    (torch.nn.MSELoss, as HAQ)
// Accumulates dL/dtheta into critic.parameters().grads() (the caller zeroes them); `dq` is a
// work buffer. The critic must be sized for B columns.
struct CriticLoss {
    double loss = 0;  // L
    double mean_q = 0;  // mean_b Q(s_b, a_b)
};
template <typename S>
CriticLoss critic_loss(DdpgCritic<S>& critic, const Minibatch<S>& batch, const Mat<S>& targets,
                       Mat<S>& dq);

// The actor's loss on states (D x B), through the critic:
//   L = -mean_b Q(s_b, mu(s_b)),   dL/dtheta_mu = sum_b dL/dQ_b dQ/da_b dmu(s_b)/dtheta_mu
// with dQ/da from the critic's input gradient. Accumulates into actor.parameters().grads()
// (the caller zeroes them); as a side effect it also accumulates into the critic's parameter
// gradients, which a critic step must zero first. `dq`, `da` are work buffers. Both networks
// must be sized for B columns. Returns L.
template <typename S>
double actor_loss(DdpgActor<S>& actor, DdpgCritic<S>& critic, const Mat<S>& states, Mat<S>& dq,
                  Mat<S>& da);

struct DdpgUpdateStats {
    double critic_loss = 0;  // L of the critic step, before it
    double mean_q = 0;  // mean Q(s, a) over the minibatch, before the critic step
    double policy_loss = 0;  // -mean Q(s, mu(s)) of the actor step, before it
    double baseline = 0;  // the reward baseline subtracted in this update
};

template <typename S>
class Ddpg {
public:
    // Networks for `state_size` state features, initialised from `rng` (actor, then critic;
    // the targets start as copies), and a replay buffer of params.replay_capacity(layers).
    Ddpg(Index state_size, Index layers, const DdpgParams& params, std::mt19937_64& rng);
    ~Ddpg();
    Ddpg(Ddpg&&) noexcept;
    Ddpg& operator=(Ddpg&&) noexcept;

    const DdpgParams& params() const { return params_; }
    Index state_size() const { return state_size_; }

    // mu(state) in (0, 1), deterministic; state: (D x 1). Allocation-free.
    S act(const ConstMatRef<S>& state);

    // Stores a transition in the replay buffer (state, next_state: D x 1).
    void observe(const ConstMatRef<S>& state, S action, S reward, const ConstMatRef<S>& next_state,
                 bool done);

    // One update (lib/rl/ddpg.py's update_policy): draws a minibatch with `rng`; moves the
    // baseline b by the batch's mean reward and subtracts it; targets
    //   y = (r - b) + discount (1 - done) Q'(s', mu'(s'));
    // one critic Adam step on mean (Q(s, a) - y)^2; one actor Adam step on -mean Q(s, mu(s))
    // with the stepped critic; then the soft updates of both targets. Requires at least one
    // stored transition (std::logic_error otherwise). Allocation-free.
    DdpgUpdateStats update(std::mt19937_64& rng);
    long long updates() const { return updates_; }
    bool has_baseline() const { return has_baseline_; }
    double baseline() const { return baseline_; }

    // Everything a resumed search needs to continue exactly: the four networks' parameters,
    // both optimisers' moments and step counts, the baseline, the update count and the replay
    // buffer. load_state throws InputError on bytes it cannot read, that were written with
    // other sizes (state size, hidden widths, replay capacity) or that hold what no run writes (a
    // NaN or infinite value, a negative count or second moment, a stored action outside [0, 1]),
    // naming the field, and then leaves *this unchanged.
    std::string save_state() const;
    void load_state(const std::string& bytes);

    DdpgActor<S>& actor();
    DdpgCritic<S>& critic();
    DdpgActor<S>& target_actor();
    DdpgCritic<S>& target_critic();
    ReplayBuffer<S>& replay();
    Adam<S>& actor_optimizer();
    Adam<S>& critic_optimizer();

private:
    struct Parts;  // networks, optimisers, buffer and work buffers, at stable addresses
    DdpgParams params_;
    Index state_size_;
    std::unique_ptr<Parts> p_;
    bool has_baseline_ = false;
    double baseline_ = 0;
    long long updates_ = 0;
};

}  // namespace serialq::agent
