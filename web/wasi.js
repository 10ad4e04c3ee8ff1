// A small WASI preview 1 for running kite.wasm in a web page: arguments, an
// in-memory directory preopened as "/" holding the files given, stdout and
// stderr handed to callbacks, clocks, random bytes and exit. Everything else
// kite.wasm might import answers ENOSYS.

const ERRNO = {
  SUCCESS : 0,
  BADF : 8,
  INVAL : 28,
  IO : 29,
  ISDIR : 31,
  NOENT : 44,
  NOSYS : 52,
  NOTDIR : 54
};
const FILETYPE = {
  CHARACTER_DEVICE : 2,
  DIRECTORY : 3,
  REGULAR_FILE : 4
};
const OFLAGS_DIRECTORY = 2;
const ROOT_FD = 3;

// Thrown by proc_exit to unwind out of kite.wasm's _start.
export class WasiExit extends Error {
  constructor(code) {
    super(`exit ${code}`);
    this.code = code;
  }
}

export class Wasi {
  // args: argv (argv[0] included); files: {name: Uint8Array} in "/";
  // onStdout / onStderr: called with each chunk of text written.
  constructor({args, files, onStdout, onStderr}) {
    this.args = args;
    this.files = new Map(Object.entries(files));
    this.output = {1 : onStdout, 2 : onStderr};
    this.decoders = {1 : new TextDecoder(), 2 : new TextDecoder()};
    this.fds = new Map([ [ ROOT_FD, {dir : true} ] ]);
    this.nextFd = ROOT_FD + 1;
    this.memory = null;
  }

  // Runs an instance of the command module; returns its exit code.
  start(instance) {
    this.memory = instance.exports.memory;
    try {
      instance.exports._start();
      return 0;
    } catch (e) {
      if (e instanceof WasiExit) return e.code;
      throw e;
    } finally {
      for (const fd of [1, 2]) {
        const rest = this.decoders[fd].decode();
        if (rest) this.output[fd](rest);
      }
    }
  }

  get imports() {
    const known = this.functions();
    const unknown = () => ERRNO.NOSYS;
    return {
      wasi_snapshot_preview1 : new Proxy(known, {get : (target, name) => target[name] ?? unknown}),
    };
  }

  view() { return new DataView(this.memory.buffer); }
  bytes(ptr, len) { return new Uint8Array(this.memory.buffer, ptr, len); }
  string(ptr, len) { return new TextDecoder().decode(this.bytes(ptr, len)); }
  // Writes NUL-terminated strings and their pointers (args_get, environ_get).
  putStrings(list, ptrs, buf) {
    const encoder = new TextEncoder();
    for (const s of list) {
      this.view().setUint32(ptrs, buf, true);
      ptrs += 4;
      const b = encoder.encode(s + '\0');
      this.bytes(buf, b.length).set(b);
      buf += b.length;
    }
    return ERRNO.SUCCESS;
  }
  putSizes(list, countPtr, sizePtr) {
    const encoder = new TextEncoder();
    this.view().setUint32(countPtr, list.length, true);
    this.view().setUint32(sizePtr, list.reduce((n, s) => n + encoder.encode(s).length + 1, 0),
                          true);
    return ERRNO.SUCCESS;
  }
  // The (ptr, len) buffers of an iovec array.
  * iovecs(iovs, count) {
    for (let i = 0; i < count; ++i) {
      const v = this.view();
      yield this.bytes(v.getUint32(iovs + 8 * i, true), v.getUint32(iovs + 8 * i + 4, true));
    }
  }
  // Path relative to the root directory ("/", "./" and "." stripped).
  lookup(dirfd, ptr, len) {
    if (!this.fds.get(dirfd)?.dir) return {errno : ERRNO.BADF};
    const name = this.string(ptr, len).replace(/^(\.?\/)+/, '');
    if (name === '' || name === '.') return {dir : true};
    const data = this.files.get(name);
    return data ? {data} : {errno : ERRNO.NOENT};
  }
  putFilestat(ptr, entry) {
    const v = this.view();
    for (let off = 0; off < 64; off += 8)
      v.setBigUint64(ptr + off, 0n, true);
    v.setUint8(ptr + 16, entry.dir ? FILETYPE.DIRECTORY : FILETYPE.REGULAR_FILE);
    v.setBigUint64(ptr + 24, 1n, true);
    v.setBigUint64(ptr + 32, BigInt(entry.data ? entry.data.length : 0), true);
    return ERRNO.SUCCESS;
  }
  readInto(file, iovs, count, position) {
    let done = 0;
    for (const buf of this.iovecs(iovs, count)) {
      const chunk = file.data.subarray(position + done, position + done + buf.length);
      buf.set(chunk);
      done += chunk.length;
      if (chunk.length < buf.length) break;
    }
    return done;
  }

