"""WeCom's callback encryption (WXBizMsgCrypt, 加解密方案说明; reference §5.2 and §E1),
written here from the reference rather than taken from ReleaseGate's WeCom integration,
so the simulator checks that integration instead of agreeing with it.

AES key = base64decode(EncodingAESKey + "="), AES-256-CBC with IV = key[:16]; the
plaintext is random(16) ‖ len(msg) (4 bytes, big-endian) ‖ msg ‖ receiveid (the corpid),
padded PKCS#7 to a multiple of 32; base64. `msg_signature` is the SHA-1 hex of the sorted
concatenation of token, timestamp, nonce and the ciphertext."""

from __future__ import annotations

import base64
import hashlib
import os
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

BLOCK = 32


def aes_key(encoding_aes_key: str) -> bytes:
    key = base64.b64decode(encoding_aes_key + "=")
    if len(key) != 32:
        raise ValueError("an EncodingAESKey is 43 characters of base64 (32 bytes)")
    return key


def _cipher(encoding_aes_key: str) -> Cipher[modes.CBC]:
    key = aes_key(encoding_aes_key)
    return Cipher(algorithms.AES(key), modes.CBC(key[:16]))


def encrypt(
    encoding_aes_key: str, receive_id: str, message: str, random: bytes | None = None
) -> str:
    """The base64 ciphertext of `message`; a random prefix unless given (tests pass E1's)."""
    body = message.encode()
    plain = (random or os.urandom(16)) + struct.pack(">I", len(body)) + body + receive_id.encode()
    pad = BLOCK - len(plain) % BLOCK
    plain += bytes([pad]) * pad
    encryptor = _cipher(encoding_aes_key).encryptor()
    return base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode()


def decrypt(encoding_aes_key: str, receive_id: str, encrypted: str) -> str:
    """The message inside `encrypted`; raises ValueError when it does not decrypt or was
    sealed for another receiveid."""
    raw = base64.b64decode(encrypted)
    if not raw or len(raw) % 16:
        raise ValueError("not an AES-CBC message")
    decryptor = _cipher(encoding_aes_key).decryptor()
    plain = decryptor.update(raw) + decryptor.finalize()
    pad = plain[-1]
    if not 1 <= pad <= BLOCK:
        raise ValueError("bad padding")
    plain = plain[:-pad]
    (length,) = struct.unpack(">I", plain[16:20])
    if plain[20 + length :].decode() != receive_id:
        raise ValueError("sealed for another receiveid")
    return plain[20 : 20 + length].decode()


def signature(token: str, timestamp: str, nonce: str, encrypted: str) -> str:
    joined = "".join(sorted([token, timestamp, nonce, encrypted]))
    # WeCom's scheme is SHA-1; it names the message, it does not protect a secret.
    return hashlib.sha1(joined.encode(), usedforsecurity=False).hexdigest()
