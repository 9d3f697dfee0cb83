//===- Model.cpp - Learned and analytical cost models ---------------------===//
//
// The XGBoost C API is used directly: a DMatrix per training or scoring
// batch (features scaled as the schema says, NaN as missing), one booster
// per model. Every call's status is checked and XGBoost's message returned.
//
//===----------------------------------------------------------------------===//

#include "mixc/CostModel/Model.h"
#include "mixc/CostModel/Features.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <xgboost/c_api.h>

#include <cmath>

using namespace mixc::costmodel;
namespace json = llvm::json;

/// Version of the saved model's wrapper (not of the features: that is
/// kFeatureSchemaVersion, saved beside it).
static constexpr llvm::StringLiteral kModelFormat = "mixc-cost-model-1";

/// The roofline of an H100 SXM: dense bf16 tensor-core FLOP/s and HBM3
/// bytes/s (the data sheet's numbers; only their ratio and the ordering of
/// times matter for ranking).
static constexpr double kPeakFlops = 989.4e12;
static constexpr double kPeakBytesPerSecond = 3.35e12;

namespace {

llvm::Error modelError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// XGBoost's status as an Error carrying its last message.
llvm::Error check(int status, llvm::StringRef call) {
  if (status == 0)
    return llvm::Error::success();
  // XGBoost appends a native stack trace: keep the message only.
  llvm::StringRef message = XGBGetLastError();
  message = message.split("\nStack trace").first.rtrim();
  return modelError("XGBoost " + call + " failed: " + message);
}

/// A DMatrix freed at scope exit.
struct Matrix {
  DMatrixHandle handle = nullptr;
  ~Matrix() {
    if (handle)
      XGDMatrixFree(handle);
  }
};

/// Row-major scaled features of `rows`, as XGBoost reads them.
std::vector<float>
scaledMatrix(llvm::ArrayRef<const std::vector<double> *> rows) {
  std::vector<float> data;
  data.reserve(rows.size() * kFeatureCount);
  llvm::ArrayRef<FeatureInfo> schema = featureSchema();
  for (const std::vector<double> *row : rows)
    for (auto [value, info] : llvm::zip(*row, schema))
      data.push_back(
          float(info.scale == FeatureScale::Log ? slog(value) : value));
  return data;
}

llvm::Error makeMatrix(llvm::ArrayRef<const std::vector<double> *> rows,
                       Matrix &out) {
  std::vector<float> data = scaledMatrix(rows);
  return check(XGDMatrixCreateFromMat(data.data(), rows.size(), kFeatureCount,
                                      std::nanf(""), &out.handle),
               "XGDMatrixCreateFromMat");
}

size_t featureIndex(llvm::StringRef name) {
  for (auto [index, info] : llvm::enumerate(featureSchema()))
    if (info.name == name)
      return index;
  llvm_unreachable("not a feature of the schema");
}

/// Minus the roofline time of one candidate (seconds).
double rooflineScore(llvm::ArrayRef<double> row) {
  static const size_t executed = featureIndex("executed_flops"),
                      useful = featureIndex("useful_flops"),
                      tiled = featureIndex("tiled_bytes"),
                      compulsory = featureIndex("compulsory_bytes"),
                      waveEfficiency = featureIndex("wave_efficiency");
  auto pick = [&](size_t first, size_t fallback) {
    return std::isnan(row[first]) ? row[fallback] : row[first];
  };
  double flops = pick(executed, useful), bytes = pick(tiled, compulsory);
  double time = std::max(flops / kPeakFlops, bytes / kPeakBytesPerSecond);
  double efficiency = row[waveEfficiency];
  if (efficiency > 0)
    time /= efficiency;
  return std::isnan(time) ? -INFINITY : -time;
}

llvm::StringRef inputsName(FeatureInputs inputs) {
  return inputs == FeatureInputs::Static ? "static" : "compiled";
}

} // namespace

struct CostModel::Booster {
  BoosterHandle handle = nullptr;
  ~Booster() {
    if (handle)
      XGBoosterFree(handle);
  }
};

