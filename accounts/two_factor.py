"""Two-step sign-in: a code from an authenticator app (TOTP, RFC 6238), or a recovery code.

The app and the site share a secret; both turn it and the time into a 6-digit code that
changes every 30 seconds. Codes from 30 seconds either side are accepted, for clocks a little
out, and each code works once. Recovery codes are random, shown once and stored hashed.
"""

import base64
import hashlib
import hmac
import secrets

import pyotp
import qrcode
import qrcode.image.svg
from django.utils import timezone

ISSUER = "Coproduce"
RECOVERY_CODE_COUNT = 10
# No 0/o, 1/l/i: people copy these by hand.
RECOVERY_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"


def new_secret() -> str:
    return pyotp.random_base32()


def secret_for_reading(secret: str) -> str:
    """The secret in groups of four, for typing into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def app_link(secret: str, email: str, issuer: str = ISSUER) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=issuer)


def qr_code_image(link: str) -> str:
    """The QR code as an SVG data address for an <img>, drawn here: nothing leaves the site."""
    image = qrcode.make(link, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return "data:image/svg+xml;base64," + base64.b64encode(image.to_string()).decode()


def code_digits(code: str) -> str:
    return "".join(code.split()).replace("-", "")


def matching_step(secret: str, code: str, *, after: int = 0) -> int | None:
    """The time step whose code this is, if it is now (give or take one) and newer than `after`."""
    totp = pyotp.TOTP(secret)
    current = totp.timecode(timezone.now())
    for step in (current - 1, current, current + 1):
        if step > after and hmac.compare_digest(totp.generate_otp(step), code_digits(code)):
            return step
    return None


def new_recovery_codes() -> list[str]:
    """Ten codes like "k7m2p-x9f4q", each about 50 bits: guessing one is hopeless."""
    codes = []
    for _n in range(RECOVERY_CODE_COUNT):
        letters = "".join(secrets.choice(RECOVERY_ALPHABET) for _i in range(10))
        codes.append(f"{letters[:5]}-{letters[5:]}")
    return codes


def recovery_code_hash(code: str) -> str:
    # Random codes need no slow hash: a plain digest cannot be reversed to a usable code.
    return hashlib.sha256(code_digits(code).lower().encode()).hexdigest()
