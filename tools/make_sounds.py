"""Write the command board's sounds (ui/board/sounds/*.wav) from code: no recording, no network.

alarm.wav: a two-tone siren of 1.6 s, looped by the board while an emergency waits.
chime.wav: a soft two-note bell of 0.9 s, played once for a new urgent lead.
Run `uv run python tools/make_sounds.py`; the files are small (8-bit, 16 kHz, mono).
"""

from __future__ import annotations

import math
import wave
from pathlib import Path

RATE = 16_000
OUT = Path(__file__).resolve().parent.parent / "ui" / "board" / "sounds"


def _tone(freq: float, seconds: float, volume: float, decay: float = 0.0) -> list[float]:
    n = int(RATE * seconds)
    fade = int(RATE * 0.01)  # 10 ms in and out: no clicks at the joins
    out = []
    for i in range(n):
        env = min(1.0, i / fade, (n - i) / fade) * math.exp(-decay * i / RATE)
        out.append(volume * env * math.sin(2 * math.pi * freq * i / RATE))
    return out


def _write(name: str, samples: list[float]) -> Path:
    path = OUT / name
    OUT.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(1)  # unsigned 8-bit
        w.setframerate(RATE)
        w.writeframes(bytes(max(0, min(255, int(128 + 127 * s))) for s in samples))
    return path


def alarm() -> list[float]:
    return (_tone(960, 0.4, 0.8) + _tone(720, 0.4, 0.8)) * 2


def chime() -> list[float]:
    return _tone(1318.5, 0.35, 0.6, decay=4) + _tone(1046.5, 0.55, 0.6, decay=4)


if __name__ == "__main__":
    for made in (_write("alarm.wav", alarm()), _write("chime.wav", chime())):
        print(made.relative_to(OUT.parent.parent), made.stat().st_size, "bytes")