llvm::StringRef mixc::costmodel::modelKindName(ModelKind kind) {
  switch (kind) {
  case ModelKind::Rank:
    return "rank";
  case ModelKind::Regression:
    return "regression";
  case ModelKind::MetaSchedule:
    return "metaschedule";
  case ModelKind::Roofline:
    return "roofline";
  }
  llvm_unreachable("unknown model kind");
}

std::optional<ModelKind> mixc::costmodel::parseModelKind(llvm::StringRef name) {
  for (ModelKind kind : allModelKinds())
    if (modelKindName(kind) == name)
      return kind;
  return std::nullopt;
}

llvm::ArrayRef<ModelKind> mixc::costmodel::allModelKinds() {
  static const ModelKind kinds[] = {ModelKind::Rank, ModelKind::Regression,
                                    ModelKind::MetaSchedule,
                                    ModelKind::Roofline};
  return kinds;
}

CostModel::CostModel(ModelKind kind, FeatureInputs inputs)
    : modelKind(kind), featureInputs(inputs) {}
CostModel::CostModel(CostModel &&) noexcept = default;
CostModel &CostModel::operator=(CostModel &&) noexcept = default;
CostModel::~CostModel() = default;

CostModel CostModel::roofline(FeatureInputs inputs) {
  return CostModel(ModelKind::Roofline, inputs);
}

llvm::Expected<const std::vector<double> *>
CostModel::inputOf(const Measurement &m) const {
  if (featureInputs == FeatureInputs::Compiled)
    return &m.features;
  if (m.staticFeatures.size() != kFeatureCount)
    return modelError(m.source +
                      ": the record has no 'static_features' (the features "
                      "before compiling) that a static model reads");
  return &m.staticFeatures;
}

llvm::Expected<CostModel> CostModel::train(llvm::ArrayRef<Measurement> data,
                                           llvm::ArrayRef<Task> tasks,
                                           const TrainOptions &options) {
  CostModel model(options.kind, options.inputs);
  if (options.kind == ModelKind::Roofline)
    return model;

  std::vector<const std::vector<double> *> rows;
  std::vector<float> labels, weights;
  std::vector<unsigned> groups;
  for (const Task &task : tasks) {
    for (size_t row : task.rows) {
      llvm::Expected<const std::vector<double> *> input =
          model.inputOf(data[row]);
      if (!input)
        return input.takeError();
      rows.push_back(*input);
      float label = float(normalizedThroughput(data[row], task));
      labels.push_back(label);
      // Ansor's weighting: the error on a candidate counts as much as it
      // is fast; failed ones keep a little weight so they sink.
      weights.push_back(std::max(label, 0.05f));
    }
    groups.push_back(unsigned(task.rows.size()));
  }
  if (rows.empty())
    return modelError("no measured candidates to train on");

  Matrix matrix;
  if (llvm::Error error = makeMatrix(rows, matrix))
    return error;
  if (llvm::Error error =
          check(XGDMatrixSetFloatInfo(matrix.handle, "label", labels.data(),
                                      labels.size()),
                "XGDMatrixSetFloatInfo(label)"))
    return error;
  if (options.kind == ModelKind::Rank) {
    if (llvm::Error error =
            check(XGDMatrixSetUIntInfo(matrix.handle, "group", groups.data(),
                                       groups.size()),
                  "XGDMatrixSetUIntInfo(group)"))
      return error;
  } else if (options.kind == ModelKind::Regression) {
    if (llvm::Error error =
            check(XGDMatrixSetFloatInfo(matrix.handle, "weight", weights.data(),
                                        weights.size()),
                  "XGDMatrixSetFloatInfo(weight)"))
      return error;
  }

  model.booster = std::make_unique<Booster>();
  if (llvm::Error error =
          check(XGBoosterCreate(&matrix.handle, 1, &model.booster->handle),
                "XGBoosterCreate"))
    return error;
  std::string objective =
      options.kind == ModelKind::Rank ? "rank:pairwise" : "reg:squarederror";
  std::pair<std::string, std::string> params[] = {
      {"objective", objective},
      {"tree_method", "hist"},
      {"max_depth", std::to_string(options.maxDepth)},
      {"eta", std::to_string(options.learningRate)},
      {"min_child_weight", "1"},
      {"seed", std::to_string(options.seed)},
      {"nthread", std::to_string(options.threads)},
      {"verbosity", "0"},
  };
  for (const auto &[name, value] : params)
    if (llvm::Error error =
            check(XGBoosterSetParam(model.booster->handle, name.c_str(),
                                    value.c_str()),
                  "XGBoosterSetParam(" + name + ")"))
      return error;
  for (unsigned round = 0; round < options.rounds; ++round)
    if (llvm::Error error =
            check(XGBoosterUpdateOneIter(model.booster->handle, int(round),
                                         matrix.handle),
                  "XGBoosterUpdateOneIter"))
      return error;
  model.trainRows = rows.size();
  model.trainTasks = tasks.size();
  model.rounds = options.rounds;
  return model;
}

