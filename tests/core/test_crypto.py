"""SM4-GCM at rest, HMAC-SM3 blind indexes, the keys' configuration and their rotation."""
import hashlib
import hmac as std_hmac

import pytest
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select, text

from talent import config as settings
from talent.core import crypto
from talent.core.crypto import CryptoError, KeyConfigError, Keyring
from talent.extensions import db
from talent.registry.models import Talent
from tests.conftest import TEST_DATA_KEY, TEST_INDEX_KEY, make_app
from tests.factories import TalentFactory, resident_id

OTHER_DATA_KEY = "2:" + "3c" * 16
OTHER_KEY_1 = "1:" + "77" * 16  # version 1 too, but not the key that wrote the data


def _keyring(data_key=TEST_DATA_KEY, retired="", index_key=TEST_INDEX_KEY) -> Keyring:
    return Keyring.from_config({"DATA_KEY": data_key, "DATA_KEYS_RETIRED": retired, "INDEX_KEY": index_key})


def _full_width(number: str) -> str:
    return number.translate(str.maketrans("0123456789X", "０１２３４５６７８９ｘ"))


# --- the cipher and the index --------------------------------------------------------------


def test_values_round_trip_with_a_fresh_nonce_and_the_key_version():
    keys = _keyring()
    number = resident_id()
    first, second = keys.encrypt(number, "talents.id_number"), keys.encrypt(number, "talents.id_number")
    assert first != second and first.startswith("v1$") and number not in first
    assert keys.decrypt(first, "talents.id_number") == keys.decrypt(second, "talents.id_number") == number


def test_ciphertext_is_sm4_gcm_readable_by_an_independent_decryption():
    """The stored form is exactly nonce ‖ SM4-GCM ciphertext ‖ tag with the column as AAD."""
    import base64

    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    stored = _keyring().encrypt("431123198503150017", "talents.id_number")
    blob = base64.urlsafe_b64decode(stored.split("$", 1)[1])
    key = bytes.fromhex("5d" * 16)
    decryptor = Cipher(algorithms.SM4(key), modes.GCM(blob[:12], blob[-16:])).decryptor()
    decryptor.authenticate_additional_data(b"talents.id_number")
    assert decryptor.update(blob[12:-16]) + decryptor.finalize() == b"431123198503150017"


@pytest.mark.parametrize("spoil", ["other column", "flipped byte", "unknown version", "wrong key",
                                   "not ours"])
def test_a_value_that_does_not_decrypt_is_an_error_naming_the_key_version(spoil):
    keys = _keyring()
    stored = keys.encrypt("431123198503150017", "talents.id_number")
    context = "talents.id_number"
    if spoil == "other column":
        context = "commissioners.id_number"
    elif spoil == "flipped byte":
        body = stored[3:]
        stored = "v1$" + body[:10] + ("A" if body[10] != "A" else "B") + body[11:]
    elif spoil == "unknown version":
        stored = "v7" + stored[2:]
    elif spoil == "wrong key":
        keys = _keyring(data_key="1:" + "77" * 16)
    else:
        stored = "431123198503150017"
    with pytest.raises(CryptoError) as error:
        keys.decrypt(stored, context)
    message = str(error.value)
    assert "431123198503150017" not in message
    if spoil in ("other column", "flipped byte", "wrong key"):
        assert "密钥版本 1" in message
    elif spoil == "unknown version":
        assert "密钥版本 7" in message and "DATA_KEYS_RETIRED" in message
    else:
        assert "flask db upgrade" in message


def test_blind_index_is_hmac_sm3_of_the_normalised_number():
    keys = _keyring()
    number = resident_id()[:17] + "X"
    expected = std_hmac.new(bytes.fromhex("a7" * 32), b"id_number\x00" + number.encode(), "sm3").hexdigest()
    assert keys.blind_index(number) == expected
    assert keys.blind_index(_full_width(number)) == keys.blind_index(number.lower()) == expected
    assert keys.blind_index(" ".join(number)) == expected
    assert _keyring(index_key="b8" * 32).blind_index(number) != expected


