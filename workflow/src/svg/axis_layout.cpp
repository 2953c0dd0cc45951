#include "axis_layout.hpp"

#include "../xml_text.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace serialq::workflow {

namespace {

// The "nice" step (1, 2 or 5 times a power of ten) closest above range / target.
double nice_step(double range, int target) {
    const double raw = range / target;
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    for (double m : {1.0, 2.0, 2.5, 5.0, 10.0})
        if (m * magnitude >= raw * 0.999) return m * magnitude;
    return 10 * magnitude;
}

struct Ladder {
    const char* base;
    std::vector<const char*> units;  // each step 1000x the previous
};

}  // namespace

DisplayUnit display_unit(const std::string& unit, double max_abs) {
    static const std::vector<Ladder> ladders = {
        {"pJ", {"pJ", "nJ", "µJ", "mJ", "J"}},
        {"ns", {"ns", "µs", "ms", "s"}},
        {"bytes", {"bytes", "kB", "MB", "GB", "TB"}},
        {"cycles", {"cycles", "k cycles", "M cycles", "G cycles", "T cycles"}},
        {"bits", {"bits", "kbit", "Mbit", "Gbit", "Tbit"}},
        {"MACs", {"MACs", "k MACs", "M MACs", "G MACs", "T MACs"}},
    };
    for (const auto& l : ladders) {
        if (unit != l.base) continue;
        DisplayUnit d{1, l.units[0]};
        for (std::size_t i = 1; i < l.units.size() && max_abs / (d.divisor * 1000) >= 1; ++i)
            d = {d.divisor * 1000, l.units[i]};
        return d;
    }
    return {1, unit};
}

AxisLayout::AxisLayout(const Axis& axis, const std::vector<double>& values, double pixel_lo,
                       double pixel_hi, bool pad)
    : axis_(axis), pixel_lo_(pixel_lo), pixel_hi_(pixel_hi) {
    const bool log = axis.scale == Scale::Log;
    double min = std::numeric_limits<double>::infinity();
    double max = -min;
    auto take = [&](double v) {
        if (!drawable(v)) return;
        min = std::min(min, v);
        max = std::max(max, v);
    };
    for (double v : values) take(v);
    for (double v : axis.ticks) take(v);
    if (!(min <= max)) {  // nothing to draw: a unit range
        min = log ? 1 : 0;
        max = log ? 10 : 1;
    }
    if (log)
        log_range(min, max);
    else
        linear_range(min, max, pad);
    double max_abs = 0;
    for (double t : ticks_) max_abs = std::max(max_abs, std::fabs(t));
    unit_ = display_unit(axis.unit, max_abs);
}

void AxisLayout::linear_range(double min, double max, bool pad) {
    if (axis_.include_zero) {
        min = std::min(min, 0.0);
        max = std::max(max, 0.0);
    }
    if (min == max) {  // a single value (zero, with include_zero): give it room
        if (min == 0) {
            max = 1;
        } else {
            min -= std::fabs(min) * 0.1;
            max += std::fabs(max) * 0.1;
        }
    }
    if (!axis_.ticks.empty()) {
        ticks_ = axis_.ticks;
        const double margin = pad ? (max - min) * 0.05 : 0;
        lo_ = (axis_.include_zero && min == 0) ? 0 : min - margin;
        hi_ = max + margin;
    } else {
        const double step = nice_step(max - min, 5);
        lo_ = std::floor(min / step + 1e-9) * step;
        hi_ = std::ceil(max / step - 1e-9) * step;
        for (double t = lo_; t <= hi_ + step * 1e-6; t += step)
            ticks_.push_back(std::fabs(t) < step * 1e-9 ? 0.0 : t);
    }
}

void AxisLayout::log_range(double min, double max) {
    if (min == max) {
        min /= 2;
        max *= 2;
    }
    // A small margin in log space so that the extreme points do not sit on the frame.
    const double margin = std::pow(max / min, 0.05);
    lo_ = min / margin;
    hi_ = max * margin;
    if (!axis_.ticks.empty()) {
        ticks_ = axis_.ticks;
        return;
    }
    std::vector<double> all, decades;
    for (int e = static_cast<int>(std::floor(std::log10(lo_)));
         e <= static_cast<int>(std::ceil(std::log10(hi_))); ++e) {
        const double p = std::pow(10.0, e);
        for (double m : {1.0, 2.0, 5.0}) {
            const double t = m * p;
            if (t < lo_ || t > hi_) continue;
            all.push_back(t);
            if (m == 1.0) decades.push_back(t);
        }
    }
    ticks_ = all.size() > 8 && decades.size() >= 2 ? decades : all;
    if (ticks_.size() < 2) ticks_ = {min, max};
}

bool AxisLayout::drawable(double v) const {
    return std::isfinite(v) && (axis_.scale != Scale::Log || v > 0);
}

double AxisLayout::to_pixel(double v) const {
    double f;
    if (axis_.scale == Scale::Log)
        f = std::log(v / lo_) / std::log(hi_ / lo_);
    else
        f = (v - lo_) / (hi_ - lo_);
    return pixel_lo_ + f * (pixel_hi_ - pixel_lo_);
}

std::string AxisLayout::tick_label(double v) const { return short_number(v / unit_.divisor, 3); }

std::string AxisLayout::title() const {
    if (unit_.unit.empty()) return axis_.label;
    return axis_.label + " (" + unit_.unit + ")";
}

}  // namespace serialq::workflow
