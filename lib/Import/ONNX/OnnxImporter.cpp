//===- OnnxImporter.cpp - ONNX models to MLIR -----------------------------===//
//
// Walks the graph of a ModelProto in order: graph inputs become function
// arguments (dim_param and missing dims stay dynamic), initializers become
// dense resources, and each node is handed to its op importer from the op
// table. Values whose contents are known at import time (initializers,
// Constant nodes, folded shape computations) carry those contents, so shape
// subgraphs such as Shape -> Gather -> Concat -> Reshape give static types.
// The first error ends the import; nothing is returned half-built.
//
//===----------------------------------------------------------------------===//

#include "mixc/Import/OnnxImporter.h"

#include "NodeImporter.h"

#include "mixc/Dialect/Mix/MixDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/AffineMap.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <onnx/defs/parser.h>
#include <onnx/defs/schema.h>

using namespace mlir;
using namespace mixc;
using namespace mixc::onnx_import;

//===----------------------------------------------------------------------===//
// Element types and tensor contents
//===----------------------------------------------------------------------===//

Type onnx_import::elementTypeFor(MLIRContext *context, int32_t onnxType) {
  Builder b(context);
  switch (onnxType) {
  case onnx::TensorProto::FLOAT:
    return b.getF32Type();
  case onnx::TensorProto::DOUBLE:
    return b.getF64Type();
  case onnx::TensorProto::FLOAT16:
    return b.getF16Type();
  case onnx::TensorProto::BFLOAT16:
    return b.getBF16Type();
  case onnx::TensorProto::INT8:
    return b.getIntegerType(8);
  case onnx::TensorProto::INT16:
    return b.getIntegerType(16);
  case onnx::TensorProto::INT32:
    return b.getI32Type();
  case onnx::TensorProto::INT64:
    return b.getI64Type();
  case onnx::TensorProto::BOOL:
    return b.getI1Type();
  default:
    return Type();
  }
}

StringRef onnx_import::onnxTypeName(int32_t onnxType) {
  if (onnx::TensorProto::DataType_IsValid(onnxType))
    return onnx::TensorProto::DataType_Name(
        static_cast<onnx::TensorProto::DataType>(onnxType));
  return "unknown";
}

