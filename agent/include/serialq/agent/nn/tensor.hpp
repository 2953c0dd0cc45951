#pragma once
// Matrix types of the agent's networks. Every activation matrix holds one sample per column:
// a batch of B sequences of T steps is laid out time-major, column t*B + e, so the B columns
// of one time step are contiguous (middleCols(t*B, B)) and the recurrent product of a step is
// one matrix-matrix multiply.
//
// The pieces are templates over the scalar: float in the search (twice the SIMD width, and
// PPO does not need more), double in the gradient checks (finite differences need it).
#include <Eigen/Core>

namespace serialq::agent {

using Index = Eigen::Index;

template <typename S>
using Mat = Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic>;
template <typename S>
using Vec = Eigen::Matrix<S, Eigen::Dynamic, 1>;
template <typename S>
using RowVec = Eigen::Matrix<S, 1, Eigen::Dynamic>;

template <typename S>
using MatRef = Eigen::Ref<Mat<S>>;
template <typename S>
using ConstMatRef = Eigen::Ref<const Mat<S>>;

}  // namespace serialq::agent
