//===- CudaTarget.cpp - gpu.module to PTX, cubin and launch manifests -----===//
//
// See CudaTarget.h. Lowering runs MLIR's own passes (the step-by-step form
// of --gpu-lower-to-nvvm-pipeline, parsed from text so that the options are
// the documented ones); PTX comes from gpu-module-to-binary{format=isa},
// which needs no CUDA; the cubin from ptxas as a subprocess. The manifests
// are written from each kernel's `mix.launch` attribute, read before the
// lowering replaces the gpu.func.
//
//===----------------------------------------------------------------------===//

#include "mixc/Target/CudaTarget.h"

#include "mixc/Dialect/Mix/MixOps.h"
#include "mixc/Dialect/Mix/ScheduleTemplates.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mixc;
using namespace mixc::cuda;

/// Whether the NVPTX backend uses 32-bit pointers for shared (and constant
/// and local) memory, as Triton does: shared addresses then take one register
/// instead of two and their arithmetic is 32-bit. The backend reads this only
/// as a command-line option.
static void useShortSharedPointers(bool enable) {
  auto &registered = llvm::cl::getRegisteredOptions();
  auto option = registered.find("nvptx-short-ptr");
  if (option != registered.end())
    option->second->addOccurrence(0, "nvptx-short-ptr",
                                  enable ? "true" : "false");
}

LogicalResult cuda::lowerToPtx(ModuleOp module, const TargetOptions &options) {
  useShortSharedPointers(options.shortSharedPointers);
  // The passes of a builtin.module-anchored pass manager (no
  // "builtin.module(...)" wrapper: that would nest them one level down).
  std::string pipeline =
      "convert-nvgpu-to-nvvm, convert-vector-to-scf, "
      "convert-scf-to-cf, convert-nvvm-to-llvm, expand-strided-metadata, "
      "nvvm-attach-target{chip=" +
      options.chip + " features=" + options.features +
      " O=" + std::to_string(options.optLevel) +
      "}, lower-affine, convert-arith-to-llvm, convert-index-to-llvm, "
      "canonicalize, cse, gpu.module(convert-gpu-to-nvvm, canonicalize, cse, "
      "reconcile-unrealized-casts)";
  auto run = [&](StringRef text) -> LogicalResult {
    PassManager pm(module->getName());
    std::string parseError;
    llvm::raw_string_ostream errorStream(parseError);
    if (failed(parsePassPipeline(text, pm, errorStream)))
      return module.emitError()
             << "internal error: the NVVM lowering pipeline does not parse "
                "(are MLIR's passes registered?): "
             << parseError;
    return pm.run(module);
  };
  if (failed(run(pipeline)))
    return failure();
  markTensorMapParams(module);
  return run("gpu-module-to-binary{format=isa}");
}

void cuda::markTensorMapParams(ModuleOp module) {
  // convert-gpu-to-nvvm keeps function attributes but not these argument
  // attributes; a tensor map is one of the last `mix.tensor_maps`
  // parameters. byval + nvvm.grid_constant make NVPTX declare it
  // `.param .align 64 .b8 [128]` and give its address by cvta.param (a
  // __grid_constant__ parameter in CUDA C++), with no local copy.
  MLIRContext *context = module.getContext();
  auto blob = LLVM::LLVMArrayType::get(IntegerType::get(context, 8), 128);
  module.walk([&](LLVM::LLVMFuncOp func) {
    auto count = func->getAttrOfType<IntegerAttr>("mix.tensor_maps");
    if (!count)
      return;
    unsigned params = func.getNumArguments();
    assert(count.getInt() >= 0 && count.getInt() <= params &&
           "mix.tensor_maps counts trailing parameters");
    for (unsigned i = params - count.getInt(); i < params; ++i) {
      func.setArgAttr(i, LLVM::LLVMDialect::getByValAttrName(),
                      TypeAttr::get(blob));
      func.setArgAttr(i, LLVM::LLVMDialect::getAlignAttrName(),
                      IntegerAttr::get(IntegerType::get(context, 64), 64));
      func.setArgAttr(i, NVVM::NVVMDialect::getGridConstantAttrName(),
                      UnitAttr::get(context));
    }
  });
}

FailureOr<std::string> cuda::ptxOf(ModuleOp module, StringRef name) {
  auto binary = module.lookupSymbol<gpu::BinaryOp>(name);
  if (!binary || binary.getObjects().empty())
    return emitError(module.getLoc())
           << "internal error: no gpu.binary '" << name << "' after lowering";
  auto object = cast<gpu::ObjectAttr>(binary.getObjects()[0]);
  return object.getObject().getValue().str();
}