namespace {

/// Storage bytes per element in raw_data and in our buffers (bool: 1 byte).
size_t storageBytes(Type type) {
  return type.isInteger(1) ? 1 : (type.getIntOrFloatBitWidth() + 7) / 8;
}

/// The little-endian bytes of a TensorProto's contents, whatever field holds
/// them. `baseDir` resolves external data.
bool tensorBytes(const onnx::TensorProto &tensor, Type elementType,
                 int64_t count, StringRef baseDir, std::vector<char> &bytes,
                 std::string &error) {
  std::string name = "tensor '" + tensor.name() + "'";
  size_t expected = count * storageBytes(elementType);
  auto checkSize = [&](size_t actual, StringRef field) {
    if (actual == expected)
      return true;
    error = name + ": " + field.str() + " holds " + std::to_string(actual) +
            " bytes, its shape needs " + std::to_string(expected);
    return false;
  };
  if (tensor.data_location() == onnx::TensorProto::EXTERNAL) {
    std::string location;
    int64_t offset = 0, length = -1;
    for (const auto &entry : tensor.external_data()) {
      if (entry.key() == "location")
        location = entry.value();
      else if (entry.key() == "offset")
        offset = std::stoll(entry.value());
      else if (entry.key() == "length")
        length = std::stoll(entry.value());
    }
    if (location.empty() || llvm::sys::path::is_absolute(location) ||
        StringRef(location).contains("..")) {
      error = name + ": external data location '" + location +
              "' must be a file name relative to the model";
      return false;
    }
    llvm::SmallString<256> path(baseDir);
    llvm::sys::path::append(path, location);
    auto file = llvm::MemoryBuffer::getFile(path);
    if (!file) {
      error = name + ": cannot read external data " + path.str().str() + ": " +
              file.getError().message();
      return false;
    }
    size_t size = length < 0 ? expected : length;
    if (offset < 0 || offset + size > (*file)->getBufferSize()) {
      error = name + ": external data " + path.str().str() +
              " is shorter than offset + length";
      return false;
    }
    if (!checkSize(size, "external data"))
      return false;
    const char *start = (*file)->getBufferStart() + offset;
    bytes.assign(start, start + size);
    return true;
  }
  if (tensor.has_raw_data()) {
    if (!checkSize(tensor.raw_data().size(), "raw_data"))
      return false;
    bytes.assign(tensor.raw_data().begin(), tensor.raw_data().end());
    return true;
  }
  auto copyTyped = [&](const auto &field, auto convert, StringRef fieldName) {
    using Stored = decltype(convert(*field.begin()));
    if (!checkSize(field.size() * sizeof(Stored), fieldName))
      return false;
    bytes.resize(expected);
    size_t i = 0;
    for (const auto &value : field) {
      Stored stored = convert(value);
      std::memcpy(bytes.data() + i * sizeof(Stored), &stored, sizeof(Stored));
      ++i;
    }
    return true;
  };
  switch (tensor.data_type()) {
  case onnx::TensorProto::FLOAT:
    return copyTyped(
        tensor.float_data(), [](float v) { return v; }, "float_data");
  case onnx::TensorProto::DOUBLE:
    return copyTyped(
        tensor.double_data(), [](double v) { return v; }, "double_data");
  case onnx::TensorProto::INT64:
    return copyTyped(
        tensor.int64_data(), [](int64_t v) { return v; }, "int64_data");
  case onnx::TensorProto::INT32:
    return copyTyped(
        tensor.int32_data(), [](int32_t v) { return v; }, "int32_data");
  case onnx::TensorProto::INT16:
  case onnx::TensorProto::FLOAT16:
  case onnx::TensorProto::BFLOAT16:
    return copyTyped(
        tensor.int32_data(), [](int32_t v) { return static_cast<uint16_t>(v); },
        "int32_data");
  case onnx::TensorProto::INT8:
  case onnx::TensorProto::BOOL:
    return copyTyped(
        tensor.int32_data(), [](int32_t v) { return static_cast<int8_t>(v); },
        "int32_data");
  default:
    error = name + ": data type " + onnxTypeName(tensor.data_type()).str() +
            " is not supported";
    return false;
  }
}

/// The tensor's type and bytes, with its dims checked.
bool readTensor(const onnx::TensorProto &tensor, MLIRContext *context,
                StringRef baseDir, RankedTensorType &type,
                std::vector<char> &bytes, std::string &error) {
  Type elementType = elementTypeFor(context, tensor.data_type());
  if (!elementType) {
    error = "tensor '" + tensor.name() + "': data type " +
            onnxTypeName(tensor.data_type()).str() + " is not supported";
    return false;
  }
  SmallVector<int64_t> shape;
  int64_t count = 1;
  for (int64_t dim : tensor.dims()) {
    if (dim < 0 || (dim > 0 && count > (int64_t(1) << 40) / dim)) {
      error = "tensor '" + tensor.name() + "': bad dimension " +
              std::to_string(dim);
      return false;
    }
    shape.push_back(dim);
    count *= dim;
  }
  type = RankedTensorType::get(shape, elementType);
  return tensorBytes(tensor, elementType, count, baseDir, bytes, error);
}

DenseElementsAttr denseFromBytes(RankedTensorType type, ArrayRef<char> bytes) {
  if (type.getElementType().isInteger(1)) {
    SmallVector<bool> values;
    for (char byte : bytes)
      values.push_back(byte != 0);
    return DenseElementsAttr::get(type, values);
  }
  return DenseElementsAttr::getFromRawBuffer(type, bytes);
}

} // namespace

//===----------------------------------------------------------------------===//
// GraphImporter
//===----------------------------------------------------------------------===//

namespace mixc::onnx_import {

/// Tensors up to this many elements are kept as known contents.
constexpr int64_t kMaxKnownElements = 4096;

class GraphImporter {
public:
  GraphImporter(MLIRContext *context, StringRef baseDir, StringRef modelName)
      : context(context), baseDir(baseDir.str()), modelName(modelName.str()) {}

