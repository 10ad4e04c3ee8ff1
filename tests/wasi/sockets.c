// sock_accept, sock_recv, sock_send, sock_shutdown on a listener preopened
// with --tcplisten; poll_oneoff waits for the client's data. The driver
// connects, sends "ping\n" and expects "pong:ping\n" back.
#include "check.h"

int main(void) {
  // The listener follows the preopened directories: find it by type.
  __wasi_fd_t listener = 0;
  for (__wasi_fd_t fd = 3; fd < 16; ++fd) {
    __wasi_fdstat_t st;
    if (__wasi_fd_fdstat_get(fd, &st) == 0 && st.fs_filetype == __WASI_FILETYPE_SOCKET_STREAM) {
      listener = fd;
      break;
    }
  }
  CHECK(listener != 0);
  __wasi_prestat_t pre;
  CHECK_WASI(__wasi_fd_prestat_get(listener, &pre), __WASI_ERRNO_BADF); // not a directory

  // Blocking accept waits for the driver's client.
  __wasi_fd_t conn;
  CHECK_WASI(__wasi_sock_accept(listener, 0, &conn), 0);
  CHECK_WASI(__wasi_sock_accept(listener, 0xFF, &conn), __WASI_ERRNO_INVAL);

  // Wait until data is readable.
  __wasi_subscription_t sub;
  memset(&sub, 0, sizeof sub);
  sub.userdata = 7;
  sub.u.tag = __WASI_EVENTTYPE_FD_READ;
  sub.u.u.fd_read.file_descriptor = conn;
  __wasi_event_t ev;
  __wasi_size_t nevents;
  CHECK_WASI(__wasi_poll_oneoff(&sub, &ev, 1, &nevents), 0);
  CHECK(nevents == 1 && ev.userdata == 7 && ev.error == 0 && ev.fd_readwrite.nbytes > 0);

  // Read the whole line (peek first: peeked data stays).
  char buf[64] = {0};
  __wasi_iovec_t iov = {(uint8_t*)buf, 5};
  __wasi_size_t got;
  __wasi_roflags_t roflags;
  CHECK_WASI(__wasi_sock_recv(conn, &iov, 1, __WASI_RIFLAGS_RECV_PEEK | __WASI_RIFLAGS_RECV_WAITALL,
                              &got, &roflags),
             0);
  CHECK(got == 5 && memcmp(buf, "ping\n", 5) == 0);
  memset(buf, 0, sizeof buf);
  CHECK_WASI(__wasi_sock_recv(conn, &iov, 1, __WASI_RIFLAGS_RECV_WAITALL, &got, &roflags), 0);
  CHECK(got == 5 && memcmp(buf, "ping\n", 5) == 0 && roflags == 0);

  const char reply[] = "pong:ping\n";
  __wasi_ciovec_t out[2] = {{(const uint8_t*)reply, 5}, {(const uint8_t*)reply + 5, 5}};
  __wasi_size_t sent;
  CHECK_WASI(__wasi_sock_send(conn, out, 2, 0, &sent), 0);
  CHECK(sent == 10);
  CHECK_WASI(__wasi_sock_shutdown(conn, __WASI_SDFLAGS_WR), 0);
  CHECK_WASI(__wasi_sock_shutdown(conn, 0), __WASI_ERRNO_INVAL);
  // After the client closes, reads return 0 bytes.
  CHECK_WASI(__wasi_sock_recv(conn, &iov, 1, 0, &got, &roflags), 0);
  CHECK(got == 0);
  CHECK_WASI(__wasi_fd_close(conn), 0);
  // Non-sockets are refused (edge_cases.c has the rest).
  CHECK_WASI(__wasi_sock_shutdown(1, __WASI_SDFLAGS_WR), __WASI_ERRNO_NOTSOCK);
  puts("sockets ok");
  return 0;
}
