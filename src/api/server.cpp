#include "api/server.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <array>
#include <atomic>
#include <cstdio>
#include <list>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include <cerrno>
#include <climits>
#include <sys/resource.h>
#include <unistd.h>

#include "api/connection_limiter.h"
#include "api/body_budget.h"
#include "api/errors.h"
#include "api/request_guard.h"
#include "common/clock.h"
#include "common/ids.h"
#include "common/log.h"
#include "common/json.h"
#include "common/strings.h"

namespace goldset::api {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

class Session;

// The current turn of the event-loop thread running here: the handlers it runs back to
// back before it would wait for I/O (RunLoopThread bounds a turn). EndTurn writes the
// turn's access-log lines with one write(2) and ends the turn's read batch
// (store::Database::BeginReadBatch), so neither outlives the burst of work it served.
struct LoopTurn {
  std::string log_lines;
  store::Database* read_batch = nullptr;
};
thread_local LoopTurn t_turn;

void FlushLog() {
  if (t_turn.log_lines.empty()) return;
  (void)!::write(STDERR_FILENO, t_turn.log_lines.data(), t_turn.log_lines.size());
  t_turn.log_lines.clear();
}

void EndTurn() {
  FlushLog();
  if (t_turn.read_batch) t_turn.read_batch->EndReadBatch();
  t_turn.read_batch = nullptr;
}

// Handlers run after one another on this thread with no wait between them form a turn; a
// turn ends when no handler is ready (before the thread blocks) or after kMaxTurnHandlers,
// so a thread that never goes idle still flushes its log and renews its snapshot.
void RunLoopThread(asio::io_context& loop) {
  constexpr int kMaxTurnHandlers = 128;
  for (;;) {
    // Last resort for code outside a request (accepting, timers, writes): log and keep the
    // thread serving; the connection whose handler threw is dropped with its handler.
    try {
      while (loop.run_one() > 0) {
        for (int i = 1; i < kMaxTurnHandlers && loop.poll_one() > 0; ++i) {
        }
        EndTurn();
      }
      break;
    } catch (const std::exception& e) {
      LogUnhandledException("event loop", "", e.what());
    } catch (...) {
      LogUnhandledException("event loop", "", "unknown exception");
    }
    EndTurn();
  }
  EndTurn();
}

// Idle keep-alive connections wait this long for a next request while the server holds
// more than 75% of its connection limit (instead of config.idle_timeout_ms).
constexpr int kPressureIdleTimeoutMs = 1000;

struct Shared {
  Shared(App& a, const ServerConfig& c, int pool_threads, ConnectionLimits limits)
      : app(a),
        config(c),
        pool(static_cast<size_t>(pool_threads)),
        limiter(limits.max_total, limits.max_per_peer),
        bodies(c.max_body_memory) {}
  App& app;
  const ServerConfig& config;
  // Handlers that may block for long (writes, uploads, exports) run here, so an event
  // loop never stalls the other connections it serves.
  asio::thread_pool pool;
  std::atomic<bool> stopping{false};
  ConnectionLimiter limiter;
  BodyBudget bodies;
  std::mutex mu;
  std::list<std::weak_ptr<Session>> sessions;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, Shared& shared, std::string remote_address, ConnectionLimiter::Slot slot)
      : stream_(std::move(socket)),
        watchdog_(stream_.get_executor()),
        shared_(shared),
        remote_address_(std::move(remote_address)),
        slot_(std::move(slot)) {
    beast::error_code ec;
    // Each response leaves in one writev; Nagle could only hold its tail back.
    stream_.set_option(tcp::no_delay(true), ec);
  }

