//===- KernelBuilder.cpp - Shared pieces of the GPU kernel builders -------===//
//
// The shared-memory plan, the arithmetic helpers, kernel creation and the
// `mix.launch` attribute that every kernel builder uses (KernelBuilder.h).
//
//===----------------------------------------------------------------------===//

#include "KernelBuilder.h"

#include "mixc/Dialect/Mix/ScheduleTemplates.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mixc;
using namespace mixc::kernels;

//===----------------------------------------------------------------------===//
// SharedMemoryPlan
//===----------------------------------------------------------------------===//

int64_t SharedMemoryPlan::allocate(StringRef name, int64_t bytes,
                                   int64_t alignment) {
  int64_t offset = (end + alignment - 1) / alignment * alignment;
  list.push_back({name.str(), offset, bytes});
  end = offset + bytes;
  return offset;
}

bool SharedMemoryPlan::hasOverlap() const {
  for (size_t i = 0; i < list.size(); ++i)
    for (size_t j = i + 1; j < list.size(); ++j)
      if (list[i].offset < list[j].offset + list[j].bytes &&
          list[j].offset < list[i].offset + list[i].bytes)
        return true;
  return false;
}

//===----------------------------------------------------------------------===//
// Emitter
//===----------------------------------------------------------------------===//

Value Emitter::index(int64_t value) {
  return arith::ConstantIndexOp::create(b, value);
}
Value Emitter::f32(double value) {
  return arith::ConstantOp::create(b, b.getF32FloatAttr(value));
}
Value Emitter::add(Value lhs, Value rhs) {
  return arith::AddIOp::create(b, lhs, rhs);
}
Value Emitter::add(Value lhs, int64_t rhs) {
  return rhs == 0 ? lhs : add(lhs, index(rhs));
}
Value Emitter::sub(Value lhs, Value rhs) {
  return arith::SubIOp::create(b, lhs, rhs);
}
Value Emitter::mul(Value lhs, int64_t rhs) {
  return rhs == 1 ? lhs : mul(lhs, index(rhs));
}
Value Emitter::mul(Value lhs, Value rhs) {
  return arith::MulIOp::create(b, lhs, rhs);
}
Value Emitter::div(Value lhs, int64_t rhs) {
  return rhs == 1 ? lhs : div(lhs, index(rhs));
}
Value Emitter::div(Value lhs, Value rhs) {
  return arith::DivUIOp::create(b, lhs, rhs);
}
Value Emitter::rem(Value lhs, int64_t rhs) { return rem(lhs, index(rhs)); }
Value Emitter::rem(Value lhs, Value rhs) {
  return arith::RemUIOp::create(b, lhs, rhs);
}
Value Emitter::ceilDiv(Value lhs, int64_t rhs) {
  return div(add(lhs, rhs - 1), rhs);
}
Value Emitter::min(Value lhs, Value rhs) {
  return arith::MinSIOp::create(b, lhs, rhs);
}
Value Emitter::max(Value lhs, Value rhs) {
  return arith::MaxSIOp::create(b, lhs, rhs);
}
Value Emitter::lt(Value lhs, Value rhs) {
  return arith::CmpIOp::create(b, arith::CmpIPredicate::slt, lhs, rhs);
}
Value Emitter::le(Value lhs, Value rhs) {
  return arith::CmpIOp::create(b, arith::CmpIPredicate::sle, lhs, rhs);
}
Value Emitter::gt(Value lhs, Value rhs) {
  return arith::CmpIOp::create(b, arith::CmpIPredicate::sgt, lhs, rhs);
}
Value Emitter::ge(Value lhs, Value rhs) {
  return arith::CmpIOp::create(b, arith::CmpIPredicate::sge, lhs, rhs);
}
Value Emitter::eq(Value lhs, Value rhs) {
  return arith::CmpIOp::create(b, arith::CmpIPredicate::eq, lhs, rhs);
}
Value Emitter::andI(Value lhs, Value rhs) {
  return arith::AndIOp::create(b, lhs, rhs);
}
Value Emitter::orI(Value lhs, Value rhs) {
  return arith::OrIOp::create(b, lhs, rhs);
}
Value Emitter::select(Value cond, Value lhs, Value rhs) {
  return arith::SelectOp::create(b, cond, lhs, rhs);
}
// `contract`: a product feeding a sum may become one FFMA (what nvcc does by
// default); without it the PTX says mul.rn / add.rn and ptxas keeps them apart.
static arith::FastMathFlagsAttr contract(ImplicitLocOpBuilder &b) {
  return arith::FastMathFlagsAttr::get(b.getContext(),
                                       arith::FastMathFlags::contract);
}
Value Emitter::fadd(Value lhs, Value rhs) {
  return arith::AddFOp::create(b, lhs, rhs, contract(b));
}
Value Emitter::fsub(Value lhs, Value rhs) {
  return arith::SubFOp::create(b, lhs, rhs, contract(b));
}
Value Emitter::fmul(Value lhs, Value rhs) {
  return arith::MulFOp::create(b, lhs, rhs, contract(b));
}
Value Emitter::fdiv(Value lhs, Value rhs) {
  return arith::DivFOp::create(b, lhs, rhs);
}
Value Emitter::fmax(Value lhs, Value rhs) {
  return arith::MaxNumFOp::create(b, lhs, rhs);
}
Value Emitter::feq(Value lhs, Value rhs) {
  return arith::CmpFOp::create(b, arith::CmpFPredicate::OEQ, lhs, rhs);
}
Value Emitter::fgt(Value lhs, Value rhs) {
  return arith::CmpFOp::create(b, arith::CmpFPredicate::OGT, lhs, rhs);
}
// Inline PTX: convert-gpu-to-nvvm rewrites llvm.intr.exp2/log2 into libdevice
// calls, which would need libdevice linked; the approximations are what a
// softmax wants anyway.
Value Emitter::exp2(Value value) {
  return inlinePtx(b, b.getF32Type(), "ex2.approx.ftz.f32 $0, $1;", "=f,f",
                   value);
}
Value Emitter::log2(Value value) {
  return inlinePtx(b, b.getF32Type(), "lg2.approx.ftz.f32 $0, $1;", "=f,f",
                   value);
}
Value Emitter::shuffleXor(Value value, int64_t mask) {
  Value offset = arith::ConstantOp::create(b, b.getI32IntegerAttr(mask));
  Value width = arith::ConstantOp::create(b, b.getI32IntegerAttr(32));
  return gpu::ShuffleOp::create(b, value, offset, width, gpu::ShuffleMode::XOR)
      .getShuffleResult();
}

