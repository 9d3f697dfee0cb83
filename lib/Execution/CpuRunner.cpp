//===- CpuRunner.cpp - JIT-execute a function on the CPU ------------------===//
//
// Calls the entry function through its C interface (`llvm.emit_c_interface`):
// every memref argument is passed as a pointer to a strided descriptor
// {allocated, aligned, offset, sizes[rank], strides[rank]}, and results come
// back as such descriptors packed one after another in a result struct. All
// descriptor fields are 8 bytes, so descriptors of any rank are built as
// int64 arrays without rank-specific C++ types.
//
//===----------------------------------------------------------------------===//

#include "mixc/Execution/CpuRunner.h"
#include "mixc/Dialect/Mix/MixOps.h"
#include "mixc/Passes/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/TargetSelect.h"

#include <cstdlib>
#include <cstring>

using namespace mlir;
using namespace mixc;

std::optional<npy::DType> mixc::dtypeForElementType(Type type) {
  if (type.isF32())
    return npy::DType::F32;
  if (type.isF64())
    return npy::DType::F64;
  if (type.isF16())
    return npy::DType::F16;
  if (type.isBF16())
    return npy::DType::BF16;
  if (type.isInteger(1))
    return npy::DType::Bool;
  if (type.isInteger(8))
    return npy::DType::I8;
  if (type.isInteger(32))
    return npy::DType::I32;
  if (type.isInteger(64))
    return npy::DType::I64;
  return std::nullopt;
}

static std::string typeString(Type type) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << type;
  return text;
}

static std::string shapeString(ArrayRef<int64_t> shape) {
  std::string text = "(";
  for (size_t i = 0; i < shape.size(); ++i)
    text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + (shape.size() == 1 ? ",)" : ")");
}

/// "file:line:col: message" for a diagnostic, as mlir-opt prints them.
static void printDiagnostic(llvm::raw_ostream &os, Diagnostic &diag,
                            StringRef kind = "") {
  if (auto fileLoc = dyn_cast<FileLineColLoc>(diag.getLocation()))
    os << fileLoc.getFilename().getValue() << ":" << fileLoc.getLine() << ":"
       << fileLoc.getColumn();
  else
    os << diag.getLocation();
  os << ": " << kind << diag << "\n";
}

CpuRunner::~CpuRunner() = default;

std::unique_ptr<CpuRunner> CpuRunner::compile(ModuleOp module, StringRef entry,
                                              std::string &error) {
  // Pick the entry function.
  func::FuncOp function;
  if (!entry.empty()) {
    function = module.lookupSymbol<func::FuncOp>(entry);
    if (!function || function.isExternal()) {
      error = "no function @" + entry.str() + " with a body in the module";
      return nullptr;
    }
  } else {
    SmallVector<func::FuncOp> candidates;
    for (auto candidate : module.getOps<func::FuncOp>())
      if (candidate.isPublic() && !candidate.isExternal())
        candidates.push_back(candidate);
    if (candidates.size() != 1) {
      error =
          candidates.empty()
              ? "the module has no public function to run"
              : "the module has several public functions; choose one "
                "with --entry (" +
                    llvm::join(llvm::map_range(candidates,
                                               [](func::FuncOp f) {
                                                 return "@" + f.getName().str();
                                               }),
                               ", ") +
                    ")";
      return nullptr;
    }
    function = candidates.front();
  }

  std::unique_ptr<CpuRunner> runner(new CpuRunner());
  runner->entryName = function.getName().str();
  auto collect = [&](TypeRange types, StringRef what,
                     SmallVector<RankedTensorType> &out) {
    for (auto [i, type] : llvm::enumerate(types)) {
      auto tensor = dyn_cast<RankedTensorType>(type);
      if (!tensor || !dtypeForElementType(tensor.getElementType())) {
        error = what.str() + " #" + std::to_string(i) + " of @" +
                runner->entryName + " has type " + typeString(type) +
                "; mixc-run exchanges ranked tensors of f32, f64, f16, bf16, "
                "i1, i8, i32 or i64";
        return false;
      }
      out.push_back(tensor);
    }
    return true;
  };
  if (!collect(function.getArgumentTypes(), "argument", runner->inputTypes) ||
      !collect(function.getResultTypes(), "result", runner->resultTypes))
    return nullptr;
  if (llvm::any_of(runner->inputTypes, [](RankedTensorType type) {
        return !type.hasStaticShape();
      }))
    runner->unlowered = module.clone();
  function->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(),
                    UnitAttr::get(module.getContext()));

  // Lower, collecting diagnostics into the error.
  MLIRContext *context = module.getContext();
  std::string diagnostics;
  {
    ScopedDiagnosticHandler handler(context, [&](Diagnostic &diag) {
      llvm::raw_string_ostream os(diagnostics);
      printDiagnostic(os, diag);
      for (Diagnostic &note : diag.getNotes())
        printDiagnostic(os, note, "note: ");
      return success();
    });
    PassManager pm(context);
    buildMixCpuPipeline(pm);
    if (failed(pm.run(module))) {
      error = "lowering to the CPU failed:\n" + diagnostics;
      return nullptr;
    }
  }

  static bool targetInitialized = [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    return true;
  }();
  (void)targetInitialized;
  registerBuiltinDialectTranslation(*context);
  registerLLVMDialectTranslation(*context);

  ExecutionEngineOptions options;
  options.jitCodeGenOptLevel = llvm::CodeGenOptLevel::Default;
  StringRef libraries[] = {MIXC_C_RUNNER_UTILS};
  options.sharedLibPaths = libraries;
  auto engine = ExecutionEngine::create(module, options);
  if (!engine) {
    error = "JIT compilation failed: " + llvm::toString(engine.takeError());
    return nullptr;
  }
  runner->engine = std::move(*engine);
  return runner;
}

