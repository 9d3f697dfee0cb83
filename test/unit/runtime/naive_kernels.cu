//===- naive_kernels.cu - Hand-written kernels for the runtime's GPU test -===//
//
// Deliberately simple CUDA kernels with the launch ABI mixc's kernels have
// (every argument an expanded MLIR memref: allocated and aligned pointers,
// offset, sizes, strides), so that libmixrt, mixc-bench and python/mixrt.py
// can be tested end to end on a GPU before the compiler emits kernels of its
// own: attention (causal, sliding window with sinks, grouped heads, lse),
// SSD (the Mamba-2 recurrence, mixed bf16/f32 arguments) and Monarch, plus
// three wrong ones (an output half written, a mask ignored, a fault) that
// mixc-bench must catch. One thread per output row; speed is not the point.
// Each kernel indexes through the strides it is given, so the runtime's
// parameter layout is checked too. gpu-smoke.sh builds and runs them.
//
//===----------------------------------------------------------------------===//

#include <cuda_bf16.h>
#include <stdint.h>

#define MEMREF1(T, n)                                                          \
  T *n##_alloc, T *n, int64_t n##_off, int64_t n##_s0, int64_t n##_t0
#define MEMREF3(T, n)                                                          \
  T *n##_alloc, T *n, int64_t n##_off, int64_t n##_s0, int64_t n##_s1,         \
      int64_t n##_s2, int64_t n##_t0, int64_t n##_t1, int64_t n##_t2
#define MEMREF4(T, n)                                                          \
  T *n##_alloc, T *n, int64_t n##_off, int64_t n##_s0, int64_t n##_s1,         \
      int64_t n##_s2, int64_t n##_s3, int64_t n##_t0, int64_t n##_t1,          \
      int64_t n##_t2, int64_t n##_t3