std::string cuda::findPtxas(const TargetOptions &options) {
  if (!options.ptxas.empty())
    return llvm::sys::fs::can_execute(options.ptxas) ? options.ptxas : "";
  for (const char *variable : {"CUDA_HOME", "CUDA_PATH"})
    if (const char *home = std::getenv(variable)) {
      SmallString<128> path(home);
      llvm::sys::path::append(path, "bin", "ptxas");
      if (llvm::sys::fs::can_execute(path))
        return std::string(path);
    }
  if (llvm::sys::fs::can_execute("/usr/local/cuda/bin/ptxas"))
    return "/usr/local/cuda/bin/ptxas";
  if (llvm::ErrorOr<std::string> path = llvm::sys::findProgramByName("ptxas"))
    return *path;
  return "";
}

namespace {

/// A temporary file removed on scope exit.
struct TempFile {
  SmallString<128> path;
  explicit TempFile(StringRef suffix) {
    llvm::sys::fs::createTemporaryFile("mixc", suffix, path);
  }
  ~TempFile() { llvm::sys::fs::remove(path); }
};

std::string readFile(StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false);
  return buffer ? (*buffer)->getBuffer().str() : std::string();
}

} // namespace

FailureOr<std::string> cuda::assembleCubin(StringRef ptx,
                                           const TargetOptions &options,
                                           std::string &report,
                                           std::string &error) {
  std::string ptxas = findPtxas(options);
  if (ptxas.empty()) {
    error = "ptxas not found (set CUDA_HOME or put the CUDA toolkit's bin on "
            "PATH)";
    return failure();
  }
  TempFile input(".ptx"), output(".cubin"), log(".log");
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(input.path, ec);
    if (ec) {
      error = "cannot write " + input.path.str().str() + ": " + ec.message();
      return failure();
    }
    os << ptx;
  }
  std::string arch = "-arch=" + options.chip;
  std::string opt = "-O" + std::to_string(options.optLevel);
  SmallVector<StringRef> args = {ptxas,      arch, opt,        "-v",
                                 input.path, "-o", output.path};
  std::optional<StringRef> redirects[] = {std::nullopt, StringRef(log.path),
                                          StringRef(log.path)};
  std::string execError;
  int status = llvm::sys::ExecuteAndWait(ptxas, args, std::nullopt, redirects,
                                         /*SecondsToWait=*/300, 0, &execError);
  report = readFile(log.path);
  if (status != 0) {
    error = "ptxas failed (exit " + std::to_string(status) + ")" +
            (execError.empty() ? "" : ": " + execError) + "\n" + report;
    return failure();
  }
  return readFile(output.path);
}

