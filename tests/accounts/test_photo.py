"""Profile photos: real images only (judged by content), bounded in bytes and pixels,
oriented, stripped of metadata, square 512px JPEGs; replacing or removing deletes files."""

import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from guanxi.accounts import images, services
from guanxi.accounts.models import Profile
from guanxi.accounts.selectors import faces
from guanxi.core.errors import Invalid


def png_bytes(size=(800, 400), color=(200, 30, 30, 255), mode="RGBA") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, color).save(out, format="PNG")
    return out.getvalue()


def jpeg_bytes(size=(640, 480), color=(20, 90, 200), exif=None) -> bytes:
    out = io.BytesIO()
    kwargs = {"exif": exif} if exif is not None else {}
    Image.new("RGB", size, color).save(out, format="JPEG", **kwargs)
    return out.getvalue()


def two_tone_jpeg_rotated() -> bytes:
    """Stored landscape: left half red, right half blue, EXIF orientation 6 (display
    rotated 90° clockwise, so red ends up on top)."""
    image = Image.new("RGB", (800, 400), (0, 0, 255))
    image.paste((255, 0, 0), (0, 0, 400, 400))
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation
    exif[0x010F] = "SecretCam"  # Make: must not survive
    exif[0x8825] = {2: (31.0, 14.0, 0.0)}  # GPS: must not survive
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, quality=95)
    return out.getvalue()