  void Start() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->ReadHeader(); });
  }

  // Called on shutdown: an idle connection closes now; a busy one closes after its response.
  void Shutdown() {
    asio::post(stream_.get_executor(), [self = shared_from_this()] {
      if (self->idle_) self->Close();
    });
  }

  // Under connection pressure: an idle connection waits at most kPressureIdleTimeoutMs more.
  void ShortenIdleWait() {
    asio::post(stream_.get_executor(), [self = shared_from_this()] {
      if (self->idle_ && self->deadline_ms_ > MonotonicMillis() + kPressureIdleTimeoutMs)
        self->SetDeadline(kPressureIdleTimeoutMs);
    });
  }

 private:
  void ReadHeader() {
    parser_.emplace();
    parser_->header_limit(16 * 1024);
    // No body limit yet: Admit() decides it per route and answers 413 itself; a limit here
    // would make Beast fail the header read on a large Content-Length (a 400).
    parser_->body_limit(boost::none);
    idle_ = buffer_.size() == 0;
    if (idle_) return WaitForRequest();
    // Most requests arrive whole in one read: parse the buffered bytes now instead of
    // through async_read_header, which would complete via another trip through the loop.
    beast::error_code ec;
    buffer_.consume(parser_->put(buffer_.data(), ec));
    if (ec ? ec != http::error::need_more : parser_->is_header_done()) return OnHeader(ec);
    // The header timeout runs from the request's first byte, so a client that sends half
    // a header and stalls is dropped after header_timeout_ms, not after the idle timeout.
    SetDeadline(shared_.config.header_timeout_ms);
    http::async_read_header(stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, size_t) {
      self->OnHeader(self->Timed(ec));
    });
  }

  // Between requests: wait (up to the idle timeout) for the next request's first bytes.
  void WaitForRequest() {
    SetDeadline(shared_.limiter.UnderPressure() ? std::min(kPressureIdleTimeoutMs, shared_.config.idle_timeout_ms)
                                                : shared_.config.idle_timeout_ms);
    stream_.async_read_some(buffer_.prepare(16 * 1024), [self = shared_from_this()](beast::error_code ec, size_t n) {
      if (ec) return self->Close();
      self->buffer_.commit(n);
      self->ReadHeader();
    });
  }

  void OnHeader(beast::error_code ec) {
    idle_ = false;
    start_ms_ = MonotonicMillis();
    request_id_ = NewRequestId();
    if (ec) {
      if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::operation_aborted ||
          ec == asio::error::connection_reset || shared_.stopping) {
        return Close();
      }
      Response r = ErrorResponse(ec == http::error::header_limit ? 431 : 400, "INVALID_REQUEST",
                                 "Malformed HTTP request: " + ec.message(), false, request_id_);
      r.close = true;
      req_.method = "?";
      return Send(std::move(r));
    }
    auto& h = parser_->get();
    req_ = Request{};
    req_.method = std::string(h.method_string());
    req_.target = std::string(h.target());
    req_.remote_address = remote_address_;
    for (const auto& field : h) {
      std::string name = AsciiLower(field.name_string());
      req_.headers.emplace(std::move(name), std::string(field.value()));
    }
    keep_alive_ = h.keep_alive();
    Status st = ParseTarget(req_.target, &req_);
    if (!st.ok()) {
      Response r = ErrorResponse(st, request_id_);
      r.close = true;
      return Send(std::move(r));
    }
    JoinReadBatch();
    bool admitted = false;
    Response failure = GuardRequest("admission", request_id_, [&] {
      admission_ = shared_.app.Admit(req_, request_id_);
      admitted = true;
      return Response{};
    });
    if (!admitted) {
      admission_ = Admission{};
      admission_.reject = std::move(failure);
    }
    if (admission_.reject) {
      Response r = std::move(*admission_.reject);
      // The body is unread; unless there is none, the connection cannot be reused.
      if (!parser_->is_done()) r.close = true;
      return Send(std::move(r));
    }
    parser_->body_limit(static_cast<std::uint64_t>(admission_.body_limit));
    if (parser_->is_done()) return OnBody({});
    // The body's bytes are reserved before any is read (before a 100 Continue, too).
    const boost::optional<std::uint64_t> declared = parser_->content_length();
    body_ticket_ = shared_.bodies.TryReserve(declared ? static_cast<int64_t>(*declared) : admission_.body_limit);
    if (!body_ticket_.held()) {
      Response r = ErrorResponse(503, "SERVICE_UNAVAILABLE",
                                 "The server holds as many request bodies as it may at once (--max-body-memory-mb); "
                                 "retry shortly",
                                 true, request_id_);  // with Retry-After: 1
      r.close = true;
      return Send(std::move(r));
    }
    SetDeadline(admission_.body_timeout_ms);
    auto expect = req_.headers.find("expect");
    if (expect != req_.headers.end() && AsciiLower(expect->second) == "100-continue") {
      auto cont = std::make_shared<http::response<http::empty_body>>(http::status::continue_, 11);
      http::async_write(stream_, *cont, [self = shared_from_this(), cont](beast::error_code wec, size_t) {
        if (wec) return self->Close();
        self->ReadBody();
      });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, size_t) { self->OnBody(self->Timed(ec)); });
  }

  void OnBody(beast::error_code ec) {
    if (ec) {
      if (ec == http::error::body_limit) {
        Response r = ErrorResponse(
            Status::TooLarge("Request body is over the " + std::to_string(admission_.body_limit) + "-byte limit"),
            request_id_);
        r.close = true;
        return Send(std::move(r));
      }
      if (ec == beast::error::timeout || ec == http::error::end_of_stream || ec == asio::error::connection_reset ||
          ec == asio::error::eof) {
        Log(408, 0);
        return Close();
      }
      Response r =
          ErrorResponse(400, "INVALID_REQUEST", "Malformed HTTP request body: " + ec.message(), false, request_id_);
      r.close = true;
      return Send(std::move(r));
    }
    req_.body = std::move(parser_->get().body());
    // No I/O is pending while the handler runs: no deadline, however long it takes.
    deadline_ms_ = 0;
    if (admission_.match.route->dispatch == Dispatch::kInline)
      return Send(
          GuardRequest("handler", request_id_, [&] { return shared_.app.Handle(req_, admission_, request_id_); }));
    // The work guard keeps this connection's event loop running (through a drain) until
    // the response is handed back to it.
    asio::post(
        shared_.pool, [self = shared_from_this(), guard = asio::make_work_guard(stream_.get_executor())]() mutable {
          Response r = GuardRequest("handler", self->request_id_, [&] {
            return self->shared_.app.Handle(self->req_, self->admission_, self->request_id_);
          });
          asio::post(self->stream_.get_executor(), [self, r = std::move(r)]() mutable { self->Send(std::move(r)); });
        });
  }

  void Send(Response r) {
    // The handler is done with the request: its body is freed and its bytes go back to the
    // budget before any of the answer is written, so a client that has read the answer finds
    // them given back. (No response, streamed ones included, refers to the request body.)
    req_.body = std::string();
    body_ticket_ = BodyBudget::Ticket();
    bool close = r.close || !keep_alive_ || shared_.stopping;
    status_ = r.status;
    SetDeadline(shared_.config.body_timeout_ms);
    if (r.stream) return SendStream(std::move(r), close);
    // Header and body go out in one writev; the header is formatted here rather than by
    // Beast's serializer, which costs more than the rest of a small response.
    struct Out {
      std::string head;
      std::string body;
    };
    auto out = std::make_shared<Out>();
    const bool no_body = r.status == 204 || r.status == 304 || r.status < 200;
    out->head.reserve(192 + r.content_type.size());
    out->head += "HTTP/1.1 ";
    out->head += std::to_string(r.status);
    out->head += ' ';
    out->head += http::obsolete_reason(static_cast<http::status>(r.status));
    out->head += "\r\nServer: ";
    out->head += ServerHeader();
    out->head += "\r\n";
    AppendHeader(&out->head, "Content-Type", r.content_type);
    AppendHeader(&out->head, "x-extend-request-id", request_id_);
    for (auto& [k, v] : r.headers) AppendHeader(&out->head, k, v);
    if (!no_body) AppendHeader(&out->head, "Content-Length", std::to_string(r.body.size()));
    if (close) out->head += "Connection: close\r\n";
    out->head += "\r\n";
    if (!no_body && req_.method != "HEAD") out->body = std::move(r.body);
    bytes_ = out->body.size();
    std::array<asio::const_buffer, 2> buffers{asio::buffer(out->head), asio::buffer(out->body)};
    asio::async_write(stream_, buffers, [self = shared_from_this(), out, close](beast::error_code ec, size_t) {
      self->AfterWrite(ec, close);
    });
  }

  // Handlers' header values are ours, but a CR or LF would split the response: drop them.
  static void AppendHeader(std::string* head, std::string_view name, std::string_view value) {
    head->append(name);
    head->append(": ");
    for (char c : value)
      if (c != '\r' && c != '\n') head->push_back(c);
    head->append("\r\n");
  }

  // Chunked streaming: header first, then one chunk per writer call.
  void SendStream(Response r, bool close) {
    auto res = std::make_shared<http::response<http::empty_body>>(static_cast<http::status>(r.status), 11);
    res->set(http::field::server, ServerHeader());
    res->set(http::field::content_type, r.content_type);
    res->set("x-extend-request-id", request_id_);
    for (auto& [k, v] : r.headers) res->set(k, v);
    res->chunked(true);
    res->keep_alive(!close);
    auto sr = std::make_shared<http::response_serializer<http::empty_body>>(*res);
    auto writer = std::make_shared<BodyWriter>(std::move(r.stream));
    http::async_write_header(stream_, *sr,
                             [self = shared_from_this(), res, sr, writer, close](beast::error_code ec, size_t) {
                               if (ec) return self->AfterWrite(ec, true);
                               self->WriteChunks(writer, close);
                             });
  }

  void WriteChunks(std::shared_ptr<BodyWriter> writer, bool close) {
    auto chunk = std::make_shared<std::string>();
    bool more = (*writer)([&](std::string_view piece) { chunk->append(piece); });
    bytes_ += chunk->size();
    SetDeadline(shared_.config.body_timeout_ms);
    if (!chunk->empty()) {
      asio::async_write(stream_, http::make_chunk(asio::buffer(*chunk)),
                        [self = shared_from_this(), chunk, writer, more, close](beast::error_code ec, size_t) {
                          if (ec) return self->AfterWrite(ec, true);
                          if (more) return self->WriteChunks(writer, close);
                          self->WriteLastChunk(close);
                        });
      return;
    }
    if (more) return WriteChunks(writer, close);
    WriteLastChunk(close);
  }

  void WriteLastChunk(bool close) {
    asio::async_write(
        stream_, http::make_chunk_last(),
        [self = shared_from_this(), close](beast::error_code ec, size_t) { self->AfterWrite(ec, close); });
  }

  void AfterWrite(beast::error_code ec, bool close) {
    Log(status_, bytes_);
    if (ec) return Close();
    if (close) return LingeringClose();
    ReadHeader();
  }

  // The client may still be sending a body we refused (413, 400). Closing with unread
  // input makes the kernel send RST, which can destroy the response before the client
  // reads it; so half-close, then read and discard for a bounded time before closing.
  void LingeringClose() {
    beast::error_code ec;
    stream_.shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return Close();
    SetDeadline(2000);
    Drain(std::make_shared<std::array<char, 16 * 1024>>(), 0);
  }

  void Drain(std::shared_ptr<std::array<char, 16 * 1024>> scratch, size_t drained) {
    stream_.async_read_some(asio::buffer(*scratch),
                            [self = shared_from_this(), scratch, drained](beast::error_code ec, size_t n) {
                              if (ec || drained + n > (64u << 20)) return self->Close();
                              self->Drain(scratch, drained + n);
                            });
  }

  // REQUIRES: on an event-loop thread (the pending lines are that thread's).
  void Log(int status, size_t bytes) {
    const int64_t duration = MonotonicMillis() - start_ms_;
    shared_.app.RecordRequest(status, duration);
    if (!shared_.config.access_log) return;
    thread_local std::string line;
    line.clear();
    AppendAccessLogLine(&line,
                        {req_.method, req_.path, status, bytes, duration, request_id_, admission_.caller.workspace_id});
    // Writes of at most PIPE_BUF bytes stay whole when stderr is a pipe shared by the loop threads.
    if (t_turn.log_lines.size() + line.size() > PIPE_BUF) FlushLog();
    t_turn.log_lines += line;
  }

  // Reads made on this thread during its turn (authentication, inline handlers) share
  // database snapshots; writes go to the handler pool, outside the batch.
  void JoinReadBatch() {
    if (t_turn.read_batch) return;
    t_turn.read_batch = shared_.app.services().db.get();
    t_turn.read_batch->BeginReadBatch();
  }

  void Close() {
    beast::error_code ec;
    stream_.shutdown(tcp::socket::shutdown_send, ec);
    stream_.close(ec);
    deadline_ms_ = 0;
    watchdog_.cancel();
  }

  // One timer per connection guards whichever operation is pending. Setting a deadline is
  // a store; the timer is re-armed only when it would fire too late, and when it fires
  // early it sleeps again until the current deadline (cheaper than arming a timer for
  // every read and write).
  void SetDeadline(int ms) {
    deadline_ms_ = MonotonicMillis() + ms;
    if (!watch_armed_ || deadline_ms_ < watch_at_ms_) ArmWatchdog(deadline_ms_);
  }

  void ArmWatchdog(int64_t at_ms) {
    watch_armed_ = true;
    watch_at_ms_ = at_ms;
    // Re-arming cancels the previous wait: its handler sees operation_aborted and leaves.
    watchdog_.expires_at(std::chrono::steady_clock::time_point(std::chrono::milliseconds(at_ms)));
    watchdog_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec == asio::error::operation_aborted) return;
      self->watch_armed_ = false;
      self->OnWatchdog();
    });
  }

  void OnWatchdog() {
    if (deadline_ms_ == 0) return;  // nothing pending; the next SetDeadline re-arms
    if (MonotonicMillis() < deadline_ms_) return ArmWatchdog(deadline_ms_);
    timed_out_ = true;
    beast::error_code ec;
    stream_.close(ec);  // the pending operation completes with an error; Timed() names it
  }

  // A pending operation that failed because the watchdog closed the socket timed out.
  beast::error_code Timed(beast::error_code ec) const { return ec && timed_out_ ? beast::error::timeout : ec; }

  tcp::socket stream_;
  asio::steady_timer watchdog_;
  int64_t deadline_ms_ = 0;  // MonotonicMillis() deadline of the pending operation; 0: none
  int64_t watch_at_ms_ = 0;
  bool watch_armed_ = false;
  bool timed_out_ = false;
  beast::flat_buffer buffer_;
  Shared& shared_;
  std::optional<http::request_parser<http::string_body>> parser_;
  Request req_;
  Admission admission_;
  std::string request_id_;
  std::string remote_address_;
  bool keep_alive_ = true;
  bool idle_ = true;
  int status_ = 0;
  size_t bytes_ = 0;
  int64_t start_ms_ = 0;
  ConnectionLimiter::Slot slot_;    // released when the session (and its socket) is gone
  BodyBudget::Ticket body_ticket_;  // the current request body's bytes, until it is answered
};

