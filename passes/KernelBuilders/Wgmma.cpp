//===- Wgmma.cpp - Warpgroup wgmma.mma_async on swizzled shared tiles ----===//
//
// Descriptors, swizzled addressing and the inline PTX of wgmma (Wgmma.h).
// MLIR 22's nvvm.wgmma.mma_async takes A only from shared memory, and
// FlashAttention's P V needs A (the probabilities) from registers, so both
// forms are written here as PTX.
//
//===----------------------------------------------------------------------===//

#include "Wgmma.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

#include <string>

using namespace mlir;
using namespace mixc::kernels;

Value wgmma::swizzledIndex(Emitter &e, Value row, Value col, int64_t rows) {
  // Panel col / 64, row r of it, chunk (col % 64) / 8 moved to chunk ^ r % 8.
  Value panel = e.div(col, kPanelColumns);
  Value chunk = e.div(e.rem(col, kPanelColumns), 8);
  ImplicitLocOpBuilder &b = e.builder();
  Value swizzled = arith::XOrIOp::create(b, chunk, e.rem(row, 8));
  return e.add(
      e.add(e.mul(panel, rows * kPanelColumns), e.mul(row, kPanelColumns)),
      e.mul(swizzled, 8));
}

static Value i64Constant(ImplicitLocOpBuilder &b, int64_t value) {
  return arith::ConstantOp::create(b, b.getI64IntegerAttr(value));
}

Value wgmma::descriptor(ImplicitLocOpBuilder &b, Value address,
                        int64_t leadingBytes, int64_t strideBytes) {
  // Bits 0-13: address[17:4]; 16-29: leading offset >> 4; 32-45: stride
  // offset >> 4; 62-63: 1 = 128-byte swizzle (base offset 0: the tiles start
  // on 1024-byte boundaries).
  int64_t fixed = ((leadingBytes >> 4) & 0x3FFF) << 16 |
                  ((strideBytes >> 4) & 0x3FFF) << 32 | int64_t(1) << 62;
  Value start = arith::AndIOp::create(
      b, arith::ShRUIOp::create(b, address, i64Constant(b, 4)),
      i64Constant(b, 0x3FFF));
  return arith::OrIOp::create(b, start, i64Constant(b, fixed));
}

Value wgmma::advance(ImplicitLocOpBuilder &b, Value desc, int64_t bytes) {
  // The start address field cannot carry out: shared addresses stay below
  // 2^18.
  if (bytes == 0)
    return desc;
  return arith::AddIOp::create(b, desc, i64Constant(b, bytes >> 4));
}

static std::string operandList(int64_t first, int64_t count) {
  std::string text = "{";
  for (int64_t i = 0; i < count; ++i)
    text += (i ? ", $" : "$") + std::to_string(first + i);
  return text + "}";
}

/// The constraints of `count` f32 outputs, and, when `tied`, of as many
/// inputs tied to them.
static std::string accumulatorConstraints(int64_t count, bool tied) {
  std::string text;
  for (int64_t i = 0; i < count; ++i)
    text += (i ? ",=f" : "=f");
  if (tied)
    for (int64_t i = 0; i < count; ++i)
      text += "," + std::to_string(i);
  return text;
}

static SmallVector<Value> unpack(ImplicitLocOpBuilder &b, Value structValue,
                                 int64_t count) {
  SmallVector<Value> values;
  for (int64_t i = 0; i < count; ++i)
    values.push_back(
        LLVM::ExtractValueOp::create(b, structValue, ArrayRef<int64_t>{i}));
  return values;
}

static Type accumulatorStruct(MLIRContext *context, int64_t count) {
  return LLVM::LLVMStructType::getLiteral(
      context, SmallVector<Type>(count, Float32Type::get(context)));
}

SmallVector<Value> wgmma::mmaAsync(ImplicitLocOpBuilder &b, Type elementType,
                                   int64_t n, ValueRange acc, ValueRange aDescs,
                                   ValueRange aRegisters, ValueRange bDescs,
                                   bool transposeB) {
  int64_t count = n / 2;
  int64_t steps = bDescs.size();
  bool fromRegisters = !aRegisters.empty();
  assert(acc.empty() || static_cast<int64_t>(acc.size()) == count);
  assert((fromRegisters ? aRegisters.size() : aDescs.size()) ==
         static_cast<size_t>(fromRegisters ? 4 * steps : steps));
  bool accumulate = !acc.empty();

  // Operands: the accumulators (outputs, then tied inputs), the A
  // descriptors or registers, the B descriptors, one zero for the
  // predicates.
  SmallVector<Value> operands(acc.begin(), acc.end());
  int64_t aFirst = count + (accumulate ? count : 0);
  if (fromRegisters)
    llvm::append_range(operands, aRegisters);
  else
    llvm::append_range(operands, aDescs);
  int64_t bFirst = aFirst + (fromRegisters ? 4 * steps : steps);
  llvm::append_range(operands, bDescs);
  int64_t zero = bFirst + steps;
  operands.push_back(arith::ConstantOp::create(b, b.getI32IntegerAttr(0)));

  std::string constraints = accumulatorConstraints(count, accumulate);
  for (int64_t i = 0; i < (fromRegisters ? 4 * steps : steps); ++i)
    constraints += fromRegisters ? ",r" : ",l";
  for (int64_t i = 0; i < steps; ++i)
    constraints += ",l";
  constraints += ",r";

  std::string type = elementType.isBF16() ? "bf16" : "f16";
  std::string text = "{\n.reg .pred overwrite, add;\n"
                     "setp.ne.b32 overwrite, $" +
                     std::to_string(zero) +
                     ", 0;\n"
                     "setp.eq.b32 add, $" +
                     std::to_string(zero) +
                     ", 0;\n"
                     "wgmma.fence.sync.aligned;\n";
  std::string accList = operandList(0, count);
  for (int64_t i = 0; i < steps; ++i) {
    std::string a = fromRegisters ? operandList(aFirst + 4 * i, 4)
                                  : "$" + std::to_string(aFirst + i);
    // overwrite is false: scale-d = 0 makes the first step D = A * B.
    std::string scaleD = (i == 0 && !accumulate) ? "overwrite" : "add";
    text += "wgmma.mma_async.sync.aligned.m64n" + std::to_string(n) +
            "k16.f32." + type + "." + type + " " + accList + ", " + a + ", $" +
            std::to_string(bFirst + i) + ", " + scaleD + ", 1, 1, " +
            (fromRegisters ? "" : "0, ") + (transposeB ? "1" : "0") + ";\n";
  }
  text += "wgmma.commit_group.sync.aligned;\n}";
  Value result = inlinePtxVolatile(b, accumulatorStruct(b.getContext(), count),
                                   text, constraints, operands);
  return unpack(b, result, count);
}

SmallVector<Value> wgmma::wait(ImplicitLocOpBuilder &b, ValueRange acc) {
  int64_t count = acc.size();
  Value result = inlinePtxVolatile(b, accumulatorStruct(b.getContext(), count),
                                   "wgmma.wait_group.sync.aligned 0;",
                                   accumulatorConstraints(count, true), acc);
  return unpack(b, result, count);
}

void wgmma::fenceProxyAsync(ImplicitLocOpBuilder &b) {
  inlinePtxVolatile(b, Type(), "fence.proxy.async.shared::cta;", "",
                    ValueRange{});
}
