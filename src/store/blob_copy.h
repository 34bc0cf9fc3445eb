// Copying blobs between stores (goldset migrate-blobs), streamed: the source's GetStream
// feeds the destination's PutStream through a pipe of a few chunks, so a copy holds a
// bounded amount of memory whatever the blob's size.
#pragma once

#include <string>

#include "common/status.h"
#include "store/blob_store.h"

namespace goldset::store {

// Copies blob `sha256` from `from` to `to`, then reads it back from `to` through the
// checksum check. Returns NotFound when `from` lacks it; any other error leaves nothing
// new visible in `to` (its Put is atomic). Thread-safe as the stores are.
Status CopyBlob(BlobStore& from, BlobStore& to, const std::string& sha256);

}  // namespace goldset::store
