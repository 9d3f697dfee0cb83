//===- Dataset.cpp - Measured schedules: the cost model's data ------------===//

#include "mixc/CostModel/Dataset.h"
#include "mixc/CostModel/Features.h"
#include "mixc/Dialect/Mix/ScheduleTemplates.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"

#include <algorithm>
#include <cmath>

using namespace mixc::costmodel;
namespace json = llvm::json;

bool Measurement::failed() const {
  return status == "FAIL" || status == "FAULTED" || status == "ERROR" ||
         status == "TIMEOUT" || status == "COMPILE_ERROR";
}

std::string Measurement::scheduleKey() const {
  std::string key;
  for (const auto &[name, value] : params) {
    if (!key.empty())
      key += ",";
    key += name + "=" + std::to_string(value);
  }
  return key;
}

std::optional<llvm::SmallVector<int64_t, 8>>
mixc::costmodel::schedulePoint(const Measurement &m,
                               const mix::ScheduleTemplateDecl &decl) {
  llvm::SmallVector<int64_t, 8> point;
  for (const mix::ScheduleParamDecl &param : decl.params)
    point.push_back(param.defaultValue);
  for (const auto &[name, value] : m.params) {
    const mix::ScheduleParamDecl *param = decl.findParam(name);
    if (!param || !param->isLegal(value))
      return std::nullopt;
    point[size_t(param - decl.params.data())] = value;
  }
  return point;
}

namespace {

llvm::Error recordError(llvm::StringRef where, const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 where + ": " + message);
}

/// Reads a feature array in schema order: numbers, null as NaN.
llvm::Error readFeatures(const json::Array &array, std::vector<double> &out,
                         llvm::StringRef field, llvm::StringRef where) {
  if (array.size() != kFeatureCount)
    return recordError(
        where, "'" + field + "' has " + llvm::Twine(array.size()) +
                   " values; the schema has " + llvm::Twine(kFeatureCount));
  out.clear();
  for (const json::Value &value : array) {
    if (value.kind() == json::Value::Null)
      out.push_back(std::nan(""));
    else if (std::optional<double> number = value.getAsNumber())
      out.push_back(*number);
    else
      return recordError(where, "'" + field + "' holds a non-number");
  }
  return llvm::Error::success();
}

} // namespace

