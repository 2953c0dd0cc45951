#include "serialq/common/network.hpp"

namespace serialq {

std::int64_t Layer::reduction_length() const {
    switch (kind) {
        case LayerKind::Conv:
            return static_cast<std::int64_t>(input.channels / groups) * kernel_h * kernel_w;
        case LayerKind::FullyConnected:
            return input.elements();
        default:
            return 0;
    }
}

std::int64_t Layer::weights() const {
    if (!has_weights()) return 0;
    return reduction_length() * output.channels;
}

std::int64_t Layer::macs() const {
    if (!has_weights()) return 0;
    return reduction_length() * output.elements();
}

std::vector<const Layer*> Network::weight_layers() const {
    std::vector<const Layer*> out;
    for (int i : weight_layer_indices()) out.push_back(&layers[static_cast<std::size_t>(i)]);
    return out;
}

std::vector<int> Network::weight_layer_indices() const {
    std::vector<int> out;
    for (std::size_t i = 0; i < layers.size(); ++i)
        if (layers[i].has_weights()) out.push_back(static_cast<int>(i));
    return out;
}

std::size_t Network::weight_layer_count() const { return weight_layers().size(); }

std::int64_t Network::total_macs() const {
    std::int64_t s = 0;
    for (const auto& l : layers) s += l.macs();
    return s;
}

std::int64_t Network::total_weights() const {
    std::int64_t s = 0;
    for (const auto& l : layers) s += l.weights();
    return s;
}

}  // namespace serialq