// A connection over a limit gets a short 503 written without waiting (the socket buffer of
// a new connection has room) and is closed at once, so it costs the server no descriptor
// beyond this call and other connections never wait on it.
void RefuseConnection(tcp::socket& socket, ConnectionLimiter::Verdict verdict) {
  json::object body;
  body["code"] = "SERVICE_UNAVAILABLE";
  body["message"] = verdict == ConnectionLimiter::Verdict::kPeerFull
                        ? "Too many open connections from this address; close idle connections or retry later"
                        : "The server holds its maximum number of connections; retry later";
  body["retryable"] = true;
  body["requestId"] = NewRequestId();
  const std::string text = json::serialize(body);
  const std::string out =
      "HTTP/1.1 503 Service Unavailable\r\nServer: " + ServerHeader() +
      "\r\nContent-Type: application/json\r\nRetry-After: 1\r\nConnection: close\r\nContent-Length: " +
      std::to_string(text.size()) + "\r\n\r\n" + text;
  beast::error_code ec;
  socket.non_blocking(true, ec);
  socket.write_some(asio::buffer(out), ec);
  // Read what already arrived so closing does not turn into a reset that could destroy
  // the 503 before the client reads it.
  std::array<char, 4096> scratch;
  socket.read_some(asio::buffer(scratch), ec);
  socket.shutdown(tcp::socket::shutdown_send, ec);
  socket.close(ec);
}