  OwningOpRef<ModuleOp> import(const onnx::ModelProto &model,
                               const OnnxImportOptions &options);

  std::string error;
  MLIRContext *context;
  std::string baseDir;
  llvm::StringMap<GraphValue> values;
  llvm::StringMap<const onnx::NodeProto *> producers;

  FailureOr<DenseElementsAttr> tensorToAttr(const onnx::TensorProto &tensor) {
    RankedTensorType type;
    std::vector<char> bytes;
    std::string message;
    if (!readTensor(tensor, context, baseDir, type, bytes, message)) {
      if (error.empty())
        error = message;
      return failure();
    }
    return denseFromBytes(type, bytes);
  }

private:
  LogicalResult importInitializer(OpBuilder &b, const onnx::TensorProto &t);
  LogicalResult importNode(OpBuilder &b, const onnx::NodeProto &node,
                           int64_t index, bool raise);
  void foldKnownOutputs(OpBuilder &b, const onnx::NodeProto &node,
                        Operation *lastBefore);
  FailureOr<RankedTensorType> valueInfoType(const onnx::ValueInfoProto &info);

  std::string modelName;
  int64_t opset = 0;
  unsigned resourceCounter = 0;
};

} // namespace mixc::onnx_import

FailureOr<RankedTensorType>
GraphImporter::valueInfoType(const onnx::ValueInfoProto &info) {
  if (!info.type().has_tensor_type()) {
    error = "graph value '" + info.name() + "' is not a tensor";
    return failure();
  }
  const auto &tensorType = info.type().tensor_type();
  Type elementType = elementTypeFor(context, tensorType.elem_type());
  if (!elementType) {
    error = "graph value '" + info.name() + "' has data type " +
            onnxTypeName(tensorType.elem_type()).str() +
            ", which is not supported";
    return failure();
  }
  if (!tensorType.has_shape()) {
    error = "graph value '" + info.name() +
            "' has no shape (unranked tensors are not supported)";
    return failure();
  }
  SmallVector<int64_t> shape;
  for (const auto &dim : tensorType.shape().dim())
    shape.push_back(dim.has_dim_value() && dim.dim_value() >= 0
                        ? dim.dim_value()
                        : ShapedType::kDynamic);
  return RankedTensorType::get(shape, elementType);
}

LogicalResult
GraphImporter::importInitializer(OpBuilder &b,
                                 const onnx::TensorProto &tensor) {
  RankedTensorType type;
  std::vector<char> bytes;
  if (!readTensor(tensor, context, baseDir, type, bytes, error))
    return failure();
  Location loc = NameLoc::get(StringAttr::get(context, tensor.name()),
                              FileLineColLoc::get(context, modelName, 0, 0));
  // Small tensors (shapes, axes, masks, biases) are inline dense constants
  // and known contents, so that computations on them fold; weights are dense
  // resources, stored once.
  DenseElementsAttr known;
  if (type.getNumElements() <= kMaxKnownElements)
    known = denseFromBytes(type, bytes);
  Value value;
  if (known) {
    value = arith::ConstantOp::create(b, loc, known);
  } else {
    std::string blobName = "onnx_" + std::to_string(resourceCounter++);
    size_t alignment = std::max<size_t>(storageBytes(type.getElementType()), 8);
    auto blob = HeapAsmResourceBlob::allocateAndCopyWithAlign(
        ArrayRef<char>(bytes), alignment);
    auto resource =
        DenseResourceElementsAttr::get(type, blobName, std::move(blob));
    value = arith::ConstantOp::create(b, loc, resource);
  }
  values[tensor.name()] = GraphValue{value, known};
  return success();
}

