#include "store/blob_store.h"

#include "common/crypto.h"

namespace goldset::store {

bool IsBlobKey(const std::string& s) {
  if (s.size() != 64) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

StatusOr<std::string> BlobStore::Put(std::string_view bytes) {
  StringViewSource source(bytes);
  return PutStream(source, Sha256Hex(bytes));
}

StatusOr<std::string> BlobStore::Get(const std::string& sha256) {
  std::string bytes;
  StringSink sink(&bytes);
  GOLDSET_RETURN_IF_ERROR(GetStream(sha256, sink));
  return bytes;
}

}  // namespace goldset::store
