#include "serialq/common/network_loader.hpp"

#include "serialq/common/checked_count.hpp"
#include "serialq/common/error.hpp"
#include "serialq/common/shipped_files.hpp"
#include "serialq/common/yaml_fields.hpp"

#include <map>

namespace serialq {

namespace {

constexpr int kMaxDim = 1 << 16;

std::string shape_text(const Shape& s) {
    return std::to_string(s.channels) + "x" + std::to_string(s.height) + "x" +
           std::to_string(s.width);
}

// Output extent of a sliding window; 0 when the window does not fit.
int window_out(int in, int kernel, int stride, int pad) {
    const int span = in + 2 * pad - kernel;
    return span < 0 ? 0 : span / stride + 1;
}

class Loader {
public:
    // Resolved here, not only in load_yaml_file, because the weights file is relative to it.
    Loader(const std::filesystem::path& path) : file_(resolve_input(path).string()) {}

    Network load() {
        YamlMap root(load_yaml_file(file_), file_);
        Network net;
        net.file = file_;
        net.name = root.string("name");
        net.source = root.string_or("source", "");
        root.allow("description");
        if (root.has("weights")) {
            const std::filesystem::path w = root.string("weights");
            net.weights_file = (std::filesystem::path(file_).parent_path() / w).string();
        } else {
            root.allow("weights");
        }
        YamlMap in = root.map("input");
        net.input.channels = static_cast<int>(in.integer("channels", 1, kMaxDim));
        net.input.height = static_cast<int>(in.integer("height", 1, kMaxDim));
        net.input.width = static_cast<int>(in.integer("width", 1, kMaxDim));
        check_tensor(in, "an input", net.input);
        in.finish();

        const YAML::Node seq = root.sequence("layers");
        if (seq.size() == 0) root.fail("layers", "an empty list", "at least one layer");
        for (std::size_t i = 0; i < seq.size(); ++i) {
            YamlMap m = layer_map(root, seq, i);
            net.layers.push_back(read_layer(m, net));
            count(m, net.layers.back());
            m.finish();
        }
        root.finish();
        if (net.weight_layer_count() == 0)
            root.fail("layers", "no conv or fc layer", "at least one layer with weights");
        return net;
    }

private:
    // The i-th layer's mapping, its key path naming the layer too ("layers[3](conv2)"), so
    // every error about a layer says which one without counting list entries.
    YamlMap layer_map(YamlMap& root, const YAML::Node& seq, std::size_t i) const {
        const YamlMap checked = root.element(seq, "layers", i);  // throws unless a mapping
        const YAML::Node node = seq[i];
        const YAML::Node name = node["name"];
        std::string path = checked.path();
        // A const lookup of a missing key gives an invalid node, whose IsScalar() throws
        // yaml-cpp's InvalidNode: IsDefined() first (read_layer then reports the missing name).
        if (name.IsDefined() && name.IsScalar() && !name.Scalar().empty())
            path += "(" + name.Scalar() + ")";
        return YamlMap(node, file_, path);
    }

    int producer(YamlMap& m, const std::string& ref, const std::string& key, const Network& net) {
        if (ref == "input") return -1;  // the network input, e.g. for a residual shortcut
        const auto it = index_.find(ref);
        if (it == index_.end())
            m.fail(key, "'" + ref + "'", "the name of an earlier layer or 'input'");
        (void)net;
        return it->second;
    }

    Shape shape_of(int index, const Network& net) const {
        return index < 0 ? net.input : net.layers[static_cast<std::size_t>(index)].output;
    }

