#!/usr/bin/env python3
"""Downloads every message of one IMAP folder with Python's imaplib (UID FETCH 1:* BODY.PEEK[]).

Prints one line: "<messages> <bytes> <seconds>". Used by the TicketWorker IMAP fetch benchmark as
the reference next to our client and a raw-socket reader.
Usage: imap_fetch.py HOST PORT USER PASSWORD FOLDER
"""
import imaplib
import sys
import time


def main() -> int:
    host, port, user, password, folder = sys.argv[1:6]
    client = imaplib.IMAP4(host, int(port))
    client.login(user, password)
    status, _ = client.select(folder, readonly=True)
    if status != "OK":
        print("select failed", file=sys.stderr)
        return 1
    start = time.perf_counter()
    status, data = client.uid("FETCH", "1:*", "(BODY.PEEK[])")
    elapsed = time.perf_counter() - start
    if status != "OK":
        print("fetch failed", file=sys.stderr)
        return 1
    messages = 0
    total = 0
    for item in data:
        if isinstance(item, tuple):
            messages += 1
            total += len(item[1])
    client.logout()
    print(f"{messages} {total} {elapsed:.6f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