LogicalResult GraphImporter::importNode(OpBuilder &b,
                                        const onnx::NodeProto &node,
                                        int64_t index, bool raise) {
  std::string nodeName = node.name().empty()
                             ? node.op_type() + "_" + std::to_string(index)
                             : node.name();
  auto describe = [&]() {
    return "node '" + nodeName + "' (" + node.op_type() + ", opset " +
           std::to_string(opset) + ")";
  };
  if (!node.domain().empty() && node.domain() != "ai.onnx") {
    error = describe() + ": domain '" + node.domain() + "' is not supported";
    return failure();
  }
  const OnnxOpDecl *decl = lookupOnnxOp(node.op_type(), opset);
  if (!decl) {
    error = describe() + ": not supported";
    return failure();
  }
  // Op importers rely on their required inputs being there.
  int required = decl->minInputs;
  if (required < 0)
    if (const onnx::OpSchema *schema =
            onnx::OpSchemaRegistry::Schema(node.op_type(), opset))
      required = schema->min_input();
  for (int i = 0; i < required; ++i) {
    if (i >= node.input_size() || node.input(i).empty()) {
      error = describe() + ": required input " + std::to_string(i) +
              " is missing (the op takes at least " + std::to_string(required) +
              ")";
      return failure();
    }
  }
  for (const std::string &input : node.input()) {
    if (!input.empty() && !values.count(input)) {
      error = describe() + ": input '" + input +
              "' is not produced by an earlier node, a graph input or an "
              "initializer";
      return failure();
    }
  }
  Location loc = NameLoc::get(StringAttr::get(context, nodeName),
                              FileLineColLoc::get(context, modelName, 0, 0));
  Block *block = b.getInsertionBlock();
  Operation *lastBefore = block->empty() ? nullptr : &block->back();
  NodeContext nodeContext(*this, node, nodeName, opset, b, loc);
  FailureOr<bool> raised = raise ? raiseNode(nodeContext) : false;
  if (failed(raised) || (!*raised && failed(decl->import(nodeContext)))) {
    if (error.empty())
      error = describe() + ": import failed";
    return failure();
  }
  for (int i = 0; i < node.output_size(); ++i) {
    if (!node.output(i).empty() && !values.count(node.output(i))) {
      error = describe() + ": output " + std::to_string(i) + " ('" +
              node.output(i) + "') is not supported";
      return failure();
    }
  }
  foldKnownOutputs(b, node, lastBefore);
  return success();
}

/// When every input of `node` is known, folds the ops its importer emitted
/// (after `lastBefore`) with MLIR's folders and records the outputs that
/// became constants: shape, scale and mask computations of exported models
/// (Shape -> Cast -> Sqrt -> Div, Trilu -> Equal -> Where) then become known
/// without a second evaluator of ONNX semantics.
void GraphImporter::foldKnownOutputs(OpBuilder &b, const onnx::NodeProto &node,
                                     Operation *lastBefore) {
  bool anyInput = false;
  for (const std::string &input : node.input()) {
    if (input.empty())
      continue;
    anyInput = true;
    if (!values.lookup(input).constant)
      return;
  }
  SmallVector<std::string> unknownOutputs;
  SmallVector<Value> outputValues;
  for (const std::string &output : node.output()) {
    if (output.empty() || values.lookup(output).constant)
      continue;
    auto type =
        dyn_cast<RankedTensorType>(values.lookup(output).value.getType());
    if (!type || !type.hasStaticShape() ||
        type.getNumElements() > kMaxKnownElements)
      return;
    unknownOutputs.push_back(output);
    outputValues.push_back(values.lookup(output).value);
  }
  if (!anyInput || unknownOutputs.empty())
    return;
  Block *block = b.getInsertionBlock();
  SmallVector<Operation *> emitted;
  for (Operation &op : llvm::make_range(
           lastBefore ? std::next(lastBefore->getIterator()) : block->begin(),
           block->end()))
    emitted.push_back(&op);
  // A temporary use keeps track of the outputs while patterns replace them.
  auto anchor = UnrealizedConversionCastOp::create(b, b.getUnknownLoc(),
                                                   TypeRange{}, outputValues);
  RewritePatternSet patterns(context);
  linalg::populateConstantFoldLinalgOperations(
      patterns, [](OpOperand *) { return true; });
  llvm::SmallPtrSet<RegisteredOperationName, 8> seen;
  for (Operation *op : emitted)
    if (std::optional<RegisteredOperationName> name = op->getRegisteredInfo())
      if (seen.insert(*name).second)
        name->getCanonicalizationPatterns(patterns, context);
  GreedyRewriteConfig config;
  config.setStrictness(GreedyRewriteStrictness::ExistingAndNewOps);
  (void)applyOpPatternsGreedily(emitted, std::move(patterns), config);
  for (auto [name, folded] : llvm::zip(unknownOutputs, anchor.getOperands())) {
    DenseElementsAttr constant;
    if (matchPattern(folded, m_Constant(&constant)))
      values[name] = GraphValue{folded, constant};
    else
      values[name].value = folded;
  }
  anchor.erase();
}