Value Emitter::shuffleUp(Value value, int64_t delta) {
  Value offset = arith::ConstantOp::create(b, b.getI32IntegerAttr(delta));
  Value width = arith::ConstantOp::create(b, b.getI32IntegerAttr(32));
  return gpu::ShuffleOp::create(b, value, offset, width, gpu::ShuffleMode::UP)
      .getShuffleResult();
}

void kernels::ifThen(ImplicitLocOpBuilder &b, Value condition) {
  auto op = scf::IfOp::create(b, condition, /*withElseRegion=*/false);
  b.setInsertionPointToStart(&op.getThenRegion().front());
}

Value kernels::inlinePtx(ImplicitLocOpBuilder &b, Type resultType,
                         StringRef text, StringRef constraints,
                         ValueRange operands) {
  MLIRContext *context = b.getContext();
  return LLVM::InlineAsmOp::create(
             b, resultType, operands, b.getStringAttr(text),
             b.getStringAttr(constraints), /*has_side_effects=*/UnitAttr(),
             /*is_align_stack=*/UnitAttr(),
             LLVM::TailCallKindAttr::get(context, LLVM::TailCallKind::None),
             LLVM::AsmDialectAttr::get(context, LLVM::AsmDialect::AD_ATT),
             /*operand_attrs=*/ArrayAttr())
      .getRes();
}

Value kernels::inlinePtxVolatile(ImplicitLocOpBuilder &b, Type resultType,
                                 StringRef text, StringRef constraints,
                                 ValueRange operands) {
  MLIRContext *context = b.getContext();
  SmallVector<Type, 1> results;
  if (resultType)
    results.push_back(resultType);
  auto op = LLVM::InlineAsmOp::create(
      b, results, operands, b.getStringAttr(text), b.getStringAttr(constraints),
      /*has_side_effects=*/b.getUnitAttr(), /*is_align_stack=*/UnitAttr(),
      LLVM::TailCallKindAttr::get(context, LLVM::TailCallKind::None),
      LLVM::AsmDialectAttr::get(context, LLVM::AsmDialect::AD_ATT),
      /*operand_attrs=*/ArrayAttr());
  return resultType ? op.getRes() : Value();
}

//===----------------------------------------------------------------------===//
// mbarriers and TMA
//===----------------------------------------------------------------------===//

static Value i32Value(ImplicitLocOpBuilder &b, Value index) {
  return arith::IndexCastOp::create(b, b.getI32Type(), index);
}

