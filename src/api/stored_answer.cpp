#include "api/stored_answer.h"

#include "common/clock.h"

namespace goldset::api {

namespace {

Response Answer(std::string body, const char* cache) {
  Response r;
  r.body = std::move(body);
  r.headers.emplace_back("x-goldset-cache", cache);
  return r;
}

template <typename Store, typename Key>
StatusOr<Response> Serve(RequestContext& ctx, const Key& key, bool cacheable,
                         const std::function<StatusOr<std::string>()>& compute) {
  Store stored_answers(ctx.svc.db);
  if (cacheable) {
    auto stored = stored_answers.Get(key);
    if (stored.ok() && *stored) return Answer(std::move(**stored), "hit");
  }
  GOLDSET_ASSIGN_OR_RETURN(std::string body, compute());
  bool stored = false;
  if (cacheable) {
    auto put = stored_answers.Put(key, body, NowMillis(), ctx.svc.config.max_stored_comparisons);
    stored = put.ok() && *put;
  }
  return Answer(std::move(body), stored ? "miss" : "bypass");
}

}  // namespace

StatusOr<Response> ServeStoredAnswer(RequestContext& ctx, const store::ComparisonKey& key, bool cacheable,
                                     const std::function<StatusOr<std::string>()>& compute) {
  return Serve<store::ComparisonStore>(ctx, key, cacheable, compute);
}

StatusOr<Response> ServeStoredAnswer(RequestContext& ctx, const store::AnalysisKey& key, bool cacheable,
                                     const std::function<StatusOr<std::string>()>& compute) {
  return Serve<store::AnalysisStore>(ctx, key, cacheable, compute);
}

}  // namespace goldset::api
