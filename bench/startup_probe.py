"""A start-up probe from a real module, for bench/programs.py:

    startup_probe.py IN.wasm OUT.wasm

`exit_at_start(wasm)` returns a copy of a WASI command whose `_start` body
is replaced by `proc_exit(0)`: everything else (code, data, tables) is
left as it is, so running it times what a runtime does before the
program's first instruction (read, decode, validate, instantiate) plus
one call, and every runtime can run it with no arguments.
"""


def _leb(data, pos):
    """Reads an unsigned LEB128 at pos; returns (value, next position)."""
    value = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, pos


def _uleb(value):
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def _name(data, pos):
    n, pos = _leb(data, pos)
    return data[pos:pos + n].decode(), pos + n


def _sections(data):
    """(id, start of its header, start of contents, end) of each section."""
    pos, out = 8, []
    while pos < len(data):
        sid = data[pos]
        size, start = _leb(data, pos + 1)
        out.append((sid, pos, start, start + size))
        pos = start + size
    return out


def _skip_import_desc(data, pos, kind):
    if kind == 0:  # function: type index
        return _leb(data, pos)[1]
    if kind == 1:  # table: reftype, limits
        pos += 1
    if kind in (1, 2):  # limits
        flags = data[pos]
        pos = _leb(data, pos + 1)[1]
        return _leb(data, pos)[1] if flags & 1 else pos
    if kind == 3:  # global: valtype, mutability
        return pos + 2
    return _leb(data, pos + 1)[1]  # tag: attribute, type index


def exit_at_start(data):
    sections = _sections(data)
    func_imports, proc_exit, start = 0, None, None
    for sid, _, pos, _ in sections:
        if sid == 2:  # imports
            count, pos = _leb(data, pos)
            for _ in range(count):
                module, pos = _name(data, pos)
                field, pos = _name(data, pos)
                kind = data[pos]
                if kind == 0 and field == "proc_exit" and module.startswith("wasi"):
                    proc_exit = func_imports
                func_imports += kind == 0
                pos = _skip_import_desc(data, pos + 1, kind)
        elif sid == 7:  # exports
            count, pos = _leb(data, pos)
            for _ in range(count):
                field, pos = _name(data, pos)
                kind = data[pos]
                index, pos = _leb(data, pos + 1)
                if kind == 0 and field == "_start":
                    start = index
    if proc_exit is None or start is None or start < func_imports:
        raise RuntimeError("not a WASI command importing proc_exit")
    body = b"\x00" + b"\x41\x00" + b"\x10" + _uleb(proc_exit) + b"\x00\x0b"
    for sid, header, pos, end in sections:
        if sid != 10:
            continue
        count, p = _leb(data, pos)
        for i in range(count):
            size, body_start = _leb(data, p)
            if i == start - func_imports:
                contents = data[pos:p] + _uleb(len(body)) + body + data[body_start + size:end]
                return data[:header] + b"\x0a" + _uleb(len(contents)) + contents + data[end:]
            p = body_start + size
    raise RuntimeError("no code for _start")


if __name__ == "__main__":
    import sys
    with open(sys.argv[1], "rb") as f:
        probe = exit_at_start(f.read())
    with open(sys.argv[2], "wb") as f:
        f.write(probe)
