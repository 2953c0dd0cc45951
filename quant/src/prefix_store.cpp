#include "serialq/quant/prefix_store.hpp"

#include <algorithm>
#include <mutex>
#include <set>

namespace serialq::quant {

PrefixStore::PrefixStore(const Model& model, std::int64_t images, std::int64_t budget_bytes) {
    if (budget_bytes <= 0 || images <= 0) return;
    const std::size_t n = model.layers.size();
    // last_read[j]: the last layer reading layer j's output (-1 for the image).
    std::vector<std::size_t> last_read(n + 1, 0);
    for (std::size_t i = 0; i < n; ++i)
        for (int j : model.layers[i].inputs) last_read[static_cast<std::size_t>(j + 1)] = i;
    std::vector<Cut> candidates;
    std::size_t params = 0;
    for (std::size_t r = 0; r < n; ++r) {
        const ModelLayer& l = model.layers[r];
        if (l.param >= 0 && r > 0) {
            // The tensors produced before r (or the image) that layers from r on still read.
            std::set<int> live;
            for (std::size_t j = 0; j <= r; ++j)  // j: layer j - 1's output (0: the image)
                if (last_read[j] >= r) live.insert(static_cast<int>(j) - 1);
            if (live.size() == 1 && *live.begin() >= 0) {
                Cut c;
                c.layer = r;
                c.tensor = *live.begin();
                c.params = params;
                c.elements = model.layers[static_cast<std::size_t>(c.tensor)].output.elements();
                candidates.push_back(std::move(c));
            }
        }
        if (l.param >= 0) ++params;
    }
    // Deepest first while the budget lasts.
    std::int64_t used = 0;
    for (auto it = candidates.rbegin(); it != candidates.rend(); ++it) {
        const std::int64_t need =
            it->elements * images * static_cast<std::int64_t>(sizeof(std::int16_t));
        if (used + need > budget_bytes) continue;
        used += need;
        it->codes.reset(new std::int16_t[static_cast<std::size_t>(it->elements * images)]);
        it->stored.assign(static_cast<std::size_t>(images), 0);
        cuts_.push_back(std::move(*it));
    }
    std::reverse(cuts_.begin(), cuts_.end());  // network order
}

std::uint64_t PrefixStore::begin(const std::vector<int>& bits) {
    std::unique_lock lock(mutex_);
    for (Cut& c : cuts_) {
        const std::vector<int> prefix(bits.begin(),
                                      bits.begin() + static_cast<std::ptrdiff_t>(c.params));
        if (c.key == prefix) continue;
        c.key = prefix;
        std::fill(c.stored.begin(), c.stored.end(), 0);
    }
    return ++generation_;
}

std::int64_t PrefixStore::bytes() const {
    std::int64_t b = 0;
    for (const Cut& c : cuts_)
        b += c.elements * static_cast<std::int64_t>(c.stored.size() * sizeof(std::int16_t));
    return b;
}

int PrefixStore::deepest_stored(std::int64_t begin, int count) const {
    for (int c = static_cast<int>(cuts_.size()) - 1; c >= 0; --c) {
        const auto& s = cuts_[static_cast<std::size_t>(c)].stored;
        if (std::all_of(s.begin() + begin, s.begin() + begin + count,
                        [](std::uint8_t v) { return v != 0; }))
            return c;
    }
    return -1;
}

void PrefixStore::load(int c, std::int64_t begin, int count, float* out) const {
    const Cut& cut = cuts_[static_cast<std::size_t>(c)];
    const std::int16_t* src = cut.codes.get() + begin * cut.elements;
    std::transform(src, src + count * cut.elements, out,
                   [](std::int16_t v) { return static_cast<float>(v); });
}

void PrefixStore::save(int c, std::int64_t begin, int count, const float* in) {
    Cut& cut = cuts_[static_cast<std::size_t>(c)];
    std::int16_t* dst = cut.codes.get() + begin * cut.elements;
    std::transform(in, in + count * cut.elements, dst,
                   [](float v) { return static_cast<std::int16_t>(v); });
    std::fill(cut.stored.begin() + begin, cut.stored.begin() + begin + count, 1);
}

}  // namespace serialq::quant