static Value i32Constant(ImplicitLocOpBuilder &b, int64_t value) {
  return arith::ConstantOp::create(b, b.getI32IntegerAttr(value));
}

void kernels::mbarrierInit(ImplicitLocOpBuilder &b, Value address,
                           int64_t count) {
  inlinePtxVolatile(b, Type(), "mbarrier.init.shared::cta.b64 [$0], $1;",
                    "r,r,~{memory}",
                    ValueRange{address, i32Constant(b, count)});
}

void kernels::mbarrierInitFence(ImplicitLocOpBuilder &b) {
  inlinePtxVolatile(b, Type(), "fence.mbarrier_init.release.cluster;",
                    "~{memory}", ValueRange{});
}

void kernels::initRingBarriers(ImplicitLocOpBuilder &b, int64_t stages,
                               int64_t consumers,
                               function_ref<Value(int64_t, bool)> address) {
  for (int64_t slot = 0; slot < stages; ++slot) {
    mbarrierInit(b, address(slot, /*empty=*/false), 1);
    mbarrierInit(b, address(slot, /*empty=*/true), consumers);
  }
  mbarrierInitFence(b);
}

void kernels::mbarrierArrive(ImplicitLocOpBuilder &b, Value address) {
  inlinePtxVolatile(b, Type(), "mbarrier.arrive.shared::cta.b64 _, [$0];",
                    "r,~{memory}", ValueRange{address});
}

void kernels::mbarrierArriveExpectTx(ImplicitLocOpBuilder &b, Value address,
                                     int64_t bytes) {
  inlinePtxVolatile(
      b, Type(), "mbarrier.arrive.expect_tx.shared::cta.b64 _, [$0], $1;",
      "r,r,~{memory}", ValueRange{address, i32Constant(b, bytes)});
}

void kernels::mbarrierWait(ImplicitLocOpBuilder &b, Value address,
                           Value phase) {
  Emitter e(b);
  inlinePtxVolatile(b, Type(),
                    "{\n.reg .pred done;\nwait:\n"
                    "mbarrier.try_wait.parity.shared::cta.b64 done, [$0], $1;\n"
                    "@!done bra wait;\n}",
                    "r,r,~{memory}",
                    ValueRange{address, i32Value(b, e.rem(phase, 2))});
}

void kernels::tmaLoadBox(ImplicitLocOpBuilder &b, Value dest, Value map,
                         ValueRange coordinates, Value barrier) {
  size_t rank = coordinates.size();
  assert((rank == 2 || rank == 3) && "2-D or 3-D boxes");
  std::string list;
  SmallVector<Value> operands = {dest, map};
  for (size_t i = 0; i < rank; ++i) {
    list += (i ? ", $" : "$") + std::to_string(2 + i);
    operands.push_back(i32Value(b, coordinates[i]));
  }
  operands.push_back(barrier);
  std::string text = "cp.async.bulk.tensor." + std::to_string(rank) +
                     "d.shared::cluster.global.tile.mbarrier::complete_tx::"
                     "bytes [$0], [$1, {" +
                     list + "}], [$" + std::to_string(2 + rank) + "];";
  std::string constraints =
      "r,l," + std::string(rank == 2 ? "r,r," : "r,r,r,") + "r,~{memory}";
  inlinePtxVolatile(b, Type(), text, constraints, operands);
}

//===----------------------------------------------------------------------===//
// Kernels
//===----------------------------------------------------------------------===//

MemRefType kernels::globalMemRefType(RankedTensorType type) {
  auto space =
      gpu::AddressSpaceAttr::get(type.getContext(), gpu::AddressSpace::Global);
  return MemRefType::get(type.getShape(), type.getElementType(),
                         MemRefLayoutAttrInterface(), space);
}

Type kernels::tensorMapArgType(MLIRContext *context) {
  return LLVM::LLVMPointerType::get(context);
}

gpu::GPUFuncOp kernels::createKernel(ImplicitLocOpBuilder &b,
                                     gpu::GPUModuleOp module, StringRef name,
                                     TypeRange argTypes) {
  b.setInsertionPointToEnd(module.getBody());
  auto kernel = gpu::GPUFuncOp::create(
      b, name, FunctionType::get(b.getContext(), argTypes, {}));
  kernel->setAttr(gpu::GPUDialect::getKernelFuncAttrName(), b.getUnitAttr());
  b.setInsertionPointToStart(&kernel.getBody().front());
  return kernel;
}

