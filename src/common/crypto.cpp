#include "common/crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <algorithm>

#include "common/encoding.h"

namespace goldset {

std::string Sha256(std::string_view data) {
  unsigned char out[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), out);
  return std::string(reinterpret_cast<char*>(out), sizeof out);
}

std::string Sha256Hex(std::string_view data) { return HexEncode(Sha256(data)); }

std::string HmacSha256(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), out, &len);
  return std::string(reinterpret_cast<char*>(out), len);
}

std::string HmacSha256Hex(std::string_view key, std::string_view data) { return HexEncode(HmacSha256(key, data)); }

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

HmacSha256Key::HmacSha256Key(std::string_view key)
    : md_(EVP_MD_fetch(nullptr, "SHA256", nullptr)), inner_(EVP_MD_CTX_new()), outer_(EVP_MD_CTX_new()) {
  auto* md = static_cast<EVP_MD*>(md_);
  constexpr size_t kBlock = 64;
  unsigned char block[kBlock] = {};
  if (key.size() > kBlock) {
    unsigned int len = 0;
    EVP_Digest(key.data(), key.size(), block, &len, md, nullptr);
  } else {
    std::copy(key.begin(), key.end(), block);
  }
  unsigned char pad[kBlock];
  for (size_t i = 0; i < kBlock; ++i) pad[i] = static_cast<unsigned char>(block[i] ^ 0x36);
  EVP_DigestInit_ex(static_cast<EVP_MD_CTX*>(inner_), md, nullptr);
  EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(inner_), pad, kBlock);
  for (size_t i = 0; i < kBlock; ++i) pad[i] = static_cast<unsigned char>(block[i] ^ 0x5c);
  EVP_DigestInit_ex(static_cast<EVP_MD_CTX*>(outer_), md, nullptr);
  EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(outer_), pad, kBlock);
  OPENSSL_cleanse(block, kBlock);
  OPENSSL_cleanse(pad, kBlock);
}

HmacSha256Key::~HmacSha256Key() {
  EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(inner_));
  EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(outer_));
  EVP_MD_free(static_cast<EVP_MD*>(md_));
}

std::string HmacSha256Key::SignHex(std::string_view data) const {
  struct Scratch {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    ~Scratch() { EVP_MD_CTX_free(ctx); }
  };
  thread_local Scratch scratch;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_MD_CTX_copy_ex(scratch.ctx, static_cast<const EVP_MD_CTX*>(inner_));
  EVP_DigestUpdate(scratch.ctx, data.data(), data.size());
  EVP_DigestFinal_ex(scratch.ctx, digest, &len);
  EVP_MD_CTX_copy_ex(scratch.ctx, static_cast<const EVP_MD_CTX*>(outer_));
  EVP_DigestUpdate(scratch.ctx, digest, len);
  EVP_DigestFinal_ex(scratch.ctx, digest, &len);
  return HexEncode(std::string_view(reinterpret_cast<char*>(digest), len));
}

Sha256Stream::Sha256Stream() : ctx_(EVP_MD_CTX_new()) {
  EVP_DigestInit_ex(static_cast<EVP_MD_CTX*>(ctx_), EVP_sha256(), nullptr);
}
Sha256Stream::~Sha256Stream() { EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(ctx_)); }
void Sha256Stream::Update(std::string_view data) {
  EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(ctx_), data.data(), data.size());
}
std::string Sha256Stream::FinishHex() {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(ctx_), out, &len);
  return HexEncode(std::string_view(reinterpret_cast<char*>(out), len));
}

}  // namespace goldset