OwningOpRef<ModuleOp> GraphImporter::import(const onnx::ModelProto &model,
                                            const OnnxImportOptions &options) {
  context
      ->loadDialect<arith::ArithDialect, func::FuncDialect,
                    linalg::LinalgDialect, math::MathDialect, scf::SCFDialect,
                    tensor::TensorDialect, mix::MixDialect>();
  for (const auto &entry : model.opset_import())
    if (entry.domain().empty() || entry.domain() == "ai.onnx")
      opset = entry.version();
  if (opset == 0) {
    error = "the model imports no opset of the default ONNX domain";
    return nullptr;
  }
  const onnx::GraphProto &graph = model.graph();
  Location loc = FileLineColLoc::get(context, modelName, 0, 0);
  OwningOpRef<ModuleOp> module = ModuleOp::create(loc);
  OpBuilder b(context);
  b.setInsertionPointToEnd(module->getBody());

  // Arguments: graph inputs that are not initializers (IR < 4 lists both).
  llvm::StringSet<> initializerNames;
  for (const auto &tensor : graph.initializer())
    initializerNames.insert(tensor.name());
  SmallVector<Type> argumentTypes;
  SmallVector<std::string> argumentNames;
  for (const auto &input : graph.input()) {
    if (initializerNames.count(input.name()))
      continue;
    FailureOr<RankedTensorType> type = valueInfoType(input);
    if (failed(type))
      return nullptr;
    argumentTypes.push_back(*type);
    argumentNames.push_back(input.name());
  }
  auto function = func::FuncOp::create(b, loc, options.functionName,
                                       b.getFunctionType(argumentTypes, {}));
  Block *body = function.addEntryBlock();
  b.setInsertionPointToEnd(body);
  for (auto [name, argument] : llvm::zip(argumentNames, body->getArguments()))
    values[name] = GraphValue{argument, {}};

  for (const auto &tensor : graph.initializer())
    if (failed(importInitializer(b, tensor)))
      return nullptr;
  for (const auto &node : graph.node())
    for (const std::string &output : node.output())
      producers[output] = &node;
  for (auto [index, node] : llvm::enumerate(graph.node()))
    if (failed(importNode(b, node, index, options.raise)))
      return nullptr;

  // Results, cast to the declared output types where those are more precise.
  SmallVector<Value> results;
  for (const auto &output : graph.output()) {
    auto it = values.find(output.name());
    if (it == values.end()) {
      error = "graph output '" + output.name() + "' is never produced";
      return nullptr;
    }
    Value result = it->second.value;
    FailureOr<RankedTensorType> declared = valueInfoType(output);
    if (failed(declared)) {
      error.clear(); // an output without a usable type keeps the computed one
    } else if (declared->getElementType() != getElementTypeOrSelf(result) ||
               failed(verifyCompatibleShape(*declared, result.getType()))) {
      std::string computed;
      llvm::raw_string_ostream os(computed);
      os << result.getType() << " but is declared " << *declared;
      error = "graph output '" + output.name() + "' computes " + computed;
      return nullptr;
    } else if (*declared != result.getType()) {
      result = tensor::CastOp::create(b, loc, *declared, result);
    }
    results.push_back(result);
  }
  func::ReturnOp::create(b, loc, results);
  function.setType(
      b.getFunctionType(argumentTypes, ValueRange(results).getTypes()));
  // Ops a raised subgraph made dead (and unused initializers) go.
  for (Operation &op :
       llvm::make_early_inc_range(llvm::reverse(body->getOperations())))
    if (isOpTriviallyDead(&op))
      op.erase();
  if (failed(verify(*module))) {
    error = "the imported module does not verify (an importer bug)";
    return nullptr;
  }
  return module;
}

