#include "serialq/agent/ddpg.hpp"

#include "serialq/agent/nn/random.hpp"
#include "serialq/common/error.hpp"
#include "byte_io.hpp"
#include "text.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <stdexcept>
#include <utility>

namespace serialq::agent {

// ---------------------------------------------------------------------------------------------
// Parameters

const ConfigFields<DdpgParams>& ddpg_fields() {
    using D = DdpgParams;
    static const ConfigFields<DdpgParams> f = [] {
        const auto& adam = adam_fields();
        auto rate = [&](AdamParams D::*m, const char* key, const char* member) {
            return lift(m, rekeyed(adam, "learning_rate", key,
                                   std::string(member) + ".learning_rate: only the rates are set"));
        };
        return ConfigFields<D>{
            integer_list({"actor_hidden", "ReLU layers of the actor μ(s)"}, &D::actor_hidden, 1,
                         4096, true),
            integer_list({"critic_hidden", "ReLU layers of the critic Q(s, a)"}, &D::critic_hidden,
                         1, 4096, true),
            rate(&D::actor_adam, "actor_learning_rate", "actor_adam"),
            rate(&D::critic_adam, "critic_learning_rate", "critic_adam"),
            number({"tau", "soft target update"}, &D::tau, open_closed(0, 1)),
            number({"discount", "γ of the critic's target"}, &D::discount, closed(0, 1)),
            integer({"replay_per_layer", "replay capacity per weight layer"}, &D::replay_per_layer,
                    1, 1000000),
            integer({"batch_size", "minibatch of one update"}, &D::batch_size, 1, 65536),
            integer({"warmup_episodes", "episodes of uniform random actions, no updates"},
                    &D::warmup_episodes, 0, 1000000),
            number({"noise_sigma", "σ of the exploration noise after warm-up"}, &D::noise_sigma,
                   closed(0, 10)),
            number({"noise_decay", "σ's factor per episode"}, &D::noise_decay, open_closed(0, 1)),
            number({"baseline_step", "step of the reward baseline's moving average"},
                   &D::baseline_step, closed(0, 1, "0: no baseline")),
            integer({"updates_per_step", "DDPG updates per stored transition"},
                    &D::updates_per_step, 1, 1000),
        };
    }();
    return f;
}

void DdpgParams::check() const {
    check_fields(ddpg_fields(), *this, "haq.");
    check_fields(adam_fields(), actor_adam, "haq.actor_adam.");
    check_fields(adam_fields(), critic_adam, "haq.critic_adam.");
    if (!(output_init > 0 && output_init <= 1))
        throw ConfigError("haq.output_init: found " + detail::number_text(output_init) +
                          ", expected a number in (0, 1]");
}

Index DdpgParams::replay_capacity(Index layers) const {
    if (layers < 1) throw std::invalid_argument("DdpgParams::replay_capacity: layers < 1");
    return static_cast<Index>(replay_per_layer) * layers;
}

double DdpgParams::exploration_sigma(long long episode) const {
    if (warming_up(episode)) return noise_sigma;
    return noise_sigma * std::pow(noise_decay, static_cast<double>(episode - warmup_episodes));
}

// ---------------------------------------------------------------------------------------------
// Truncated normal

namespace {

// N(0, 1) by Box-Muller, one of the pair (no state kept between calls): u1 in (0, 1], so the
// logarithm is finite.
double standard_normal(std::mt19937_64& rng) {
    const double u1 = 1.0 - uniform01(rng);
    const double u2 = uniform01(rng);
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

}  // namespace

double sample_truncated_normal(double mean, double sigma, double lo, double hi,
                               std::mt19937_64& rng) {
    if (!(std::isfinite(mean) && std::isfinite(sigma) && std::isfinite(lo) && std::isfinite(hi)) ||
        sigma < 0 || lo > hi)
        throw std::invalid_argument(
            "sample_truncated_normal: needs finite arguments, sigma >= 0 "
            "and lo <= hi");
    if (sigma > 0) {
        for (int k = 0; k < kTruncatedNormalTries; ++k) {
            const double x = mean + sigma * standard_normal(rng);
            if (x >= lo && x <= hi) return x;
        }
    }
    return std::clamp(mean, lo, hi);
}

// ---------------------------------------------------------------------------------------------
// Networks

namespace {

// Linear::init draws U(-bound, bound) with bound = gain sqrt(3 / in): the gain for bound w.
double gain_for_bound(double w, int in) { return w * std::sqrt(static_cast<double>(in) / 3.0); }

}  // namespace

template <typename S>
DdpgActor<S>::DdpgActor(Index state_size, const std::vector<int>& hidden)
    : state_size_(state_size),
      last_hidden_(hidden.empty() ? static_cast<int>(state_size) : hidden.back()),
      mlp_(parameters_, state_size, hidden, 1, Activation::Relu) {
    parameters_.finalize();
}

template <typename S>
void DdpgActor<S>::init(std::mt19937_64& rng, double output_init) {
    mlp_.init(rng, gain_for_bound(output_init, last_hidden_));
}

template <typename S>
void DdpgActor<S>::resize(Index columns) {
    if (actions_.cols() == columns) return;
    mlp_.resize(columns);
    actions_.resize(1, columns);
    dlogit_.resize(1, columns);
}

template <typename S>
void DdpgActor<S>::forward(const ConstMatRef<S>& states) {
    const Index n = states.cols();
    mlp_.forward(states, 0, n);
    activate(Activation::Sigmoid, mlp_.output().leftCols(n), actions_.leftCols(n));
}

template <typename S>
void DdpgActor<S>::backward(const ConstMatRef<S>& states, const ConstMatRef<S>& dactions) {
    dlogit_ = dactions;
    activation_backward(Activation::Sigmoid, actions_, dlogit_);
    mlp_.backward(states, dlogit_, nullptr);
}

template <typename S>
DdpgCritic<S>::DdpgCritic(Index state_size, const std::vector<int>& hidden)
    : state_size_(state_size),
      last_hidden_(hidden.empty() ? static_cast<int>(state_size + 1) : hidden.back()),
      mlp_(parameters_, state_size + 1, hidden, 1, Activation::Relu) {
    parameters_.finalize();
}

template <typename S>
void DdpgCritic<S>::init(std::mt19937_64& rng, double output_init) {
    mlp_.init(rng, gain_for_bound(output_init, last_hidden_));
}

template <typename S>
void DdpgCritic<S>::resize(Index columns) {
    if (input_.cols() == columns) return;
    mlp_.resize(columns);
    input_.resize(state_size_ + 1, columns);
    dinput_.resize(state_size_ + 1, columns);
}

template <typename S>
void DdpgCritic<S>::forward(const ConstMatRef<S>& states, const ConstMatRef<S>& actions) {
    const Index n = states.cols();
    input_.topLeftCorner(state_size_, n) = states;
    input_.bottomLeftCorner(1, n) = actions;
    mlp_.forward(input_.leftCols(n), 0, n);
}

template <typename S>
void DdpgCritic<S>::backward(const ConstMatRef<S>& dq, Mat<S>* dactions) {
    mlp_.backward(input_, dq, &dinput_);
    if (dactions) *dactions = dinput_.bottomRows(1);
}

// ---------------------------------------------------------------------------------------------
// Replay buffer

template <typename S>
void Minibatch<S>::resize(Index state_size, Index batch) {
    states.resize(state_size, batch);
    actions.resize(1, batch);
    rewards.resize(1, batch);
    next_states.resize(state_size, batch);
    dones.resize(1, batch);
}

template <typename S>
void ReplayBuffer<S>::reset(Index state_size, Index capacity) {
    if (state_size < 1 || capacity < 1)
        throw std::invalid_argument("ReplayBuffer::reset: state_size and capacity must be >= 1");
    states_.setZero(state_size, capacity);
    next_states_.setZero(state_size, capacity);
    actions_.setZero(1, capacity);
    rewards_.setZero(1, capacity);
    dones_.setZero(1, capacity);
    order_.resize(static_cast<std::size_t>(capacity));
    head_ = size_ = 0;
}

template <typename S>
void ReplayBuffer<S>::push(const ConstMatRef<S>& state, S action, S reward,
                           const ConstMatRef<S>& next_state, bool done) {
    states_.col(head_) = state;
    next_states_.col(head_) = next_state;
    actions_(0, head_) = action;
    rewards_(0, head_) = reward;
    dones_(0, head_) = done ? S(1) : S(0);
    head_ = (head_ + 1) % capacity();
    size_ = std::min(size_ + 1, capacity());
}

template <typename S>
void ReplayBuffer<S>::sample(std::mt19937_64& rng, Minibatch<S>& out) {
    if (size_ < 1) throw std::logic_error("ReplayBuffer::sample: the buffer is empty");
    const Index batch = out.size();
    const auto n = static_cast<std::uint64_t>(size_);
    const bool unique = size_ >= batch;
    if (unique)  // a partial Fisher-Yates shuffle of 0..size-1: its first `batch` entries
        for (Index k = 0; k < size_; ++k) order_[static_cast<std::size_t>(k)] = k;
    for (Index b = 0; b < batch; ++b) {
        Index slot;
        if (unique) {
            const auto j =
                static_cast<std::size_t>(b) + uniform_index(rng, n - static_cast<std::uint64_t>(b));
            std::swap(order_[static_cast<std::size_t>(b)], order_[j]);
            slot = order_[static_cast<std::size_t>(b)];
        } else {
            slot = static_cast<Index>(uniform_index(rng, n));
        }
        out.states.col(b) = states_.col(slot);
        out.next_states.col(b) = next_states_.col(slot);
        out.actions(0, b) = actions_(0, slot);
        out.rewards(0, b) = rewards_(0, slot);
        out.dones(0, b) = dones_(0, slot);
    }
}

template <typename S>
void ReplayBuffer<S>::set_position(Index head, Index size) {
    const Index c = capacity();
    if (size < 0 || size > c || head < 0 || head >= c || (size < c && head != size))
        throw std::logic_error("ReplayBuffer::set_position: not a position pushes reach");
    head_ = head;
    size_ = size;
}

// ---------------------------------------------------------------------------------------------
// Losses

template <typename S>
CriticLoss critic_loss(DdpgCritic<S>& critic, const Minibatch<S>& batch, const Mat<S>& targets,
                       Mat<S>& dq) {
    const Index b = batch.size();
    critic.forward(batch.states, batch.actions);
    const auto q = critic.q().leftCols(b);
    dq = q - targets;  // (1 x B) error, then dL/dq = 2 err / B
    CriticLoss l;
    l.loss = static_cast<double>(dq.squaredNorm()) / static_cast<double>(b);
    l.mean_q = static_cast<double>(q.mean());
    dq *= S(2) / static_cast<S>(b);
    critic.backward(dq, nullptr);
    return l;
}

template <typename S>
double actor_loss(DdpgActor<S>& actor, DdpgCritic<S>& critic, const Mat<S>& states, Mat<S>& dq,
                  Mat<S>& da) {
    const Index b = states.cols();
    actor.forward(states);
    critic.forward(states, actor.actions().leftCols(b));
    const double loss = -static_cast<double>(critic.q().leftCols(b).mean());
    dq.setConstant(1, b, -S(1) / static_cast<S>(b));
    critic.backward(dq, &da);  // da = dL/da = dL/dQ dQ/da
    actor.backward(states, da);
    return loss;
}

// ---------------------------------------------------------------------------------------------
// Ddpg

template <typename S>
struct Ddpg<S>::Parts {
    Parts(Index d, const DdpgParams& p, Index capacity)
        : actor(d, p.actor_hidden),
          critic(d, p.critic_hidden),
          target_actor(d, p.actor_hidden),
          target_critic(d, p.critic_hidden),
          actor_adam(actor.parameters().size(), p.actor_adam),
          critic_adam(critic.parameters().size(), p.critic_adam) {
        const Index b = p.batch_size;
        actor.resize(b);
        target_actor.resize(b);
        critic.resize(b);
        target_critic.resize(b);
        replay.reset(d, capacity);
        batch.resize(d, b);
        targets.resize(1, b);
        dq.resize(1, b);
        da.resize(1, b);
    }

