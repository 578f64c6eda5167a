"""No ID number in plain bytes anywhere the data rests: the SQLite file and its WAL, a plain
``pg_dump`` of the database, and the backup ``flask backup`` writes."""
import subprocess
from pathlib import Path

from sqlalchemy import text

from talent.core import backup as backups
from talent.extensions import db
from talent.registry import operations as registry
from tests.commissioners.world import make_commissioner
from tests.factories import TalentFactory, resident_id
from tests.registry.test_foreign_ids import HK_PERMIT, PERMANENT_2023
from tests.registry.test_spreadsheet import _row, _upload


def _people(client, auth) -> list[str]:
    """Talents through the form's operation, the import and the API, plus a commissioner;
    returns every ID number they hold."""
    numbers = [resident_id(area="431123"), resident_id(area="431102", male=False)]
    passport = "E29517346"
    auth.login_as("org")
    imported = _upload(client, [_row(姓名="唐志刚", 证件号码=numbers[0]),
                                _row(姓名="Anna Müller", 证件类型="护照", 证件号码=passport, 国籍="德国",
                                     性别="女", 人才来源="引进", 引进时间="2024-05-01")])
    assert imported.status_code == 302, imported.get_data(as_text=True)
    TalentFactory(name="欧阳湘云", id_number=numbers[1])
    commissioner_number = resident_id(area="431103")
    make_commissioner(id_number=commissioner_number)
    corrected = resident_id(area="431126")  # a talent writes the right number in a correction
    talent = TalentFactory(name="蒋春华")
    registry.request_correction(None, talent, f"身份证号登记错了，应为 {corrected}")
    # The foreign experts' numbers (issue 22): a 2023 permanent-residence card and a 居住证.
    TalentFactory(name="Anna Weber", id_type="foreign_permanent_resident", id_number=PERMANENT_2023,
                  nationality="DE")
    TalentFactory(name="陈家明", id_type="hmt_residence_permit", id_number=HK_PERMIT, nationality="HK")
    db.session.commit()
    stored = db.session.execute(text("SELECT count(*) FROM talents")).scalar()
    assert stored == 6
    return [*numbers, passport, commissioner_number, corrected, PERMANENT_2023, HK_PERMIT]


def _absent(numbers: list[str], data: bytes, where: str) -> None:
    assert data, f"{where} is empty"
    for number in numbers:
        for spelling in {number, number[:17]}:  # without the check digit too
            assert spelling.encode() not in data, f"{number} found in plain text in {where}"
            assert spelling.encode("utf-16-le") not in data, f"{number} found (UTF-16) in {where}"


def test_no_id_number_where_the_database_rests(app, client, auth, db_backend):
    """SQLite: the file and its WAL (before and after a checkpoint); PostgreSQL: a plain dump."""
    numbers = _people(client, auth)
    if db_backend == "sqlite":
        database = Path(db.engine.url.database)
        wal = Path(f"{database}-wal")
        assert wal.exists()  # the latest writes are in the WAL, not yet in the main file
        _absent(numbers, database.read_bytes() + wal.read_bytes(), "the SQLite file and WAL")
        with db.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        _absent(numbers, database.read_bytes(), "the SQLite file after a checkpoint")
    else:
        args, env = backups._pg_args(app.config["SQLALCHEMY_DATABASE_URI"])
        dump = subprocess.run([backups._pg_tool("pg_dump"), "--format=plain", "--no-owner", *args],
                              env=env, capture_output=True, check=True).stdout
        assert b"COPY public.talents" in dump and "唐志刚".encode() in dump  # the rows are there
        _absent(numbers, dump, "pg_dump")


def test_no_id_number_in_a_flask_backup(app, client, auth, runner, tmp_path, db_backend):
    numbers = _people(client, auth)
    target = tmp_path / "backup.bak"
    result = runner.invoke(args=["backup", "--output", str(target)])
    assert result.exit_code == 0, result.output
    if db_backend == "postgresql":  # the custom format compresses: read it back as SQL
        data = subprocess.run([backups._pg_tool("pg_restore"), "--file=-", str(target)],
                              capture_output=True, check=True).stdout
    else:
        data = target.read_bytes()
    assert "唐志刚".encode() in data
    _absent(numbers, data, "flask backup")
