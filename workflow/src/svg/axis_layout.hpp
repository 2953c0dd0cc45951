#pragma once
// Where an axis maps its values on the page, which ticks it shows and how it labels them.
#include "serialq/workflow/chart.hpp"

#include <string>
#include <vector>

namespace serialq::workflow {

// A unit rescaled for reading: values are divided by `divisor` and shown in `unit`.
struct DisplayUnit {
    double divisor = 1;
    std::string unit;
};

// pJ -> nJ/µJ/mJ/J, ns -> µs/ms/s, bytes -> kB/MB/GB, cycles (bits, MACs) -> k/M/G cycles, so
// that `max_abs` reads as a number below 1000; other units are kept as they are.
DisplayUnit display_unit(const std::string& unit, double max_abs);

class AxisLayout {
public:
    // `values`: the data on this axis (non-finite ones are ignored); the page runs from
    // `pixel_lo` (the axis minimum) to `pixel_hi`. `pad`: leave a margin beyond the data (for
    // markers that would otherwise sit on the frame).
    AxisLayout(const Axis& axis, const std::vector<double>& values, double pixel_lo,
               double pixel_hi, bool pad);

    // Whether `v` can be drawn on this axis (finite, and positive on a log axis).
    bool drawable(double v) const;
    double to_pixel(double v) const;
    const std::vector<double>& ticks() const { return ticks_; }
    std::string tick_label(double v) const;
    // "latency (M cycles)", or the bare quantity for a unitless axis.
    std::string title() const;
    double lo() const { return lo_; }
    double hi() const { return hi_; }

private:
    void linear_range(double min, double max, bool pad);
    void log_range(double min, double max);

    Axis axis_;
    double lo_ = 0, hi_ = 1;
    double pixel_lo_, pixel_hi_;
    std::vector<double> ticks_;
    DisplayUnit unit_;
};

}  // namespace serialq::workflow
