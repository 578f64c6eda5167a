"""Peak memory of refusing oversized images (issue #19 item 3).

Writes a real 13000×13000 RGB PNG (all black, ~0.5 MB: made with zlib row by row, never held
decoded), then, each case in a child process of its own, hands it to the upload gate of a
feature — service-request attachments (×1 and ×3), task-report attachments, talent photos —
and prints the child's peak RSS before and after, the time taken and the answer.

    .venv/bin/python benchmarks/upload_memory.py
"""
import json
import os
import struct
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

SIDE = 13000


def write_png(path: Path, side: int = SIDE) -> int:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    packer = zlib.compressobj(9)
    row = b"\0" + bytes(side * 3)
    body = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    ihdr = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", body) + chunk(b"IEND", b"")
    path.write_bytes(data)
    return len(data)


CHILD = r"""
import json, resource, sys, tempfile, time
from io import BytesIO
from werkzeug.datastructures import FileStorage
from tests.conftest import make_app

case, path = sys.argv[1], sys.argv[2]
app = make_app("sqlite:///" + tempfile.mktemp(suffix=".sqlite"))
data = open(path, "rb").read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
answer = "accepted"
with app.app_context():
    try:
        if case.startswith("services"):
            from talent.services import attachments
            count = int(case.split("x")[1])
            attachments.check_all([FileStorage(BytesIO(data), filename=f"{i}.png") for i in range(count)])
        elif case == "tasks":
            from talent.tasks import files
            files.check(data)
        elif case.startswith("photo"):
            from talent.core import uploads
            uploads.clean_image(data, 1600)
    except Exception as error:  # noqa: BLE001 — the refusal is the answer
        answer = f"{type(error).__name__}: {error}"
elapsed = time.perf_counter() - started
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"case": case, "before_mb": before / 1024, "peak_mb": after / 1024,
                  "seconds": elapsed, "answer": answer[:90]}))
"""


def main() -> None:
    root = Path(os.environ.get("TALENT_TREE", Path(__file__).resolve().parent.parent))
    with tempfile.TemporaryDirectory() as folder:
        png = Path(folder) / "big.png"
        size = write_png(png)
        photo = Path(folder) / "photo.png"
        write_png(photo, 8000)  # 64 Mpx: over the photo limit of 40, under Pillow's 2× backstop
        print(f"{SIDE}×{SIDE} PNG, {size / 1024:.0f} KB (photo-64mpx: 8000×8000); code: {root}")
        print(f"{'case':<12} {'RSS before':>11} {'peak RSS':>9} {'seconds':>8}  answer")
        for case in ("services-x1", "services-x3", "tasks", "photo", "photo-64mpx"):
            image = photo if case == "photo-64mpx" else png
            out = subprocess.run([sys.executable, "-c", CHILD, case, str(image)], cwd=root,
                                 capture_output=True, text=True, check=False,
                                 env={**os.environ, "PYTHONPATH": str(root)})
            line = out.stdout.strip().splitlines()[-1] if out.stdout.strip() else out.stderr[-300:]
            try:
                row = json.loads(line)
            except ValueError:
                print(case, line)
                continue
            print(f"{case:<12} {row['before_mb']:>8.0f} MB {row['peak_mb']:>6.0f} MB "
                  f"{row['seconds']:>8.2f}  {row['answer']}")


if __name__ == "__main__":
    main()
