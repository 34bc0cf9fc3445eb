// The enabled-events column of endpoints and subscriptions: a JSON array of event types
// stored as text. Internal to webhooks/. Pure; thread-safe.
#pragma once

#include <string>
#include <vector>

namespace goldset::webhooks {

std::string EventsToText(const std::vector<std::string>& events);
// Non-string entries and malformed text yield no events.
std::vector<std::string> EventsFromText(const std::string& text);

}  // namespace goldset::webhooks
