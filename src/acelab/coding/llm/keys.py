"""Per-user LLM keys at rest (codemm.md §4): AES-256-GCM under CODEMM_USER_KEY_ENCRYPTION_KEY.

The stored text is the original's, so its rows stay readable:
`{"v":1,"alg":"aes-256-gcm","iv_b64":"…","tag_b64":"…","ct_b64":"…"}` (standard base64, 12-byte IV,
16-byte tag, no associated data). No message here ever quotes a key, plain or encrypted.
"""

import base64
import binascii
import json
import os
import re

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from pydantic import SecretStr

ENV_NAME = "CODEMM_USER_KEY_ENCRYPTION_KEY"
ALGORITHM = "aes-256-gcm"
KEY_BYTES = 32
IV_BYTES = 12
TAG_BYTES = 16
_HEX_KEY = re.compile(r"[0-9a-fA-F]{64}")


class EncryptionKeyUnavailable(Exception):
    """The server has no usable encryption key (PUT /profile/llm answers 501 with this as `detail`)."""


class UndecryptableKey(Exception):
    """A stored key cannot be decrypted; the message says why, never what."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: object) -> bytes:
    if not isinstance(text, str):
        raise UndecryptableKey("malformed ciphertext")
    try:
        return base64.b64decode(text, validate=True)
    except binascii.Error:
        raise UndecryptableKey("malformed ciphertext") from None


def _parse_key(value: str) -> bytes:
    """64 hex characters, else base64 (standard or URL-safe, padding optional) of exactly 32 bytes."""
    value = value.strip()
    if _HEX_KEY.fullmatch(value):
        return bytes.fromhex(value)
    standard = value.replace("-", "+").replace("_", "/")
    try:
        key = base64.b64decode(standard + "=" * (-len(standard) % 4), validate=True)
    except binascii.Error:
        key = b""
    if len(key) != KEY_BYTES:
        raise EncryptionKeyUnavailable(f"{ENV_NAME} must be 32 bytes: 64 hex characters or base64.")
    return key


class UserKeyCipher:
    __slots__ = ("_aead",)

    def __init__(self, key: bytes) -> None:
        self._aead = AESGCM(key)

    def __repr__(self) -> str:
        return "UserKeyCipher()"

    @classmethod
    def from_setting(cls, value: SecretStr | None) -> "UserKeyCipher":
        """Build the cipher from the configured key; raise EncryptionKeyUnavailable if there is none."""
        if value is None or not value.get_secret_value().strip():
            raise EncryptionKeyUnavailable(f"{ENV_NAME} is not set.")
        return cls(_parse_key(value.get_secret_value()))

    def encrypt(self, api_key: str) -> str:
        """Return the stored text for `api_key`, under a fresh random IV."""
        iv = os.urandom(IV_BYTES)
        sealed = self._aead.encrypt(iv, api_key.encode("utf-8"), None)
        ciphertext, tag = sealed[:-TAG_BYTES], sealed[-TAG_BYTES:]
        record = {
            "v": 1,
            "alg": ALGORITHM,
            "iv_b64": _b64(iv),
            "tag_b64": _b64(tag),
            "ct_b64": _b64(ciphertext),
        }
        return json.dumps(record, separators=(",", ":"))

    def decrypt(self, stored: str) -> str:
        """Return the key sealed in `stored`; raise UndecryptableKey with the reason."""
        try:
            record = json.loads(stored)
        except ValueError:
            raise UndecryptableKey("malformed ciphertext") from None
        if not isinstance(record, dict):
            raise UndecryptableKey("malformed ciphertext")
        if record.get("v") != 1 or record.get("alg") != ALGORITHM:
            raise UndecryptableKey("unsupported ciphertext format")
        iv, tag, ciphertext = (_unb64(record.get(f)) for f in ("iv_b64", "tag_b64", "ct_b64"))
        if len(iv) != IV_BYTES or len(tag) != TAG_BYTES:
            raise UndecryptableKey("malformed ciphertext")
        try:
            plain = self._aead.decrypt(iv, ciphertext + tag, None)
        except InvalidTag:
            raise UndecryptableKey("wrong encryption key or tampered ciphertext") from None
        try:
            return plain.decode("utf-8")
        except UnicodeDecodeError:
            raise UndecryptableKey("malformed plaintext") from None