@pytest.mark.parametrize(("config", "message"), [
    ({"DATA_KEY": "1:" + "ab" * 15}, "DATA_KEY（版本 1） 应为 32 位十六进制字符（128 位密钥），当前为 30 位"),
    ({"DATA_KEY": "ab" * 17}, "DATA_KEY 应为 32 位十六进制字符（128 位密钥），当前为 34 位"),
    ({"DATA_KEY": "zz" * 16}, "含非十六进制字符"),
    ({"DATA_KEY": "x:" + "ab" * 16}, "版本号应为 1–9999 的整数"),
    ({"INDEX_KEY": "ab" * 16}, "INDEX_KEY 应为 64 位十六进制字符（256 位密钥），当前为 32 位"),
    ({"DATA_KEYS_RETIRED": TEST_DATA_KEY}, "密钥版本 1 重复"),
])
def test_malformed_keys_are_refused_with_what_is_expected(config, message):
    values = {"DATA_KEY": TEST_DATA_KEY, "DATA_KEYS_RETIRED": "", "INDEX_KEY": TEST_INDEX_KEY, **config}
    with pytest.raises(KeyConfigError, match=message):
        Keyring.from_config(values)


def test_production_refuses_to_start_without_keys(monkeypatch, tmp_path):
    monkeypatch.setenv("TALENT_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    monkeypatch.setenv("CARD_SIGNING_KEY", "c" * 40)
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://rc.shuangpai.gov.cn")
    monkeypatch.delenv("DATA_KEY", raising=False)
    monkeypatch.setenv("INDEX_KEY", "a7" * 32)
    with pytest.raises(settings.ConfigError, match="需要 DATA_KEY 环境变量"):
        settings.load(str(tmp_path))
    monkeypatch.setenv("DATA_KEY", "1:" + "5d" * 16)
    monkeypatch.delenv("INDEX_KEY")
    with pytest.raises(settings.ConfigError, match="需要 INDEX_KEY 环境变量"):
        settings.load(str(tmp_path))
    assert not list(tmp_path.iterdir())  # nothing generated in production


def test_development_generates_keys_once_into_the_instance_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("TALENT_ENV", raising=False)
    monkeypatch.delenv("DATA_KEY", raising=False)
    monkeypatch.delenv("INDEX_KEY", raising=False)
    first, again = settings.load(str(tmp_path)), settings.load(str(tmp_path))
    assert first["DATA_KEY"] == again["DATA_KEY"] and first["INDEX_KEY"] == again["INDEX_KEY"]
    assert (tmp_path / "data_key").stat().st_mode & 0o777 == 0o600
    keys = Keyring.from_config(first)
    assert keys.current == 1 and len(keys.data_keys[1]) == 16 and len(keys.index_key) == 32


def test_missing_sm3_stops_the_start_with_a_clear_message(monkeypatch):
    real_new = hashlib.new

    def without_sm3(name, *args, **kwargs):
        if name == "sm3":
            raise ValueError("unsupported hash type sm3")
        return real_new(name, *args, **kwargs)

    monkeypatch.setattr(hashlib, "new", without_sm3)
    with pytest.raises(KeyConfigError, match="不提供 SM3"):
        crypto.check_algorithms()


# --- in the application --------------------------------------------------------------------


def test_the_column_holds_ciphertext_and_cannot_be_compared_by_mistake(app):
    talent = TalentFactory()
    db.session.commit()
    raw = db.session.execute(text("SELECT id_number, id_number_index FROM talents")).one()
    assert crypto.is_encrypted(raw[0]) and talent.id_number not in raw[0]
    assert raw[1] == crypto.blind_index(talent.id_number)
    with pytest.raises(CryptoError, match="盲索引"):
        select(Talent).where(Talent.id_number == talent.id_number)
    assert db.session.scalar(select(Talent.id).where(Talent.id_number.is_not(None))) == talent.id
    assert db.session.scalar(select(Talent.id).where(Talent.id_number_is(_full_width(talent.id_number)))) \
        == talent.id


def test_duplicates_are_refused_in_any_width_on_page_and_api(client, auth, api_token):
    from tests.registry.test_api import NEW

    headers = api_token("org")
    number = resident_id(area="431102")
    created = client.post("/api/v1/talents", json={**NEW, "id_number": number}, headers=headers)
    assert created.status_code == 201, created.get_json()
    arabic_indic = number[:6] + number[6:17].translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")) + number[17]
    for spelling in (_full_width(number), arabic_indic, " ".join(number)):
        again = client.post("/api/v1/talents", json={**NEW, "id_number": spelling}, headers=headers)
        assert again.status_code == 409, spelling
        assert "已登记" in again.get_json()["error"]["fields"]["id_number"][0]


def test_exact_id_number_search_for_those_who_see_full_numbers_only(client, auth):
    wanted = TalentFactory(name="欧阳湘云", employer="双牌县虎杖生物科技有限公司")
    TalentFactory(name="唐志刚")
    db.session.commit()
    auth.login_as("org")
    page = client.get("/talents", query_string={"q": _full_width(wanted.id_number), "status": "all"})
    assert "欧阳湘云" in page.get_data(as_text=True) and "唐志刚" not in page.get_data(as_text=True)
    assert client.get("/talents", query_string={"q": wanted.id_number[:10], "status": "all"}) \
        .get_data(as_text=True).count("欧阳湘云") == 0  # exact only: no prefix search on ciphertext
    TalentFactory(name="Peter Schmidt", id_type="passport", id_number="C4XR29157", nationality="DE",
                  phone="13874600123")
    db.session.commit()
    TalentFactory(name="John Carter", id_type="passport", id_number="488839667", nationality="US")
    db.session.commit()
    page = client.get("/talents", query_string={"q": "488839667", "status": "all"}).get_data(as_text=True)
    assert "John Carter" in page  # an all-digit passport number is found exactly too
    # a passport number; a phone still searched as before, also typed full-width or spaced
    for q in ("c4xr29157", "13874600123", "１３８７４６００１２３", "138 7460 0123"):
        page = client.get("/talents", query_string={"q": q, "status": "all"}).get_data(as_text=True)
        assert "Peter Schmidt" in page and "唐志刚" not in page


def test_a_whole_id_number_finds_a_talent_who_has_left_without_choosing_all(client, auth):
    gone = TalentFactory(name="蒋春华", status="left")
    TalentFactory(name="唐志刚")
    db.session.commit()
    auth.login_as("org")
    page = client.get("/talents", query_string={"q": gone.id_number}).get_data(as_text=True)
    assert "蒋春华" in page and "唐志刚" not in page
    by_name = client.get("/talents", query_string={"q": "蒋春华"}).get_data(as_text=True)
    assert by_name.count("蒋春华") == 1  # only in the search box: a name search keeps 在县工作


def test_a_unit_user_cannot_confirm_a_masked_number_by_searching_it(client, auth):
    from talent.auth.models import Unit

    unit = db.session.scalar(select(Unit).where(Unit.name == "县科工信局"))
    wanted = TalentFactory(name="欧阳湘云", employer="双牌县虎杖生物科技有限公司")
    db.session.commit()
    auth.login_as("unit", unit_id=unit.id)
    page = client.get("/talents", query_string={"q": wanted.id_number, "status": "all"})
    assert page.status_code == 200 and "欧阳湘云" not in page.get_data(as_text=True)


def test_a_value_no_configured_key_reads_is_a_clear_page_not_garbage(app, client, auth):
    from talent.auth.models import User

    talents = [TalentFactory(name=f"人才{n}") for n in range(3)]
    db.session.commit()
    middle_id = talents[1].id
    foreign = _keyring(data_key="9:" + "11" * 16).encrypt(talents[1].id_number, "talents.id_number")
    db.session.execute(text("UPDATE talents SET id_number = :v WHERE id = :id"),
                       {"v": foreign, "id": middle_id})
    db.session.commit()
    db.session.expunge_all()
    auth.login_as("org")
    page = client.get(f"/talents/{middle_id}")
    assert page.status_code == 500
    assert "密钥版本 9" in page.get_data(as_text=True) and "请联系系统管理员" in page.get_data(as_text=True)
    client.post("/logout")
    auth.login_as("talent", talent_id=middle_id)  # the holder: told, without the key details
    portal = client.get("/me")
    assert portal.status_code == 500
    assert "个人数据暂时无法读取。请联系系统管理员" in portal.get_data(as_text=True)
    assert "密钥版本" not in portal.get_data(as_text=True)
    assert db.session.scalar(select(User.id).limit(1)) is not None  # the session still works


def test_start_up_names_a_data_key_that_does_not_fit_the_data(app, database_url):
    from talent.registry.operations import request_correction

    TalentFactory()
    db.session.commit()
    db.session.execute(text("UPDATE talents SET id_number = :v"),
                       {"v": _keyring(data_key="1:" + "77" * 16).encrypt("x", "talents.id_number")})
    request_correction(None, TalentFactory(), "身份证号应为 431123198503150017")
    db.session.commit()
    with pytest.raises(KeyConfigError, match=r"密钥版本 1 无法解密 talents\.id_number"):
        make_app(database_url, CHECK_KEYS_AT_START=True)  # the first talent's value is spoilt
    # Talents fine again; a correction request's text written under another key.
    db.session.execute(text("DELETE FROM talents WHERE id NOT IN "
                            "(SELECT talent_id FROM correction_requests)"))
    db.session.execute(text("UPDATE correction_requests SET text = :v"),
                       {"v": _keyring(data_key=OTHER_KEY_1).encrypt("x", "correction_requests.text")})
    db.session.commit()
    with pytest.raises(KeyConfigError, match=r"无法解密 correction_requests\.text"):
        make_app(database_url, CHECK_KEYS_AT_START=True)
    db.session.execute(text("DELETE FROM correction_requests"))
    db.session.commit()
    with pytest.raises(KeyConfigError, match=r"密钥版本 1 无法解密 talents\.id_number"):
        make_app(database_url, DATA_KEY="1:" + "77" * 16, CHECK_KEYS_AT_START=True)
    with pytest.raises(KeyConfigError, match="密钥版本 1"):  # the version is not configured at all
        make_app(database_url, DATA_KEY=OTHER_DATA_KEY, CHECK_KEYS_AT_START=True)
    with pytest.raises(KeyConfigError, match=r"INDEX_KEY 与数据库中 talents\.id_number 的盲索引不符"):
        make_app(database_url, INDEX_KEY="b8" * 32, CHECK_KEYS_AT_START=True)
    make_app(database_url, DATA_KEY=OTHER_DATA_KEY, DATA_KEYS_RETIRED=TEST_DATA_KEY,
             CHECK_KEYS_AT_START=True)  # starts


def test_rotation_interrupted_and_resumed_leaves_every_row_readable(app, database_url):
    from talent.commissioners.models import Commissioner
    from talent.core.audit import AuditEntry
    from talent.core.keyrotation import remaining
    from tests.commissioners.world import make_commissioner

    talents = {TalentFactory(name=f"人才{n}").id: None for n in range(7)}
    commissioner = make_commissioner(id_number=resident_id(area="431102"))
    db.session.commit()
    talents = {t.id: t.id_number for t in db.session.scalars(select(Talent))}
    commissioner_number = commissioner.id_number
    db.session.remove()

    rotating = make_app(database_url, DATA_KEY=OTHER_DATA_KEY, DATA_KEYS_RETIRED=TEST_DATA_KEY)
    runner = rotating.test_cli_runner()
    with rotating.app_context():
        first = runner.invoke(args=["rotate-data-key", "--batch", "3", "--max-batches", "1"])
        assert first.exit_code == 0, first.output
        assert "本次重新加密 3 条，尚余 5 条" in first.output and "再次运行本命令继续" in first.output
        versions = [crypto.version_of(v) for v in db.session.scalars(text("SELECT id_number FROM talents"))]
        assert sorted(versions) == [1, 1, 1, 1, 2, 2, 2]
        # half-way, everything reads: new rows under version 2, old ones still under version 1
        assert {t.id: t.id_number for t in db.session.scalars(select(Talent))} == talents
        db.session.remove()

        second = runner.invoke(args=["rotate-data-key", "--batch", "3"])
        assert second.exit_code == 0, second.output
        assert "本次重新加密 5 条，尚余 0 条" in second.output
        assert "可从 DATA_KEYS_RETIRED 中移除旧密钥" in second.output
        assert sum(remaining().values()) == 0
        entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "rotate_key")
                                     .order_by(AuditEntry.id)).all()
        assert [e.changes["remaining"][1] for e in entries] == [5, 0]
        db.session.remove()

    # Done: the old key can go.
    rotated = make_app(database_url, DATA_KEY=OTHER_DATA_KEY)
    with rotated.app_context():
        assert {t.id: t.id_number for t in db.session.scalars(select(Talent))} == talents
        assert db.session.get(Commissioner, commissioner.id).id_number == commissioner_number
        db.session.remove()


