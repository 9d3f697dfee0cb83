//===- KernelBuilder.h - Shared pieces of the GPU kernel builders -*- C++
//-*-===//
//
// A kernel builder is a function from (mix op, #mix.schedule) to a `gpu.func`
// in the `gpu.module` that --convert-mix-to-gpu creates. This header holds
// what every builder shares: the launch description that the CUDA target
// writes into the manifest, the plan of the one dynamic shared-memory block,
// and terse index/f32 arithmetic for per-thread code.
//
//===----------------------------------------------------------------------===//

#ifndef MIXC_PASSES_KERNELBUILDERS_KERNELBUILDER_H
#define MIXC_PASSES_KERNELBUILDERS_KERNELBUILDER_H

#include "mixc/Dialect/Mix/MixOps.h"
#include "mixc/Passes/KernelLayouts.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"

#include <array>
#include <string>

namespace mixc::kernels {

/// One factor of a grid dimension: `constant`, or, when `arg` >= 0,
/// ceil(size of dimension `dim` of kernel argument `arg` / `ceilDiv`) at
/// launch time.
struct GridFactor {
  int64_t constant = 1;
  int64_t arg = -1, dim = -1, ceilDiv = 1;
};

/// What the runtime needs to launch a kernel beyond its arguments. Stored on
/// the gpu.func as the `mix.launch` dictionary (see setLaunchAttr) and
/// written into the manifest by the CUDA target.
struct LaunchConfig {
  int64_t blockThreads = 128;
  /// Each grid dimension is the product of its factors (none = 1).
  std::array<llvm::SmallVector<GridFactor, 2>, 3> grid;
  int64_t sharedBytes = 0;
  /// Global scratch memory: `workspaceBytes` times the product of
  /// `workspaceTimes` (0: none). The kernel's last argument, a memref<?xi8>
  /// that the runtime allocates zero-filled and keeps between launches; the
  /// kernel must leave it as it found it.
  int64_t workspaceBytes = 0;
  llvm::SmallVector<GridFactor, 1> workspaceTimes;
  /// TMA tensor maps, the kernel's last parameters (after the workspace), in
  /// this order: each of type tensorMapArgType(), passed by value (see
  /// mixc/Runtime/Manifest.h's TensorMap for what the runtime encodes).
  struct TensorMap {
    int64_t arg; // the memref argument it views (rank = box.size())
    /// Elements, outermost first, at most 256 each: [rows, cols] views the
    /// argument as [product of leading dims, last dim]; [planes, rows,
    /// cols] as [product of leading dims, dim -2, dim -1].
    llvm::SmallVector<int64_t, 3> box;
    int64_t swizzle; // bytes of the swizzle span: 0, 32, 64, 128
  };
  llvm::SmallVector<TensorMap, 2> tensorMaps;
};

/// One buffer of the dynamic shared-memory block.
struct SharedBuffer {
  std::string name;
  int64_t offset, bytes;
};

/// The layout of a kernel's one dynamic shared-memory block: every buffer is
/// a view at an explicit, aligned byte offset from one base. LLVM 22's NVPTX
/// backend emits each zero-size workgroup global as its own 1-byte symbol,
/// so no buffer may be a separate global or a second base.
class SharedMemoryPlan {
public:
  /// Places `bytes` at the next offset aligned to `alignment` (a power of 2).
  int64_t allocate(llvm::StringRef name, int64_t bytes,
                   int64_t alignment = 128);
  int64_t totalBytes() const { return end; }
  llvm::ArrayRef<SharedBuffer> buffers() const { return list; }
  /// Whether two buffers overlap: an internal error of a builder.
  bool hasOverlap() const;

private:
  llvm::SmallVector<SharedBuffer> list;
  int64_t end = 0;
};

/// Index and f32 arithmetic with short names, for per-thread kernel code.
/// Index values are signed.
class Emitter {
public:
  explicit Emitter(mlir::ImplicitLocOpBuilder &b) : b(b) {}

  mlir::Value index(int64_t value);
  mlir::Value f32(double value);
  mlir::Value add(mlir::Value lhs, mlir::Value rhs);
  mlir::Value add(mlir::Value lhs, int64_t rhs);
  mlir::Value sub(mlir::Value lhs, mlir::Value rhs);
  mlir::Value mul(mlir::Value lhs, int64_t rhs);
  mlir::Value mul(mlir::Value lhs, mlir::Value rhs);
  /// Floor division and remainder by a positive constant or value (operands
  /// are nonnegative wherever these are used).
  mlir::Value div(mlir::Value lhs, int64_t rhs);
  mlir::Value div(mlir::Value lhs, mlir::Value rhs);
  mlir::Value rem(mlir::Value lhs, int64_t rhs);
  mlir::Value rem(mlir::Value lhs, mlir::Value rhs);
  mlir::Value ceilDiv(mlir::Value lhs, int64_t rhs);
  mlir::Value min(mlir::Value lhs, mlir::Value rhs);
  mlir::Value max(mlir::Value lhs, mlir::Value rhs);
  mlir::Value lt(mlir::Value lhs, mlir::Value rhs);
  mlir::Value le(mlir::Value lhs, mlir::Value rhs);
  mlir::Value gt(mlir::Value lhs, mlir::Value rhs);
  mlir::Value ge(mlir::Value lhs, mlir::Value rhs);
  mlir::Value eq(mlir::Value lhs, mlir::Value rhs);
  mlir::Value andI(mlir::Value lhs, mlir::Value rhs);
  mlir::Value orI(mlir::Value lhs, mlir::Value rhs);
  mlir::Value select(mlir::Value cond, mlir::Value lhs, mlir::Value rhs);