    DdpgActor<S> actor;
    DdpgCritic<S> critic;
    DdpgActor<S> target_actor;  // mu', the actor's slow copy
    DdpgCritic<S> target_critic;  // Q'
    Adam<S> actor_adam, critic_adam;
    ReplayBuffer<S> replay;
    Minibatch<S> batch;
    Mat<S> targets, dq, da;  // (1 x B) work buffers of one update
};

template <typename S>
Ddpg<S>::Ddpg(Index state_size, Index layers, const DdpgParams& params, std::mt19937_64& rng)
    : params_(params), state_size_(state_size) {
    params_.check();
    if (state_size < 1) throw std::invalid_argument("Ddpg: state_size < 1");
    p_ = std::make_unique<Parts>(state_size, params_, params_.replay_capacity(layers));
    p_->actor.init(rng, params_.output_init);
    p_->critic.init(rng, params_.output_init);
    p_->target_actor.parameters().values() = p_->actor.parameters().values();
    p_->target_critic.parameters().values() = p_->critic.parameters().values();
}

template <typename S>
Ddpg<S>::~Ddpg() = default;
template <typename S>
Ddpg<S>::Ddpg(Ddpg&&) noexcept = default;
template <typename S>
Ddpg<S>& Ddpg<S>::operator=(Ddpg&&) noexcept = default;

template <typename S>
S Ddpg<S>::act(const ConstMatRef<S>& state) {
    if (state.rows() != state_size_ || state.cols() != 1)
        throw std::invalid_argument("Ddpg::act: expected one state column of state_size rows");
    // Column 0 of the minibatch-sized actor: no buffer of its own, no allocation.
    p_->actor.forward(state);
    return p_->actor.actions()(0, 0);
}

template <typename S>
void Ddpg<S>::observe(const ConstMatRef<S>& state, S action, S reward,
                      const ConstMatRef<S>& next_state, bool done) {
    if (state.rows() != state_size_ || state.cols() != 1 || next_state.rows() != state_size_ ||
        next_state.cols() != 1)
        throw std::invalid_argument("Ddpg::observe: expected state columns of state_size rows");
    p_->replay.push(state, action, reward, next_state, done);
}

template <typename S>
DdpgUpdateStats Ddpg<S>::update(std::mt19937_64& rng) {
    if (p_->replay.size() < 1) throw std::logic_error("Ddpg::update: the replay buffer is empty");
    Parts& p = *p_;
    Minibatch<S>& batch = p.batch;
    p.replay.sample(rng, batch);
    DdpgUpdateStats stats;

    // Reward baseline: an exponential moving average of the minibatches' mean rewards.
    if (params_.baseline_step > 0) {
        const double mean = static_cast<double>(batch.rewards.mean());
        baseline_ = has_baseline_ ? baseline_ + params_.baseline_step * (mean - baseline_) : mean;
        has_baseline_ = true;
        batch.rewards.array() -= static_cast<S>(baseline_);
    }
    stats.baseline = baseline_;

    // y = r + discount (1 - done) Q'(s', mu'(s'))      (1 x B)
    p.target_actor.forward(batch.next_states);
    p.target_critic.forward(batch.next_states, p.target_actor.actions());
    const S discount = static_cast<S>(params_.discount);
    p.targets = batch.rewards.array() +
                discount * (S(1) - batch.dones.array()) * p.target_critic.q().array();

    // Critic step.
    p.critic.parameters().zero_grads();
    const CriticLoss cl = critic_loss(p.critic, batch, p.targets, p.dq);
    p.critic_adam.step(p.critic.parameters().values(), p.critic.parameters().grads());
    stats.critic_loss = cl.loss;
    stats.mean_q = cl.mean_q;

    // Actor step, through the stepped critic.
    p.actor.parameters().zero_grads();
    stats.policy_loss = actor_loss(p.actor, p.critic, batch.states, p.dq, p.da);
    p.actor_adam.step(p.actor.parameters().values(), p.actor.parameters().grads());

    // Soft target updates.
    const S tau = static_cast<S>(params_.tau);
    auto soft = [tau](ParameterSet<S>& target, const ParameterSet<S>& source) {
        target.values() = (S(1) - tau) * target.values() + tau * source.values();
    };
    soft(p.target_actor.parameters(), p.actor.parameters());
    soft(p.target_critic.parameters(), p.critic.parameters());
    ++updates_;
    return stats;
}

// Checkpoint layout (byte_io.hpp): format, updates, baseline flag and value; the parameters of
// actor, critic, target actor, target critic; per optimiser (actor, critic) its step count and
// both moments; the replay buffer's head, size and its five arrays.
namespace {
constexpr std::int64_t kDdpgStateFormat = 1;
}

template <typename S>
std::string Ddpg<S>::save_state() const {
    const Parts& p = *p_;
    detail::ByteWriter w;
    auto put_vec = [&w](const Vec<S>& v) { w.put_array(v.data(), v.size()); };
    auto put_mat = [&w](const Mat<S>& m) { w.put_array(m.data(), m.size()); };
    w.put<std::int64_t>(kDdpgStateFormat);
    w.put<std::int64_t>(updates_);
    w.put<std::uint8_t>(has_baseline_ ? 1 : 0);
    w.put<double>(baseline_);
    put_vec(p.actor.parameters().values());
    put_vec(p.critic.parameters().values());
    put_vec(p.target_actor.parameters().values());
    put_vec(p.target_critic.parameters().values());
    for (const Adam<S>* adam : {&p.actor_adam, &p.critic_adam}) {
        w.put<std::int64_t>(adam->steps());
        put_vec(adam->first_moment());
        put_vec(adam->second_moment());
    }
    const ReplayBuffer<S>& r = p.replay;
    w.put<std::int64_t>(r.head());
    w.put<std::int64_t>(r.size());
    put_mat(r.states());
    put_mat(r.actions());
    put_mat(r.rewards());
    put_mat(r.next_states());
    put_mat(r.dones());
    return w.bytes();
}

template <typename S>
void Ddpg<S>::load_state(const std::string& bytes) {
    const std::string what = "checkpoint: ddpg state";
    detail::ByteReader rd(bytes, what);
    Parts& p = *p_;
    auto bad = [&what](const std::string& msg) { throw InputError(what + ": " + msg); };

    // Everything is read and checked before anything is changed. Every float must be finite (a
    // NaN weight or reward would spread through every later update), the second moments and
    // the stored actions within the ranges updates and HAQ's actions keep them in.
    const auto format = rd.get<std::int64_t>();
    if (format != kDdpgStateFormat)
        bad("format " + std::to_string(format) + ", expected " + std::to_string(kDdpgStateFormat));
    const auto updates = rd.get_count("update count");
    const auto has_baseline = rd.get<std::uint8_t>();
    if (has_baseline > 1)
        bad("baseline flag: found " + std::to_string(has_baseline) + ", expected 0 or 1");
    const auto baseline = rd.get<double>();
    if (!finite_in(baseline))
        bad("baseline: found " + shortest_number(baseline) + ", expected a finite number");
    auto vec = [&rd](Index n, const std::string& field,
                     double lo = std::numeric_limits<double>::lowest()) {
        return rd.template get_finite_array<S>(n, field, lo);
    };
    const auto actor = vec(p.actor.parameters().size(), "actor weights");
    const auto critic = vec(p.critic.parameters().size(), "critic weights");
    const auto target_actor = vec(p.target_actor.parameters().size(), "target actor weights");
    const auto target_critic = vec(p.target_critic.parameters().size(), "target critic weights");
    struct AdamState {
        std::int64_t steps;
        std::vector<S> m, v;
    };
    AdamState adams[2];
    const Adam<S>* optimisers[2] = {&p.actor_adam, &p.critic_adam};
    const char* names[2] = {"actor optimiser", "critic optimiser"};
    for (int k = 0; k < 2; ++k) {
        const std::string name = names[k];
        adams[k].steps = rd.get_count(name + " step count");
        adams[k].m = vec(optimisers[k]->first_moment().size(), name + " first moment");
        adams[k].v = vec(optimisers[k]->second_moment().size(), name + " second moment", 0);
    }
    ReplayBuffer<S>& r = p.replay;
    const auto head = rd.get<std::int64_t>();
    const auto size = rd.get<std::int64_t>();
    const Index c = r.capacity();
    if (size < 0 || size > c || head < 0 || head >= c || (size < c && head != size))
        bad("replay position (head " + std::to_string(head) + ", size " + std::to_string(size) +
            ") impossible for a capacity of " + std::to_string(c));
    const auto states = vec(r.states().size(), "replay states");
    const auto actions =
        rd.template get_finite_array<S>(r.actions().size(), "replay actions", 0, 1);
    const auto rewards = vec(r.rewards().size(), "replay rewards");
    const auto next_states = vec(r.next_states().size(), "replay next states");
    const auto dones = rd.template get_array<S>(r.dones().size());
    for (S d : dones)
        if (d != S(0) && d != S(1)) bad("a replay done flag other than 0 or 1");
    rd.expect_end();

    auto copy = [](const std::vector<S>& from, S* to) { std::copy(from.begin(), from.end(), to); };
    updates_ = updates;
    has_baseline_ = has_baseline == 1;
    baseline_ = baseline;
    copy(actor, p.actor.parameters().values().data());
    copy(critic, p.critic.parameters().values().data());
    copy(target_actor, p.target_actor.parameters().values().data());
    copy(target_critic, p.target_critic.parameters().values().data());
    Adam<S>* adam[2] = {&p.actor_adam, &p.critic_adam};
    for (int k = 0; k < 2; ++k) {
        adam[k]->set_steps(adams[k].steps);
        copy(adams[k].m, adam[k]->first_moment().data());
        copy(adams[k].v, adam[k]->second_moment().data());
    }
    copy(states, r.states_data().data());
    copy(actions, r.actions_data().data());
    copy(rewards, r.rewards_data().data());
    copy(next_states, r.next_states_data().data());
    copy(dones, r.dones_data().data());
    r.set_position(head, size);
}

template <typename S>
DdpgActor<S>& Ddpg<S>::actor() {
    return p_->actor;
}
template <typename S>
DdpgCritic<S>& Ddpg<S>::critic() {
    return p_->critic;
}
template <typename S>
DdpgActor<S>& Ddpg<S>::target_actor() {
    return p_->target_actor;
}
template <typename S>
DdpgCritic<S>& Ddpg<S>::target_critic() {
    return p_->target_critic;
}
template <typename S>
ReplayBuffer<S>& Ddpg<S>::replay() {
    return p_->replay;
}
template <typename S>
Adam<S>& Ddpg<S>::actor_optimizer() {
    return p_->actor_adam;
}
template <typename S>
Adam<S>& Ddpg<S>::critic_optimizer() {
    return p_->critic_adam;
}

template class DdpgActor<float>;
template class DdpgActor<double>;
template class DdpgCritic<float>;
template class DdpgCritic<double>;
template struct Minibatch<float>;
template struct Minibatch<double>;
template class ReplayBuffer<float>;
template class ReplayBuffer<double>;
template CriticLoss critic_loss<float>(DdpgCritic<float>&, const Minibatch<float>&,
                                       const Mat<float>&, Mat<float>&);
template CriticLoss critic_loss<double>(DdpgCritic<double>&, const Minibatch<double>&,
                                        const Mat<double>&, Mat<double>&);
template double actor_loss<float>(DdpgActor<float>&, DdpgCritic<float>&, const Mat<float>&,
                                  Mat<float>&, Mat<float>&);
template double actor_loss<double>(DdpgActor<double>&, DdpgCritic<double>&, const Mat<double>&,
                                   Mat<double>&, Mat<double>&);
template class Ddpg<float>;
template class Ddpg<double>;

}  // namespace serialq::agent