namespace {

/// What a manifest says about one kernel, read before lowering.
struct KernelRecord {
  std::string module, name;
  DictionaryAttr launch;
  SmallVector<MemRefType> argTypes;
};

std::string dtypeName(Type type) {
  if (type.isBF16())
    return "bf16";
  if (type.isF16())
    return "f16";
  if (type.isF32())
    return "f32";
  if (type.isInteger(32))
    return "i32";
  if (type.isInteger(64))
    return "i64";
  if (type.isInteger(8))
    return "i8";
  if (isa<Float8E4M3FNType>(type))
    return "f8e4m3";
  std::string text;
  llvm::raw_string_ostream(text) << type;
  return text;
}

llvm::json::Value attrToJson(Attribute attr) {
  if (auto boolean = dyn_cast<BoolAttr>(attr))
    return boolean.getValue();
  if (auto integer = dyn_cast<IntegerAttr>(attr))
    return integer.getInt();
  if (auto floating = dyn_cast<FloatAttr>(attr))
    return floating.getValueAsDouble();
  if (auto string = dyn_cast<StringAttr>(attr))
    return string.getValue().str();
  std::string text;
  llvm::raw_string_ostream(text) << attr;
  return text;
}

/// The `ptxas -v` numbers of `kernel`: registers, spills, shared memory.
llvm::json::Object ptxasNumbers(StringRef report, StringRef kernel) {
  llvm::json::Object numbers;
  size_t at = report.find(("Compiling entry function '" + kernel + "'").str());
  if (at == StringRef::npos)
    return numbers;
  StringRef rest = report.drop_front(at);
  size_t next = rest.find("Compiling entry function", 10);
  rest = rest.take_front(next);
  auto numberBefore = [&](StringRef marker) -> std::optional<int64_t> {
    size_t pos = rest.find(marker);
    if (pos == StringRef::npos)
      return std::nullopt;
    StringRef head = rest.take_front(pos).rtrim();
    size_t start = head.find_last_of(" ,:");
    int64_t value;
    if (head.drop_front(start + 1).getAsInteger(10, value))
      return std::nullopt;
    return value;
  };
  if (auto v = numberBefore(" registers"))
    numbers["registers"] = *v;
  if (auto v = numberBefore(" bytes spill stores"))
    numbers["spill_store_bytes"] = *v;
  if (auto v = numberBefore(" bytes spill loads"))
    numbers["spill_load_bytes"] = *v;
  if (auto v = numberBefore(" bytes stack frame"))
    numbers["stack_frame_bytes"] = *v;
  return numbers;
}

llvm::json::Object manifestOf(const KernelRecord &kernel, StringRef binary,
                              StringRef format, const TargetOptions &options,
                              StringRef ptxasReport) {
  DictionaryAttr launch = kernel.launch;
  llvm::json::Object manifest;
  auto tensorMaps = launch.getAs<ArrayAttr>("tensor_maps");
  // Version 2 only where it matters: runtimes that read version 1 alone
  // then refuse a kernel with tensor maps instead of launching it without.
  manifest["schema_version"] = tensorMaps ? 2 : 1;
  manifest["kernel"] = kernel.name;
  manifest["binary"] = binary.str();
  manifest["format"] = format.str();
  manifest["arch"] = options.chip;
  manifest["abi"] = "memref";
  manifest["op"] = launch.getAs<StringAttr>("op").getValue().str();
  llvm::json::Object opAttrs;
  for (NamedAttribute entry : launch.getAs<DictionaryAttr>("op_attrs"))
    opAttrs[entry.getName().getValue()] = attrToJson(entry.getValue());
  manifest["attrs"] = std::move(opAttrs);

  auto schedule = launch.getAs<mix::ScheduleAttr>("schedule");
  llvm::json::Object params;
  if (const mix::ScheduleTemplateDecl *decl =
          mix::lookupScheduleTemplate(schedule.getTemplateName()))
    for (const mix::ScheduleParamDecl &param : decl->params)
      params[param.name] = *schedule.getParam(param.name);
  manifest["schedule"] =
      llvm::json::Object{{"template", schedule.getTemplateName().str()},
                         {"params", std::move(params)}};

  llvm::json::Array block;
  for (int64_t size : launch.getAs<DenseI64ArrayAttr>("block").asArrayRef())
    block.push_back(size);
  manifest["block"] = std::move(block);
  auto factorsOf = [](Attribute encoded) {
    llvm::json::Array factors;
    for (Attribute factor : cast<ArrayAttr>(encoded)) {
      ArrayRef<int64_t> f = cast<DenseI64ArrayAttr>(factor).asArrayRef();
      if (f[1] < 0)
        factors.push_back(llvm::json::Object{{"const", f[0]}});
      else
        factors.push_back(llvm::json::Object{
            {"arg", f[1]}, {"dim", f[2]}, {"ceildiv", f[3]}});
    }
    return factors;
  };
  llvm::json::Array grid;
  for (Attribute dim : launch.getAs<ArrayAttr>("grid"))
    grid.push_back(factorsOf(dim));
  manifest["grid"] = std::move(grid);
  manifest["shared_bytes"] = launch.getAs<IntegerAttr>("shared_bytes").getInt();
  // The workspace is the kernel's last parameter, not an argument.
  size_t argCount = kernel.argTypes.size();
  if (auto workspace = launch.getAs<ArrayAttr>("workspace")) {
    manifest["workspace"] =
        llvm::json::Object{{"bytes", cast<IntegerAttr>(workspace[0]).getInt()},
                           {"times", factorsOf(workspace[1])}};
    --argCount;
  }

  llvm::json::Array args;
  auto names = launch.getAs<ArrayAttr>("arg_names");
  auto roles = launch.getAs<ArrayAttr>("arg_roles");
  for (auto [i, type] :
       llvm::enumerate(ArrayRef(kernel.argTypes).take_front(argCount))) {
    llvm::json::Array shape;
    for (int64_t size : type.getShape())
      shape.push_back(ShapedType::isDynamic(size) ? int64_t(-1) : size);
    args.push_back(llvm::json::Object{
        {"name", cast<StringAttr>(names[i]).getValue().str()},
        {"role", cast<StringAttr>(roles[i]).getValue().str()},
        {"dtype", dtypeName(type.getElementType())},
        {"shape", std::move(shape)}});
  }
  manifest["args"] = std::move(args);
  if (tensorMaps) {
    llvm::json::Array maps;
    for (Attribute encoded : tensorMaps) {
      // [arg, swizzle, box sizes...] (setLaunchAttr).
      ArrayRef<int64_t> map = cast<DenseI64ArrayAttr>(encoded).asArrayRef();
      llvm::json::Array box;
      for (int64_t size : map.drop_front(2))
        box.push_back(size);
      maps.push_back(llvm::json::Object{
          {"arg", map[0]}, {"box", std::move(box)}, {"swizzle", map[1]}});
    }
    manifest["tensor_maps"] = std::move(maps);
  }
  llvm::json::Object numbers = ptxasNumbers(ptxasReport, kernel.name);
  if (!numbers.empty())
    manifest["ptxas"] = std::move(numbers);
  return manifest;
}

LogicalResult writeFile(ModuleOp module, StringRef path, StringRef contents) {
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec);
  if (ec)
    return module.emitError()
           << "cannot write " << path << ": " << ec.message();
  os << contents;
  return success();
}

} // namespace