// The accept loop's answer to running out of descriptors (EMFILE/ENFILE) or kernel memory:
// try again after a pause instead of at once, which would spin a loop thread (audit F16).
bool IsResourceExhaustion(const beast::error_code& ec) {
  return ec == asio::error::no_descriptors || ec == asio::error::no_buffer_space || ec == asio::error::no_memory ||
         (ec.category() == boost::system::system_category() && (ec.value() == ENFILE || ec.value() == EMFILE));
}
constexpr int kAcceptBackoffMs = 100;

// At most one log line per second for refused or failed accepts, with a count.
class ThrottledLog {
 public:
  void Note(const char* what) {
    std::lock_guard<std::mutex> lock(mu_);
    ++count_;
    const int64_t now = MonotonicMillis();
    if (now - last_ms_ < 1000) return;
    WriteLogLines(FormatLogLine("warn", std::string(what) + " (" + std::to_string(count_) + " since the last report)"));
    last_ms_ = now;
    count_ = 0;
  }

 private:
  std::mutex mu_;
  int64_t last_ms_ = -1000000;
  int64_t count_ = 0;
};

// The operator's limits, or the defaults derived from the descriptor limit.
ConnectionLimits LimitsFor(const ServerConfig& config) {
  rlimit nofile{};
  uint64_t n = getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur != RLIM_INFINITY ? nofile.rlim_cur : 1024;
  ConnectionLimits limits =
      DefaultConnectionLimits(n, config.threads + config.handler_threads + config.workers + config.webhook_workers);
  if (config.max_connections > 0) {
    limits.max_total = config.max_connections;
    limits.max_per_peer = DefaultPerPeerLimit(limits.max_total);
  }
  if (config.max_connections_per_ip > 0) limits.max_per_peer = config.max_connections_per_ip;
  return limits;
}

}  // namespace