//===----------------------------------------------------------------------===//
// NodeContext
//===----------------------------------------------------------------------===//

NodeContext::NodeContext(GraphImporter &graph, const onnx::NodeProto &node,
                         StringRef displayName, int64_t opset,
                         OpBuilder &builder, Location loc)
    : graph(graph), nodeProto(node), displayName(displayName.str()),
      opsetVersion(opset), b(builder), location(loc) {
  for (const auto &attribute : node.attribute())
    attributes[attribute.name()] = &attribute;
}

bool NodeContext::hasInput(size_t i) const {
  return i < size_t(nodeProto.input_size()) && !nodeProto.input(i).empty();
}

Value NodeContext::input(size_t i) const {
  assert(hasInput(i) && "absent input");
  return graph.values.lookup(nodeProto.input(i)).value;
}

RankedTensorType NodeContext::inputType(size_t i) const {
  return cast<RankedTensorType>(input(i).getType());
}

DenseElementsAttr NodeContext::constantInput(size_t i) const {
  if (!hasInput(i))
    return {};
  return graph.values.lookup(nodeProto.input(i)).constant;
}

std::optional<SmallVector<int64_t>> NodeContext::constantInts(size_t i) const {
  DenseElementsAttr constant = constantInput(i);
  if (!constant || !isa<IntegerType>(constant.getElementType()))
    return std::nullopt;
  SmallVector<int64_t> result;
  for (const APInt &value : constant.getValues<APInt>())
    result.push_back(constant.getElementType().isInteger(1)
                         ? value.getZExtValue()
                         : value.getSExtValue());
  return result;
}

GraphValue NodeContext::valueNamed(StringRef name) const {
  return graph.values.lookup(name);
}

const onnx::NodeProto *NodeContext::producerOf(StringRef name) const {
  return graph.producers.lookup(name);
}

bool NodeContext::hasAttr(StringRef name) const {
  return attributes.count(name);
}

std::optional<int64_t> NodeContext::optionalIntAttr(StringRef name) const {
  auto it = attributes.find(name);
  if (it == attributes.end())
    return std::nullopt;
  return it->second->i();
}

int64_t NodeContext::intAttr(StringRef name, int64_t defaultValue) const {
  return optionalIntAttr(name).value_or(defaultValue);
}

float NodeContext::floatAttr(StringRef name, float defaultValue) const {
  auto it = attributes.find(name);
  return it == attributes.end() ? defaultValue : it->second->f();
}

std::string NodeContext::stringAttr(StringRef name,
                                    StringRef defaultValue) const {
  auto it = attributes.find(name);
  return it == attributes.end() ? defaultValue.str() : it->second->s();
}

std::optional<SmallVector<int64_t>>
NodeContext::intsAttr(StringRef name) const {
  auto it = attributes.find(name);
  if (it == attributes.end())
    return std::nullopt;
  return SmallVector<int64_t>(it->second->ints().begin(),
                              it->second->ints().end());
}

std::optional<SmallVector<float>>
NodeContext::floatsAttr(StringRef name) const {
  auto it = attributes.find(name);
  if (it == attributes.end())
    return std::nullopt;
  return SmallVector<float>(it->second->floats().begin(),
                            it->second->floats().end());
}

const onnx::TensorProto *NodeContext::tensorAttr(StringRef name) const {
  auto it = attributes.find(name);
  if (it == attributes.end() || !it->second->has_t())
    return nullptr;
  return &it->second->t();
}

bool NodeContext::hasOutput(size_t i) const {
  return i < size_t(nodeProto.output_size()) && !nodeProto.output(i).empty();
}

void NodeContext::setOutput(size_t i, Value value, DenseElementsAttr constant) {
  if (!hasOutput(i))
    return;
  graph.values[nodeProto.output(i)] = GraphValue{value, constant};
}

void NodeContext::setConstantOutput(size_t i, DenseElementsAttr constant) {
  setOutput(i, arith::ConstantOp::create(b, location, constant), constant);
}

