#pragma once
// Finite-difference gradient checks for the agent's backward passes (in double precision).
#include "serialq/agent/nn/parameters.hpp"

#include <algorithm>
#include <cmath>
#include <functional>

namespace serialq::test {

struct GradientCheck {
    double worst_relative_error = 0;  // max over entries of |a - n| / max(|a| + |n|, floor)
    agent::Index worst_index = -1;
    double worst_analytic = 0, worst_numeric = 0;
    agent::Index checked = 0;
};

// Compares each entry of `analytic` with the central difference (L(v + eps) - L(v - eps)) /
// 2 eps, perturbing `values` in place (and restoring it). `loss` recomputes L from scratch.
// Entries far smaller than the largest gradient are compared against 1e-3 of the largest
// (floored): their central differences carry rounding error of the loss's magnitude.
inline GradientCheck check_gradient(Eigen::Ref<agent::Vec<double>> values,
                                    const agent::Vec<double>& analytic,
                                    const std::function<double()>& loss, double eps = 1e-6,
                                    double floor = 1e-7) {
    GradientCheck r;
    floor = std::max(floor, 1e-3 * analytic.cwiseAbs().maxCoeff());
    for (agent::Index k = 0; k < values.size(); ++k) {
        const double v = values[k];
        values[k] = v + eps;
        const double up = loss();
        values[k] = v - eps;
        const double down = loss();
        values[k] = v;
        const double numeric = (up - down) / (2 * eps);
        const double a = analytic[k];
        const double rel = std::abs(a - numeric) / std::max(std::abs(a) + std::abs(numeric), floor);
        if (rel > r.worst_relative_error) {
            r.worst_relative_error = rel;
            r.worst_index = k;
            r.worst_analytic = a;
            r.worst_numeric = numeric;
        }
        ++r.checked;
    }
    return r;
}

}  // namespace serialq::test