  functions() {
    return {
      args_get : (argv, buf) => this.putStrings(this.args, argv, buf),
      args_sizes_get : (count, size) => this.putSizes(this.args, count, size),
      environ_get : (env, buf) => this.putStrings([], env, buf),
      environ_sizes_get : (count, size) => this.putSizes([], count, size),
      clock_res_get : (id, ptr) => {
        this.view().setBigUint64(ptr, 1000n, true);
        return ERRNO.SUCCESS;
      },
      clock_time_get : (id, precision, ptr) => {
        const ms = id === 0 ? Date.now() : performance.now();
        this.view().setBigUint64(ptr, BigInt(Math.round(ms * 1e6)), true);
        return ERRNO.SUCCESS;
      },
      random_get : (ptr, len) => {
        for (let off = 0; off < len; off += 65536)
          crypto.getRandomValues(this.bytes(ptr + off, Math.min(65536, len - off)));
        return ERRNO.SUCCESS;
      },
      proc_exit : (code) => { throw new WasiExit(code); },
      sched_yield : () => ERRNO.SUCCESS,
      fd_write : (fd, iovs, count, written) => {
        if (!this.output[fd]) return ERRNO.BADF;
        let total = 0;
        for (const buf of this.iovecs(iovs, count)) {
          const text = this.decoders[fd].decode(buf, {stream : true});
          if (text) this.output[fd](text);
          total += buf.length;
        }
        this.view().setUint32(written, total, true);
        return ERRNO.SUCCESS;
      },
      fd_read : (fd, iovs, count, read) => {
        const file = this.fds.get(fd);
        if (fd === 0) {
          this.view().setUint32(read, 0, true); // stdin: empty
          return ERRNO.SUCCESS;
        }
        if (!file) return ERRNO.BADF;
        if (file.dir) return ERRNO.ISDIR;
        const n = this.readInto(file, iovs, count, file.position);
        file.position += n;
        this.view().setUint32(read, n, true);
        return ERRNO.SUCCESS;
      },
      fd_pread : (fd, iovs, count, offset, read) => {
        const file = this.fds.get(fd);
        if (!file || file.dir) return ERRNO.BADF;
        this.view().setUint32(read, this.readInto(file, iovs, count, Number(offset)), true);
        return ERRNO.SUCCESS;
      },
      fd_seek : (fd, offset, whence, newOffset) => {
        const file = this.fds.get(fd);
        if (!file || file.dir) return ERRNO.BADF;
        const base = [ 0, file.position, file.data.length ][whence];
        const position = base + Number(offset);
        if (base === undefined || position < 0) return ERRNO.INVAL;
        file.position = position;
        this.view().setBigUint64(newOffset, BigInt(position), true);
        return ERRNO.SUCCESS;
      },
      fd_tell : (fd, ptr) => {
        const file = this.fds.get(fd);
        if (!file || file.dir) return ERRNO.BADF;
        this.view().setBigUint64(ptr, BigInt(file.position), true);
        return ERRNO.SUCCESS;
      },
      fd_close : (fd) => (this.fds.delete(fd) ? ERRNO.SUCCESS : ERRNO.BADF),
      fd_fdstat_get : (fd, ptr) => {
        const entry = this.fds.get(fd);
        if (fd > 2 && !entry) return ERRNO.BADF;
        const v = this.view();
        const type = fd <= 2     ? FILETYPE.CHARACTER_DEVICE
                     : entry.dir ? FILETYPE.DIRECTORY
                                 : FILETYPE.REGULAR_FILE;
        v.setUint8(ptr, type);
        v.setUint16(ptr + 2, 0, true);
        v.setBigUint64(ptr + 8, 0xffffffffffffffffn, true);
        v.setBigUint64(ptr + 16, 0xffffffffffffffffn, true);
        return ERRNO.SUCCESS;
      },
      fd_fdstat_set_flags : () => ERRNO.SUCCESS,
      fd_filestat_get : (fd, ptr) => {
        const entry = this.fds.get(fd);
        return entry ? this.putFilestat(ptr, entry) : ERRNO.BADF;
      },
      fd_prestat_get : (fd, ptr) => {
        if (fd !== ROOT_FD) return ERRNO.BADF;
        this.view().setUint8(ptr, 0);
        this.view().setUint32(ptr + 4, 1, true);
        return ERRNO.SUCCESS;
      },
      fd_prestat_dir_name : (fd, ptr, len) => {
        if (fd !== ROOT_FD) return ERRNO.BADF;
        if (len >= 1) this.bytes(ptr, 1).set([ 0x2f ]); // "/"
        return ERRNO.SUCCESS;
      },
      path_filestat_get : (dirfd, flags, ptr, len, out) => {
        const entry = this.lookup(dirfd, ptr, len);
        return entry.errno ?? this.putFilestat(out, entry);
      },
      path_open :
          (dirfd, dirflags, ptr, len, oflags, rightsBase, rightsInheriting, fdflags, fdOut) => {
            const entry = this.lookup(dirfd, ptr, len);
            if (entry.errno) return entry.errno;
            if (oflags & OFLAGS_DIRECTORY && !entry.dir) return ERRNO.NOTDIR;
            const fd = this.nextFd++;
            this.fds.set(fd, entry.dir ? {dir : true} : {data : entry.data, position : 0});
            this.view().setUint32(fdOut, fd, true);
            return ERRNO.SUCCESS;
          },
    };
  }
}
