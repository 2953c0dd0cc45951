#include "serialq/agent/weight_statistics.hpp"

#include "serialq/quant/weights_file.hpp"

#include <cmath>
#include <optional>

namespace serialq::agent {

double he_init_std_dev(const Layer& layer) {
    return std::sqrt(2.0 /
                     static_cast<double>(std::max<std::int64_t>(1, layer.reduction_length())));
}

WeightStatistics weight_statistics(const Network& net) {
    std::optional<quant::WeightsFile> file;
    if (!net.weights_file.empty()) file = quant::read_weights_file(net.weights_file);
    WeightStatistics s;
    for (const Layer* l : net.weight_layers()) {
        const quant::NamedTensor* t = file ? file->find(l->name + ".weight") : nullptr;
        if (t && t->values.size() > 1) {
            double mean = 0;
            for (float v : t->values) mean += v;
            mean /= static_cast<double>(t->values.size());
            double var = 0;
            for (float v : t->values) var += (v - mean) * (v - mean);
            s.std_dev.push_back(std::sqrt(var / static_cast<double>(t->values.size())));
            s.from_weights.push_back(true);
        } else {
            s.std_dev.push_back(he_init_std_dev(*l));
            s.from_weights.push_back(false);
        }
    }
    return s;
}

std::vector<std::vector<double>> kernel_magnitudes(const Network& net) {
    std::optional<quant::WeightsFile> file;
    if (!net.weights_file.empty()) file = quant::read_weights_file(net.weights_file);
    std::vector<std::vector<double>> out;
    for (const Layer* l : net.weight_layers()) {
        std::vector<double> rms;
        const quant::NamedTensor* t = file ? file->find(l->name + ".weight") : nullptr;
        const auto rows = static_cast<std::size_t>(l->out_channels());
        if (t && rows > 0 && !t->values.empty() && t->values.size() % rows == 0) {
            const std::size_t per = t->values.size() / rows;
            for (std::size_t r = 0; r < rows; ++r) {
                double sum = 0;
                for (std::size_t i = r * per; i < (r + 1) * per; ++i)
                    sum += double(t->values[i]) * t->values[i];
                rms.push_back(std::sqrt(sum / double(per)));
            }
        }
        out.push_back(std::move(rms));
    }
    return out;
}

}  // namespace serialq::agent
