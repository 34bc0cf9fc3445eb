// JSON mapping of webhook objects: WebhookEndpoint(Create), WebhookSubscription, and the
// extension's delivery records.
#pragma once

#include "common/json.h"
#include "webhooks/webhooks.h"

namespace goldset::api {

// The contract's WebhookEndpoint plus the extensions updatedAt, disabledReason.
// signingSecret only when `with_secret` (creation).
json::object WebhookEndpointJson(const webhooks::Endpoint& e, bool with_secret);
json::object WebhookSubscriptionJson(const webhooks::Subscription& s);
json::object WebhookDeliveryJson(const webhooks::Delivery& d);

}  // namespace goldset::api