llvm::Expected<Measurement>
mixc::costmodel::parseMeasurement(llvm::StringRef line, llvm::StringRef where) {
  llvm::Expected<json::Value> parsed = json::parse(line);
  if (!parsed)
    return recordError(where, "not JSON: " + toString(parsed.takeError()));
  const json::Object *record = parsed->getAsObject();
  if (!record)
    return recordError(where, "not a JSON object");
  auto string = [&](llvm::StringRef key) -> std::optional<std::string> {
    if (std::optional<llvm::StringRef> value = record->getString(key))
      return value->str();
    return std::nullopt;
  };

  std::optional<std::string> schema = string("schema_version");
  if (!schema)
    return recordError(where, "no 'schema_version'");
  if (*schema != kFeatureSchemaVersion)
    return recordError(where, "feature schema '" + *schema +
                                  "'; this build reads '" +
                                  kFeatureSchemaVersion +
                                  "' (costmodel/data/migrate_schema.py "
                                  "rewrites older records)");
  Measurement m;
  m.source = where.str();
  std::optional<std::string> task = string("task"), op = string("op"),
                             templateName = string("template"),
                             status = string("status");
  if (!task || !op || !templateName)
    return recordError(where, "needs 'task', 'op' and 'template'");
  m.task = *task;
  m.op = *op;
  m.templateName = *templateName;
  m.status = status.value_or("NOT_MEASURED");

  const json::Object *params = record->getObject("params");
  if (!params)
    return recordError(where, "no 'params' object");
  for (const auto &[name, value] : *params) {
    std::optional<int64_t> integer = value.getAsInteger();
    if (!integer)
      return recordError(where,
                         "parameter '" + name.str() + "' is not an integer");
    m.params.emplace_back(name.str(), *integer);
  }
  // json::Object is unordered: order the schedule by name, so that equal
  // schedules compare and print equal whatever the writer's order.
  llvm::sort(m.params);

  // The schema version fixes the names and their order; a record may still
  // list them (mixc-space and mixc-tune do), and then they must agree. The
  // committed data leaves them out: 66 names on each of thousands of lines.
  if (const json::Array *names = record->getArray("feature_names")) {
    if (names->size() != kFeatureCount)
      return recordError(where, "'feature_names' does not list the " +
                                    llvm::Twine(kFeatureCount) +
                                    " features of the schema");
    for (auto [name, info] : llvm::zip(*names, featureSchema()))
      if (name.getAsString() != std::optional<llvm::StringRef>(info.name))
        return recordError(where, "feature '" + info.name +
                                      "' is not where the schema has it");
  }
  const json::Array *features = record->getArray("features");
  if (!features)
    return recordError(where, "no 'features' array");
  if (llvm::Error error =
          readFeatures(*features, m.features, "features", where))
    return error;
  if (const json::Array *staticFeatures = record->getArray("static_features"))
    if (llvm::Error error = readFeatures(*staticFeatures, m.staticFeatures,
                                         "static_features", where))
      return error;

  m.device = string("device").value_or("");
  m.date = string("date").value_or("");
  if (std::optional<double> time = record->getNumber("time_ms"))
    m.timeMs = *time;
  if (m.status == "PASS" && !(m.timeMs > 0))
    return recordError(where, "a PASS record without a positive 'time_ms'");
  return m;
}

llvm::Expected<std::vector<Measurement>>
mixc::costmodel::loadMeasurements(llvm::StringRef path, bool *truncatedLast) {
  if (truncatedLast)
    *truncatedLast = false;
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> file =
      llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!file)
    return llvm::createStringError(file.getError(),
                                   "cannot read '" + path +
                                       "': " + file.getError().message());
  llvm::StringRef text = (*file)->getBuffer();
  // A writer killed mid-line leaves a last line without its newline.
  bool endsClean = text.empty() || text.back() == '\n';
  llvm::SmallVector<llvm::StringRef> lines;
  text.split(lines, '\n');
  std::vector<Measurement> result;
  for (auto [index, line] : llvm::enumerate(lines)) {
    if (line.trim().empty())
      continue;
    std::string where = (path + ":" + llvm::Twine(index + 1)).str();
    llvm::Expected<Measurement> m = parseMeasurement(line, where);
    if (!m) {
      if (!endsClean && index + 1 == lines.size()) {
        llvm::consumeError(m.takeError());
        if (truncatedLast)
          *truncatedLast = true;
        break;
      }
      return m.takeError();
    }
    result.push_back(std::move(*m));
  }
  return result;
}

std::vector<Task>
mixc::costmodel::groupByTask(llvm::ArrayRef<Measurement> data) {
  std::vector<Task> tasks;
  llvm::StringMap<size_t> index;
  for (auto [row, m] : llvm::enumerate(data)) {
    if (!m.passed() && !m.failed())
      continue;
    auto [it, inserted] =
        index.try_emplace(m.task + '\0' + m.device, tasks.size());
    if (inserted)
      tasks.push_back(Task{m.task, m.op, m.device, {}, std::nan("")});
    Task &task = tasks[it->second];
    task.rows.push_back(row);
    if (m.passed() && !(m.timeMs >= task.bestTimeMs))
      task.bestTimeMs = m.timeMs;
  }
  llvm::erase_if(tasks, [](const Task &t) { return std::isnan(t.bestTimeMs); });
  return tasks;
}

double mixc::costmodel::normalizedThroughput(const Measurement &m,
                                             const Task &task) {
  return m.passed() ? task.bestTimeMs / m.timeMs : 0.0;
}