// One event loop run by config.threads threads. Each connection's handlers run on its
// strand (one at a time, on whichever thread is free), so a thread that stalls — a read
// waiting on a lock, a large page, or the kernel descheduling it — holds up only the
// connection it is serving; the other threads go on serving the rest.
struct HttpServer::Impl {
  Impl(App& app, const ServerConfig& config)
      : threads(std::max(1, config.threads)),
        loop(threads),
        shared(app, config, std::max(1, config.handler_threads), LimitsFor(config)),
        acceptor(asio::make_strand(loop)),
        backoff(acceptor.get_executor()) {}

  void Accept() {
    acceptor.async_accept(asio::make_strand(loop), [this](beast::error_code ec, tcp::socket socket) {
      if (ec) {
        if (shared.stopping || ec == asio::error::operation_aborted) return;
        if (!IsResourceExhaustion(ec)) return Accept();
        accept_failures.Note("accept failed for lack of descriptors or memory; pausing the accept loop");
        backoff.expires_after(std::chrono::milliseconds(kAcceptBackoffMs));
        backoff.async_wait([this](beast::error_code wec) {
          if (!wec && !shared.stopping) Accept();
        });
        return;
      }
      Admit(std::move(socket));
      Accept();
    });
  }

  // Runs on the acceptor's strand.
  void Admit(tcp::socket socket) {
    beast::error_code ec;
    auto ep = socket.remote_endpoint(ec);
    std::string peer = ec ? std::string("unknown") : ep.address().to_string();
    ConnectionLimiter::Verdict verdict;
    ConnectionLimiter::Slot slot = shared.limiter.TryAcquire(peer, &verdict);
    if (!slot.held()) {
      refusals.Note(verdict == ConnectionLimiter::Verdict::kPeerFull
                        ? "connection refused: over --max-connections-per-ip"
                        : "connection refused: over --max-connections");
      return RefuseConnection(socket, verdict);
    }
    auto s = std::make_shared<Session>(std::move(socket), shared, std::move(peer), std::move(slot));
    std::vector<std::shared_ptr<Session>> to_shorten;
    {
      std::lock_guard<std::mutex> lock(shared.mu);
      // Dropping expired entries now and then keeps the list near the live count.
      if (++accepts_since_sweep >= 64 || shared.sessions.size() > 2 * static_cast<size_t>(shared.limiter.max_total())) {
        shared.sessions.remove_if([](const std::weak_ptr<Session>& w) { return w.expired(); });
        accepts_since_sweep = 0;
      }
      shared.sessions.push_back(s);
      // Pressure began (or persists): idle connections that were told to wait the full
      // idle timeout are told again, at most four times a second.
      const int64_t now = MonotonicMillis();
      if (shared.limiter.UnderPressure() && now - last_pressure_sweep_ms >= 250) {
        last_pressure_sweep_ms = now;
        for (auto& w : shared.sessions)
          if (auto live = w.lock()) to_shorten.push_back(std::move(live));
      }
    }
    for (auto& live : to_shorten) live->ShortenIdleWait();
    s->Start();
  }