namespace {
/// A strided memref descriptor of any rank, as the C interface lays it out.
struct Descriptor {
  std::vector<int64_t> words;

  explicit Descriptor(int64_t rank) : words(3 + 2 * rank, 0) {}
  int64_t rank() const { return (words.size() - 3) / 2; }
  void *allocated() const { return reinterpret_cast<void *>(words[0]); }
  char *aligned() const { return reinterpret_cast<char *>(words[1]); }
  int64_t offset() const { return words[2]; }
  int64_t size(int64_t d) const { return words[3 + d]; }
  int64_t stride(int64_t d) const { return words[3 + rank() + d]; }

  /// Describes a contiguous row-major buffer.
  static Descriptor contiguous(void *data, ArrayRef<int64_t> shape) {
    Descriptor desc(shape.size());
    desc.words[0] = desc.words[1] = reinterpret_cast<int64_t>(data);
    int64_t stride = 1;
    for (int64_t d = shape.size() - 1; d >= 0; --d) {
      desc.words[3 + d] = shape[d];
      desc.words[3 + shape.size() + d] = stride;
      stride *= shape[d];
    }
    return desc;
  }
};

/// Copies a strided result into a contiguous row-major byte buffer.
void copyStrided(const Descriptor &desc, size_t elementSize,
                 std::vector<uint8_t> &out) {
  int64_t rank = desc.rank();
  int64_t count = 1;
  for (int64_t d = 0; d < rank; ++d)
    count *= desc.size(d);
  out.resize(count * elementSize);
  std::vector<int64_t> index(rank, 0);
  for (int64_t linear = 0; linear < count; ++linear) {
    int64_t element = desc.offset();
    for (int64_t d = 0; d < rank; ++d)
      element += index[d] * desc.stride(d);
    std::memcpy(out.data() + linear * elementSize,
                desc.aligned() + element * elementSize, elementSize);
    for (int64_t d = rank - 1; d >= 0; --d) {
      if (++index[d] < desc.size(d))
        break;
      index[d] = 0;
    }
  }
}
} // namespace

