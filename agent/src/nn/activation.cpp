#include "serialq/agent/nn/activation.hpp"

#include "serialq/common/error.hpp"

namespace serialq::agent {

Activation activation_from_name(const std::string& name) {
    if (name == "relu") return Activation::Relu;
    if (name == "tanh") return Activation::Tanh;
    throw ConfigError("activation: found '" + name + "', expected relu or tanh");
}

const char* to_string(Activation a) {
    switch (a) {
        case Activation::Relu: return "relu";
        case Activation::Tanh: return "tanh";
        case Activation::Sigmoid: return "sigmoid";
    }
    return "?";
}

}  // namespace serialq::agent