  int threads;
  asio::io_context loop;
  // Keeps the loop running without connections until Stop().
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> idle_guard;
  Shared shared;
  tcp::acceptor acceptor;              // on its own strand: Stop() closes it while an accept may complete
  asio::steady_timer backoff;          // on the acceptor's strand
  int accepts_since_sweep = 0;         // acceptor strand only
  int64_t last_pressure_sweep_ms = 0;  // under shared.mu
  ThrottledLog refusals, accept_failures;
};

HttpServer::HttpServer(App& app, const ServerConfig& config) : impl_(std::make_unique<Impl>(app, config)) {}
HttpServer::~HttpServer() = default;

StatusOr<int> HttpServer::Bind() {
  const std::string& listen = impl_->shared.config.listen;
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos) return Status::InvalidArgument("--listen must be HOST:PORT, got '" + listen + "'");
  std::string host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  std::string port_str = listen.substr(colon + 1);
  char* end = nullptr;
  long port = std::strtol(port_str.c_str(), &end, 10);
  if (port_str.empty() || *end != '\0' || port < 0 || port > 65535)
    return Status::InvalidArgument("--listen port must be 0-65535, got '" + port_str + "'");
  beast::error_code ec;
  auto addr = asio::ip::make_address(host == "localhost" ? "127.0.0.1" : host, ec);
  if (ec) return Status::InvalidArgument("--listen host must be an IP address, got '" + host + "'");
  tcp::endpoint ep(addr, static_cast<unsigned short>(port));
  auto& a = impl_->acceptor;
  a.open(ep.protocol(), ec);
  if (!ec) a.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(ep, ec);
  if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return Status::InvalidArgument("cannot listen on " + listen + ": " + ec.message());
  LogInfo("connection limits: " + std::to_string(impl_->shared.limiter.max_total()) + " in total, " +
          std::to_string(impl_->shared.limiter.max_per_peer()) +
          " per client address (--max-connections, "
          "--max-connections-per-ip)");
  return static_cast<int>(a.local_endpoint().port());
}

void HttpServer::Run() {
  impl_->idle_guard.emplace(asio::make_work_guard(impl_->loop));
  impl_->Accept();
  std::vector<std::thread> threads;
  for (int i = 1; i < impl_->threads; ++i) threads.emplace_back([this] { RunLoopThread(impl_->loop); });
  RunLoopThread(impl_->loop);
  for (auto& t : threads) t.join();
  impl_->shared.pool.join();
}

void HttpServer::Stop() {
  asio::post(impl_->acceptor.get_executor(), [this] {
    impl_->shared.stopping = true;
    impl_->idle_guard.reset();
    beast::error_code ec;
    impl_->acceptor.close(ec);
    impl_->backoff.cancel();
    std::lock_guard<std::mutex> lock(impl_->shared.mu);
    for (auto& w : impl_->shared.sessions)
      if (auto s = w.lock()) s->Shutdown();
  });
}

}  // namespace goldset::api