bool CpuRunner::run(ArrayRef<npy::Array> inputs,
                    std::vector<npy::Array> &results, std::string &error) {
  if (inputs.size() != inputTypes.size()) {
    error = "@" + entryName + " takes " + std::to_string(inputTypes.size()) +
            " inputs, got " + std::to_string(inputs.size());
    return false;
  }
  std::vector<Descriptor> argDescriptors;
  for (auto [i, input] : llvm::enumerate(inputs)) {
    RankedTensorType type = inputTypes[i];
    std::string where = "input #" + std::to_string(i) + " (" +
                        typeString(type) + " in @" + entryName + ")";
    npy::DType expected = *dtypeForElementType(type.getElementType());
    bool bf16FromU16 =
        expected == npy::DType::BF16 && input.dtype == npy::DType::U16;
    if (input.dtype != expected && !bf16FromU16) {
      error = where + ": dtype " + npy::dtypeName(input.dtype) +
              " does not match " + npy::dtypeName(expected);
      return false;
    }
    bool shapeMatches = input.shape.size() == size_t(type.getRank());
    for (int64_t d = 0; shapeMatches && d < type.getRank(); ++d)
      shapeMatches =
          type.isDynamicDim(d) || type.getDimSize(d) == input.shape[d];
    if (!shapeMatches) {
      error = where + ": shape " + shapeString(input.shape) + " does not match";
      return false;
    }
    argDescriptors.push_back(Descriptor::contiguous(
        const_cast<uint8_t *>(input.bytes.data()), input.shape));
  }

  if (unlowered && !checkDynamicSizes(inputs, error))
    return false;

  // Results: one descriptor after another in one buffer.
  size_t resultWords = 0;
  for (RankedTensorType type : resultTypes)
    resultWords += 3 + 2 * type.getRank();
  std::vector<int64_t> resultBuffer(resultWords, 0);
  void *resultPointer = resultBuffer.data();
  std::vector<void *> argPointers;
  for (Descriptor &desc : argDescriptors)
    argPointers.push_back(desc.words.data());

  SmallVector<void *> packed;
  if (!resultTypes.empty())
    packed.push_back(&resultPointer);
  for (void *&pointer : argPointers)
    packed.push_back(&pointer);
  if (llvm::Error callError =
          engine->invokePacked("_mlir_ciface_" + entryName, packed)) {
    error = "calling @" + entryName +
            " failed: " + llvm::toString(std::move(callError));
    return false;
  }

  results.clear();
  size_t position = 0;
  // Results are owned by the caller, but two results may share a buffer (the
  // same value returned twice): free each allocation once, and none that is
  // an input's.
  llvm::SmallPtrSet<void *, 4> freed;
  for (const npy::Array &input : inputs)
    freed.insert(const_cast<uint8_t *>(input.bytes.data()));
  for (RankedTensorType type : resultTypes) {
    Descriptor desc(type.getRank());
    std::copy_n(resultBuffer.begin() + position, desc.words.size(),
                desc.words.begin());
    position += desc.words.size();
    npy::Array result;
    result.dtype = *dtypeForElementType(type.getElementType());
    for (int64_t d = 0; d < type.getRank(); ++d)
      result.shape.push_back(desc.size(d));
    copyStrided(desc, npy::dtypeSize(result.dtype), result.bytes);
    if (freed.insert(desc.allocated()).second)
      std::free(desc.allocated());
    results.push_back(std::move(result));
  }
  return true;
}

bool CpuRunner::checkDynamicSizes(ArrayRef<npy::Array> inputs,
                                  std::string &error) {
  OwningOpRef<ModuleOp> probe = unlowered->clone();
  auto function = probe->lookupSymbol<func::FuncOp>(entryName);
  // Give the arguments their actual sizes; the mix ops that read them then
  // see static shapes and their verifiers check every size rule.
  for (auto [argument, input] : llvm::zip(function.getArguments(), inputs))
    argument.setType(RankedTensorType::get(
        input.shape,
        cast<RankedTensorType>(argument.getType()).getElementType()));
  std::string diagnostics;
  ScopedDiagnosticHandler handler(probe->getContext(), [&](Diagnostic &diag) {
    llvm::raw_string_ostream os(diagnostics);
    printDiagnostic(os, diag);
    return success();
  });
  WalkResult result = function.walk([&](mix::ScheduledOpInterface op) {
    return failed(verify(op)) ? WalkResult::interrupt() : WalkResult::advance();
  });
  if (!result.wasInterrupted())
    return true;
  error = "the input sizes do not fit @" + entryName + ":\n" + diagnostics;
  while (!error.empty() && error.back() == '\n')
    error.pop_back();
  return false;
}
