// DnnlConv: oneDNN's direct int8 or f32 convolution on the engines' layouts (see dnnl_conv.hpp).
#include "dnnl_conv.hpp"

#include "serialq/common/error.hpp"

#include <oneapi/dnnl/dnnl.hpp>
#include <omp.h>

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace serialq::quant::detail {

namespace {

using tag = dnnl::memory::format_tag;
using dt = dnnl::memory::data_type;

dnnl::engine& cpu_engine() {
    static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
    return engine;
}

// Per calling thread: its stream and scratchpad. Debian's oneDNN runs on OpenMP; one OpenMP
// thread per caller keeps two evaluator threads from each starting a team of nproc threads.
struct ThreadState {
    ThreadState() : stream(cpu_engine()) { omp_set_num_threads(1); }
    dnnl::stream stream;
    std::vector<unsigned char> scratch;
    std::vector<std::uint8_t> codes;  // int8 kernels: the input codes as bytes
};

// Without VNNI (or AMX), oneDNN's int8 kernels multiply with vpmaddubsw, which adds two
// neighbouring u8 x s8 products into an int16 with saturation: exact only while
// 2 max|w| max(x) fits 32,767. VNNI and AMX accumulate in int32, and the reference kernel
// in plain integers.
bool int32_accumulation(const std::string& impl) {
    return impl.find("vnni") != std::string::npos || impl.find("amx") != std::string::npos ||
           impl.rfind("ref", 0) == 0;
}

ThreadState& thread_state() {
    thread_local ThreadState state;
    return state;
}

}  // namespace

struct DnnlConv::Impl {
    dnnl::memory::dims src_dims, weight_dims, dst_dims, strides, pad_l, pad_r;
    std::vector<float> plain_weights;  // hwio: the engines' (out x kh*kw*in) column-major matrix
    std::vector<std::int8_t> int8_weights;  // the same codes as bytes; empty: no int8 kernel
    std::int64_t pair_bound = 0;  // 2 max|w| max(x): see int32_accumulation
    std::string name;  // the layer's, for errors

    // One primitive per batch size (the last batch of a range is usually smaller), made on first
    // use; the weights reordered into the layout that primitive chose.
    struct Kernel {
        dnnl::convolution_forward conv;
        dnnl::memory weights;
        dnnl::memory::desc src, dst, scratch;
        bool int8 = false;  // u8 codes x s8 weights, int32 sums, f32 out
    };
    mutable std::mutex mutex;
    mutable std::map<int, Kernel> kernels;

    const Kernel& kernel(int batch) const;
    // The primitive for one batch size and source type; false if oneDNN has none, or (int8)
    // none that is exact for this layer's codes.
    bool make(int batch, bool int8, Kernel& k) const;
};

bool DnnlConv::Impl::make(int batch, bool int8, Kernel& k) const {
    dnnl::memory::dims src = src_dims, dst = dst_dims;
    src[0] = dst[0] = batch;
    k.int8 = int8;
    k.src = dnnl::memory::desc(src, int8 ? dt::u8 : dt::f32, tag::nhwc);
    k.dst = dnnl::memory::desc(dst, dt::f32, tag::nhwc);
    const dt weight_type = int8 ? dt::s8 : dt::f32;
    const dnnl::convolution_forward::desc desc(
        dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct, k.src,
        dnnl::memory::desc(weight_dims, weight_type, tag::any), k.dst, strides, pad_l, pad_r);
    dnnl::primitive_attr attr;
    attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
    dnnl::convolution_forward::primitive_desc pd;
    try {
        pd = dnnl::convolution_forward::primitive_desc(desc, attr, cpu_engine());
    } catch (const dnnl::error&) {
        return false;
    }
    if (int8 && pair_bound > 32767 && !int32_accumulation(pd.impl_info_str())) return false;
    k.conv = dnnl::convolution_forward(pd);
    k.scratch = pd.scratchpad_desc();
    const dnnl::memory::desc plain(weight_dims, weight_type, tag::hwio);
    void* data = int8 ? static_cast<void*>(const_cast<std::int8_t*>(int8_weights.data()))
                      : static_cast<void*>(const_cast<float*>(plain_weights.data()));
    dnnl::memory user(plain, cpu_engine(), data);
    if (pd.weights_desc() == plain) {
        k.weights = user;
    } else {
        k.weights = dnnl::memory(pd.weights_desc(), cpu_engine());
        dnnl::stream s(cpu_engine());
        dnnl::reorder(user, k.weights).execute(s, user, k.weights);
        s.wait();
    }
    return true;
}

const DnnlConv::Impl::Kernel& DnnlConv::Impl::kernel(int batch) const {
    std::lock_guard<std::mutex> lock(mutex);
    auto it = kernels.find(batch);
    if (it != kernels.end()) return it->second;
    Kernel k;
    if (!(!int8_weights.empty() && make(batch, true, k)) && !make(batch, false, k))
        throw Error("oneDNN has no convolution for layer " + name);
    return kernels.emplace(batch, std::move(k)).first->second;
}

DnnlConv::DnnlConv(const ModelLayer& l, const Act<float>& weight, std::int64_t input_lo,
                   std::int64_t input_hi)
    : impl_(std::make_unique<Impl>()) {
    Impl& m = *impl_;
    m.src_dims = {1, l.input.channels, l.input.height, l.input.width};
    m.weight_dims = {l.output.channels, l.input.channels, l.kernel_h, l.kernel_w};
    m.dst_dims = {1, l.output.channels, l.output.height, l.output.width};
    m.strides = {l.stride_h, l.stride_w};
    m.pad_l = {l.pad_h, l.pad_w};
    // The far side's padding that makes the model's output size (it may be negative: the
    // model floors, and a window that would start in the padding is never computed).
    m.pad_r = {(l.output.height - 1) * l.stride_h + l.kernel_h - l.input.height - l.pad_h,
               (l.output.width - 1) * l.stride_w + l.kernel_w - l.input.width - l.pad_w};
    m.plain_weights.assign(weight.data(), weight.data() + weight.size());
    m.name = l.name;
    const std::int64_t w_max =
        weight.size() == 0 ? 0 : static_cast<std::int64_t>(weight.cwiseAbs().maxCoeff());
    if (input_lo >= 0 && input_hi <= 255 && w_max <= 127) {
        m.int8_weights.reserve(m.plain_weights.size());
        for (float w : m.plain_weights) m.int8_weights.push_back(static_cast<std::int8_t>(w));
        m.pair_bound = 2 * w_max * input_hi;
    }
}

DnnlConv::~DnnlConv() = default;
DnnlConv::DnnlConv(DnnlConv&&) noexcept = default;
DnnlConv& DnnlConv::operator=(DnnlConv&&) noexcept = default;

void DnnlConv::run(const float* in, int batch, Act<float>& out) const {
    const Impl::Kernel& k = impl_->kernel(batch);
    ThreadState& ts = thread_state();
    if (ts.scratch.size() < k.scratch.get_size()) ts.scratch.resize(k.scratch.get_size());
    const dnnl::memory::dims& d = impl_->dst_dims;
    out.resize(d[1], static_cast<Eigen::Index>(batch) * d[2] * d[3]);
    void* source = const_cast<float*>(in);
    if (k.int8) {
        const std::size_t n = k.src.get_size();
        if (ts.codes.size() < n) ts.codes.resize(n);
        std::uint8_t* codes =
            ts.codes.data();  // local: a thread_local's pointer blocks vectorizing
        for (std::size_t i = 0; i < n; ++i)
            codes[i] = static_cast<std::uint8_t>(static_cast<std::int32_t>(in[i]));
        source = ts.codes.data();
    }
    dnnl::memory src(k.src, cpu_engine(), source);
    dnnl::memory dst(k.dst, cpu_engine(), out.data());
    std::unordered_map<int, dnnl::memory> args{
        {DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, k.weights}, {DNNL_ARG_DST, dst}};
    if (k.scratch.get_size() > 0)
        args.emplace(DNNL_ARG_SCRATCHPAD, dnnl::memory(k.scratch, cpu_engine(), ts.scratch.data()));
    k.conv.execute(ts.stream, args);
    ts.stream.wait();
}

}  // namespace serialq::quant::detail