LogicalResult NodeContext::fail(const Twine &message) {
  if (graph.error.empty()) {
    graph.error = "node '" + displayName + "' (" + nodeProto.op_type() +
                  ", opset " + std::to_string(opsetVersion) +
                  "): " + message.str();
  }
  return failure();
}

FailureOr<DenseElementsAttr>
NodeContext::tensorToAttr(const onnx::TensorProto &tensor) {
  std::string saved = graph.error;
  FailureOr<DenseElementsAttr> result = graph.tensorToAttr(tensor);
  if (failed(result)) {
    std::string message = graph.error;
    graph.error = saved;
    return fail(message);
  }
  return result;
}

FailureOr<int64_t> NodeContext::normalizeAxis(int64_t axis, int64_t rank,
                                              StringRef what) {
  if (axis < -rank || axis >= rank)
    return fail(what + " " + Twine(axis) + " is out of range for rank " +
                Twine(rank));
  return axis < 0 ? axis + rank : axis;
}

FailureOr<SmallVector<int64_t>>
NodeContext::broadcastShape(ArrayRef<ArrayRef<int64_t>> shapes) {
  size_t rank = 0;
  for (ArrayRef<int64_t> shape : shapes)
    rank = std::max(rank, shape.size());
  SmallVector<int64_t> result(rank, 1);
  for (size_t d = 0; d < rank; ++d) {
    bool dynamic = false;
    for (ArrayRef<int64_t> shape : shapes) {
      if (d + shape.size() < rank)
        continue;
      int64_t size = shape[d + shape.size() - rank];
      if (ShapedType::isDynamic(size)) {
        dynamic = true;
        continue;
      }
      if (size == 1)
        continue;
      if (result[d] != 1 && result[d] != size)
        return fail("cannot broadcast dimension " + Twine(d) + ": sizes " +
                    Twine(result[d]) + " and " + Twine(size));
      result[d] = size;
    }
    if (dynamic && result[d] == 1)
      result[d] = ShapedType::kDynamic;
  }
  return result;
}

Value NodeContext::broadcastElementwise(ArrayRef<Value> inputs,
                                        Type resultElementType, BodyFn body) {
  SmallVector<ArrayRef<int64_t>> shapes;
  for (Value input : inputs)
    shapes.push_back(cast<RankedTensorType>(input.getType()).getShape());
  FailureOr<SmallVector<int64_t>> shape = broadcastShape(shapes);
  if (failed(shape))
    return Value();
  int64_t rank = shape->size();
  SmallVector<AffineMap> maps;
  SmallVector<OpFoldResult> sizes(rank);
  for (int64_t d = 0; d < rank; ++d)
    if (!ShapedType::isDynamic((*shape)[d]))
      sizes[d] = b.getIndexAttr((*shape)[d]);
  for (Value input : inputs) {
    ArrayRef<int64_t> inputShape =
        cast<RankedTensorType>(input.getType()).getShape();
    int64_t offset = rank - inputShape.size();
    SmallVector<AffineExpr> exprs;
    for (int64_t d = 0; d < int64_t(inputShape.size()); ++d) {
      int64_t resultDim = d + offset;
      if (inputShape[d] == 1 && (*shape)[resultDim] != 1)
        exprs.push_back(b.getAffineConstantExpr(0));
      else
        exprs.push_back(b.getAffineDimExpr(resultDim));
      if (!sizes[resultDim] && ShapedType::isDynamic(inputShape[d]))
        sizes[resultDim] =
            tensor::DimOp::create(b, location, input, d).getResult();
    }
    maps.push_back(AffineMap::get(rank, 0, exprs, context()));
  }
  maps.push_back(b.getMultiDimIdentityMap(rank));
  Value init = tensor::EmptyOp::create(b, location, sizes, resultElementType);
  auto op = linalg::GenericOp::create(
      b, location, TypeRange{init.getType()}, inputs, ValueRange{init}, maps,
      SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
      [&](OpBuilder &nested, Location loc, ValueRange args) {
        Value result = body(nested, loc, args.drop_back());
        linalg::YieldOp::create(nested, loc, result);
      });
  return op.getResult(0);
}

