"""UPLOAD_DIR moves every feature's files: photos, application material, request attachments,
report attachments and service-log photos all live below it."""
from talent import config as settings
from talent.commissioners import photos
from talent.core import uploads
from talent.programmes import uploads as material
from talent.services import attachments
from talent.tasks import files


def test_upload_dir_from_the_environment_reaches_the_config(monkeypatch, tmp_path):
    monkeypatch.setenv("UPLOAD_DIR", str(tmp_path / "files"))
    assert settings.load(str(tmp_path))["UPLOAD_DIR"] == str(tmp_path / "files")


def test_every_feature_stores_below_upload_dir(app, tmp_path):
    app.config["UPLOAD_DIR"] = str(tmp_path / "files")
    folders = [uploads.upload_root(), material.upload_root(), attachments.path_of("0" * 32 + ".pdf").parent,
               files.folder(), photos.upload_dir()]
    assert all(folder.is_relative_to(tmp_path / "files") for folder in folders)
    assert len({*folders[1:]}) == 4  # each feature in its own folder


def test_documents_are_recognised_by_their_first_bytes():
    assert uploads.sniff_document(b"%PDF-1.7\n") == "application/pdf"
    assert uploads.sniff_document(b"\xff\xd8\xff\xe0") == "image/jpeg"
    assert uploads.sniff_document(b"\x89PNG\r\n\x1a\n") == "image/png"
    assert uploads.sniff_document(b"MZ\x90\x00 report.pdf") is None