def test_rotation_without_the_old_key_stops_and_names_it(app, database_url):
    TalentFactory()
    db.session.commit()
    db.session.remove()
    # The old key removed while the run is under way (the start-up check would have refused
    # to start without it).
    rotating = make_app(database_url, DATA_KEY=OTHER_DATA_KEY, DATA_KEYS_RETIRED=TEST_DATA_KEY)
    rotating.extensions["keyring"].data_keys.pop(1)
    with rotating.app_context():
        result = rotating.test_cli_runner().invoke(args=["rotate-data-key"])
        assert result.exit_code != 0
        assert "密钥版本 1" in result.output and "再次运行即可继续" in result.output
        from talent.core.audit import AuditEntry

        stopped = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "rotate_key"))
        assert "中止" in stopped.summary and "@" in stopped.changes["operator"][1]
        db.session.remove()


def test_card_tokens_are_signed_with_hmac_sm3(app):
    from talent.cards import operations as cards
    from talent.cards.verification import TOKEN_SALT, make_token

    card = cards.issue_card(None, TalentFactory(education="doctorate"))
    db.session.commit()
    token = make_token(card)
    key = app.config["CARD_SIGNING_KEY"]
    sm3 = URLSafeSerializer(key, salt=TOKEN_SALT, signer_kwargs={"digest_method": crypto.sm3_digest})
    assert sm3.loads(token) == [card.id, card.number]
    with pytest.raises(BadSignature):  # not itsdangerous' default HMAC-SHA1
        URLSafeSerializer(key, salt=TOKEN_SALT).loads(token)


