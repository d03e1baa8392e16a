"""Photos (issue 14, finding 3): decoded in full at upload, re-encoded without metadata,
hostile files refused with a message, the EXIF GPS position offered before it is dropped."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import AlertPhoto, Lead, LeadPhoto
from services import leads
from services.core.errors import Invalid
from services.leads.photos import MAX_PIXELS, check_photos, clean_photo, photo_gps
from tests.apptest_util import AppEnv, app_env  # noqa: F401
from tests.images import JPEG, PNG, hostile_photos, picture
from tests.leads_world import World, build

HOSTILE = hostile_photos()


@pytest.fixture
def w(session: Session) -> World:
    return build(session)


def _count(s: Session, model) -> int:  # type: ignore[no-untyped-def]
    return s.scalar(select(func.count()).select_from(model)) or 0


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_photo_is_refused_and_the_lead_is_not_saved(
        session: Session, w: World, tmp_path: Path, name: str) -> None:
    with pytest.raises(Invalid) as err:
        leads.report_lead(session, actor=w.grid1, category="public_order", urgency="routine",
                          description="楼道堆放杂物", photos=[PNG, HOSTILE[name]],
                          photo_dir=tmp_path / "photos")
    assert err.value.fields["photos"] in {"leads.photo_not_image",
                                          "hardening.photo_too_many_pixels"}
    assert _count(session, Lead) == 0 and _count(session, LeadPhoto) == 0
    assert not (tmp_path / "photos").exists()


def test_a_picture_over_the_pixel_limit_is_refused_before_it_is_decoded() -> None:
    with pytest.raises(Invalid) as err:
        clean_photo(HOSTILE["20000x20000 png"])
    assert err.value.fields == {"photos": "hardening.photo_too_many_pixels"}
    assert err.value.params == {"max": MAX_PIXELS // 1_000_000}


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_a_real_photo_is_kept_re_encoded_without_its_metadata(fmt: str) -> None:
    original = picture(fmt, (800, 600), lat=29.48, lon=106.48, text="phone 13912345678")
    assert Image.open(io.BytesIO(original)).getexif()  # the control: it has EXIF
    checked = clean_photo(original)
    image = Image.open(io.BytesIO(checked.data))
    assert checked.mime == f"image/{fmt.lower()}" and image.format == fmt
    assert image.size == (800, 600)
    assert not image.getexif() and "exif" not in image.info and "Comment" not in image.info
    assert b"PinganTestPhone" not in checked.data and b"13912345678" not in checked.data
    assert photo_gps(checked.data) is None


def test_a_big_photo_is_scaled_down_for_storage() -> None:
    checked = clean_photo(picture("JPEG", (4000, 3000)))
    assert Image.open(io.BytesIO(checked.data)).size == (3000, 2250)


def test_the_gps_position_is_read_before_the_metadata_goes() -> None:
    lat, lon = photo_gps(picture("JPEG", lat=29.481234, lon=106.487654)) or (0.0, 0.0)
    assert lat == pytest.approx(29.481234, abs=1e-5) and lon == pytest.approx(106.487654, abs=1e-5)
    south_west = photo_gps(picture("PNG", lat=33.9, lon=151.2))
    assert south_west == pytest.approx((33.9, 151.2), abs=1e-5)
    assert photo_gps(picture("JPEG")) is None  # no GPS at all
    assert photo_gps(picture("JPEG", lat=0.0, lon=0.0)) is None  # a phone without a fix
    for data in [*HOSTILE.values(), b"", b"\x00" * 10]:
        assert photo_gps(data) is None  # never raises


def test_gps_of_the_southern_and_western_hemispheres_is_negative() -> None:
    from PIL import ExifTags
    image = Image.new("RGB", (8, 8))
    exif = Image.Exif()
    exif[ExifTags.IFD.GPSInfo] = {1: "S", 2: (33.0, 30.0, 0.0), 3: "W", 4: (70.0, 15.0, 0.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    assert photo_gps(out.getvalue()) == pytest.approx((-33.5, -70.25))


def test_gps_out_of_range_is_ignored() -> None:
    from PIL import ExifTags
    image = Image.new("RGB", (8, 8))
    exif = Image.Exif()
    exif[ExifTags.IFD.GPSInfo] = {1: "N", 2: (95.0, 0.0, 0.0), 3: "E", 4: (106.0, 0.0, 0.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    assert photo_gps(out.getvalue()) is None


def test_the_stored_lead_photo_has_no_metadata(session: Session, w: World, tmp_path: Path) -> None:
    view = leads.report_lead(session, actor=w.grid1, category="public_order", urgency="routine",
                             description="楼道堆放杂物", photo_dir=tmp_path,
                             photos=[picture("JPEG", lat=29.48, lon=106.48)])
    photo = session.scalars(select(LeadPhoto).where(LeadPhoto.lead_id == view.id)).one()
    data, mime = leads.read_photo(session, actor=w.officer1, photo_id=photo.id,
                                  directory=tmp_path)
    assert mime == "image/jpeg" and photo.size == len(data) and photo_gps(data) is None
    assert not Image.open(io.BytesIO(data)).getexif()


def test_alert_photos_are_checked_the_same_way(session: Session, tmp_path: Path) -> None:
    from tests.test_alerts import _draft, _world

    world = _world(session)
    with pytest.raises(Invalid) as err:
        _draft(session, world, photos=[HOSTILE["jpeg header then zeros"]], photo_dir=tmp_path)
    assert err.value.fields == {"photos": "leads.photo_not_image"}
    assert _count(session, AlertPhoto) == 0
    draft = _draft(session, world, photos=[picture("PNG", lat=29.5, lon=106.5)],
                   photo_dir=tmp_path / "photos")
    stored = next((tmp_path / "photos").iterdir()).read_bytes()
    assert draft.photo_ids and photo_gps(stored) is None


def test_more_than_three_photos_are_refused() -> None:
    with pytest.raises(Invalid) as err:
        check_photos([PNG, JPEG, PNG, JPEG])
    assert err.value.fields == {"photos": "leads.too_many_photos"}


def test_a_photo_that_cannot_be_shown_never_stops_the_lead_page(
        app_env: AppEnv, tmp_path: Path) -> None:  # noqa: F811
    """Files stored before photos were checked: junk, a pixel bomb, one missing from disk."""
    from tests import factories as f
    from tests.apptest_util import ROOT, new_app, sign_in, texts
    from ui.core.i18n import translate

    folder = tmp_path / "photos"
    folder.mkdir()
    with app_env.session() as s:
        world = build(s)
        view = leads.report_lead(s, actor=world.grid1, category="public_order",
                                 urgency="routine", description="楼道堆放杂物",
                                 photos=[PNG], photo_dir=folder)
        for n, data in enumerate([HOSTILE["png signature then junk"],
                                  HOSTILE["20000x20000 png"], None]):
            name = f"{n:032x}.png"
            if data is not None:
                (folder / name).write_bytes(data)
            s.add(LeadPhoto(lead_id=view.id, stored_name=name, mime="image/png",
                            size=len(data or b""), sha256="0" * 64))
        officer = world.officer1.username
    at = sign_in(new_app(), officer, f.PASSWORD)
    at.session_state["lead_id"] = view.id
    at.switch_page(str(ROOT / "pages" / "lead.py")).run()
    assert not at.exception, at.exception
    assert len(at.get("image")) == 1  # the good photo
    assert texts(at).count("无法显示") == 3
    assert translate("zh", "leads.timeline") in [h.value for h in at.subheader]
    assert len(at.dataframe) >= 1
    assert "lead_do_accept" in [b.key for b in at.button]  # the action forms are there


def test_the_report_says_how_many_photos_went_with_it(app_env: AppEnv) -> None:  # noqa: F811
    """A photo the uploader refused (over 5 MB) leaves the lead without it: the message says so."""
    from tests import factories as f
    from tests.apptest_util import ROOT, new_app, sign_in, texts

    with app_env.session() as s:
        grid = build(s).grid1.username
    at = sign_in(new_app(), grid, f.PASSWORD)
    at.switch_page(str(ROOT / "pages" / "report_lead.py")).run()
    at.selectbox(key="lead_form_category").set_value("fire")
    at.text_area(key="lead_form_description").input("楼道里电动车充电").run()
    at.button(key="lead_submit").click().run()
    assert not at.exception and "已提交" in texts(at) and "未附照片" in texts(at)
