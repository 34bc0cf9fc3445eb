// NodeIdentity: who makes a claim, so a restarted node can take back at once the claims
// its previous process held when it died (instead of waiting for their leases to lapse).
//
// `name` is stable per data dir: kept in <data_dir>/node-id, created on first start.
// `start` is new at every process start. A process holds an exclusive flock on
// <data_dir>/node.lock for its whole life; holding it proves no other live process claims
// under `name`, so every claim recorded under `name` belongs to a dead predecessor
// (`exclusive`). When another live process already holds the lock (two processes on one
// data dir), this one gets a name of its own and is not exclusive.
// Thread-safety: immutable after Acquire.
#pragma once

#include <memory>
#include <string>

#include "common/status.h"

namespace goldset::store {

class NodeIdentity {
 public:
  ~NodeIdentity();  // releases the lock
  NodeIdentity(const NodeIdentity&) = delete;
  NodeIdentity& operator=(const NodeIdentity&) = delete;

  static StatusOr<std::unique_ptr<NodeIdentity>> Acquire(const std::string& data_dir);

  const std::string& name() const { return name_; }
  const std::string& start() const { return start_; }
  bool exclusive() const { return lock_fd_ >= 0; }
  // Prefix of the lease owners this process writes: unique per process start.
  std::string ClaimPrefix() const { return name_ + "/" + start_; }

 private:
  NodeIdentity() = default;
  std::string name_, start_;
  int lock_fd_ = -1;
};

}  // namespace goldset::store
