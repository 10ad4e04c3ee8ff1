// kite.wasm (src/platform/wasi/compat.h): WASI cannot open listening
// sockets, so --tcplisten's address lookup fails with this one message (a
// socket preopened by the engine running kite.wasm is still usable).
#pragma once
#include <stddef.h>
#include <sys/socket.h>
struct addrinfo {
  int ai_flags;
  int ai_family;
  int ai_socktype;
  int ai_protocol;
  socklen_t ai_addrlen;
  struct sockaddr* ai_addr;
  char* ai_canonname;
  struct addrinfo* ai_next;
};
#define AI_PASSIVE 0x01
#define AI_NUMERICSERV 0x400
#define EAI_SYSTEM (-11)
static inline int getaddrinfo(const char*, const char*, const struct addrinfo*, struct addrinfo**) {
  return EAI_SYSTEM;
}
static inline void freeaddrinfo(struct addrinfo*) {}
static inline const char* gai_strerror(int) { return "kite.wasm cannot open listening sockets"; }
