// Statuses (model/statuses.h) at the store's row boundary: the stored spelling as a
// statement parameter, and the enum read back from a status column. SQL text keeps its
// literal spellings ('PENDING', ...); these are the only ones ever written, so an unknown
// spelling means a hand-edited database: it reads as failed, a state clients stop polling
// at, rather than as one a worker would pick up. Thread-safe (pure functions).
#pragma once

#include <string>
#include <string_view>

#include "model/statuses.h"
#include "store/database.h"

namespace goldset::store {

template <typename E>
Param StatusParam(E status) {
  return std::string(model::ToString(status));
}

inline model::RunStatus RunStatusColumn(std::string_view t) {
  return model::ParseRunStatus(t).value_or(model::RunStatus::kFailed);
}
inline model::ItemStatus ItemStatusColumn(std::string_view t) {
  return model::ParseItemStatus(t).value_or(model::ItemStatus::kFailed);
}
inline model::ProcessorRunStatus ProcessorRunStatusColumn(std::string_view t) {
  return model::ParseProcessorRunStatus(t).value_or(model::ProcessorRunStatus::kFailed);
}
inline model::DeliveryStatus DeliveryStatusColumn(std::string_view t) {
  return model::ParseDeliveryStatus(t).value_or(model::DeliveryStatus::kFailed);
}

}  // namespace goldset::store