    Layer read_layer(YamlMap& m, const Network& net) {
        Layer l;
        l.name = m.string("name");
        if (l.name.empty()) m.fail("name", "an empty string", "a layer name");
        if (l.name == "input")
            m.fail("name", "'input'", "another name ('input' names the network input)");
        if (index_.count(l.name)) m.fail("name", "'" + l.name + "' again", "a unique layer name");
        const std::string type = m.choice("type", {"conv", "fc", "maxpool", "avgpool", "add"});

        // Producers: the previous layer by default, `input: name`, or `inputs: [a, b]` for add.
        const int previous = static_cast<int>(net.layers.size()) - 1;
        if (type == "add") {
            const YAML::Node refs = m.raw("inputs");
            if (!refs.IsSequence() || refs.size() != 2)
                m.fail("inputs", describe_node(refs), "a list of two earlier layer names");
            for (const auto& r : refs) {
                if (!r.IsScalar()) m.fail("inputs", describe_node(r), "a layer name");
                l.inputs.push_back(producer(m, r.Scalar(), "inputs", net));
            }
        } else {
            // `inputs` is not allowed here: a second producer would be silently ignored.
            l.inputs.push_back(m.has("input") ? producer(m, m.string("input"), "input", net)
                                              : previous);
            m.allow("input");
        }
        l.input = shape_of(l.inputs[0], net);

        if (type == "conv") {
            l.kind = LayerKind::Conv;
            const int in_c = static_cast<int>(m.integer("in_channels", 1, kMaxDim));
            const int out_c = static_cast<int>(m.integer("out_channels", 1, kMaxDim));
            if (in_c != l.input.channels)
                m.fail("in_channels", std::to_string(in_c),
                       std::to_string(l.input.channels) + " (the channels of its input, " +
                           shape_text(l.input) + ")");
            if (!m.has("kernel"))
                m.fail("kernel", "nothing (the key is missing)", "the kernel size");
            std::tie(l.kernel_h, l.kernel_w) = m.int_pair_or("kernel", {1, 1}, 1, 1024);
            std::tie(l.stride_h, l.stride_w) = m.int_pair_or("stride", {1, 1}, 1, 1024);
            std::tie(l.pad_h, l.pad_w) = m.int_pair_or("padding", {0, 0}, 0, 1024);
            l.groups = static_cast<int>(m.integer_or("groups", 1, 1, kMaxDim));
            if (in_c % l.groups != 0 || out_c % l.groups != 0)
                m.fail("groups", std::to_string(l.groups),
                       "a divisor of both in_channels (" + std::to_string(in_c) +
                           ") and out_channels (" + std::to_string(out_c) + ")");
            l.output = window_shape(m, l, out_c);
        } else if (type == "fc") {
            l.kind = LayerKind::FullyConnected;
            const long long in_f = m.integer("in_features", 1, kMaxTensorElements);
            const int out_f = static_cast<int>(m.integer("out_features", 1, kMaxDim * 16));
            if (in_f != l.input.elements())
                m.fail("in_features", std::to_string(in_f),
                       std::to_string(l.input.elements()) + " (its input " + shape_text(l.input) +
                           " flattened)");
            l.output = Shape{out_f, 1, 1};
        } else if (type == "maxpool" || type == "avgpool") {
            l.kind = type == "maxpool" ? LayerKind::MaxPool : LayerKind::AvgPool;
            l.global = m.boolean_or("global", false);
            if (l.global) {
                l.kernel_h = l.input.height;
                l.kernel_w = l.input.width;
                l.stride_h = l.stride_w = 1;
                l.output = Shape{l.input.channels, 1, 1};
                // A window given beside `global` would be silently ignored: refuse it.
                for (const std::string key : {"kernel", "stride", "padding"})
                    if (m.has(key))
                        m.fail(key, describe_node(m.raw(key)),
                               "no " + key + " with global: true (the window is the whole input)");
            } else {
                std::tie(l.kernel_h, l.kernel_w) = m.int_pair_or("kernel", {0, 0}, 1, 1024);
                if (l.kernel_h == 0) m.fail("kernel", "nothing", "the pooling window size");
                std::tie(l.stride_h, l.stride_w) =
                    m.int_pair_or("stride", {l.kernel_h, l.kernel_w}, 1, 1024);
                std::tie(l.pad_h, l.pad_w) = m.int_pair_or("padding", {0, 0}, 0, 1024);
                l.output = window_shape(m, l, l.input.channels);
            }
        } else {  // add
            l.kind = LayerKind::Add;
            const Shape other = shape_of(l.inputs[1], net);
            if (!(other == l.input))
                m.fail("inputs", shape_text(l.input) + " and " + shape_text(other),
                       "two inputs of the same shape");
            l.output = l.input;
        }
        if (l.kind != LayerKind::MaxPool && l.kind != LayerKind::AvgPool && m.has("relu"))
            l.relu = m.boolean_or("relu", true);
        if (l.has_weights()) l.batch_norm = m.boolean_or("batch_norm", false);
        index_[l.name] = static_cast<int>(net.layers.size());
        return l;
    }

    Shape window_shape(YamlMap& m, const Layer& l, int out_channels) {
        const int oh = window_out(l.input.height, l.kernel_h, l.stride_h, l.pad_h);
        const int ow = window_out(l.input.width, l.kernel_w, l.stride_w, l.pad_w);
        if (oh <= 0 || ow <= 0)
            m.fail("kernel", std::to_string(l.kernel_h) + "x" + std::to_string(l.kernel_w),
                   "a window that fits its input " + shape_text(l.input) + " with padding " +
                       std::to_string(l.pad_h) + "x" + std::to_string(l.pad_w));
        return Shape{out_channels, oh, ow};
    }

    // A tensor every consumer can size and index (kMaxTensorElements); `what` is "an input" or
    // "an output".
    static void check_tensor(YamlMap& m, const std::string& what, const Shape& s) {
        if (s.elements() > kMaxTensorElements)
            m.fail("", shape_text(s) + " = " + std::to_string(s.elements()) + " elements",
                   what + " of at most " + std::to_string(kMaxTensorElements) + " elements");
    }

    // The layer's MACs, refused at load when they or the network's total leave the bound every
    // derived figure is safe within (kMaxNetworkMacs). Weights need no check of their own: a
    // layer's weights are its MACs for one output position, so never more.
    void count(YamlMap& m, const Layer& l) {
        check_tensor(m, "an output", l.output);
        if (!l.has_weights()) return;
        const std::string expected =
            "at most " + std::to_string(kMaxNetworkMacs) + " MACs per sample in a network";
        const auto macs = checked_mul(l.reduction_length(), l.output.elements());
        if (!macs) m.fail("", "more MACs than a 64-bit count holds", expected);
        if (*macs > kMaxNetworkMacs) m.fail("", std::to_string(*macs) + " MACs", expected);
        // Both at most 2^40: the sum cannot wrap.
        if (macs_ + *macs > kMaxNetworkMacs)
            m.fail("", std::to_string(macs_ + *macs) + " MACs up to this layer", expected);
        macs_ += *macs;
    }

    std::string file_;
    std::map<std::string, int> index_;
    std::int64_t macs_ = 0;  // the network's, up to the layer being read
};

}  // namespace

Network load_network(const std::filesystem::path& path) { return Loader(path).load(); }

}  // namespace serialq
