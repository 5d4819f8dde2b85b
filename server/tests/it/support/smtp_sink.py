"""A real SMTP server on loopback for the integration tests (aiosmtpd).

Every message it accepts is written, whole, as one file in OUT_DIR (first to
a temporary name, then renamed, so a reader never sees half a message).
  --delay S   wait S seconds after DATA before answering (a slow server)
  --refuse    answer every message with 451 (a server that refuses for now)
"""
import argparse
import asyncio
import os
import uuid

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, out_dir, delay, refuse):
        self.out_dir = out_dir
        self.delay = delay
        self.refuse = refuse

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            return "451 4.3.0 Try again later"
        name = uuid.uuid4().hex
        tmp = os.path.join(self.out_dir, "." + name + ".tmp")
        with open(tmp, "wb") as f:
            f.write(b"X-Envelope-To: " + ",".join(envelope.rcpt_tos).encode() + b"\r\n")
            f.write(envelope.original_content)
            f.flush()
            os.fsync(f.fileno())
        os.rename(tmp, os.path.join(self.out_dir, name + ".eml"))
        if self.delay:
            await asyncio.sleep(self.delay)
        return "250 2.0.0 OK"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--delay", type=float, default=0)
    p.add_argument("--refuse", action="store_true")
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    controller = Controller(Sink(a.out, a.delay, a.refuse), hostname="127.0.0.1", port=a.port)
    controller.start()
    print("smtp sink ready", flush=True)
    try:
        asyncio.run(asyncio.Event().wait())
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