#define AT3(n, a, b, c) n[n##_off + (a)*n##_t0 + (b)*n##_t1 + (c)*n##_t2]
#define AT4(n, a, b, c, d)                                                     \
  n[n##_off + (a)*n##_t0 + (b)*n##_t1 + (c)*n##_t2 + (d)*n##_t3]

constexpr int kMaxDim = 128;

/// One thread per query row i of (b, h) = (blockIdx.y / Hq, blockIdx.y % Hq);
/// online softmax over the allowed keys. WINDOW < 0: no window.
template <bool CAUSAL, int WINDOW, int SINKS, bool IGNORE_MASK>
__device__ void
attentionRow(MEMREF4(const __nv_bfloat16, q), MEMREF4(const __nv_bfloat16, k),
             MEMREF4(const __nv_bfloat16, v), MEMREF4(__nv_bfloat16, o),
             float *lse, int64_t lseT0, int64_t lseT1, int64_t lseT2) {
  // Touch the last byte of the dynamic shared memory the manifest asks for,
  // so a launch without the opt-in past 48 KiB would fail.
  extern __shared__ char scratch[];
  unsigned sharedBytes;
  asm("mov.u32 %0, %%dynamic_smem_size;" : "=r"(sharedBytes));
  if (threadIdx.x == 0 && sharedBytes > 0)
    scratch[sharedBytes - 1] = 0;
  const int64_t heads = q_s1, qLen = q_s2, dim = q_s3;
  const int64_t kvHeads = k_s1, kLen = k_s2, vDim = v_s3;
  const int64_t b = blockIdx.y / heads, h = blockIdx.y % heads;
  const int64_t kvh = h / (heads / kvHeads);
  const int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x;
  if (i >= qLen)
    return;
  const float scale = rsqrtf((float)dim);
  float acc[kMaxDim];
  for (int64_t e = 0; e < vDim; ++e)
    acc[e] = 0.0f;
  float rowMax = -INFINITY, sum = 0.0f;
  for (int64_t j = 0; j < kLen; ++j) {
    if (!IGNORE_MASK) {
      if (CAUSAL && j > i)
        break;
      if (WINDOW >= 0 && j >= SINKS && j < i - WINDOW)
        continue;
    }
    float s = 0.0f;
    for (int64_t d = 0; d < dim; ++d)
      s += __bfloat162float(AT4(q, b, h, i, d)) *
           __bfloat162float(AT4(k, b, kvh, j, d));
    s *= scale;
    const float newMax = fmaxf(rowMax, s);
    const float correction = __expf(rowMax - newMax), p = __expf(s - newMax);
    sum = sum * correction + p;
    for (int64_t e = 0; e < vDim; ++e)
      acc[e] = acc[e] * correction + p * __bfloat162float(AT4(v, b, kvh, j, e));
    rowMax = newMax;
  }
  for (int64_t e = 0; e < vDim; ++e)
    AT4(o, b, h, i, e) = __float2bfloat16(sum > 0 ? acc[e] / sum : 0.0f);
  if (lse)
    lse[b * lseT0 + h * lseT1 + i * lseT2] =
        sum > 0 ? rowMax + logf(sum) : -INFINITY;
}

extern "C" __global__ void attention_causal_lse(MEMREF4(const __nv_bfloat16, q),
                                                MEMREF4(const __nv_bfloat16, k),
                                                MEMREF4(const __nv_bfloat16, v),
                                                MEMREF4(__nv_bfloat16, o),
                                                MEMREF3(float, lse)) {
  attentionRow<true, -1, 0, false>(
      q_alloc, q, q_off, q_s0, q_s1, q_s2, q_s3, q_t0, q_t1, q_t2, q_t3,
      k_alloc, k, k_off, k_s0, k_s1, k_s2, k_s3, k_t0, k_t1, k_t2, k_t3,
      v_alloc, v, v_off, v_s0, v_s1, v_s2, v_s3, v_t0, v_t1, v_t2, v_t3,
      o_alloc, o, o_off, o_s0, o_s1, o_s2, o_s3, o_t0, o_t1, o_t2, o_t3,
      lse + lse_off, lse_t0, lse_t1, lse_t2);
}

#define ATTENTION_NO_LSE(NAME, CAUSAL, WINDOW, SINKS, IGNORE)                  \
  extern "C" __global__ void NAME(                                             \
      MEMREF4(const __nv_bfloat16, q), MEMREF4(const __nv_bfloat16, k),        \
      MEMREF4(const __nv_bfloat16, v), MEMREF4(__nv_bfloat16, o)) {            \
    attentionRow<CAUSAL, WINDOW, SINKS, IGNORE>(                               \
        q_alloc, q, q_off, q_s0, q_s1, q_s2, q_s3, q_t0, q_t1, q_t2, q_t3,     \
        k_alloc, k, k_off, k_s0, k_s1, k_s2, k_s3, k_t0, k_t1, k_t2, k_t3,     \
        v_alloc, v, v_off, v_s0, v_s1, v_s2, v_s3, v_t0, v_t1, v_t2, v_t3,     \
        o_alloc, o, o_off, o_s0, o_s1, o_s2, o_s3, o_t0, o_t1, o_t2, o_t3,     \
        nullptr, 0, 0, 0);                                                     \
  }

ATTENTION_NO_LSE(attention_full, false, -1, 0, false)
ATTENTION_NO_LSE(attention_sliding_sinks, true, 256, 4, false)
// Wrong on purpose: computes full attention whatever the manifest says.
ATTENTION_NO_LSE(attention_ignores_mask, true, -1, 0, true)

/// Mamba-2 SSD as its recurrence, one thread per (b, h, p):
/// state = a state + dt B x; y = C . state + D x, dt = softplus(dt).
extern "C" __global__ void
ssd_recurrence(MEMREF4(const __nv_bfloat16, x), MEMREF3(const float, dt),
               MEMREF1(const float, A), MEMREF4(const __nv_bfloat16, B),
               MEMREF4(const __nv_bfloat16, C), MEMREF1(const float, D),
               MEMREF4(__nv_bfloat16, y)) {
  const int64_t len = x_s1, heads = x_s2, headDim = x_s3;
  const int64_t groups = B_s2, state = B_s3;
  const int64_t p = blockIdx.x * (int64_t)blockDim.x + threadIdx.x;
  const int64_t h = blockIdx.y, b = blockIdx.z;
  if (p >= headDim)
    return;
  const int64_t g = h / (heads / groups);
  float s[kMaxDim];
  for (int64_t n = 0; n < state; ++n)
    s[n] = 0.0f;
  for (int64_t t = 0; t < len; ++t) {
    const float raw = AT3(dt, b, t, h);
    const float dtv = raw > 20.0f ? raw : log1pf(__expf(raw));
    const float a = __expf(dtv * A[A_off + h * A_t0]);
    const float xv = __bfloat162float(AT4(x, b, t, h, p));
    float out = 0.0f;
    for (int64_t n = 0; n < state; ++n) {
      s[n] = a * s[n] + dtv * __bfloat162float(AT4(B, b, t, g, n)) * xv;
      out += __bfloat162float(AT4(C, b, t, g, n)) * s[n];
    }
    AT4(y, b, t, h, p) = __float2bfloat16(out + D[D_off + h * D_t0] * xv);
  }
}

/// Monarch product, one thread per output element (row, si * l + lb);
/// EVEN_ROWS_ONLY leaves the odd rows unwritten (wrong on purpose).
template <bool EVEN_ROWS_ONLY>
__device__ void monarchElement(const float *x, int64_t xT0, int64_t n,
                               const float *f1, int64_t k, int64_t q, int64_t p,
                               const float *f2, int64_t l, int64_t s, int64_t r,
                               float *y, int64_t yT0) {
  const int64_t row = blockIdx.y;
  const int64_t j = blockIdx.x * (int64_t)blockDim.x + threadIdx.x;
  if (j >= l * s || (EVEN_ROWS_ONLY && row % 2))
    return;
  const int64_t si = j / l, lb = j % l;
  float sum = 0.0f;
  for (int64_t ri = 0; ri < r; ++ri) {
    // u[ri * l + lb] = u[kb * q + qi].
    const int64_t flat = ri * l + lb, kb = flat / q, qi = flat % q;
    float u = 0.0f;
    for (int64_t pi = 0; pi < p; ++pi)
      u += f1[(kb * q + qi) * p + pi] * x[row * xT0 + kb * p + pi];
    sum += f2[(lb * s + si) * r + ri] * u;
  }
  y[row * yT0 + j] = sum;
}

extern "C" __global__ void
monarch(float *x_alloc, const float *x, int64_t x_off, int64_t x_s0,
        int64_t x_s1, int64_t x_t0, int64_t x_t1, MEMREF3(const float, f1),
        MEMREF3(const float, f2), float *y_alloc, float *y, int64_t y_off,
        int64_t y_s0, int64_t y_s1, int64_t y_t0, int64_t y_t1) {
  monarchElement<false>(x + x_off, x_t0, x_s1, f1 + f1_off, f1_s0, f1_s1, f1_s2,
                        f2 + f2_off, f2_s0, f2_s1, f2_s2, y + y_off, y_t0);
}

extern "C" __global__ void
monarch_half_written(float *x_alloc, const float *x, int64_t x_off,
                     int64_t x_s0, int64_t x_s1, int64_t x_t0, int64_t x_t1,
                     MEMREF3(const float, f1), MEMREF3(const float, f2),
                     float *y_alloc, float *y, int64_t y_off, int64_t y_s0,
                     int64_t y_s1, int64_t y_t0, int64_t y_t1) {
  monarchElement<true>(x + x_off, x_t0, x_s1, f1 + f1_off, f1_s0, f1_s1, f1_s2,
                       f2 + f2_off, f2_s0, f2_s1, f2_s2, y + y_off, y_t0);
}

/// Writes through a null pointer: the launch faults.
extern "C" __global__ void
monarch_faults(float *x_alloc, const float *x, int64_t x_off, int64_t x_s0,
               int64_t x_s1, int64_t x_t0, int64_t x_t1,
               MEMREF3(const float, f1), MEMREF3(const float, f2),
               float *y_alloc, float *y, int64_t y_off, int64_t y_s0,
               int64_t y_s1, int64_t y_t0, int64_t y_t1) {
  *(volatile float *)(y_s0 * 0) = 1.0f;
}