//===----------------------------------------------------------------------===//
// Entry points
//===----------------------------------------------------------------------===//

OwningOpRef<ModuleOp> mixc::importOnnxBuffer(StringRef bytes, StringRef baseDir,
                                             MLIRContext *context,
                                             const OnnxImportOptions &options,
                                             std::string &error) {
  onnx::ModelProto model;
  if (!model.ParseFromArray(bytes.data(), bytes.size())) {
    error = "not a valid ONNX model (protobuf parse failed)";
    return nullptr;
  }
  GraphImporter importer(context, baseDir, "model.onnx");
  OwningOpRef<ModuleOp> module = importer.import(model, options);
  if (!module)
    error = importer.error;
  return module;
}

OwningOpRef<ModuleOp> mixc::importOnnxFile(StringRef path, MLIRContext *context,
                                           const OnnxImportOptions &options,
                                           std::string &error) {
  auto file = llvm::MemoryBuffer::getFile(path);
  if (!file) {
    error = "cannot read " + path.str() + ": " + file.getError().message();
    return nullptr;
  }
  onnx::ModelProto model;
  if (path.ends_with(".onnxtext")) {
    std::string text = (*file)->getBuffer().str();
    // libonnx's parser throws on some malformed literals (std::stof).
    try {
      onnx::OnnxParser parser(text.c_str());
      auto status = parser.Parse(model);
      if (!status.IsOK()) {
        error = "not a valid ONNX text model: " + status.ErrorMessage();
        return nullptr;
      }
    } catch (const std::exception &exception) {
      // std::stof / std::stoll failures: a literal it could not read.
      error = std::string("not a valid ONNX text model: a literal could not "
                          "be read (") +
              exception.what() + ")";
      return nullptr;
    }
  } else if (!model.ParseFromArray((*file)->getBufferStart(),
                                   (*file)->getBufferSize())) {
    error = "not a valid ONNX model (protobuf parse failed)";
    return nullptr;
  }
  GraphImporter importer(context, llvm::sys::path::parent_path(path),
                         llvm::sys::path::filename(path));
  OwningOpRef<ModuleOp> module = importer.import(model, options);
  if (!module)
    error = importer.error;
  return module;
}

bool mixc::readTensorProtoFile(StringRef path, npy::Array &array,
                               std::string &error) {
  auto file = llvm::MemoryBuffer::getFile(path);
  if (!file) {
    error = "cannot read " + path.str() + ": " + file.getError().message();
    return false;
  }
  onnx::TensorProto tensor;
  if (!tensor.ParseFromArray((*file)->getBufferStart(),
                             (*file)->getBufferSize())) {
    error = path.str() + ": not a serialized TensorProto";
    return false;
  }
  MLIRContext context;
  RankedTensorType type;
  std::vector<char> bytes;
  if (!readTensor(tensor, &context, llvm::sys::path::parent_path(path), type,
                  bytes, error)) {
    error = path.str() + ": " + error;
    return false;
  }
  std::optional<npy::DType> dtype;
  Type elementType = type.getElementType();
  if (elementType.isF32())
    dtype = npy::DType::F32;
  else if (elementType.isF64())
    dtype = npy::DType::F64;
  else if (elementType.isF16())
    dtype = npy::DType::F16;
  else if (elementType.isBF16())
    dtype = npy::DType::BF16;
  else if (elementType.isInteger(1))
    dtype = npy::DType::Bool;
  else if (elementType.isInteger(8))
    dtype = npy::DType::I8;
  else if (elementType.isInteger(32))
    dtype = npy::DType::I32;
  else if (elementType.isInteger(64))
    dtype = npy::DType::I64;
  if (!dtype) {
    error = path.str() + ": data type " +
            onnxTypeName(tensor.data_type()).str() +
            " cannot be exchanged as an array";
    return false;
  }
  array.dtype = *dtype;
  array.shape.assign(type.getShape().begin(), type.getShape().end());
  array.bytes.assign(bytes.begin(), bytes.end());
  return true;
}
