// HttpServer: asynchronous HTTP/1.1 over Boost.Beast.
//
// Keep-alive, chunked request bodies, header and body timeouts (a stalled client is
// dropped), body limits decided per route before the body is read, one JSON access-log
// line per request, and graceful shutdown: Stop() closes the listener, lets in-flight
// requests finish and closes idle connections.
// Threads: one event loop run by config.threads threads (a connection's handlers run one
// at a time on its strand, on any of them; quick handlers run there) plus a pool of
// config.handler_threads for handlers that may block for long (Route::dispatch).
// Run() blocks; Stop() may be called from any thread.
#pragma once

#include <memory>
#include <string>

#include "api/app.h"

namespace goldset::api {

class HttpServer {
 public:
  HttpServer(App& app, const ServerConfig& config);
  ~HttpServer();
  // Binds the listen address. Returns the bound port (useful with port 0).
  StatusOr<int> Bind();
  // Serves until Stop(); returns when every connection has closed.
  void Run();
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace goldset::api
