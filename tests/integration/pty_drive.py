#!/usr/bin/env python3
"""Runs a command on a new pseudo-terminal, as a person at a terminal would.

pty_drive.py EXPECT SEND [EXPECT SEND ...] -- COMMAND...
Waits for each EXPECT in the output, then types SEND (Python escapes, e.g.
'11223344\\r' or '\\x04' for Ctrl-D). Prints the whole transcript and exits
with the command's exit code (124 when an EXPECT never came).
"""
import os, pty, select, sys, time

def main():
    args = sys.argv[1:]
    cut = args.index("--")
    steps = [(args[i], args[i + 1].encode().decode("unicode_escape").encode("latin-1"))
             for i in range(0, cut, 2)]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(args[cut + 1], args[cut + 1:])
    out = b""
    deadline = time.time() + 60
    for expect, send in steps:
        while expect.encode() not in out:
            if time.time() > deadline:
                sys.stdout.write(out.decode(errors="replace"))
                return 124
            r, _, _ = select.select([fd], [], [], 0.2)
            if r:
                try:
                    chunk = os.read(fd, 4096)
                except OSError:
                    chunk = b""
                if not chunk:
                    sys.stdout.write(out.decode(errors="replace"))
                    return 124
                out += chunk
        time.sleep(0.1)  # the prompt has switched echo off by now
        os.write(fd, send)
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    _, status = os.waitpid(pid, 0)
    sys.stdout.write(out.decode(errors="replace"))
    return os.waitstatus_to_exitcode(status)

sys.exit(main())
