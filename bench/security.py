"""What authenticating a telecommand costs: the ground's signing and the spacecraft's check.

`python bench/run.py --only security` signs the same power command again and again
(`ground.link.signer`), opens each (`flightsw.executive.tc_security`: CRC, SPI, MAC, anti-replay
window, the stored numbers written), and times each side per telecommand against the plain
decode the spacecraft does anyway (`flightsw.icd.decode`), in the same run.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import msgpack

from flightsw.clock import wall_time_s
from flightsw.config import TcKeys
from flightsw.executive.tc_security import ReplayState, TcAuthenticator
from flightsw.icd import decode, encode_tc
from ground.link.signer import TcSigner

KEY = bytes(range(32))
SPI = 1
POWER_APID = 17
COMMAND = encode_tc(
    POWER_APID, 0, 8, 1,
    msgpack.packb({"command": "load_off", "args": {"consumer": "payload_camera"}}),
)  # fmt: skip


def per_telecommand_us(count: int) -> dict[str, float]:
    """Microseconds per telecommand: plain decode, signing, and the spacecraft's whole check
    with and without writing its anti-replay numbers to disk."""
    signer = TcSigner(TcKeys(Path("bench.toml"), {SPI: KEY}, SPI), "bench")
    start_s = wall_time_s()
    secured = [signer.sign(COMMAND) for _ in range(count)]
    sign_us = (wall_time_s() - start_s) / count * 1e6

    start_s = wall_time_s()
    for _ in range(count):
        decode(COMMAND)
    decode_us = (wall_time_s() - start_s) / count * 1e6

    with tempfile.TemporaryDirectory() as folder:
        check = TcAuthenticator({SPI: KEY}, ReplayState(Path(folder) / "bench.arsn.json"))
        start_s = wall_time_s()
        for frame in secured:
            check.open(frame)
        open_us = (wall_time_s() - start_s) / count * 1e6
    return {"decode": decode_us, "sign": sign_us, "check": open_us}