Value kernels::sharedView(ImplicitLocOpBuilder &b, Value base, Value byteOffset,
                          ArrayRef<int64_t> shape, Type elementType) {
  auto space =
      gpu::AddressSpaceAttr::get(b.getContext(), gpu::AddressSpace::Workgroup);
  auto type =
      MemRefType::get(shape, elementType, MemRefLayoutAttrInterface(), space);
  return memref::ViewOp::create(b, type, base, byteOffset, ValueRange{});
}

void kernels::setOccupancyHints(gpu::GPUFuncOp kernel, int64_t threads,
                                int64_t minBlocksPerSM) {
  // Only with a register cap to derive: on the H100 a .maxntid alone made
  // ptxas schedule the hd128 attention kernel 12% slower (2026-11-23).
  if (minBlocksPerSM <= 1)
    return;
  Builder b(kernel.getContext());
  kernel.setKnownBlockSizeAttr(
      b.getDenseI32ArrayAttr({static_cast<int32_t>(threads), 1, 1}));
  kernel->setAttr("nvvm.minctasm", b.getI32IntegerAttr(minBlocksPerSM));
}

void kernels::setLaunchAttr(gpu::GPUFuncOp kernel, const LaunchConfig &config,
                            Operation *op, mix::ScheduleAttr schedule,
                            ArrayRef<StringRef> argNames,
                            ArrayRef<StringRef> argRoles,
                            DictionaryAttr opAttrs) {
  Builder b(kernel.getContext());
  auto encode = [&](ArrayRef<GridFactor> factors) {
    SmallVector<Attribute> encoded;
    for (const GridFactor &factor : factors)
      encoded.push_back(b.getDenseI64ArrayAttr(
          {factor.constant, factor.arg, factor.dim, factor.ceilDiv}));
    return b.getArrayAttr(encoded);
  };
  SmallVector<Attribute> grid;
  for (const auto &factors : config.grid)
    grid.push_back(encode(factors));
  SmallVector<Attribute> names, roles;
  for (StringRef name : argNames)
    names.push_back(b.getStringAttr(name));
  for (StringRef role : argRoles)
    roles.push_back(b.getStringAttr(role));
  SmallVector<NamedAttribute> entries = {
      b.getNamedAttr("block",
                     b.getDenseI64ArrayAttr({config.blockThreads, 1, 1})),
      b.getNamedAttr("grid", b.getArrayAttr(grid)),
      b.getNamedAttr("shared_bytes", b.getI64IntegerAttr(config.sharedBytes)),
      b.getNamedAttr("op", b.getStringAttr(op->getName().getStringRef())),
      b.getNamedAttr("op_attrs", opAttrs),
      b.getNamedAttr("schedule", schedule),
      b.getNamedAttr("arg_names", b.getArrayAttr(names)),
      b.getNamedAttr("arg_roles", b.getArrayAttr(roles)),
  };
  if (config.workspaceBytes > 0)
    entries.push_back(b.getNamedAttr(
        "workspace", b.getArrayAttr({b.getI64IntegerAttr(config.workspaceBytes),
                                     encode(config.workspaceTimes)})));
  if (!config.tensorMaps.empty()) {
    SmallVector<Attribute> maps;
    for (const LaunchConfig::TensorMap &map : config.tensorMaps) {
      SmallVector<int64_t> encoded = {map.arg, map.swizzle};
      llvm::append_range(encoded, map.box);
      maps.push_back(b.getDenseI64ArrayAttr(encoded));
    }
    entries.push_back(b.getNamedAttr("tensor_maps", b.getArrayAttr(maps)));
    kernel->setAttr("mix.tensor_maps",
                    b.getI64IntegerAttr(config.tensorMaps.size()));
  }
  kernel->setAttr("mix.launch", b.getDictionaryAttr(entries));
}

mix::ScheduleAttr kernels::effectiveSchedule(mix::ScheduledOpInterface op,
                                             StringRef chip) {
  if (mix::ScheduleAttr schedule = op.getScheduleAttr())
    return schedule;
  const mix::ScheduleTemplateDecl *decl =
      mix::getDefaultScheduleTemplate(op, chip);
  if (!decl)
    return {};
  // The defaults, with those `chip` cannot run lowered (explicit).
  MLIRContext *context = op->getContext();
  Builder b(context);
  SmallVector<NamedAttribute> lowered;
  for (auto [param, value] :
       llvm::zip(decl->params, mix::defaultValues(*decl, chip)))
    if (value != param.defaultValue)
      lowered.push_back(b.getNamedAttr(param.name, b.getI64IntegerAttr(value)));
  return mix::ScheduleAttr::get(context, decl->name,
                                DictionaryAttr::get(context, lowered));
}