  /// f32 arithmetic that may contract (a * b + c as one FFMA).
  mlir::Value fadd(mlir::Value lhs, mlir::Value rhs);
  mlir::Value fsub(mlir::Value lhs, mlir::Value rhs);
  mlir::Value fmul(mlir::Value lhs, mlir::Value rhs);
  mlir::Value fdiv(mlir::Value lhs, mlir::Value rhs);
  mlir::Value fmax(mlir::Value lhs, mlir::Value rhs);
  mlir::Value feq(mlir::Value lhs, mlir::Value rhs);
  mlir::Value fgt(mlir::Value lhs, mlir::Value rhs);
  /// 2^x with the hardware approximation (ex2.approx.f32).
  mlir::Value exp2(mlir::Value value);
  /// log2(x) (lg2.approx.f32).
  mlir::Value log2(mlir::Value value);
  /// The value of lane (lane ^ mask) of the warp.
  mlir::Value shuffleXor(mlir::Value value, int64_t mask);
  /// The value of lane (lane - delta) of the warp (lanes below delta get
  /// their own value back).
  mlir::Value shuffleUp(mlir::Value value, int64_t delta);

  mlir::ImplicitLocOpBuilder &builder() { return b; }

private:
  mlir::ImplicitLocOpBuilder &b;
};

/// Creates `scf.if (condition)` without an else region and moves `b` into
/// its body (the caller restores the insertion point, e.g. with an
/// OpBuilder::InsertionGuard taken before).
void ifThen(mlir::ImplicitLocOpBuilder &b, mlir::Value condition);

/// One PTX instruction as LLVM inline assembly (pure: no side effects).
mlir::Value inlinePtx(mlir::ImplicitLocOpBuilder &b, mlir::Type resultType,
                      llvm::StringRef text, llvm::StringRef constraints,
                      mlir::ValueRange operands);

/// One PTX instruction sequence with side effects (atomics, fences, ordered
/// loads): never hoisted, merged or removed. `resultType` may be null.
mlir::Value inlinePtxVolatile(mlir::ImplicitLocOpBuilder &b,
                              mlir::Type resultType, llvm::StringRef text,
                              llvm::StringRef constraints,
                              mlir::ValueRange operands);

//===----------------------------------------------------------------------===//
// mbarriers and TMA (sm_90), as inline PTX. Addresses are i32 shared-window
// addresses; counts, parities and coordinates are index values.
//===----------------------------------------------------------------------===//

/// mbarrier.init with `count` arrivals per phase.
void mbarrierInit(mlir::ImplicitLocOpBuilder &b, mlir::Value address,
                  int64_t count);
/// fence.mbarrier_init.release.cluster: the initializations visible to the
/// cluster and the copy engine (before the barrier that follows).
void mbarrierInitFence(mlir::ImplicitLocOpBuilder &b);
/// The mbarriers of a `stages`-slot ring filled by one producer: per slot, a
/// "full" one (1 arrival: the producer's, with the byte count) and an
/// "empty" one (`consumers` arrivals), at `address(slot, empty)`; then
/// mbarrierInitFence. Call from one thread.
void initRingBarriers(mlir::ImplicitLocOpBuilder &b, int64_t stages,
                      int64_t consumers,
                      llvm::function_ref<mlir::Value(int64_t, bool)> address);
/// One arrival.
void mbarrierArrive(mlir::ImplicitLocOpBuilder &b, mlir::Value address);
/// One arrival that also expects `bytes` of transactions (complete_tx).
void mbarrierArriveExpectTx(mlir::ImplicitLocOpBuilder &b, mlir::Value address,
                            int64_t bytes);
/// Spins until the phase of parity `phase` mod 2 has completed (try_wait,
/// acquire: what completed it is visible after).
void mbarrierWait(mlir::ImplicitLocOpBuilder &b, mlir::Value address,
                  mlir::Value phase);
/// One TMA box (cp.async.bulk.tensor, 2-D or 3-D by the number of
/// `coordinates`, innermost first) of the tensor map at generic address
/// `map` into shared `dest`, counted on the mbarrier at `barrier`.
void tmaLoadBox(mlir::ImplicitLocOpBuilder &b, mlir::Value dest,
                mlir::Value map, mlir::ValueRange coordinates,
                mlir::Value barrier);

/// The memref type of a kernel argument for a value of tensor type `type`:
/// same shape and element type, in global memory.
mlir::MemRefType globalMemRefType(mlir::RankedTensorType type);

/// The type of a tensor-map kernel parameter: the generic address of the
/// 128-byte parameter (after the lowering, markTensorMapParams makes it a
/// `byval` __grid_constant__ parameter, so the address is the parameter's
/// own, as cp.async.bulk.tensor takes it).
mlir::Type tensorMapArgType(mlir::MLIRContext *context);

/// Creates `gpu.func @name(argTypes) kernel` at the end of `module` and
/// places `b` at the start of its body.
mlir::gpu::GPUFuncOp createKernel(mlir::ImplicitLocOpBuilder &b,
                                  mlir::gpu::GPUModuleOp module,
                                  llvm::StringRef name,
                                  mlir::TypeRange argTypes);

/// The view of `bytes` of the dynamic shared-memory block `base` at
/// `byteOffset` as a `shape` buffer of `elementType`.
mlir::Value sharedView(mlir::ImplicitLocOpBuilder &b, mlir::Value base,
                       mlir::Value byteOffset, llvm::ArrayRef<int64_t> shape,
                       mlir::Type elementType);

/// When `minBlocksPerSM` > 1, tells the backend the block size
/// (`known_block_size`, PTX .maxntid) and how many blocks must fit on one SM
/// (`nvvm.minctasm`, PTX .minnctapersm): ptxas then caps the registers.
void setOccupancyHints(mlir::gpu::GPUFuncOp kernel, int64_t threads,
                       int64_t minBlocksPerSM);

/// Records how to launch `kernel` and what it computes (for the manifest and
/// mixc-bench's reference check) as its `mix.launch` attribute:
/// {block, grid, shared_bytes, op, op_attrs, schedule, arg_names, arg_roles}
/// and, with a workspace, `workspace` = [bytes, factors...]; with tensor
/// maps, `tensor_maps` = [[arg, swizzle, box sizes...]...], and the
/// kernel's `mix.tensor_maps` = their count (for markTensorMapParams).
void setLaunchAttr(mlir::gpu::GPUFuncOp kernel, const LaunchConfig &config,
                   mlir::Operation *op, mix::ScheduleAttr schedule,
                   llvm::ArrayRef<llvm::StringRef> argNames,
                   llvm::ArrayRef<llvm::StringRef> argRoles,
                   mlir::DictionaryAttr opAttrs);

/// The schedule that lowers `op` on `chip`: its own, else its default
/// template (mix::getDefaultScheduleTemplate) with every parameter at its
/// default, or lowered where `chip` cannot run it (mix::defaultValues).
mix::ScheduleAttr effectiveSchedule(mix::ScheduledOpInterface op,
                                    llvm::StringRef chip);

//===----------------------------------------------------------------------===//
// Kernel builders, one per (op, template). Each emits an error at the op and
// returns failure for what it cannot lower, naming the feature.
//===----------------------------------------------------------------------===//

/// mix.attention with `attention.mma_sync`: FlashAttention-2 with mma.sync
/// (passes/KernelBuilders/Attention.cpp).
mlir::FailureOr<mlir::gpu::GPUFuncOp>
buildAttentionMmaSyncKernel(mix::AttentionOp op, mix::ScheduleAttr schedule,
                            mlir::gpu::GPUModuleOp module,
                            llvm::StringRef name);

/// mix.attention with `attention.wgmma`: the same algorithm with Hopper's
/// wgmma.mma_async from 128-byte-swizzled shared tiles, one warpgroup per 64
/// query rows (passes/KernelBuilders/Attention.cpp).
mlir::FailureOr<mlir::gpu::GPUFuncOp>
buildAttentionWgmmaKernel(mix::AttentionOp op, mix::ScheduleAttr schedule,
                          mlir::gpu::GPUModuleOp module, llvm::StringRef name);

/// mix.ssd with `ssd.chunked`: the chunked Mamba-2 SSD in one launch, state
/// carried between chunks in registers (passes/KernelBuilders/Ssd.cpp).
mlir::FailureOr<mlir::gpu::GPUFuncOp>
buildSsdChunkedKernel(mix::SSDOp op, mix::ScheduleAttr schedule,
                      mlir::gpu::GPUModuleOp module, llvm::StringRef name);

/// mix.monarch with `monarch.fused`: both block-diagonal products in one
/// kernel, the permutation through shared memory, for NVVM chip `chip`
/// (clusters need sm_90 or later) (passes/KernelBuilders/Monarch.cpp).
mlir::FailureOr<mlir::gpu::GPUFuncOp>
buildMonarchFusedKernel(mix::MonarchOp op, mix::ScheduleAttr schedule,
                        mlir::gpu::GPUModuleOp module, llvm::StringRef name,
                        llvm::StringRef chip);

} // namespace mixc::kernels

#endif // MIXC_PASSES_KERNELBUILDERS_KERNELBUILDER_H
