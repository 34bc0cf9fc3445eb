// The closed sets of statuses a run, a run item, a processor run and a webhook delivery
// go through, each with its one string mapping (the wire and stored spelling). State machines:
// docs/architecture.md § State machines. Contract O5: clients poll until a status leaves
// PENDING / PROCESSING / CANCELLING, so no other spelling may ever be written.
// Thread-safe: constant tables.
#pragma once

#include <optional>
#include <string_view>

namespace goldset::model {

enum class RunStatus { kPending, kProcessing, kCancelling, kProcessed, kFailed, kCancelled };
enum class ItemStatus { kPending, kProcessing, kProcessed, kFailed, kCancelled };
enum class ProcessorRunStatus { kPending, kProcessing, kProcessed, kFailed, kCancelled };
enum class DeliveryStatus { kPending, kDelivered, kFailed };

namespace status_detail {
template <typename E>
struct Spelling {
  E value;
  const char* text;
};
inline constexpr Spelling<RunStatus> kRun[] = {
    {RunStatus::kPending, "PENDING"},       {RunStatus::kProcessing, "PROCESSING"},
    {RunStatus::kCancelling, "CANCELLING"}, {RunStatus::kProcessed, "PROCESSED"},
    {RunStatus::kFailed, "FAILED"},         {RunStatus::kCancelled, "CANCELLED"}};
inline constexpr Spelling<ItemStatus> kItem[] = {{ItemStatus::kPending, "PENDING"},
                                                 {ItemStatus::kProcessing, "PROCESSING"},
                                                 {ItemStatus::kProcessed, "PROCESSED"},
                                                 {ItemStatus::kFailed, "FAILED"},
                                                 {ItemStatus::kCancelled, "CANCELLED"}};
inline constexpr Spelling<ProcessorRunStatus> kProcessorRun[] = {{ProcessorRunStatus::kPending, "PENDING"},
                                                                 {ProcessorRunStatus::kProcessing, "PROCESSING"},
                                                                 {ProcessorRunStatus::kProcessed, "PROCESSED"},
                                                                 {ProcessorRunStatus::kFailed, "FAILED"},
                                                                 {ProcessorRunStatus::kCancelled, "CANCELLED"}};
inline constexpr Spelling<DeliveryStatus> kDelivery[] = {{DeliveryStatus::kPending, "pending"},
                                                         {DeliveryStatus::kDelivered, "delivered"},
                                                         {DeliveryStatus::kFailed, "failed"}};

template <typename E, size_t N>
constexpr const char* Name(const Spelling<E> (&table)[N], E e) {
  for (const auto& s : table)
    if (s.value == e) return s.text;
  return "";
}
template <typename E, size_t N>
constexpr std::optional<E> Parse(const Spelling<E> (&table)[N], std::string_view text) {
  for (const auto& s : table)
    if (text == s.text) return s.value;
  return std::nullopt;
}
}  // namespace status_detail

constexpr const char* ToString(RunStatus s) { return status_detail::Name(status_detail::kRun, s); }
constexpr const char* ToString(ItemStatus s) { return status_detail::Name(status_detail::kItem, s); }
constexpr const char* ToString(ProcessorRunStatus s) { return status_detail::Name(status_detail::kProcessorRun, s); }
constexpr const char* ToString(DeliveryStatus s) { return status_detail::Name(status_detail::kDelivery, s); }

// nullopt for a spelling that is not in the set.
constexpr std::optional<RunStatus> ParseRunStatus(std::string_view t) {
  return status_detail::Parse(status_detail::kRun, t);
}
constexpr std::optional<ItemStatus> ParseItemStatus(std::string_view t) {
  return status_detail::Parse(status_detail::kItem, t);
}
constexpr std::optional<ProcessorRunStatus> ParseProcessorRunStatus(std::string_view t) {
  return status_detail::Parse(status_detail::kProcessorRun, t);
}
constexpr std::optional<DeliveryStatus> ParseDeliveryStatus(std::string_view t) {
  return status_detail::Parse(status_detail::kDelivery, t);
}

}  // namespace goldset::model