LogicalResult cuda::emitKernels(ModuleOp module, StringRef directory,
                                const TargetOptions &options,
                                llvm::raw_ostream &log) {
  SmallVector<KernelRecord> kernels;
  SmallVector<std::string> moduleNames;
  for (auto gpuModule : module.getOps<gpu::GPUModuleOp>()) {
    moduleNames.push_back(gpuModule.getName().str());
    for (auto func : gpuModule.getOps<gpu::GPUFuncOp>()) {
      auto launch = func->getAttrOfType<DictionaryAttr>("mix.launch");
      if (!func.isKernel() || !launch)
        continue;
      KernelRecord record{
          gpuModule.getName().str(), func.getName().str(), launch, {}};
      // Memrefs: the arguments, then the workspace; tensor maps follow.
      for (Type type : func.getArgumentTypes())
        if (auto memref = dyn_cast<MemRefType>(type))
          record.argTypes.push_back(memref);
      kernels.push_back(std::move(record));
    }
  }
  if (kernels.empty())
    return module.emitError()
           << "no GPU kernels to emit (the input has no mix ops)";
  if (std::error_code ec = llvm::sys::fs::create_directories(directory))
    return module.emitError()
           << "cannot create " << directory << ": " << ec.message();
  if (failed(lowerToPtx(module, options)))
    return failure();

  llvm::StringMap<std::pair<std::string, std::string>> binaries; // file, fmt
  std::string report;
  for (const std::string &name : moduleNames) {
    FailureOr<std::string> ptx = ptxOf(module, name);
    if (failed(ptx))
      return failure();
    SmallString<128> ptxPath(directory);
    llvm::sys::path::append(ptxPath, name + ".ptx");
    if (failed(writeFile(module, ptxPath, *ptx)))
      return failure();
    binaries[name] = {name + ".ptx", "ptx"};
    if (findPtxas(options).empty()) {
      log << "note: ptxas not found: writing PTX only (the driver compiles "
             "it at load time)\n";
      continue;
    }
    std::string moduleReport, error;
    FailureOr<std::string> cubin =
        assembleCubin(*ptx, options, moduleReport, error);
    if (failed(cubin))
      return module.emitError() << "gpu.module '" << name << "': " << error;
    SmallString<128> cubinPath(directory);
    llvm::sys::path::append(cubinPath, name + ".cubin");
    if (failed(writeFile(module, cubinPath, *cubin)))
      return failure();
    binaries[name] = {name + ".cubin", "cubin"};
    report += moduleReport;
  }

  for (const KernelRecord &kernel : kernels) {
    auto [binary, format] = binaries[kernel.module];
    llvm::json::Object manifest =
        manifestOf(kernel, binary, format, options, report);
    std::string text;
    llvm::raw_string_ostream os(text);
    os << llvm::formatv("{0:2}", llvm::json::Value(std::move(manifest)))
       << "\n";
    SmallString<128> path(directory);
    llvm::sys::path::append(path, kernel.name + ".json");
    if (failed(writeFile(module, path, text)))
      return failure();
    llvm::json::Object numbers = ptxasNumbers(report, kernel.name);
    log << kernel.name << ": " << binary << ", "
        << kernel.launch.getAs<IntegerAttr>("shared_bytes").getInt()
        << " B shared";
    if (auto registers = numbers.getInteger("registers"))
      log << ", " << *registers << " registers";
    if (auto spills = numbers.getInteger("spill_store_bytes"))
      log << ", " << *spills << " B spilled";
    log << "\n";
  }
  return success();
}