def upload(data: bytes, name="photo.jpg", content_type="image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def huge_png_header(width=100_000, height=100_000) -> bytes:
    """A tiny file that claims enormous dimensions (a decompression bomb's header)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 1000))
        + chunk(b"IEND", b"")
    )


def open_result(content) -> Image.Image:
    image = Image.open(io.BytesIO(content.read() if hasattr(content, "read") else content))
    image.load()
    return image


# --- images.process_photo ------------------------------------------------------------


def test_png_with_transparency_becomes_a_512_jpeg():
    result = open_result(images.process_photo(upload(png_bytes(), "me.png", "image/png")))
    assert result.format == "JPEG"
    assert result.size == (512, 512)
    assert result.mode == "RGB"


def test_jpeg_is_centre_cropped_to_a_square():
    # A wide image: red left strip, green centre, blue right strip. Only green survives.
    image = Image.new("RGB", (1500, 500), (0, 200, 0))
    image.paste((255, 0, 0), (0, 0, 400, 500))
    image.paste((0, 0, 255), (1100, 0, 1500, 500))
    out = io.BytesIO()
    image.save(out, format="JPEG")
    result = open_result(images.process_photo(upload(out.getvalue())))
    assert result.size == (512, 512)
    for x in (5, 256, 506):
        r, g, b = result.getpixel((x, 256))
        assert g > 150 and r < 60 and b < 60


def test_exif_orientation_is_applied_then_stripped():
    result = open_result(images.process_photo(upload(two_tone_jpeg_rotated())))
    top = result.getpixel((256, 40))
    bottom = result.getpixel((256, 470))
    assert top[0] > 200 and top[2] < 60, top  # red on top once rotated
    assert bottom[2] > 200 and bottom[0] < 60, bottom
    assert len(result.getexif()) == 0
    assert "exif" not in result.info


def test_gif_and_webp_are_accepted():
    for fmt in ("GIF", "WEBP"):
        out = io.BytesIO()
        Image.new("RGB", (300, 300), (10, 10, 10)).save(out, format=fmt)
        result = open_result(images.process_photo(upload(out.getvalue(), f"a.{fmt.lower()}")))
        assert result.size == (512, 512)


@pytest.mark.parametrize(
    "data",
    [
        b"This is a text file pretending to be a photo.\n" * 20,
        b"",
        b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
        b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n",
        png_bytes()[:60],  # a truncated PNG
    ],
    ids=["text", "empty", "svg", "pdf", "truncated"],
)
def test_non_images_are_refused_whatever_their_name_or_type(data):
    with pytest.raises(ValidationError) as exc:
        images.process_photo(upload(data, "holiday.jpg", "image/jpeg"))
    assert exc.value.code == images.CODE_NOT_IMAGE


def test_oversized_file_is_refused(settings):
    data = jpeg_bytes()
    settings.GUANXI_MAX_PHOTO_BYTES = len(data) - 1
    with pytest.raises(ValidationError) as exc:
        images.process_photo(upload(data))
    assert exc.value.code == images.CODE_TOO_LARGE


def test_oversized_file_is_refused_even_when_its_size_lies(settings):
    data = jpeg_bytes()
    settings.GUANXI_MAX_PHOTO_BYTES = len(data) - 1
    lying = upload(data)
    lying.size = 10
    with pytest.raises(ValidationError) as exc:
        images.process_photo(lying)
    assert exc.value.code == images.CODE_TOO_LARGE


def test_too_many_pixels_is_refused_before_decoding():
    # 8000 x 8000 = 64 megapixels in a file of a few kilobytes.
    out = io.BytesIO()
    Image.new("1", (8000, 8000), 0).save(out, format="PNG", optimize=True)
    data = out.getvalue()
    assert len(data) < 200_000
    with pytest.raises(ValidationError) as exc:
        images.process_photo(upload(data, "bomb.png", "image/png"))
    assert exc.value.code == images.CODE_TOO_LARGE


def test_decompression_bomb_header_is_refused():
    with pytest.raises(ValidationError) as exc:
        images.process_photo(upload(huge_png_header(), "bomb.png", "image/png"))
    assert exc.value.code == images.CODE_TOO_LARGE


def test_pixel_limit_is_configurable(settings):
    settings.GUANXI_MAX_PHOTO_PIXELS = 100 * 100
    with pytest.raises(ValidationError):
        images.process_photo(upload(jpeg_bytes((101, 100))))
    images.process_photo(upload(jpeg_bytes((100, 100))))


# --- services ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_replacing_the_photo_deletes_the_old_file(alice, django_capture_on_commit_callbacks):
    profile = alice.profile
    with django_capture_on_commit_callbacks(execute=True):
        services.profile_photo_set(profile=profile, upload=upload(jpeg_bytes()))
    first = profile.photo.name
    assert first.startswith(f"photos/{alice.pk}/") and first.endswith(".jpg")
    assert default_storage.exists(first)
    with django_capture_on_commit_callbacks(execute=True):
        services.profile_photo_set(profile=profile, upload=upload(png_bytes(), "b.png"))
    second = Profile.objects.get(pk=alice.pk).photo.name
    assert second != first
    assert default_storage.exists(second)
    assert not default_storage.exists(first)
    with default_storage.open(second) as stored:
        assert open_result(stored.read()).size == (512, 512)


@pytest.mark.django_db
def test_a_refused_upload_keeps_the_current_photo(alice, django_capture_on_commit_callbacks):
    profile = alice.profile
    with django_capture_on_commit_callbacks(execute=True):
        services.profile_photo_set(profile=profile, upload=upload(jpeg_bytes()))
    name = profile.photo.name
    with pytest.raises(Invalid):
        services.profile_photo_set(profile=profile, upload=upload(b"not an image"))
    assert Profile.objects.get(pk=alice.pk).photo.name == name
    assert default_storage.exists(name)


@pytest.mark.django_db
def test_removing_the_photo_deletes_the_file(alice, django_capture_on_commit_callbacks):
    profile = alice.profile
    with django_capture_on_commit_callbacks(execute=True):
        services.profile_photo_set(profile=profile, upload=upload(jpeg_bytes()))
    name = profile.photo.name
    with django_capture_on_commit_callbacks(execute=True):
        services.profile_photo_remove(profile=profile)
    assert not Profile.objects.get(pk=alice.pk).photo
    assert not default_storage.exists(name)
    # Removing again is harmless.
    services.profile_photo_remove(profile=profile)


# --- the edit page ------------------------------------------------------------------------


@pytest.mark.django_db
def test_upload_from_the_edit_page(alice, login, django_capture_on_commit_callbacks):
    client = login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/profile/edit/photo/", {"photo": upload(png_bytes(), "me.png", "image/png")}
        )
    assert response.status_code == 302
    profile = Profile.objects.get(pk=alice.pk)
    assert profile.photo
    page = client.get(f"/@{alice.username}/").content.decode()
    assert profile.photo.url in page
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/profile/edit/photo/remove/").status_code == 302
    assert not Profile.objects.get(pk=alice.pk).photo


@pytest.mark.django_db
@pytest.mark.parametrize("htmx", [False, True], ids=["plain-post", "htmx"])
def test_edit_page_refuses_an_upload_with_its_status_and_reason(alice, login, settings, htmx):
    """413 for too many bytes or pixels, 422 for anything else, with the form and its
    error: the section's own page for a plain post; the section fragment for htmx, 200
    as htmx swaps only a 2xx (core.outcomes.form_status)."""
    client = login(alice)
    headers = {"HX-Request": "true"} if htmx else {}

    def post(data, status, reason=""):
        response = client.post("/profile/edit/photo/", data, headers=headers)
        page = response.content.decode()
        assert 'name="photo"' in page and "field-invalid" in page  # the form, with its error
        assert ("<html" in page) is not htmx  # the whole page only without htmx
        assert response.status_code == (200 if htmx else status)
        assert reason in page

    post({"photo": upload(b"hello", "cat.jpg")}, 422, "not an image we can read")
    post({"photo": upload(huge_png_header(), "big.png", "image/png")}, 413, "too many pixels")
    post({}, 422)
    settings.GUANXI_MAX_PHOTO_BYTES = 100
    post({"photo": upload(jpeg_bytes())}, 413, "too large")
    assert not Profile.objects.get(pk=alice.pk).photo


@pytest.mark.django_db
def test_htmx_upload_and_removal_answer_with_the_section(
    alice, login, django_capture_on_commit_callbacks
):
    client = login(alice)
    headers = {"HX-Request": "true"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/profile/edit/photo/",
            {"photo": upload(png_bytes(), "me.png", "image/png")},
            headers=headers,
        )
    assert response.status_code == 200
    profile = Profile.objects.get(pk=alice.pk)
    page = response.content.decode()
    assert 'id="photo"' in page and "<html" not in page and profile.photo.url in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/profile/edit/photo/remove/", headers=headers)
    assert response.status_code == 200 and 'id="photo"' in response.content.decode()
    assert not Profile.objects.get(pk=alice.pk).photo


# --- the API ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_api_photo_upload_and_delete(alice, login, django_capture_on_commit_callbacks):
    client = login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/me/profile/photo", {"photo": upload(jpeg_bytes())})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["photo_url"].startswith("http://testserver/media/photos/")
    name = Profile.objects.get(pk=alice.pk).photo.name
    with django_capture_on_commit_callbacks(execute=True):
        response = client.delete("/api/v1/me/profile/photo")
    assert response.status_code == 204
    assert not default_storage.exists(name)
    assert client.get("/api/v1/me/profile").json()["photo_url"] is None


@pytest.mark.django_db
def test_api_refuses_a_non_image_with_422(alice, login):
    response = login(alice).post(
        "/api/v1/me/profile/photo", {"photo": upload(b"plain text", "x.jpg")}
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert "photo" in error["fields"]


@pytest.mark.django_db
def test_api_refuses_a_too_big_file_with_413(alice, login, settings):
    settings.GUANXI_MAX_PHOTO_BYTES = 500
    response = login(alice).post("/api/v1/me/profile/photo", {"photo": upload(jpeg_bytes())})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"


@pytest.mark.django_db
def test_api_refuses_too_many_pixels_with_413(alice, login):
    response = login(alice).post(
        "/api/v1/me/profile/photo", {"photo": upload(huge_png_header(), "b.png", "image/png")}
    )
    assert response.status_code == 413


@pytest.mark.django_db
def test_api_photo_needs_a_file_and_a_member(alice, login, client):
    assert login(alice).post("/api/v1/me/profile/photo", {}).status_code == 422
    assert (
        client.post("/api/v1/me/profile/photo", {"photo": upload(jpeg_bytes())}).status_code == 401
    )


@pytest.mark.django_db
def test_shared_files_are_never_deleted(alice, bob, django_capture_on_commit_callbacks):
    """Demo members share avatar files: replacing or removing one member's photo must
    leave the shared file alone."""
    shared = default_storage.save("demo/avatar-01.jpg", upload(jpeg_bytes()))
    Profile.objects.filter(pk__in=[alice.pk, bob.pk]).update(photo=shared)
    with django_capture_on_commit_callbacks(execute=True):
        services.profile_photo_set(
            profile=Profile.objects.get(pk=alice.pk), upload=upload(jpeg_bytes())
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.profile_photo_remove(profile=Profile.objects.get(pk=bob.pk))
    assert default_storage.exists(shared)
    assert not services.photo_file_is_owned(user_id=alice.pk, name=shared)
    assert services.photo_file_is_owned(
        user_id=alice.pk, name=Profile.objects.get(pk=alice.pk).photo.name
    )
    assert not services.photo_file_is_owned(user_id=bob.pk, name=f"photos/{alice.pk}/x.jpg")


@pytest.mark.django_db
def test_faces_show_what_the_profile_shows(alice, bob):
    """The relationship panel's faces (plain rows) give the avatar the profile's own
    photo URL and initials."""
    Profile.objects.filter(pk=alice.pk).update(photo="photos/alice.jpg")
    profiles = {p.pk: p for p in Profile.objects.filter(pk__in=[alice.pk, bob.pk])}
    got = faces([alice.pk, bob.pk, 0])
    assert set(got) == {alice.pk, bob.pk}
    for pk, face in got.items():
        assert (face.photo_url, face.initials) == (profiles[pk].photo_url, profiles[pk].initials)
    assert got[alice.pk].photo_url and got[bob.pk].photo_url is None