llvm::Expected<std::vector<double>>
CostModel::score(llvm::ArrayRef<std::vector<double>> rows) const {
  for (const std::vector<double> &row : rows)
    if (row.size() != kFeatureCount)
      return modelError("a row of " + llvm::Twine(row.size()) +
                        " features; the schema has " +
                        llvm::Twine(kFeatureCount));
  std::vector<double> scores;
  if (!booster) {
    for (const std::vector<double> &row : rows)
      scores.push_back(rooflineScore(row));
    return scores;
  }
  if (rows.empty())
    return scores;
  std::vector<const std::vector<double> *> pointers;
  for (const std::vector<double> &row : rows)
    pointers.push_back(&row);
  Matrix matrix;
  if (llvm::Error error = makeMatrix(pointers, matrix))
    return error;
  bst_ulong length = 0;
  const float *values = nullptr;
  if (llvm::Error error = check(XGBoosterPredict(booster->handle, matrix.handle,
                                                 0, 0, 0, &length, &values),
                                "XGBoosterPredict"))
    return error;
  if (length != rows.size())
    return modelError("XGBoost predicted " + llvm::Twine(length) +
                      " values for " + llvm::Twine(rows.size()) + " rows");
  scores.assign(values, values + length);
  return scores;
}

std::string CostModel::describe() const {
  std::string text = (modelKindName(modelKind) + " (" +
                      inputsName(featureInputs) + " features")
                         .str();
  if (booster)
    text += "; " + std::to_string(trainRows) + " rows of " +
            std::to_string(trainTasks) + " tasks, " + std::to_string(rounds) +
            " rounds";
  return text + ")";
}

/// The model's metadata as booster attributes ("mixc_*"), which XGBoost
/// keeps in its own JSON: the saved file is XGBoost's model, byte for byte,
/// and loads in any XGBoost too.
static constexpr llvm::StringLiteral kFormatKey = "mixc_format",
                                     kKindKey = "mixc_kind",
                                     kInputsKey = "mixc_inputs",
                                     kSchemaKey = "mixc_feature_schema",
                                     kNamesKey = "mixc_feature_names",
                                     kTrainedKey = "mixc_trained_on";

