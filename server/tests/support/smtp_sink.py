"""A real SMTP server for tests (aiosmtpd): stores each message it accepts in DIR.

usage: /usr/bin/python3 smtp_sink.py PORT DIR

For every message: DIR/<pid>-<n>.eml (the bytes as received) and DIR/<pid>-<n>.json, what
Python's own MIME parser (email, policy=default) reads in it: decoded headers, the text part,
attachments and parser defects. The .json appears (by rename) only once complete, after the
.eml. Prints "ready" once listening.
"""

import asyncio
import email
import email.policy
import json
import os
import sys

from aiosmtpd.smtp import SMTP


class Sink:
    def __init__(self, directory):
        self.directory = directory
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(self.directory, f"{os.getpid()}-{self.count:04d}")
        raw = envelope.original_content
        with open(base + ".eml", "wb") as f:
            f.write(raw)
        message = email.message_from_bytes(raw, policy=email.policy.default)
        body = message.get_body(("plain",))
        parsed = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "headers": {k.lower(): str(v) for k, v in message.items()},
            "content_type": message.get_content_type(),
            "text": body.get_content() if body is not None else None,
            "text_charset": body.get_content_charset() if body is not None else None,
            "attachments": [
                {
                    "name": part.get_filename(),
                    "type": part.get_content_type(),
                    "size": len(part.get_content()),
                }
                for part in message.iter_attachments()
            ],
            "defects": [str(d) for d in message.defects],
        }
        with open(base + ".tmp", "w", encoding="utf-8") as f:
            json.dump(parsed, f, ensure_ascii=False)
        os.rename(base + ".tmp", base + ".json")
        return "250 OK"


async def main(port, directory):
    handler = Sink(directory)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(handler, enable_SMTPUTF8=True), "127.0.0.1", port
    )
    print("ready", flush=True)
    await server.serve_forever()


asyncio.run(main(int(sys.argv[1]), sys.argv[2]))