def test_the_server_refuses_to_start_with_one_clear_line(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "TALENT_ENV": "production", "SECRET_KEY": "s" * 40, "CARD_SIGNING_KEY": "c" * 40,
           "PUBLIC_BASE_URL": "https://rc.shuangpai.gov.cn", "DATA_KEY": "1:" + "5d" * 15,
           "DATABASE_URL": f"sqlite:///{tmp_path}/t.sqlite", "INDEX_KEY": "a7" * 32}
    result = subprocess.run([sys.executable, "-c", "import app"], cwd=root, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    expected = "泷泊英才无法启动：DATA_KEY（版本 1） 应为 32 位十六进制字符（128 位密钥），当前为 30 位"
    assert result.stderr.strip() == expected


def test_start_up_refuses_values_under_a_key_no_longer_configured(app, database_url):
    """A retired key removed while rows in the middle still need it (rotation not finished)."""
    from talent.registry.models import Talent as Model

    talents = [TalentFactory(name=f"人才{n}") for n in range(5)]
    db.session.commit()
    middle = talents[2]
    old = _keyring(data_key=OTHER_DATA_KEY).encrypt(middle.id_number, "talents.id_number")
    db.session.execute(text("UPDATE talents SET id_number = :v WHERE id = :id"), {"v": old, "id": middle.id})
    db.session.commit()
    with pytest.raises(KeyConfigError, match=r"talents\.id_number 有 1 条数据由密钥版本 2 加密"):
        make_app(database_url, CHECK_KEYS_AT_START=True)
    make_app(database_url, DATA_KEYS_RETIRED=OTHER_DATA_KEY, CHECK_KEYS_AT_START=True)  # starts
    assert Model.__tablename__ == "talents"


def test_keys_leave_the_config_and_stay_out_of_reprs(app):
    assert "DATA_KEY" not in app.config and "INDEX_KEY" not in app.config
    shown = repr(app.extensions["keyring"])
    assert "5d5d" not in shown and "]]]]" not in shown and "a7a7" not in shown


def test_an_export_after_an_id_search_logs_the_number_masked(client, auth):
    from talent.core.audit import AuditEntry

    wanted = TalentFactory(name="欧阳湘云")
    db.session.commit()
    auth.login_as("org")
    assert client.get("/talents/export.xlsx", query_string={"q": wanted.id_number}).status_code == 200
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "export"))
    logged = entry.changes["filters"][1]["q"]
    assert wanted.id_number not in str(entry.changes)
    assert logged.startswith(wanted.id_number[:3]) and "*" in logged


def test_a_correction_and_its_reply_are_encrypted_and_logged_by_length(app):
    from talent.core.audit import AuditEntry
    from talent.registry.operations import handle_correction, request_correction

    number = resident_id()
    correction = request_correction(None, TalentFactory(), f"身份证号应为 {number}")
    handle_correction(None, correction, f"已更正为 {number}")
    db.session.commit()
    stored = db.session.execute(text("SELECT text, reply FROM correction_requests")).one()
    assert all(crypto.is_encrypted(value) and number not in value for value in stored)
    logged = [e.changes for e in db.session.scalars(select(AuditEntry).where(
        AuditEntry.object_type == "correction_requests").order_by(AuditEntry.id))]
    assert number not in str(logged)
    assert logged[0]["text"] == [None, "（25 字，见更正申请）"]
    assert logged[1]["reply"] == [None, "（23 字，见更正申请）"]
