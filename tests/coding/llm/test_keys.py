"""Per-user keys at rest (codemm.md §4): AES-256-GCM in the original's stored format."""

import base64
import json

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from pydantic import SecretStr

from acelab.coding.llm.keys import EncryptionKeyUnavailable, UndecryptableKey, UserKeyCipher

KEY = bytes(range(32))
API_KEY = "sk-proj-user-key-0123456789"


def cipher() -> UserKeyCipher:
    return UserKeyCipher(KEY)


def node_style_record(key: bytes, iv: bytes, plaintext: str) -> str:
    """What the original wrote: createCipheriv("aes-256-gcm"), update + final, getAuthTag()."""
    encryptor = Cipher(algorithms.AES(key), modes.GCM(iv)).encryptor()
    ciphertext = encryptor.update(plaintext.encode()) + encryptor.finalize()

    def b64(data: bytes) -> str:
        return base64.b64encode(data).decode()

    fields = {
        "v": 1,
        "alg": "aes-256-gcm",
        "iv_b64": b64(iv),
        "tag_b64": b64(encryptor.tag),
        "ct_b64": b64(ciphertext),
    }
    return json.dumps(fields, separators=(",", ":"))


class TestEncrypt:
    def test_round_trip(self):
        assert cipher().decrypt(cipher().encrypt(API_KEY)) == API_KEY

    def test_stored_text_is_the_original_s_format(self):
        stored = cipher().encrypt(API_KEY)
        record = json.loads(stored)
        assert list(record) == ["v", "alg", "iv_b64", "tag_b64", "ct_b64"]
        assert (record["v"], record["alg"]) == (1, "aes-256-gcm")
        assert len(base64.b64decode(record["iv_b64"])) == 12
        assert len(base64.b64decode(record["tag_b64"])) == 16
        assert len(base64.b64decode(record["ct_b64"])) == len(API_KEY)
        assert API_KEY not in stored and " " not in stored

    def test_every_encryption_has_a_fresh_iv(self):
        first, second = (json.loads(cipher().encrypt(API_KEY)) for _ in range(2))
        assert first["iv_b64"] != second["iv_b64"]

    def test_rows_written_by_the_original_stay_readable(self):
        stored = node_style_record(KEY, bytes(12), API_KEY)
        assert cipher().decrypt(stored) == API_KEY


class TestDecryptFailures:
    def test_another_encryption_key(self):
        with pytest.raises(UndecryptableKey, match="^wrong encryption key or tampered ciphertext$"):
            UserKeyCipher(bytes(32)).decrypt(cipher().encrypt(API_KEY))

    def test_a_tampered_ciphertext(self):
        record = json.loads(cipher().encrypt(API_KEY))
        raw = bytearray(base64.b64decode(record["ct_b64"]))
        raw[0] ^= 1
        record["ct_b64"] = base64.b64encode(bytes(raw)).decode()
        with pytest.raises(UndecryptableKey, match="tampered"):
            cipher().decrypt(json.dumps(record))

    @pytest.mark.parametrize(
        ("stored", "reason"),
        [
            ("not json", "malformed ciphertext"),
            ("[1, 2]", "malformed ciphertext"),
            ('{"v": 2, "alg": "aes-256-gcm"}', "unsupported ciphertext format"),
            ('{"v": 1, "alg": "aes-128-cbc"}', "unsupported ciphertext format"),
            (
                '{"v": 1, "alg": "aes-256-gcm", "iv_b64": "!!", "tag_b64": "", "ct_b64": ""}',
                "malformed ciphertext",
            ),
            (
                '{"v": 1, "alg": "aes-256-gcm", "iv_b64": "AAAA", "tag_b64": "AAAA", "ct_b64": ""}',
                "malformed",
            ),
            ('{"v": 1, "alg": "aes-256-gcm"}', "malformed ciphertext"),
        ],
    )
    def test_malformed_records(self, stored, reason):
        with pytest.raises(UndecryptableKey, match=reason):
            cipher().decrypt(stored)


class TestEncryptionKeySetting:
    @pytest.mark.parametrize(
        "configured",
        [
            KEY.hex(),
            KEY.hex().upper(),
            base64.b64encode(KEY).decode(),
            base64.urlsafe_b64encode(KEY).decode().rstrip("="),
            f"  {KEY.hex()}\n",
        ],
    )
    def test_64_hex_characters_or_base64_of_32_bytes(self, configured):
        built = UserKeyCipher.from_setting(SecretStr(configured))
        assert built.decrypt(cipher().encrypt(API_KEY)) == API_KEY

    @pytest.mark.parametrize("configured", [None, SecretStr(""), SecretStr("   ")])
    def test_missing_names_the_variable(self, configured):
        with pytest.raises(EncryptionKeyUnavailable, match=r"^CODEMM_USER_KEY_ENCRYPTION_KEY is not set\.$"):
            UserKeyCipher.from_setting(configured)

    @pytest.mark.parametrize(
        "configured",
        [KEY.hex()[:-2], base64.b64encode(bytes(16)).decode(), "correct horse battery staple", "zz" * 32],
    )
    def test_a_key_of_the_wrong_size_is_refused_without_quoting_it(self, configured):
        with pytest.raises(EncryptionKeyUnavailable) as caught:
            UserKeyCipher.from_setting(SecretStr(configured))
        assert (
            str(caught.value)
            == "CODEMM_USER_KEY_ENCRYPTION_KEY must be 32 bytes: 64 hex characters or base64."
        )
