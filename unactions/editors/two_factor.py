"""Two-step login for editors: a password, then a code from an authenticator app.

Some of what editors keep is confidential until the UN publishes it, so a guessed or
stolen password alone must not open the editors' pages. django-otp keeps the devices
and checks the codes (TOTP, RFC 6238, with its own throttling after wrong codes); this
module is what the tracker does with them: the setting that requires it, setting up an
app, the recovery codes that replace a lost phone, and turning it off.

Each editor has at most one confirmed authenticator ("TOTP device") and one set of
recovery codes ("static device"), each code good once.
"""

from __future__ import annotations

import base64

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODES = 10
_NAME = "authenticator"


def required() -> bool:
    """Whether every editor must use two-step login (settings.UNACTIONS_TWO_FACTOR)."""
    return settings.UNACTIONS_TWO_FACTOR == "required"


def is_on(user) -> bool:
    """Whether the user has set up an authenticator app."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


def must_set_up(user) -> bool:
    """Whether a logged-in editor must set up two-step login before anything else."""
    return required() and not user.is_verified() and not is_on(user)


def pending_device(user) -> TOTPDevice:
    """The authenticator being set up (a new secret key, unconfirmed until the editor
    types a code it gives); the same one until it is confirmed."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_NAME, confirmed=False)
    return device


def confirm(device: TOTPDevice, code: str) -> list[str] | None:
    """Turn the authenticator on if `code` is one it gives now: the new recovery codes,
    or None for a wrong code."""
    if not device.verify_token(_read(code)[1]):
        return None
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        return new_recovery_codes(device.user)


def new_recovery_codes(user) -> list[str]:
    """Recovery codes for the user, replacing any before: shown once, each good once."""
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name="recovery codes")
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user).count()


def verified_device(user, code: str):
    """The user's device that accepts `code`: the authenticator's code of the moment (six
    digits), or an unused recovery code (eight letters and digits), which it uses up.
    None if none does."""
    kind, token = _read(code)
    # Locked while checked: a code is not accepted twice by two requests at once.
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=True, for_verify=True):
            if isinstance(device, kind) and device.verify_token(token):
                return device
    return None


def throttled(user, code: str) -> bool:
    """Whether the user's device of the kind of `code` refuses codes for a while after
    wrong ones (django-otp doubles the wait after each: 1 s, 2 s, 4 s...)."""
    kind, _ = _read(code)
    return any(
        not device.verify_is_allowed()[0]
        for device in kind.objects.devices_for_user(user, confirmed=True)
    )


def turn_off(user) -> None:
    """Remove the user's authenticator and recovery codes (a lost phone: see the
    `reset-two-factor` command)."""
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=None):
            device.delete()


def secret(device: TOTPDevice) -> str:
    """The secret key as an app asks for it when typed in: base32, in groups of four."""
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_code_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// address as a QR code, an SVG element drawn here (the page
    loads nothing from another host)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    return image.to_string(encoding="unicode")


def _read(code: str) -> tuple[type, str]:
    """The kind of device a code is from, and the code as it checks it: as typed, with
    spaces and dashes left out ("123 456" is 123456), in lower case."""
    typed = "".join(c for c in code if c.isalnum()).lower()
    if typed.isdigit() and len(typed) == 6:
        return TOTPDevice, typed
    return StaticDevice, typed
