// LeaseKeeper: keeps the leases of claimed work alive while the work runs.
//
// Claims (run items, standalone processor runs, webhook deliveries) carry a short lease.
// One background thread renews every kept claim every lease_ms / 3, so a claim held by a
// live process never lapses however long its work takes, while the claims of a process
// that died lapse within one lease period and are claimed again elsewhere.
//
// When a renewal finds the claim gone (the run was cancelled or deleted, the claim was
// released) or the lease lapses before any renewal succeeds (the database unreachable for
// a whole lease period), the claim's CancelToken is cancelled: the work stops instead of
// running beside another worker's attempt of the same claim.
//
// Thread-safety: Keep() and destroying a Hold may happen on any thread. Renew callbacks
// run on the keeper's thread and must capture what they use by value.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "common/cancel.h"
#include "common/status.h"

namespace goldset::store {

class LeaseKeeper {
 public:
  // Extends the claim's lease to `until` (wall-clock ms, NowMillis()); false when the
  // claim no longer holds.
  using Renew = std::function<StatusOr<bool>(int64_t until)>;

  explicit LeaseKeeper(int64_t lease_ms);
  ~LeaseKeeper();  // stops the thread; REQUIRES: no Hold outlives the keeper
  LeaseKeeper(const LeaseKeeper&) = delete;
  LeaseKeeper& operator=(const LeaseKeeper&) = delete;

  int64_t lease_ms() const { return lease_ms_; }

  // A kept claim; destroying it stops the renewals (it does not release the claim).
  class Hold {
   public:
    ~Hold();
    Hold(const Hold&) = delete;
    Hold& operator=(const Hold&) = delete;
    // True once the lease was lost (claim gone or lapsed).
    bool lost() const;
    // The lease's end as last renewed (wall-clock ms).
    int64_t expires() const;

   private:
    friend class LeaseKeeper;
    Hold(LeaseKeeper* keeper, uint64_t id) : keeper_(keeper), id_(id) {}
    LeaseKeeper* keeper_;
    uint64_t id_;
  };

  // Renews the claim, whose lease currently ends at `lease_until`, until the Hold dies.
  // `token` (may be null) is cancelled when the lease is lost; it must outlive the Hold.
  std::unique_ptr<Hold> Keep(Renew renew, int64_t lease_until, CancelToken* token);

 private:
  struct Entry {
    Renew renew;
    int64_t expires = 0;     // the lease's end as last renewed (wall clock)
    int64_t next_renew = 0;  // when to renew next (wall clock)
    bool lost = false;
    CancelToken* token = nullptr;  // null once the Hold died
  };

  void Loop();
  void Forget(uint64_t id);

  const int64_t lease_ms_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<uint64_t, std::shared_ptr<Entry>> entries_;  // guarded by mu_ (and each Entry's fields)
  uint64_t next_id_ = 0;                                // guarded by mu_
  bool stopping_ = false;                               // guarded by mu_
  std::thread thread_;
};

}  // namespace goldset::store
