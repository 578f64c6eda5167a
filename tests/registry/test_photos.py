"""Talent photos: checked by content, re-encoded without EXIF, stored outside static/, shown to staff
and the talent only; a talent's own photo waits for 组织部's approval."""
from io import BytesIO

from PIL import Image

from talent.core import uploads
from talent.extensions import db
from talent.registry.models import Talent
from tests.factories import TalentFactory


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (1200, 1600), (200, 30, 30))
    exif = Image.Exif()
    exif[0x8825] = {2: (26.0, 0.0, 0.0)}  # GPSInfo: latitude
    exif[0x010F] = "PhoneMaker"  # camera make
    out = BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def _post(client, url, data: bytes, name="photo.jpg"):
    return client.post(url, data={"photo": (BytesIO(data), name)}, content_type="multipart/form-data",
                       follow_redirects=True)


def test_org_uploads_a_photo_which_is_reencoded_without_exif(client, auth, app):
    auth.login_as("org")
    talent = TalentFactory()
    db.session.commit()
    page = _post(client, f"/talents/{talent.id}/photo", _jpeg_with_gps())
    assert "照片已更新" in page.get_data(as_text=True)
    db.session.refresh(talent)
    stored = uploads.load("photos", talent.photo_key)
    with Image.open(BytesIO(stored)) as image:
        assert image.format == "JPEG" and max(image.size) == 800
        assert not image.getexif()  # GPS and camera make are gone
    assert str(uploads.upload_root()).startswith(app.instance_path)
    served = client.get(f"/talents/{talent.id}/photo.jpg")
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert served.headers["Cache-Control"] == "no-store"


def test_not_an_image_is_refused_and_nothing_stored(client, auth):
    auth.login_as("org")
    talent = TalentFactory()
    db.session.commit()
    for data, name in ((b"%PDF-1.4 not an image", "photo.jpg"), (b"GIF89a" + b"\0" * 40, "p.gif"),
                       (b"", "empty.jpg")):
        page = _post(client, f"/talents/{talent.id}/photo", data, name).get_data(as_text=True)
        assert "图片" in page or "请选择" in page
    db.session.refresh(talent)
    assert talent.photo_key is None


def test_photo_is_seen_by_staff_and_the_talent_only(client, auth):
    talent = TalentFactory(photo_key=uploads.store("photos", b"\xff\xd8jpeg"))
    other = TalentFactory()
    db.session.commit()
    auth.login_as("commissioner")
    assert client.get(f"/talents/{talent.id}/photo.jpg").status_code == 404
    auth.login_as("talent", talent_id=other.id)
    assert client.get(f"/talents/{talent.id}/photo.jpg").status_code == 404
    auth.login_as("talent", talent_id=talent.id)
    assert client.get(f"/talents/{talent.id}/photo.jpg").status_code == 200
    auth.login_as("unit")
    assert client.get(f"/talents/{talent.id}/photo.jpg").status_code == 200


def test_talent_submits_and_org_approves(client, auth):
    user = auth.login_as("talent")
    page = _post(client, "/me/photo", _jpeg_with_gps()).get_data(as_text=True)
    assert "审核后将用于您的VIP卡" in page
    talent = db.session.get(Talent, user.talent_id)
    assert talent.photo_key is None and talent.photo_pending_key is not None
    auth.login_as("org")
    detail = client.get(f"/talents/{talent.id}").get_data(as_text=True)
    assert "待审核" in detail
    client.post(f"/talents/{talent.id}/photo/approve")
    db.session.refresh(talent)
    assert talent.photo_key is not None and talent.photo_pending_key is None


def test_talent_cannot_decide_on_photos(client, auth):
    user = auth.login_as("talent")
    assert client.post(f"/talents/{user.talent_id}/photo/approve").status_code == 403
