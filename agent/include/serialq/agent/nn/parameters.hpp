#pragma once
// All trainable parameters of a network in one flat vector, with their gradients in a second
// one of the same layout. Layers reserve their matrices while they are built; once the network
// is complete, finalize() allocates both vectors and the layers view their parts through Maps.
// Adam then updates one vector, and a checkpoint saves one vector.
#include "serialq/agent/nn/tensor.hpp"

#include <stdexcept>
#include <string>
#include <vector>

namespace serialq::agent {

template <typename S>
class ParameterSet {
public:
    // Where one parameter matrix lives in the flat vectors (column-major, rows x cols).
    struct Slot {
        Index offset = 0;
        Index rows = 0;
        Index cols = 0;
    };

    Slot reserve(Index rows, Index cols) {
        if (finalized_) throw std::logic_error("ParameterSet: reserve after finalize");
        const Slot s{size_, rows, cols};
        size_ += rows * cols;
        return s;
    }

    // Allocates values and gradients (zero); layers may then initialise their values.
    void finalize() {
        values_ = Vec<S>::Zero(size_);
        grads_ = Vec<S>::Zero(size_);
        finalized_ = true;
    }
    bool finalized() const { return finalized_; }

    Index size() const { return size_; }
    Vec<S>& values() { return values_; }
    const Vec<S>& values() const { return values_; }
    Vec<S>& grads() { return grads_; }
    const Vec<S>& grads() const { return grads_; }
    void zero_grads() { grads_.setZero(); }

    Eigen::Map<Mat<S>> value(const Slot& s) {
        return Eigen::Map<Mat<S>>(values_.data() + s.offset, s.rows, s.cols);
    }
    Eigen::Map<const Mat<S>> value(const Slot& s) const {
        return Eigen::Map<const Mat<S>>(values_.data() + s.offset, s.rows, s.cols);
    }
    Eigen::Map<Mat<S>> grad(const Slot& s) {
        return Eigen::Map<Mat<S>>(grads_.data() + s.offset, s.rows, s.cols);
    }

private:
    Index size_ = 0;
    bool finalized_ = false;
    Vec<S> values_;
    Vec<S> grads_;
};

}  // namespace serialq::agent
