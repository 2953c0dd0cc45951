#pragma once
// Prefix reuse between evaluations of the builtin oracle. A layer's output codes depend only
// on the bits of the weight layers up to it (its weights and the calibration of its scale
// use nothing later), so two bit vectors that agree on their first k weight layers compute
// the same activations up to layer k. The store keeps, for the images of the evaluated split,
// the codes at "cuts": points in the network where a single earlier tensor is all that later
// layers read (every layer of a chain; a residual block's input). A new configuration resumes
// from the deepest cut whose prefix it shares and whose images are stored.
//
// Memory is bounded: cuts are chosen deepest first (they save the most work) until their codes
// for the whole split would exceed the budget; codes are held in 16 bits.
#include "serialq/quant/model.hpp"

#include <cstdint>
#include <memory>
#include <shared_mutex>
#include <vector>

namespace serialq::quant {

class PrefixStore {
public:
    struct Cut {
        std::size_t layer = 0;  // the first layer run after resuming
        int tensor = 0;  // the one earlier layer whose output is stored
        std::size_t params = 0;  // weight layers before `layer`: the prefix that must agree
        std::int64_t elements = 0;  // codes per image
        std::vector<int> key;  // the bits of those weight layers for the stored codes
        // images x elements, left uninitialized: only the pages of images that get stored are
        // ever touched (`stored` guards every read).
        std::unique_ptr<std::int16_t[]> codes;
        std::vector<std::uint8_t> stored;  // per image: codes valid for `key`
    };

    // `images`: the size of the split; `budget_bytes` 0 disables the store.
    PrefixStore(const Model& model, std::int64_t images, std::int64_t budget_bytes);

    // A new configuration: cuts whose key differs from `bits`' prefix are emptied and re-keyed.
    // Returns the generation the configuration's engine must present; an engine of an older
    // generation computes everything itself.
    std::uint64_t begin(const std::vector<int>& bits);

    bool enabled() const { return !cuts_.empty(); }
    const std::vector<Cut>& cuts() const { return cuts_; }
    std::int64_t bytes() const;

    // For the engine, under lock():
    // The deepest cut holding images [begin, begin + count), or -1.
    int deepest_stored(std::int64_t begin, int count) const;
    // Codes of cut c for the images into out (elements per image, contiguous per image).
    void load(int c, std::int64_t begin, int count, float* out) const;
    void save(int c, std::int64_t begin, int count, const float* in);
    std::shared_mutex& mutex() const { return mutex_; }
    std::uint64_t generation() const { return generation_; }

private:
    std::vector<Cut> cuts_;
    std::uint64_t generation_ = 0;
    mutable std::shared_mutex mutex_;
};

}  // namespace serialq::quant
