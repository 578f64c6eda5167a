"""Talent import at its limit, and hostile workbooks (issue 7, items 1 and 11).

Builds a migrated SQLite database, then, each in a fresh child process (so peak RSS is that
upload's own), posts through the Flask test client, signed in as ``org``:

  (a) a valid workbook of N rows (default 20,000, the import limit): wall time and peak RSS;
  (b) a small .xlsx holding one 300 MB cell (about 0.3 MB on disk);
  (c) a .xlsx with 1,000,000 empty rows after the header (a few MB on disk).

    .venv/bin/python benchmarks/talent_import.py [--rows 20000] [--big-cell-mb 300]

Goals: (a) finishes well inside the gunicorn ``--timeout`` README sets; (b) and (c) answer a clear
message within a second or two, adding little resident memory.
"""
import argparse
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import date, timedelta
from io import BytesIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from openpyxl import Workbook

from talent import create_app
from talent.demo import EMPLOYERS, GIVEN, SURNAMES, resident_id
from talent.registry.spreadsheet import HEADERS

CONFIG = {"PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "SECRET_KEY": "benchmark-" * 4,
          "WTF_CSRF_ENABLED": False,
          # The whole import in the request, so its work is measured in one process: in service
          # more than 2,000 rows go to the worker, which runs the same code.
          "IMPORT_SYNC_LIMIT": 1_000_000}


def make_app(path: Path):
    return create_app({**CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"},
                      instance_path=str(path.parent))


def build_database(path: Path) -> None:
    from flask_migrate import upgrade

    from talent.auth.operations import create_user
    from talent.extensions import db
    from talent.reference import seed_reference

    app = make_app(path)
    with app.app_context():
        upgrade()
        seed_reference()
        create_user(None, "bench", "Bench2026x", "org")
        db.session.commit()


def valid_workbook(path: Path, rows: int) -> None:
    rng = random.Random(20_000)
    fields = {"bamboo_wood": "农林产品(竹木)精深加工"}
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("人才信息")
    sheet.append(HEADERS)
    seen = set()
    while len(seen) < rows:
        birth = date(1960, 1, 1) + timedelta(days=rng.randrange(0, 365 * 40))
        number = resident_id(rng, birth, True)
        if number in seen:
            continue
        seen.add(number)
        values = {"姓名": rng.choice(SURNAMES) + rng.choice(GIVEN), "证件类型": "居民身份证",
                  "证件号码": number, "国籍": "中国", "学历": "硕士研究生", "职称等级": "副高级",
                  "工作单位": rng.choice(EMPLOYERS["bamboo_wood"]), "专业领域": fields["bamboo_wood"],
                  "人才类别": "卓越工程师", "人才来源": "本土培养", "在县内工作": "是",
                  "荣誉称号": "湖南省技术能手", "状态": "在县工作"}
        sheet.append([values.get(h, "") for h in HEADERS])
    workbook.save(path)


def _template_parts() -> dict[str, bytes]:
    """A minimal real workbook (header row + one row holding a placeholder), part by part."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "人才信息"
    sheet.append(HEADERS)
    sheet.append(["PLACEHOLDER", "居民身份证"])
    data = BytesIO()
    workbook.save(data)
    with zipfile.ZipFile(data) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def big_cell_workbook(path: Path, megabytes: int) -> None:
    parts = _template_parts()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in parts.items():
            if b"PLACEHOLDER" not in data:
                archive.writestr(name, data)
                continue
            before, after = data.split(b"PLACEHOLDER")
            with archive.open(name, "w", force_zip64=True) as part:
                part.write(before)
                chunk = b"A" * (1024 * 1024)
                for _ in range(megabytes):
                    part.write(chunk)
                part.write(after)


def empty_rows_workbook(path: Path, rows: int) -> None:
    parts = _template_parts()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in parts.items():
            if name != "xl/worksheets/sheet1.xml":
                archive.writestr(name, data)
                continue
            text = re.sub(rb'<dimension ref="[^"]*"/>', b"", data)
            head, rest = text.split(b'<row r="2"', 1)
            tail = rest.split(b"</row>", 1)[1]
            with archive.open(name, "w", force_zip64=True) as part:
                part.write(head)
                for number in range(2, rows + 2):
                    part.write(b'<row r="%d"><c r="A%d" t="inlineStr"><is><t></t></is></c></row>'
                               % (number, number))
                part.write(tail)


def upload_only(database: Path, workbook: Path) -> None:
    """Child process: one upload; prints status, seconds, RSS before and peak (MB), message."""
    app = make_app(database)
    client = app.test_client()
    client.post("/login", data={"username": "bench", "password": "Bench2026x"})
    client.get("/talents/import")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started, cpu = time.perf_counter(), time.process_time()
    with workbook.open("rb") as stream:
        response = client.post("/talents/import", data={"file": (stream, "人才.xlsx")},
                               content_type="multipart/form-data", follow_redirects=True)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    page = response.get_data(as_text=True)
    found = re.search(r"(导入成功[^<]*|单次导入[^<]*|[^<>]*单元格[^<]*|文件解压后[^<]*|无法读取[^<]*|"
                      r"文件中没有数据行[^<]*)", page)
    print(f"{response.status_code}\t{elapsed:.2f}\t{cpu:.2f}\t{before:.0f}\t{peak:.0f}\t"
          f"{found.group(1).strip() if found else '?'}")


def run(database: Path, workbook: Path, label: str) -> None:
    child = subprocess.run([sys.executable, __file__, "--upload-only", str(database), str(workbook)],
                           capture_output=True, text=True, check=True)
    status, elapsed, cpu, before, peak, message = child.stdout.strip().splitlines()[-1].split("\t")
    size = workbook.stat().st_size / 1e6
    print(f"  {label:<42} file {size:6.2f} MB  HTTP {status}  {float(elapsed):6.2f} s "
          f"(CPU {float(cpu):6.2f} s)  RSS {before} → peak {peak} MB  «{message}»", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--big-cell-mb", type=int, default=300)
    parser.add_argument("--empty-rows", type=int, default=1_000_000)
    parser.add_argument("--upload-only", nargs=2, type=Path)
    args = parser.parse_args()
    if args.upload_only:
        upload_only(*args.upload_only)
        return
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        database = folder / "bench.sqlite"
        build_database(database)
        cases = [
            (f"(b) one {args.big_cell_mb} MB cell", "big-cell.xlsx", big_cell_workbook,
             args.big_cell_mb),
            (f"(c) {args.empty_rows:,} empty rows", "empty-rows.xlsx", empty_rows_workbook,
             args.empty_rows),
            (f"(a) {args.rows:,} valid rows", "valid.xlsx", valid_workbook, args.rows),
        ]
        for label, name, make, size in cases:
            make(folder / name, size)
            run(database, folder / name, label)


if __name__ == "__main__":
    main()
