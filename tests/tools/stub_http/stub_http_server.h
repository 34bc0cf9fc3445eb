// A tiny blocking HTTP/1.1 server on 127.0.0.1 (or ::1) for tests: stands in for webhook
// receivers, http-engine endpoints and OpenAI-compatible LLM servers.
//
// One background thread accepts connections one at a time, reads a request
// (Content-Length bodies only), answers with the handler's response and closes the
// connection. Every socket wait is bounded so a broken client cannot hang a test.
// Thread-safety: requests() may be called from any thread.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace goldset::testing {

class StubHttpServer {
 public:
  struct Request {
    std::string method, path, body;
    std::map<std::string, std::string> headers;  // names lowercased
  };
  struct Response {
    int status = 200;
    std::string body;
    int delay_ms = 0;  // sleep before answering (timeout tests)
    std::vector<std::pair<std::string, std::string>> headers;
    bool close_delimited = false;  // no Content-Length: the body ends when the connection closes
  };
  using Handler = std::function<Response(const Request&)>;

  explicit StubHttpServer(Handler handler, bool ipv6 = false) : handler_(std::move(handler)), ipv6_(ipv6) {
    fd_ = ::socket(ipv6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (ipv6) {
      sockaddr_in6 addr{};
      addr.sin6_family = AF_INET6;
      addr.sin6_addr = in6addr_loopback;
      ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
      socklen_t len = sizeof addr;
      ::listen(fd_, 16);
      ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
      port_ = ntohs(addr.sin6_port);
    } else {
      sockaddr_in addr{};
      addr.sin_family = AF_INET;
      addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      addr.sin_port = 0;
      ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
      ::listen(fd_, 16);
      socklen_t len = sizeof addr;
      ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
      port_ = ntohs(addr.sin_port);
    }
    thread_ = std::thread([this] { Serve(); });
  }
  ~StubHttpServer() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }
  StubHttpServer(const StubHttpServer&) = delete;
  StubHttpServer& operator=(const StubHttpServer&) = delete;

  int port() const { return port_; }
  std::string Url(const std::string& path = "/") const {
    return std::string(ipv6_ ? "http://[::1]:" : "http://127.0.0.1:") + std::to_string(port_) + path;
  }
  std::vector<Request> requests() {
    std::lock_guard<std::mutex> l(mu_);
    return requests_;
  }

 private:
  void Serve() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) continue;
      timeval tv{2, 0};
      ::setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      ::setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
      Request req;
      if (ReadRequest(c, &req)) {
        {
          std::lock_guard<std::mutex> l(mu_);
          requests_.push_back(req);
        }
        Response resp = handler_(req);
        if (resp.delay_ms > 0) {
          // Sleep in slices so destruction is not held up for long.
          auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(resp.delay_ms);
          while (!stop_ && std::chrono::steady_clock::now() < until)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        std::string out = "HTTP/1.1 " + std::to_string(resp.status) + " Stub\r\nContent-Type: application/json\r\n";
        for (const auto& [k, v] : resp.headers) out += k + ": " + v + "\r\n";
        if (!resp.close_delimited) out += "Content-Length: " + std::to_string(resp.body.size()) + "\r\n";
        out += "Connection: close\r\n\r\n" + resp.body;
        size_t sent = 0;
        while (sent < out.size()) {
          ssize_t n = ::send(c, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
          if (n <= 0) break;
          sent += static_cast<size_t>(n);
        }
      }
      ::close(c);
    }
  }

  static bool ReadRequest(int c, Request* req) {
    std::string buf;
    char chunk[8192];
    size_t header_end = std::string::npos;
    while ((header_end = buf.find("\r\n\r\n")) == std::string::npos) {
      ssize_t n = ::recv(c, chunk, sizeof chunk, 0);
      if (n <= 0) return false;
      buf.append(chunk, static_cast<size_t>(n));
      if (buf.size() > (1 << 24)) return false;
    }
    std::string head = buf.substr(0, header_end);
    size_t line_end = head.find("\r\n");
    std::string first = head.substr(0, line_end);
    size_t sp1 = first.find(' '), sp2 = first.find(' ', sp1 + 1);
    req->method = first.substr(0, sp1);
    req->path = first.substr(sp1 + 1, sp2 - sp1 - 1);
    size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
    while (pos < head.size()) {
      size_t e = head.find("\r\n", pos);
      if (e == std::string::npos) e = head.size();
      std::string line = head.substr(pos, e - pos);
      size_t colon = line.find(':');
      if (colon != std::string::npos) {
        std::string name = line.substr(0, colon);
        for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        size_t v = line.find_first_not_of(' ', colon + 1);
        req->headers[name] = v == std::string::npos ? "" : line.substr(v);
      }
      pos = e + 2;
    }
    size_t length = 0;
    if (auto it = req->headers.find("content-length"); it != req->headers.end()) length = std::stoul(it->second);
    req->body = buf.substr(header_end + 4);
    while (req->body.size() < length) {
      ssize_t n = ::recv(c, chunk, sizeof chunk, 0);
      if (n <= 0) return false;
      req->body.append(chunk, static_cast<size_t>(n));
    }
    return true;
  }

  Handler handler_;
  bool ipv6_ = false;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::vector<Request> requests_;
  std::thread thread_;
};

}  // namespace goldset::testing