llvm::Error CostModel::save(llvm::StringRef path) const {
  std::string text;
  if (booster) {
    std::string names;
    for (const FeatureInfo &info : featureSchema())
      names += (names.empty() ? "" : ",") + info.name.str();
    std::string trained = std::to_string(trainRows) + " rows, " +
                          std::to_string(trainTasks) + " tasks, " +
                          std::to_string(rounds) + " rounds";
    std::pair<llvm::StringRef, std::string> attributes[] = {
        {kFormatKey, kModelFormat.str()},
        {kKindKey, modelKindName(modelKind).str()},
        {kInputsKey, inputsName(featureInputs).str()},
        {kSchemaKey, kFeatureSchemaVersion.str()},
        {kNamesKey, names},
        {kTrainedKey, trained}};
    for (const auto &[key, value] : attributes)
      if (llvm::Error error =
              check(XGBoosterSetAttr(booster->handle, key.str().c_str(),
                                     value.c_str()),
                    "XGBoosterSetAttr"))
        return error;
    bst_ulong length = 0;
    const char *buffer = nullptr;
    if (llvm::Error error = check(
            XGBoosterSaveModelToBuffer(booster->handle, R"({"format": "json"})",
                                       &length, &buffer),
            "XGBoosterSaveModelToBuffer"))
      return error;
    text.assign(buffer, length);
  } else {
    // The roofline has no booster: the same keys in a small object.
    llvm::raw_string_ostream(text)
        << json::Value(json::Object{{kFormatKey, kModelFormat},
                                    {kKindKey, modelKindName(modelKind)},
                                    {kInputsKey, inputsName(featureInputs)},
                                    {kSchemaKey, kFeatureSchemaVersion}});
  }
  std::error_code ec;
  llvm::raw_fd_ostream out(path, ec, llvm::sys::fs::OF_Text);
  if (ec)
    return modelError("cannot write '" + path + "': " + ec.message());
  out << text << "\n";
  out.close();
  if (out.has_error())
    return modelError("cannot write '" + path + "': " + out.error().message());
  return llvm::Error::success();
}

llvm::Expected<CostModel> CostModel::load(llvm::StringRef path) {
  auto fail = [&](const llvm::Twine &message) {
    return modelError(path + ": " + message);
  };
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> file =
      llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!file)
    return fail("cannot read: " + file.getError().message());
  llvm::StringRef text = (*file)->getBuffer();
  llvm::Expected<json::Value> parsed = json::parse(text);
  if (!parsed)
    return fail("not JSON: " + toString(parsed.takeError()));
  const json::Object *root = parsed->getAsObject();
  if (!root)
    return fail("not a mixc cost model");

  // The metadata: the object's own keys (roofline) or the booster's
  // attributes (learner.attributes in XGBoost's JSON).
  const json::Object *attributes = root;
  if (const json::Object *learner = root->getObject("learner"))
    attributes = learner->getObject("attributes");
  auto attribute = [&](llvm::StringRef key) -> std::string {
    return attributes ? attributes->getString(key).value_or("").str() : "";
  };
  if (attribute(kFormatKey) != kModelFormat)
    return fail("not a mixc cost model (no \"" + kFormatKey + "\": \"" +
                kModelFormat + "\"; made by mixc-costmodel train?)");
  if (attribute(kSchemaKey) != kFeatureSchemaVersion)
    return fail("made for feature schema '" + attribute(kSchemaKey) +
                "'; this build has '" + kFeatureSchemaVersion +
                "': retrain it");
  std::optional<ModelKind> kind = parseModelKind(attribute(kKindKey));
  if (!kind)
    return fail("unknown model kind '" + attribute(kKindKey) + "'");
  std::string inputs = attribute(kInputsKey);
  if (inputs != "static" && inputs != "compiled")
    return fail("\"" + kInputsKey + "\" must be \"static\" or \"compiled\"");
  CostModel model(*kind, inputs == "static" ? FeatureInputs::Static
                                            : FeatureInputs::Compiled);
  if (*kind == ModelKind::Roofline)
    return model;
  if (!root->getObject("learner"))
    return fail("a learned model without XGBoost's \"learner\"");

  llvm::SmallVector<llvm::StringRef> trained;
  llvm::StringRef(attribute(kTrainedKey)).split(trained, ", ");
  auto leading = [&](size_t i) -> size_t {
    size_t value = 0;
    if (i < trained.size())
      trained[i].split(' ').first.getAsInteger(10, value);
    return value;
  };
  model.trainRows = leading(0);
  model.trainTasks = leading(1);
  model.rounds = unsigned(leading(2));
  model.booster = std::make_unique<Booster>();
  if (llvm::Error error =
          check(XGBoosterCreate(nullptr, 0, &model.booster->handle),
                "XGBoosterCreate"))
    return error;
  if (llvm::Error error =
          check(XGBoosterLoadModelFromBuffer(model.booster->handle, text.data(),
                                             text.size()),
                "XGBoosterLoadModelFromBuffer"))
    return fail(toString(std::move(error)));
  return model;
}
